import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { panelState } from '../../../server/src/engine/features/panel-state';
import { offsetOf } from './fixture';
import { DONTUNMAP, NO_STRATEGY, SAMPLES } from './samples';

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
    assert.equal(state.windowGaps.length, 1);
    assert.equal(state.windowUsedBytes, '0');
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

  test('the scenario under the cursor among several', () => {
    const text = SAMPLES.ALL!;
    const a = analyseDocument(text);
    const state = panelState(a, { uri: 'u', version: 1, offset: offsetOf(text, 'write a, 4KiB') });
    assert.equal(state?.scenarioIndex, 1);
    assert.equal(state?.scenarioCount, 5);
  });
});
