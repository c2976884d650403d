import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument, type DocumentAnalysis } from '../../../server/src/engine/analysis';
import { codeActions, type CodeAction } from '../../../server/src/engine/features/code-actions';
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

  test("the engine's own fixes become edits and work (mremap DONTUNMAP without MAYMOVE)", () => {
    const text =
      'scenario "s" {\n  a = mmap 2MiB rw private anon\n  b = mremap a, 2MiB, 2MiB, dontunmap\n}\n';
    const { actions } = actionsFor(text, 'kernel-refused');
    assert.ok(actions.length > 0);
    assertFixes(text, actions[0]!);
  });

  test('nothing outside the requested range', () => {
    const analysis = analyseDocument(NO_STRATEGY);
    assert.deepEqual(codeActions(analysis, { start: 0, end: 5 }), []);
  });
});
