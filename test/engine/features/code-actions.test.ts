import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument, type DocumentAnalysis } from '../../../server/src/engine/analysis';
import {
  codeActions,
  STRICT_LOOKAHEAD_STEPS,
  VERIFIED_DIAGNOSTICS,
  type CodeAction,
} from '../../../server/src/engine/features/code-actions';
import { verificationWork } from '../../../server/src/engine/features/fix-verification';
import { applyEdits } from '../../../server/src/engine/features/edits';
import { NO_STRATEGY, PLACED_MISALIGNED, TYPO, WINDOW_EXHAUSTED } from './samples';

function actionsFor(text: string, code: string): { analysis: DocumentAnalysis; actions: CodeAction[] } {
  const analysis = analyseDocument(text);
  const d = analysis.diagnostics.find((x) => x.code === code);
  assert.ok(d, `no ${code} in the fixture`);
  return { analysis, actions: codeActions(analysis, d.range).filter((a) => a.diagnostic.code === code) };
}

/** Applying the action leaves no diagnostic of that code with that message start in the scenario. */
function assertFixes(text: string, action: CodeAction): string {
  const fixed = applyEdits(text, action.edits);
  const after = analyseDocument(fixed);
  const left = after.diagnostics.filter((d) => d.code === action.diagnostic.code && d.severity !== 'info');
  assert.deepEqual(
    left.map((d) => d.message),
    [],
    `"${action.title}" left the diagnostic:\n${fixed}`,
  );
  return fixed;
}

describe('code actions', () => {
  test('pointer-outside-window → switch the strategy to placed (inserted), and it works', () => {
    const { actions } = actionsFor(NO_STRATEGY, 'pointer-outside-window');
    const action = actions.find((a) => a.title.startsWith('Switch the strategy to placed'));
    assert.ok(action);
    assert.equal(action.preferred, true);
    const fixed = assertFixes(NO_STRATEGY, action);
    assert.match(fixed, /\n {2}strategy placed\n {2}mem = vkAllocateMemory/);
  });

  test('pointer-outside-window → an existing strategy line is edited', () => {
    const text = NO_STRATEGY.replace('{\n', '{\n  strategy none\n');
    const { actions } = actionsFor(text, 'pointer-outside-window');
    const fixed = assertFixes(text, actions[0]!);
    assert.match(fixed, /strategy placed\n/);
    assert.ok(!/strategy none/.test(fixed));
  });

  test('no strategy fix where placed maps cannot help (driver without the extension)', () => {
    const text = NO_STRATEGY.replace('{\n', '{\n  driver lvp {\n    placed-map none\n  }\n');
    const { actions } = actionsFor(text, 'pointer-outside-window');
    assert.ok(!actions.some((a) => a.title.includes('placed')));
  });

  test('VUID 09577: align the placed address down or up to the driver alignment', () => {
    const { actions } = actionsFor(PLACED_MISALIGNED, 'vulkan-valid-usage');
    const titles = actions.map((a) => a.title);
    assert.ok(
      titles.some((t) => t.includes('down to 0x1000_0000 (64 KiB)')),
      titles.join('\n'),
    );
    assert.ok(
      titles.some((t) => t.includes('up to 0x1001_0000 (64 KiB)')),
      titles.join('\n'),
    );
    for (const a of actions) assertFixes(PLACED_MISALIGNED, a);
  });

  test('window-exhausted → large-address-aware', () => {
    const { actions } = actionsFor(WINDOW_EXHAUSTED, 'window-exhausted');
    const action = actions.find((a) => a.title.includes('large-address-aware'));
    assert.ok(action);
    assert.match(assertFixes(WINDOW_EXHAUSTED, action), /strategy placed\n {2}large-address-aware\n/);
    // Written `large-address-aware no`: changed in place, not added a second time.
    const said = WINDOW_EXHAUSTED.replace(
      '  strategy placed\n',
      '  strategy placed\n  large-address-aware no\n',
    );
    const inPlace = actionsFor(said, 'window-exhausted').actions.find((a) =>
      a.title.includes('large-address-aware'),
    );
    assert.ok(inPlace);
    const fixed = assertFixes(said, inPlace);
    assert.match(fixed, /strategy placed\n {2}large-address-aware\n {2}mem =/);
  });

  test('a suggested spelling', () => {
    const { actions } = actionsFor(TYPO, 'unknown-word');
    assert.equal(actions[0]?.title, 'Change to `munmap`');
    assertFixes(TYPO, actions[0]!);
  });

  test('a misspelt actor: `devce writes` → `device`, `wnie writes` → `wine`, a driver by its name', () => {
    const text = (actor: string) =>
      `scenario "typos" {\n  driver gpu {\n    preset radv\n  }\n  mem = vkAllocateMemory 1MiB host-visible coherent\n  a = mmap 4KiB rw private anon\n  ${actor}\n}\n`;
    for (const [line, fix] of [
      ['devce writes mem, 4', 'device'],
      ['devic reads mem, 4', 'device'],
      ['wnie writes a, 4', 'wine'],
      ['gpuu writes mem, 4', 'gpu'],
    ] as const) {
      const { actions } = actionsFor(text(line), 'unknown-name');
      assert.equal(actions[0]?.title, `Change to \`${fix}\``, line);
      assertFixes(text(line), actions[0]!);
    }
  });

  test("a memory object in a raw syscall not by its driver → make the step the driver's (`by lvp`), and it works", () => {
    const text = (line: string) =>
      `scenario "qa" {\n  driver lvp {\n    preset lavapipe\n  }\n  driver radv {\n    preset radv\n  }\n  mem = vkAllocateMemory 1MiB host-visible coherent driver lvp\n  ${line}\n}\n`;
    for (const [line, fixed] of [
      ['madvise mem, 4KiB, dontneed by radv', 'madvise mem, 4KiB, dontneed by lvp'],
      ['madvise mem, 4KiB, dontneed', 'madvise mem, 4KiB, dontneed by lvp'],
      ['munmap mem + 4KiB, 4KiB by app', 'munmap mem + 4KiB, 4KiB by lvp'],
      ['res = mprotect mem, 4KiB, r', 'res = mprotect mem, 4KiB, r by lvp'],
    ] as const) {
      const { actions } = actionsFor(text(line), 'wrong-kind');
      assert.deepEqual(
        actions.map((a) => a.title),
        ["Make the step lvp's (`by lvp`): its own CPU address of the memory"],
        line,
      );
      assert.equal(assertFixes(text(line), actions[0]!), text(fixed), line);
    }
  });

  test('a void Vulkan command compared with a VkResult → compare it with `ok`, and it works', () => {
    const text = (line: string) =>
      `scenario "void" {\n  m = vkAllocateMemory 64KiB host-visible coherent\n  p = vkMapMemory m\n  u = vkUnmapMemory m\n  ${line}\n}\n`;
    for (const op of ['==', '!=']) {
      const line = `expect u ${op} VK_SUCCESS`;
      const { actions } = actionsFor(text(line), 'wrong-kind');
      assert.deepEqual(
        actions.map((a) => a.title),
        ['Compare u with `ok` (vkUnmapMemory returns void)'],
        line,
      );
      // The operator stays: `!= VK_SUCCESS` becomes `!= ok`, which still says "did not succeed".
      assert.equal(applyEdits(text(line), actions[0]!.edits), text(`expect u ${op} ok`), line);
    }
    assertFixes(
      text('expect u == VK_SUCCESS'),
      actionsFor(text('expect u == VK_SUCCESS'), 'wrong-kind').actions[0]!,
    );
    // An error code has no counterpart for a command that cannot fail with one: no fix that flips
    // the expectation from failure to success.
    for (const line of ['expect u == VK_ERROR_MEMORY_MAP_FAILED', 'expect u != VK_ERROR_MEMORY_MAP_FAILED'])
      assert.deepEqual(
        actionsFor(text(line), 'wrong-kind').actions.map((a) => a.title),
        [],
        line,
      );
  });

  test('a half-typed `by` (no actor yet): one syntax error, not wrong-kind, and no fix that makes it `by by lvp`', () => {
    for (const line of ['res = madvise mem, 4KiB, free by', 'r2 = mprotect mem + 0x1000, 1 pages, r by']) {
      const text = `scenario "byfix" {\n  driver lvp {\n    preset lavapipe\n  }\n  mem = vkAllocateMemory 1MiB host-visible coherent\n  ${line}\n}\n`;
      const analysis = analyseDocument(text);
      assert.deepEqual(
        analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
        ['syntax-error: `by` needs a value'],
        line,
      );
      const lineStart = text.indexOf(line);
      for (const action of codeActions(analysis, { start: lineStart, end: lineStart + line.length }))
        assert.doesNotMatch(applyEdits(text, action.edits), /by by/, action.title);
    }
  });

  test("the engine's own fixes become edits and work (mremap DONTUNMAP without MAYMOVE)", () => {
    const text =
      'scenario "s" {\n  a = mmap 2MiB rw private anon\n  b = mremap a, 2MiB, 2MiB, dontunmap\n}\n';
    const { actions } = actionsFor(text, 'kernel-refused');
    assert.ok(actions.length > 0);
    assertFixes(text, actions[0]!);
  });

  test('DONTUNMAP without MAYMOVE and with a new size: one preferred fix for both, and it works', () => {
    const text =
      'scenario "both" {\n  kernel 6.6\n  a = mmap 8KiB rw private anon\n  b = mremap a, 8KiB, 16KiB, dontunmap\n}\n';
    const { actions } = actionsFor(text, 'kernel-refused');
    assert.deepEqual(
      actions.map((a) => `${a.preferred ? '*' : ''}${a.title}`),
      ['*Add the `maymove` flag and keep the old size (DONTUNMAP needs MREMAP_MAYMOVE and cannot resize)'],
    );
    assert.match(assertFixes(text, actions[0]!), /b = mremap a, 8KiB, 8KiB, dontunmap \| maymove\n/);
  });

  test('an mremap that cannot grow in place (ENOMEM, MREMAP_MAYMOVE not set) → add `maymove`, and it works', () => {
    const grow = (flags: string) =>
      `scenario "grow" {\n  a = mmap 4KiB rw private anon\n  b = mmap 4KiB rw private anon\n  c = mremap b, 4KiB, 8KiB${flags}\n}\n`;
    const cases: [string, RegExp][] = [
      [', 0', /c = mremap b, 4KiB, 8KiB, maymove\n/],
      ['', /c = mremap b, 4KiB, 8KiB, maymove\n/],
    ];
    for (const [flags, fixedLine] of cases) {
      const text = grow(flags);
      const { actions } = actionsFor(text, 'kernel-refused');
      assert.deepEqual(
        actions.map((a) => `${a.preferred ? '*' : ''}${a.title}`),
        ['*Add the `maymove` flag (the mapping cannot grow in place; MREMAP_MAYMOVE lets it move)'],
        flags,
      );
      assert.match(assertFixes(text, actions[0]!), fixedLine);
    }
  });

  test('an mmap with neither private nor shared (EINVAL) → add `private` or `shared`, both working', () => {
    const cases: [string, string[]][] = [
      ['e = mmap 4KiB rw anon', ['e = mmap 4KiB rw private anon', 'e = mmap 4KiB rw shared anon']],
      [
        'e = mmap 4KiB rw anon fixed at 0x3000_0000',
        [
          'e = mmap 4KiB rw private anon fixed at 0x3000_0000',
          'e = mmap 4KiB rw shared anon fixed at 0x3000_0000',
        ],
      ],
    ];
    for (const [step, fixedSteps] of cases) {
      const text = `scenario "type" {\n  ${step}\n}\n`;
      const { actions } = actionsFor(text, 'kernel-refused');
      assert.deepEqual(
        actions.map((a) => a.title),
        [
          'Add `private` (MAP_PRIVATE: a copy-on-write mapping of its own)',
          'Add `shared` (MAP_SHARED: writes reach the file or shared memory)',
        ],
      );
      assert.deepEqual(
        actions.map((a) => assertFixes(text, a).split('\n')[1]!.trim()),
        fixedSteps,
      );
    }
  });

  test('page alignment fixes edit the operand the refusal names, and none is offered for an aligned one', () => {
    const cases: [string, RegExp][] = [
      [
        'scenario "new address" {\n  a = mmap 8KiB rw private anon at 0x1000_0000 fixed\n  b = mremap 0x1000_0000, 8KiB, 8KiB, maymove | fixed, 0x2000_0010\n}\n',
        /maymove \| fixed, 0x2000_0000\n/,
      ],
      [
        'scenario "offset" {\n  f = open memfd "x" 64KiB\n  a = mmap 4KiB rw shared fd f offset 0x10 at 0x1000_0000\n}\n',
        /offset 0x0 at 0x1000_0000/,
      ],
    ];
    for (const [text, fixed] of cases) {
      const { actions } = actionsFor(text, 'kernel-refused');
      const down = actions.find((a) => a.title.startsWith('Align down'));
      assert.ok(down, actions.map((a) => a.title).join('\n'));
      assert.match(assertFixes(text, down), fixed);
    }
    // UFFDIO_REGISTER's unaligned length: the reason names the (aligned) address, which no
    // alignment can fix; nothing is offered rather than a fix that changes nothing.
    const uffd =
      'scenario "uffd length" {\n  a = mmap 8KiB rw private anon at 0x1000_0000 fixed\n  uffd 0x1000_0000, 100 zero\n}\n';
    assert.deepEqual(actionsFor(uffd, 'kernel-refused').actions, []);
  });

  test('no fix for a finding the scenario says is intended (`expect diagnostic`)', () => {
    const text =
      'scenario "intended" {\n  kernel 6.6\n  a = mmap 8KiB rw private anon\n  b = mremap a, 8KiB, 8KiB, dontunmap\n  expect diagnostic kernel-refused\n}\n';
    const analysis = analyseDocument(text);
    const intended = analysis.diagnostics.find((d) => d.code === 'kernel-refused');
    assert.equal(intended?.severity, 'info');
    assert.equal(intended?.intended, true);
    assert.deepEqual(codeActions(analysis, intended.range), []);
    // Without the expectation the same step has its fix.
    const plain = text.replace('  expect diagnostic kernel-refused\n', '');
    assert.equal(actionsFor(plain, 'kernel-refused').actions.length, 1);
  });

  test('a refusal that follows from a misspelt word gets no fix of its own: the spelling is the fix', () => {
    const text = 'scenario "t" {\n  y = mmap 4KiB rw privat anon\n}\n';
    const analysis = analyseDocument(text);
    const titles = codeActions(analysis, { start: 0, end: text.length }).map((a) => a.title);
    assert.deepEqual(titles, ['Change to `private`']);
  });

  test('one request verifies the fixes of at most VERIFIED_DIAGNOSTICS diagnostics, the first in the range', () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) => `  munmap 0x7000_${(i + 1).toString(16).padStart(4, '0')}, 4KiB`,
    );
    const text = `scenario "many" {\n  m = mmap 64KiB rw private anon\n${lines.join('\n')}\n}\n`;
    const analysis = analyseDocument(text);
    assert.equal(analysis.diagnostics.filter((d) => d.code === 'kernel-refused').length, 20);
    const actions = codeActions(analysis, { start: 0, end: text.length });
    const fixed = new Set(actions.map((a) => a.diagnostic));
    assert.equal(fixed.size, VERIFIED_DIAGNOSTICS);
    const firstLines = [...fixed].map((d) => analysis.lines.position(d.range.start).line);
    assert.deepEqual(
      firstLines,
      Array.from({ length: VERIFIED_DIAGNOSTICS }, (_, i) => i + 2),
    );
    // The file's own syntax fixes are offered past the cap too.
    const withSyntax = `${text}scenario unquoted-name {\n}\n`;
    const all = codeActions(analyseDocument(withSyntax), { start: 0, end: withSyntax.length });
    assert.ok(
      all.some((a) => a.title.startsWith('Quote the name')),
      all.map((a) => a.title).join('\n'),
    );
    // A range on one of the later lines still gets that line's fixes.
    const last = analysis.diagnostics.filter((d) => d.code === 'kernel-refused').at(-1)!;
    assert.ok(codeActions(analysis, last.range).some((a) => a.title.startsWith('Align down')));
  });

  test('nothing outside the requested range', () => {
    const analysis = analyseDocument(NO_STRATEGY);
    assert.deepEqual(codeActions(analysis, { start: 0, end: 5 }), []);
  });
});

describe('a fix that trades its diagnostic for another on the same line is not offered', () => {
  test('`by radv` where radv has no CPU mapping of the memory (not host-visible, or unmapped)', () => {
    for (const body of [
      '  mem = vkAllocateMemory 1MiB\n  madvise mem, 4KiB, dontneed',
      '  mem = vkAllocateMemory 1MiB host-visible\n  p = vkMapMemory mem\n  vkUnmapMemory mem\n  madvise mem, 4KiB, free',
    ]) {
      const text = `scenario "s" {\n  driver radv {\n    preset radv\n  }\n${body}\n}\n`;
      const titles = actionsFor(text, 'wrong-kind').actions.map((a) => a.title);
      assert.ok(!titles.some((t) => t.includes('by radv')), titles.join(' / '));
    }
  });

  test('a spelling that brings one more of a warning its line already has (a second `use-of-failed-result`)', () => {
    // Judged by code alone, the line's warning for `second` hid the new one for `first`.
    const text = (second: string) =>
      `scenario "s" {\n  first = mmap 4KiB rw anon\n  second = mmap 4KiB rw ${second} anon\n  c = mremap second, 4KiB, 4KiB, maymove fixed, First\n}\n`;
    const spelling = (t: string) => actionsFor(t, 'unknown-name').actions.map((a) => a.title);
    assert.deepEqual(spelling(text('private')), []);
    assert.deepEqual(spelling(text('')), []);
    // Where the name has a value, the spelling is the fix.
    assert.deepEqual(spelling(text('private').replace('rw anon', 'rw private anon')), ['Change to `first`']);
  });

  test('aligning a placed address up past its reservation: only the way down, which fits', () => {
    const text = `scenario "s" {\n  driver radv {\n    preset radv\n  }\n  strategy placed\n  mem = vkAllocateMemory 64KiB host-visible\n  res = reserve 64KiB at 0x1000_0000 by wine\n  p = vkMapMemory2 mem placed at 0x1000_0100\n}\n`;
    const { actions } = actionsFor(text, 'vulkan-valid-usage');
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Align the placed address down to 0x1000_0000 (4 KiB)'],
    );
    assertFixes(text, actions[0]!);
  });
});

describe('switching the strategy is checked through a bounded stretch past its step', () => {
  /** The verification work `f` does (analyses run, steps simulated). */
  function workOf(f: () => void): { analyses: number; steps: number } {
    const before = { ...verificationWork };
    f();
    return {
      analyses: verificationWork.analyses - before.analyses,
      steps: verificationWork.steps - before.steps,
    };
  }
  const repeat = (line: string, n: number) => `  ${line}\n`.repeat(n);
  const STEPS = 5000;
  const bound = 2 * STRICT_LOOKAHEAD_STEPS + 2;

  test('a code action on step 1 of a 5,000-step scenario simulates a bounded number of steps, and a selection shares the run', () => {
    // Anonymous memory: no strategy places it, so the fix is not offered; deciding so used to re-run every step.
    const text = `scenario "r" {\n  a = mmap 64KiB rw private anon\n${repeat('app writes a, 8', STEPS)}}\n`;
    const analysis = analyseDocument(text);
    const first = analysis.diagnostics.find((d) => d.code === 'pointer-outside-window')!;
    const options = {};
    let actions: CodeAction[] = [];
    const one = workOf(() => (actions = codeActions(analysis, first.range, options)));
    assert.deepEqual(actions, []);
    assert.equal(one.analyses, 1);
    assert.ok(one.steps <= bound, `${one.steps} steps simulated for a fix on step 2 of ${STEPS + 1}`);
    // The strategy edit is the same for every diagnostic: a whole selection (8 diagnostics) and
    // the same request again answer from that run.
    const whole = { start: 0, end: text.length };
    assert.deepEqual(
      workOf(() => codeActions(analysis, whole, options)),
      { analyses: 0, steps: 0 },
    );
    assert.deepEqual(
      workOf(() => codeActions(analysis, first.range, options)),
      { analyses: 0, steps: 0 },
    );
    // A new version runs again.
    const next = analyseDocument(`${text} `);
    assert.equal(workOf(() => codeActions(next, first.range, options)).analyses, 1);
  });

  test('past the stretch the fix is still offered where it removes its diagnostic, but not as preferred', () => {
    const text = NO_STRATEGY.replace(/\}\n$/, `${repeat('munmap 0x1_0000_0000, 4KiB', STEPS)}}\n`);
    const analysis = analyseDocument(text);
    const d = analysis.diagnostics.find((x) => x.code === 'pointer-outside-window')!;
    let actions: CodeAction[] = [];
    const work = workOf(() => (actions = codeActions(analysis, d.range)));
    assert.ok(work.steps <= bound, `${work.steps} steps simulated`);
    const action = actions.find((a) => a.title.startsWith('Switch the strategy to placed'));
    assert.ok(action, actions.map((a) => a.title).join(' / '));
    assert.equal(action.preferred, false, 'not checked to the end of the scenario');
    assertFixes(text, action);
  });

  test('an `expect NAME == FAILURE` past the stretch still excuses its step within it: the fix is offered, unpreferred', () => {
    const text = (fillers: number, expectation: string) =>
      `scenario "s" {\n  x = munmap 0x1001, 4KiB\n  mem = vkAllocateMemory 1MiB host-visible\n  p = vkMapMemory mem\n${repeat('munmap 0x1000_0000, 4KiB', fillers)}${expectation}}\n`;
    const placed = (t: string) =>
      actionsFor(t, 'pointer-outside-window').actions.filter((a) => a.title.includes('placed'));
    // The diagnostic is on step 3, so the check runs 2 × STRICT_LOOKAHEAD_STEPS steps: the
    // expectation then comes after the last step checked, and still holds in the whole run.
    const past = 2 * STRICT_LOOKAHEAD_STEPS - 2;
    const far = text(past, '  expect x == EINVAL\n');
    const [action, ...more] = placed(far);
    assert.ok(action, "the fix vanished: step 1's intended EINVAL counted as new");
    assert.deepEqual(more, []);
    assert.equal(action.preferred, false);
    assert.deepEqual(
      analyseDocument(applyEdits(far, action.edits)).diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    // Within the stretch it is checked to the end: preferred. Without the expectation the
    // refusal is no new problem either (the scenario already had it on that step).
    assert.equal(placed(text(past - 1, '  expect x == EINVAL\n'))[0]?.preferred, true);
    assert.equal(placed(text(past, ''))[0]?.preferred, false);
  });

  test('one more of a code the scenario already has elsewhere is a new problem (a fixed-noreplace map the placed map meets)', () => {
    const text = (first: string) =>
      `scenario "s" {\n${first}  mem = vkAllocateMemory 1MiB host-visible\n  p = vkMapMemory mem\n  b = mmap 64KiB rw private anon at 0x1_0000 fixed-noreplace\n}\n`;
    const placed = (t: string) =>
      actionsFor(t, 'pointer-outside-window').actions.filter((a) => a.title.includes('placed'));
    // Placed, the map takes the window's first free range, 0x1_0000, and the fixed-noreplace
    // mmap after it fails with EEXIST (a second kernel-refused, not the munmap's).
    assert.deepEqual(placed(text('  x = munmap 0x1001, 4KiB\n')), []);
    assert.deepEqual(placed(text('')), []);
    // Without that mmap the same fix is offered, and preferred.
    const plain = text('  x = munmap 0x1001, 4KiB\n').replace(/ {2}b = mmap[^\n]*\n/, '');
    assert.equal(placed(plain)[0]?.preferred, true);
  });

  test('a new problem the strategy brings after the step, within the stretch, still keeps the fix back', () => {
    const text = (later: string) =>
      `scenario "s" {\n  driver radv {\n    preset radv\n  }\n  driver lvp {\n    placed-map none\n  }\n  mem = vkAllocateMemory 1MiB host-visible driver radv\n  p = vkMapMemory mem\n${repeat('app writes p, 8', 300)}${later}}\n`;
    const placed = (t: string) =>
      actionsFor(t, 'pointer-outside-window').actions.filter((a) => a.title.includes('placed'));
    assert.equal(placed(text('')).length, 1);
    // lvp has no VK_EXT_map_memory_placed: under `strategy placed` its map is a new warning (placed-unsupported).
    assert.deepEqual(
      placed(text('  mem2 = vkAllocateMemory 1MiB host-visible driver lvp\n  q = vkMapMemory mem2\n')),
      [],
    );
  });
});
