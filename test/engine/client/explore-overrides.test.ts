// From a matrix cell to the server's driver overrides, the trace document's name, and the
// panel's `replay` message checked on arrival.
import assert from 'node:assert/strict';
import test from 'node:test';
import { overridesForBehaviour, traceDocumentPath } from '../../../src/explore-overrides';
import { parseFromPanelMessage } from '../../../src/panel-messages';
import type { ExploreMatrix } from '../../../protocol/panel';

const matrix: ExploreMatrix = {
  uri: 'file:///a.drvmap',
  version: 1,
  scenarioIndex: 2,
  scenario: 'Remap / under "any" driver',
  strategy: 'remap-dontunmap',
  summary: '',
  total: 2,
  counts: { safe: 1, refused: 0, unsafe: 1 },
  dimensions: [
    { key: 'gpu.maps', driver: 'gpu', trait: 'maps', values: ['at-map', 'pool'] },
    { key: 'cpu.backing', driver: 'cpu', trait: 'backing', values: ['device', 'anon'] },
    { key: 'kernel', trait: 'kernel', values: ['5.15', '6.18'] },
  ],
  deciding: [],
  safeWhen: 'always',
  classes: [],
  behaviours: [
    { values: { 'gpu.maps': 'at-map', 'cpu.backing': 'device', kernel: '6.18' }, verdict: 'safe' },
    { values: { 'gpu.maps': 'pool', 'cpu.backing': 'anon', kernel: '5.15' }, verdict: 'unsafe', hazard: 'x' },
  ],
  notes: [],
};

test('a behaviour becomes driver → trait → value, for its scenario only; the kernel is not a trait', () => {
  assert.deepEqual(overridesForBehaviour(matrix, 1), {
    scenarioIndex: 2,
    drivers: { gpu: { maps: 'pool' }, cpu: { backing: 'anon' } },
  });
  assert.equal(overridesForBehaviour(matrix, 2), undefined);
  assert.equal(overridesForBehaviour(matrix, -1), undefined);
});

test('a driver named `__proto__` is a driver like any other, and no shared object changes', () => {
  const proto: ExploreMatrix = {
    ...matrix,
    dimensions: [
      { key: 'maps', driver: '__proto__', trait: 'maps', values: ['at-map', 'pool'] },
      { key: 'backing', driver: '__proto__', trait: 'backing', values: ['device', 'anon'] },
    ],
    behaviours: [
      { values: { maps: 'pool', backing: 'device' }, verdict: 'refused', hazard: 'kernel-refused' },
    ],
  };
  const overrides = overridesForBehaviour(proto, 0);
  // As the server receives it: JSON, where an own `__proto__` key survives.
  assert.equal(
    JSON.stringify(overrides),
    '{"scenarioIndex":2,"drivers":{"__proto__":{"maps":"pool","backing":"device"}}}',
  );
  assert.equal(Object.getPrototypeOf(overrides!.drivers), Object.prototype);
  assert.equal(({} as Record<string, unknown>)['maps'], undefined);
  assert.equal(({} as Record<string, unknown>)['backing'], undefined);
});

test('trace documents are named for the scenario and the behaviour', () => {
  assert.equal(traceDocumentPath(matrix.scenario, 1), '/remap-under-any-driver/behaviour-2.trace');
  assert.equal(traceDocumentPath('***', 0), '/scenario/behaviour-1.trace');
});

test('the panel asks to replay a behaviour, or to stop', () => {
  assert.deepEqual(parseFromPanelMessage({ type: 'replay', behaviourIndex: 4 }), {
    type: 'replay',
    behaviourIndex: 4,
  });
  assert.deepEqual(parseFromPanelMessage({ type: 'replay', behaviourIndex: null }), {
    type: 'replay',
    behaviourIndex: null,
  });
  for (const bad of [-1, 1.5, '2', undefined])
    assert.equal(parseFromPanelMessage({ type: 'replay', behaviourIndex: bad }), undefined);
});
