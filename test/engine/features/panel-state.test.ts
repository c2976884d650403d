import { describeStep } from '../../../media/src/ui/timeline';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { droppedPagesNote } from '../../../server/src/engine/features/dropped-pages';
import { panelState } from '../../../server/src/engine/features/panel-state';
import { offsetOf } from './fixture';
import { DONTUNMAP, NO_STRATEGY, SAMPLES } from './samples';

/** Each mapping's kind after a step, by label. */
function kinds(text: string, stepIndex: number): Record<string, string> {
  const state = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: 1, stepIndex });
  assert.ok(state);
  return Object.fromEntries(state.mappings.map((m) => [m.label, m.kind]));
}

/** Each mapping's stale mark after the last step of a raw scenario, by label. */
function staleByLabel(lines: string[]): Record<string, boolean | undefined> {
  const text = ['scenario "s" {', '  kernel 6.6', ...lines, '}'].join('\n');
  const state = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: 1, stepIndex: 99 });
  assert.ok(state);
  return Object.fromEntries(state.mappings.map((m) => [m.label, m.stale]));
}

describe('panel state', () => {
  test("a cursor in a step's indentation (column 0, where a jump to its line lands) is on that step", () => {
    const text = DONTUNMAP;
    const a = analyseDocument(text);
    const lineStart = text.lastIndexOf('\n', offsetOf(text, 'write a')) + 1;
    const at = (offset: number) => panelState(a, { uri: 'u', version: 1, offset })?.stepIndex;
    assert.equal(at(lineStart), 1, 'column 0');
    assert.equal(at(lineStart + 1), 1, 'inside the indentation');
    assert.equal(at(offsetOf(text, 'write a')), 1);
    // The end of the line before still belongs to the step before.
    assert.equal(at(lineStart - 1), 0);
  });

  test('the state at the cursor: mappings after that step, steps with lines and results, the window', () => {
    const text = DONTUNMAP;
    const a = analyseDocument(text);
    const state = panelState(a, { uri: 'file:///x.drvmap', version: 3, offset: offsetOf(text, 'write a') });
    assert.ok(state);
    assert.equal(state.version, 3);
    assert.equal(state.scenario, 'DONTUNMAP keeps the old range, but empty');
    assert.equal(state.stepIndex, 1);
    assert.equal(state.steps.length, 3);
    assert.deepEqual(
      state.steps.map((s) => s.line),
      [2, 3, 4],
    );
    assert.match(state.steps[0]!.result, /^→ 0x7fff_/);
    assert.equal(state.mappings.length, 1);
    const m = state.mappings[0]!;
    assert.equal(m.perms, 'rw-p');
    assert.equal(m.kind, 'private');
    assert.equal(m.label, 'a');
    assert.equal(m.backing, 'private anonymous');
    assert.equal(m.createdStep, 0);
    assert.equal(m.line, 2);
    assert.equal(BigInt(m.end) - BigInt(m.start), 2n * 1024n * 1024n);
    assert.equal(state.window.start, '0x10000');
    // Below KUSER_SHARED_DATA's block and the 64 KiB above it, up to WOW64's 2 GiB.
    assert.equal(state.windowGaps.length, 2);
    // KUSER_SHARED_DATA's 64 KiB at 0x7ffe_0000, which no view of Wine's takes, and nothing else.
    assert.equal(state.windowUsedBytes, String(0x1_0000));
    assert.equal(state.addressSpaceEnd, '0x7ffffffff000');
  });

  test('lists the drivers, so the panel calls only them drivers (not host, not a declared actor)', () => {
    const text = [
      'scenario "actors" {',
      '  actor fex',
      '  driver lvp {',
      '    maps at-map',
      '  }',
      '  a = mmap 1MiB rw private anon by fex',
      '  b = mmap 1MiB rw private anon',
      '}',
    ].join('\n');
    const state = panelState(analyseDocument(text), {
      uri: 'u',
      version: 1,
      offset: offsetOf(text, 'b = mmap'),
    });
    assert.ok(state);
    assert.deepEqual(state.drivers, ['lvp']);
    assert.deepEqual(state.mappings.map((m) => m.owner).sort(), ['fex', 'host']);
    // Without a driver block the scenario's one driver is `driver`.
    const plain = panelState(analyseDocument(DONTUNMAP), { uri: 'u', version: 1, offset: 0 });
    assert.deepEqual(plain?.drivers, ['driver']);
  });

  test('after DONTUNMAP the old range is marked stale', () => {
    const text = DONTUNMAP;
    const a = analyseDocument(text);
    const state = panelState(a, { uri: 'u', version: 1, offset: offsetOf(text, 'b = mremap') });
    assert.ok(state);
    assert.equal(state.stepIndex, 2);
    assert.equal(state.mappings.length, 2);
    assert.deepEqual(
      state.mappings.map((m) => m.stale),
      state.mappings.map((m) => m.label === 'a'),
    );
  });

  test('an alias is drawn as one wherever it lies, also below the mapping it aliases', () => {
    const raw = [
      'scenario "raw alias" {',
      '  f = open memfd "buf" 64KiB',
      '  a = mmap 64KiB rw shared fd f',
      '  b = mremap a, 0, 64KiB, maymove | fixed, 0x1000_0000',
      '}',
    ].join('\n');
    assert.deepEqual(kinds(raw, 2), { b: 'alias', a: 'shared' });
    // docs/language.md's macOS example: `low` is a second mapping of `hi`'s pages, made later.
    const mach = [
      'scenario "an alias on macOS" {',
      '  platform macos',
      '  f = open device "renderD128" 64KiB',
      '  hi = mmap 64KiB rw shared fd f',
      '  res = reserve 64KiB at 0x1000_0000 by wine',
      '  low = mach_vm_remap hi + 0x10, 0x100 at 0x1000_0000 fixed overwrite by wine',
      '}',
    ].join('\n');
    assert.equal(kinds(mach, 3).low, 'alias');
    assert.equal(kinds(mach, 3).hi, 'device');
  });

  test('two mappings of neighbouring pages of one object are not aliases of each other', () => {
    const text = [
      'scenario "two halves of one memfd" {',
      '  f = open memfd "buf" 8KiB',
      '  a = mmap 4KiB rw shared fd f at 0x1000_0000 fixed',
      '  b = mmap 4KiB rw shared fd f offset 4KiB at 0x2000_0000 fixed',
      '  c = mmap 8KiB rw shared fd f at 0x3000_0000 fixed',
      '}',
    ].join('\n');
    assert.deepEqual(kinds(text, 2), { a: 'shared', b: 'shared' });
    // A later mapping that shares a page with either is one.
    assert.equal(kinds(text, 3).c, 'alias');
  });

  test('a mapping made over part of a DONTUNMAP-emptied range is fresh; the rest stays stale', () => {
    const emptied = ['  a = mmap 8KiB rw private anon', '  b = mremap a, 8KiB, 8KiB, maymove | dontunmap'];
    // Over the first page: the emptied range starts with the new mapping and reaches past it.
    assert.deepEqual(staleByLabel([...emptied, '  c = mmap 4KiB rw private anon at a fixed']), {
      a: true,
      b: false,
      c: false,
    });
    // Over the last page: the emptied range starts below the new mapping.
    assert.deepEqual(staleByLabel([...emptied, '  c = mmap 4KiB rw private anon at a + 4KiB fixed']), {
      a: true,
      b: false,
      c: false,
    });
    // Over the middle page of three: both ends stay stale.
    assert.deepEqual(
      staleByLabel([
        '  a = mmap 12KiB rw private anon',
        '  b = mremap a, 12KiB, 12KiB, maymove | dontunmap',
        '  c = mmap 4KiB rw private anon at a + 4KiB fixed',
        '  d = mmap 4KiB rw private anon at a fixed',
      ]),
      { a: true, b: false, c: false, d: false },
    );
  });

  test('pages moved onto a DONTUNMAP-emptied range (MREMAP_FIXED) are the moved mapping, not stale', () => {
    const emptied = ['  a = mmap 8KiB rw private anon', '  b = mremap a, 8KiB, 8KiB, maymove | dontunmap'];
    // Another mapping moved over the whole emptied range.
    assert.deepEqual(
      staleByLabel([
        ...emptied,
        '  c = mmap 8KiB r private anon',
        '  d = mremap c, 8KiB, 8KiB, maymove | fixed, a',
      ]),
      { b: false, d: false },
    );
    // Moved over its first page only: the second page is still the emptied range.
    assert.deepEqual(
      staleByLabel([
        ...emptied,
        '  c = mmap 4KiB r private anon',
        '  d = mremap c, 4KiB, 4KiB, maymove | fixed, a',
      ]),
      { a: true, b: false, d: false },
    );
    // remap-dontunmap's own move back at vkUnmapMemory: the driver's pages are home again.
    const moveBack = [
      'scenario "lvp" {',
      '  kernel 6.6',
      '  driver lvp {',
      '    preset lavapipe',
      '  }',
      '  strategy remap-dontunmap',
      '  mem = vkAllocateMemory 1MiB host-visible coherent',
      '  p = vkMapMemory mem',
      '  vkUnmapMemory mem',
      '}',
    ].join('\n');
    const state = panelState(analyseDocument(moveBack), { uri: 'u', version: 1, offset: 1, stepIndex: 99 });
    assert.ok(state);
    assert.deepEqual(
      state.mappings.filter((m) => m.stale).map((m) => m.label),
      [],
    );
  });

  test("a failed expectation marks the step it checks, as a failing step's own diagnostic does", () => {
    const text = [
      'scenario "s" {',
      '  a = mmap 4KiB rw private anon',
      '  expect read a, 1 == 0xAB',
      '  b = mmap 4KiB rw private anon',
      '  expect diagnostic fixed-clobber',
      '  c = mmap 4KiB rw private anon',
      '  expect read c, 1 == zero',
      '}',
      'scenario "before any step" {',
      '  expect mapped 0x1000_0000',
      '  a = mmap 4KiB rw private anon',
      '}',
    ].join('\n');
    const a = analyseDocument(text);
    const state = panelState(a, { uri: 'u', version: 1, offset: 1 });
    assert.ok(state);
    // Step 1's read fails, step 2 has no fixed-clobber, step 3's expectation holds.
    assert.deepEqual(
      state.steps.map((s) => s.severity),
      ['error', 'error', undefined],
    );
    // The caption says the mark is the expectation's line, so the mmap does not look failed.
    assert.deepEqual(
      state.steps.map((s) => s.severityLine),
      [2, 4, undefined],
    );
    assert.equal(
      describeStep(state.steps, 0),
      'Step 1 of 3, line 2: a = mmap 4KiB rw private anon → 0x7fff_f7ff_e000 — error on line 3',
    );
    // An expectation before the first step has no step to mark.
    const before = panelState(a, { uri: 'u', version: 1, offset: offsetOf(text, 'before any step') });
    assert.deepEqual(
      before?.steps.map((s) => s.severity),
      [undefined],
    );
  });

  test('an explicit step index; -1 is before the first step', () => {
    const a = analyseDocument(DONTUNMAP);
    assert.equal(panelState(a, { uri: 'u', version: 1, offset: 0, stepIndex: -1 })?.mappings.length, 0);
    assert.equal(panelState(a, { uri: 'u', version: 1, offset: 0, stepIndex: 99 })?.stepIndex, 2);
  });

  test('hazards and severities at the step', () => {
    const text = NO_STRATEGY;
    const a = analyseDocument(text);
    const state = panelState(a, { uri: 'u', version: 1, offset: offsetOf(text, 'p = vkMapMemory') });
    assert.ok(state);
    assert.equal(state.steps[1]!.severity, 'error');
    assert.ok(
      state.mappings.some((m) => m.kind === 'device' && m.hazard?.startsWith('pointer-outside-window')),
    );
  });

  test('a hazard marks the mappings holding the addresses it is about, not any number its message quotes', () => {
    const hazards = (lines: string[], stepIndex: number) => {
      const text = ['scenario "s" {', ...lines, '}'].join('\n');
      const state = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: 1, stepIndex });
      assert.ok(state);
      return Object.fromEntries(state.mappings.map((m) => [m.label, m.hazard?.split(':')[0]]));
    };
    // The message quotes the window's start, 0x1_0000, where wine's reservation begins: the
    // hazard is the BO's pointer alone.
    assert.deepEqual(
      hazards(
        [
          '  res = reserve 1MiB at 0x1_0000 by wine',
          '  mem = vkAllocateMemory 16MiB host-visible coherent',
          '  p = vkMapMemory mem',
        ],
        2,
      ),
      { res: undefined, mem: 'pointer-outside-window' },
    );
    // A rule that checks the finished run (fixed-clobber) marks what replaced the victim.
    assert.deepEqual(
      hazards(
        ['  a = mmap 64KiB rw private anon by driver', '  b = mmap 4KiB rw private anon at a fixed'],
        1,
      ),
      { a: undefined, b: 'fixed-clobber' },
    );
    // A refused raw call marks the mapping it names (its address operand).
    assert.deepEqual(
      hazards(
        [
          '  kernel 6.18',
          '  bo = open device "renderD128" 2MiB',
          '  a = mmap 2MiB rw shared fd bo',
          '  b = mremap a, 2MiB, 2MiB, maymove | dontunmap',
        ],
        2,
      ),
      { a: 'kernel-refused' },
    );
    assert.deepEqual(
      hazards(
        ['  a = mmap 8KiB rw private anon', '  c = mmap 4KiB rw private anon', '  munmap a + 0x10, 4KiB'],
        2,
      ),
      { a: 'kernel-refused', c: undefined },
    );
    // A shadow copy under a coherent mapping marks the driver's mapping it stands in for.
    assert.deepEqual(
      hazards(
        [
          '  strategy shadow-copy',
          '  mem = vkAllocateMemory 64KiB host-visible coherent',
          '  p = vkMapMemory mem',
        ],
        1,
      ),
      { 'mem (shadow)': undefined, mem: 'shadow-copy-coherent' },
    );
    // A lost GL write marks the map 32-bit code wrote through.
    assert.deepEqual(
      hazards(
        [
          '  b = glBufferData 64KiB',
          '  p = glMapBufferRange b, 0, 4KiB read',
          '  app writes p, 16',
          '  glUnmapBuffer b',
        ],
        3,
      ),
      { 'b (GL shadow)': 'gl-write-lost' },
    );
    // A copy-back over a device write marks the shadow and the memory it clobbers.
    assert.deepEqual(
      hazards(
        [
          '  strategy shadow-copy',
          '  driver nvk {',
          '    preset nvk',
          '  }',
          '  mem = vkAllocateMemory 64KiB host-visible',
          '  p = vkMapMemory mem',
          '  nvk writes mem + 0x1000, 16',
          '  app writes p, 16',
          '  vkFlushMappedMemoryRanges mem',
        ],
        4,
      ),
      { 'mem (shadow)': 'shadow-copy-clobbers', mem: 'shadow-copy-clobbers' },
    );
  });

  test('the scenario under the cursor among several', () => {
    const text = SAMPLES.ALL!;
    const a = analyseDocument(text);
    const state = panelState(a, { uri: 'u', version: 1, offset: offsetOf(text, 'write a, 4KiB') });
    assert.equal(state?.scenarioIndex, 1);
    assert.equal(state?.scenarioCount, 5);
  });
});

describe('panel state: madvise', () => {
  const text =
    'scenario "m" {\n  a = mmap 64KiB rw private anon at 0x1000_0000\n  write a, 64KiB, 0xAB\n  madvise a, 4KiB, dontneed\n  madvise a + 16KiB, 16KiB, dontfork\n  madvise a + 32KiB, 16KiB, wipeonfork\n}\n';
  const state = (stepIndex: number) => {
    const s = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: 1, stepIndex });
    assert.ok(s);
    return s;
  };

  test('the fork flags show on the pieces they split off, in the Backing text', () => {
    assert.deepEqual(
      state(4).mappings.map((m) => [m.start, m.backing]),
      [
        ['10000000', 'private anonymous'],
        ['10004000', 'private anonymous (VM_DONTCOPY)'],
        ['10008000', 'private anonymous (VM_WIPEONFORK)'],
        ['1000c000', 'private anonymous'],
      ].map(([s, b]) => [`0x${s}`, b]),
    );
  });

  test('a dontneed step says which pages it dropped', () => {
    const steps = state(4).steps;
    assert.equal(
      steps[2]!.result,
      '→ ok; private pages 0x1000_0000..0x1000_1000 dropped (they read zero again)',
    );
    assert.equal(steps[3]!.result, '→ ok');
    assert.match(describeStep(steps, 2), /dropped/);
  });

  test('a dontneed of shared memory says its pages are kept, and one of length 0 says nothing', () => {
    const text = `scenario "shared" {
  a = mmap 4KiB rw shared anon at 0x1000_0000 fixed
  write a, 1, 0xAB
  madvise a, 4KiB, dontneed
  expect read a, 1 == 0xAB
  madvise a, 0, dontneed
}
`;
    const analysis = analyseDocument(text);
    const run = analysis.scenarios[0]!.run;
    const [, , kept, zero] = run.simulation.records;
    assert.equal(
      droppedPagesNote(run, kept!),
      '; shared pages kept (the next access refaults them with their data)',
    );
    assert.equal(droppedPagesNote(run, zero!), '');
    assert.deepEqual(analysis.diagnostics, []);
  });
});

test('panel state: a dontneed on a hugetlb mapping names the whole huge pages it dropped, or none', () => {
  const text =
    'scenario "h" {\n  h = mmap 4MiB rw private anon hugetlb noreserve at 0x4000_0000\n' +
    '  madvise h, 3MiB, dontneed\n  madvise h, 4KiB, dontneed\n  madvise h + 4KiB, 4KiB, dontneed\n}\n';
  const s = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: 1, stepIndex: 1 });
  assert.ok(s);
  // The end is rounded down to a huge page (madvise_dontneed_free_valid_vma).
  assert.equal(
    s.steps[1]!.result,
    '→ ok; private pages 0x4000_0000..0x4020_0000 dropped (hugetlb: whole huge pages only)',
  );
  // Less than one huge page: nothing zapped; an unaligned start: EINVAL, nothing zapped.
  assert.equal(s.steps[2]!.result, '→ ok; no page dropped (hugetlb drops whole huge pages only)');
  assert.equal(s.steps[3]!.result, '→ EINVAL; no page dropped (hugetlb drops whole huge pages only)');
  // The end is rounded in the hugetlb VMA only: an ordinary mapping after it drops its pages.
  const mixed =
    'scenario "m" {\n  h = mmap 2MiB rw private anon hugetlb noreserve at 0x4000_0000 fixed\n' +
    '  a = mmap 4KiB rw private anon at 0x4020_0000 fixed\n  write a, 4, 0x77\n' +
    '  madvise 0x4000_0000, 0x20_1000, dontneed\n}\n';
  const m = panelState(analyseDocument(mixed), { uri: 'u', version: 1, offset: 1, stepIndex: 3 });
  assert.equal(
    m?.steps[3]!.result,
    '→ ok; private pages 0x4000_0000..0x4020_1000 dropped (hugetlb: whole huge pages only; the others read zero again)',
  );
});

test('panel state: a free step names the pages it freed lazily in the timeline', () => {
  const text =
    'scenario "f" {\n  a = mmap 8KiB rw private anon at 0x1000_0000 fixed\n  write a + 0x1000, 1, 0xAB\n  madvise a, 8KiB, free\n}\n';
  const s = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: 1, stepIndex: 2 });
  assert.ok(s);
  assert.equal(
    s.steps[2]!.result,
    '→ ok; pages 0x1000_1000..0x1000_2000 freed lazily (they keep their data until reclaim takes them, then read zero)',
  );
});

test('panel state: a dontneed refused part-way (EINVAL) gives the pages of the mappings before the refusing one as dropped', () => {
  const text = `scenario "d" {
  kernel 5.17
  a = mmap 4KiB rw private anon at 0x1000_0000 fixed
  write a, 4KiB, 0xAB
  h = mmap 2MiB rw private anon hugetlb noreserve at 0x1020_0000 fixed
  madvise a, 0x40_0000, dontneed
  expect host reads a, 1 == 0
}
`;
  const analysis = analyseDocument(text);
  const run = analysis.scenarios[0]!.run;
  const refused = run.simulation.records[3]!;
  assert.equal(
    droppedPagesNote(run, refused),
    '; private pages 0x1000_0000..0x1000_1000 dropped (they read zero again)',
  );
  // Refused at the first mapping in the range: nothing was dropped.
  const first = analyseDocument(text.replace('madvise a, 0x40_0000', 'madvise h, 2MiB'));
  const firstRun = first.scenarios[0]!.run;
  assert.equal(droppedPagesNote(firstRun, firstRun.simulation.records[3]!), '');
});

test('panel state: a fork flag comes with the step that set it, kept through a later split and move; MAP_DROPPABLE sets it at the mmap', () => {
  const text = `scenario "f" {
  a = mmap 16KiB rw private anon at 0x1000_0000 fixed
  write a, 16KiB, 0xAB
  madvise a, 8KiB, dontfork
  mprotect a, 4KiB, r
  madvise a + 4KiB, 4KiB, wipeonfork
  b = mremap a, 4KiB, 4KiB, maymove | fixed, 0x2000_0000
  d = mmap 4KiB rw droppable anon at 0x3000_0000 fixed
}
`;
  const analysis = analyseDocument(text);
  const at = (stepIndex: number) => {
    const s = panelState(analysis, { uri: 'u', version: 1, offset: 1, stepIndex });
    assert.ok(s);
    return Object.fromEntries(
      s.mappings.map((m) => [
        m.start,
        (m.forkFlags ?? []).map(
          (f) => `${f.advice} ${f.flag} ${f.since.map((p) => `step ${p.step} line ${p.line}`).join(', ')}`,
        ),
      ]),
    );
  };
  // Set by the madvise (step 2, line 3); the rest of the mapping has none.
  assert.deepEqual(at(2), {
    '0x10000000': ['dontfork VM_DONTCOPY step 2 line 3'],
    '0x10002000': [],
  });
  // The mprotect splits the flagged piece: each part still has it since step 2; the later
  // wipeonfork is since its own step.
  assert.deepEqual(at(4), {
    '0x10000000': ['dontfork VM_DONTCOPY step 2 line 3'],
    '0x10001000': ['dontfork VM_DONTCOPY step 2 line 3', 'wipeonfork VM_WIPEONFORK step 4 line 5'],
    '0x10002000': [],
  });
  // Moved by mremap: the flag moves with the pages, still since step 2.
  assert.deepEqual(at(6)['0x20000000'], ['dontfork VM_DONTCOPY step 2 line 3']);
  assert.deepEqual(at(6)['0x30000000'], ['wipeonfork VM_WIPEONFORK step 6 line 7']);
});

test("panel state: a fork flag moved in part from a never-written mapping is still the madvise step's", () => {
  // copy_vma gives the moved piece of a never-faulted anonymous mapping a new page offset, so
  // only the move itself says where its pages came from.
  const text = `scenario "fork flag partial move" {
  a = mmap 16KiB rw private anon at 0x1000_0000 fixed
  madvise a, 16KiB, dontfork
  b = mremap a + 4KiB, 4KiB, 4KiB, maymove | fixed, 0x2000_0000
}
`;
  // With the pages written first (offsets kept) the answer is the same: the madvise's step.
  for (const written of [false, true]) {
    const analysis = analyseDocument(
      written ? text.replace('  madvise', '  write a, 16KiB, 1\n  madvise') : text,
    );
    const step = written ? 2 : 1; // the madvise
    const s = panelState(analysis, { uri: 'u', version: 1, offset: 1, stepIndex: step + 1 });
    const sinceAt = (start: string) => s?.mappings.find((x) => x.start === start)?.forkFlags;
    const madvise = (start: string, end: string) => [
      { advice: 'dontfork', flag: 'VM_DONTCOPY', since: [{ start, end, step, line: step + 1 }] },
    ];
    assert.deepEqual(sinceAt('0x20000000'), madvise('0x20000000', '0x20001000'), `written: ${written}`);
    assert.deepEqual(sinceAt('0x10000000'), madvise('0x10000000', '0x10001000'), `written: ${written}`);
    assert.deepEqual(sinceAt('0x10002000'), madvise('0x10002000', '0x10004000'), `written: ${written}`);
  }
});

test('panel state: a duplicate of a flagged shared mapping (mremap old_size 0) has the flag since the madvise', () => {
  const text = `scenario "fork flag duplicate" {
  a = mmap 16KiB rw shared anon at 0x1000_0000 fixed
  madvise a, 16KiB, dontfork
  b = mremap a + 4KiB, 0, 4KiB, maymove | fixed, 0x2000_0000
}
`;
  const s = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: 1, stepIndex: 2 });
  assert.deepEqual(s?.mappings.find((x) => x.start === '0x20000000')?.forkFlags, [
    {
      advice: 'dontfork',
      flag: 'VM_DONTCOPY',
      since: [{ start: '0x20000000', end: '0x20001000', step: 1, line: 2 }],
    },
  ]);
});

test('panel state: a mapping merged from pieces two madvise steps flagged names both steps, each with its pages', () => {
  const text = `scenario "fork flags merge" {
  a = mmap 64KiB rw private anon at 0x1000_0000 fixed
  madvise a, 16KiB, dontfork
  madvise a + 16KiB, 16KiB, dontfork
  c = mremap a, 32KiB, 32KiB, maymove | fixed, a + 0x100_0000
}
`;
  const analysis = analyseDocument(text);
  const flagsAt = (stepIndex: number, start: string) => {
    const s = panelState(analysis, { uri: 'u', version: 1, offset: 1, stepIndex });
    const m = s?.mappings.find((x) => x.start === start);
    assert.ok(m, start);
    return m.forkFlags;
  };
  const bothSteps = [
    { start: '0x10000000', end: '0x10004000', step: 1, line: 2 },
    { start: '0x10004000', end: '0x10008000', step: 2, line: 3 },
  ];
  // The second madvise makes the halves one VMA (same flags): the first half is still step 2's.
  assert.deepEqual(flagsAt(2, '0x10000000'), [{ advice: 'dontfork', flag: 'VM_DONTCOPY', since: bothSteps }]);
  // Moved whole by mremap: each half keeps its step, at its new address.
  assert.deepEqual(flagsAt(3, '0x11000000'), [
    {
      advice: 'dontfork',
      flag: 'VM_DONTCOPY',
      since: bothSteps.map((p) => ({
        ...p,
        start: p.start.replace('0x1000', '0x1100'),
        end: p.end.replace('0x1000', '0x1100'),
      })),
    },
  ]);
  // madvise over a flagged piece and its unflagged neighbour: the piece keeps its step.
  const over = analyseDocument(text.replace('madvise a + 16KiB, 16KiB', 'madvise a, 32KiB'));
  const s = panelState(over, { uri: 'u', version: 1, offset: 1, stepIndex: 2 });
  assert.deepEqual(s?.mappings.find((x) => x.start === '0x10000000')?.forkFlags?.[0]?.since, bothSteps);
});

test("panel state: with `window 0 .. …` the free window room starts at Wine's 64 KiB, as the window-exhausted message counts it", () => {
  const text = `scenario "w" {
  window 0 .. 0x10_0000
  a = mmap 4KiB rw private anon at 0x8_0000 fixed by wine
}
`;
  const state = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: text.indexOf('a =') });
  assert.ok(state);
  // Free: 0x1_0000..0x8_0000 and 0x8_1000..0x10_0000; 0..0x1_0000 is not Wine's to hand out.
  assert.deepEqual(state.windowGaps.map((g) => `${g.start}..${g.end}`).sort(), [
    '0x10000..0x80000',
    '0x81000..0x100000',
  ]);
  assert.equal(state.windowSizeBytes, String(0x10_0000 - 0x1_0000));
  assert.equal(state.windowUsedBytes, String(0x1000));
});

test("panel state: an earlier step's free blocks are cut only at the reserved areas that existed after it", () => {
  // The preloader's DOS area (step 1), then its low memory area (step 2), which Wine merges with
  // it (mmap_add_reserved_area): after step 1 only 0x1_0000..0x11_0000 is an area, so the window
  // above it is one free block, not cut at 0x6800_0000 where step 2's area ends.
  const text = `scenario "the docs' order" {
  reserve 0x10_0000 at 0x1_0000 by wine preloaded
  reserve 0x67ef_0000 at 0x11_0000 by wine preloaded
}
`;
  const analysis = analyseDocument(text);
  const gaps = (stepIndex: number) =>
    panelState(analysis, { uri: 'u', version: 1, offset: 1, stepIndex })!
      .windowGaps.map((g) => `${g.start}..${g.end}`)
      .sort();
  // The 64 KiB above KUSER_SHARED_DATA's block is a block of its own (WOW64's zero-bits limit).
  const top = '0x7fff0000..0x80000000';
  assert.deepEqual(gaps(-1), ['0x10000..0x7ffe0000', top]);
  assert.deepEqual(gaps(0), ['0x10000..0x110000', '0x110000..0x7ffe0000', top]);
  assert.deepEqual(gaps(1), ['0x10000..0x68000000', '0x68000000..0x7ffe0000', top]);
});
