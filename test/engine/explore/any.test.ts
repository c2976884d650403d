// `any` in a driver block: accepted without a diagnostic, analysed with the default (or preset)
// value, and reported as open for exploration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { readDriver, DEFAULT_TRAITS, PRESETS } from '../../../server/src/engine/model/driver';
import type { LanguageProblem } from '../../../server/src/engine/sim/problems';
import { parse } from '../../../server/src/engine/syntax/parser';
import type { DriverNode } from '../../../server/src/engine/syntax/ast';
import { scenario, WORKLOAD } from './helpers';

function driver(lines: readonly string[]): {
  model: ReturnType<typeof readDriver>;
  problems: LanguageProblem[];
} {
  const file = parse(`scenario "s" {\n  driver gpu {\n${lines.map((l) => `    ${l}\n`).join('')}  }\n}\n`);
  const node = file.scenarios[0]!.body.find((s) => s.kind === 'driver') as DriverNode;
  const problems: LanguageProblem[] = [];
  return { model: readDriver(node, problems), problems };
}

test('`TRAIT any` opens that trait and keeps the default value for analysis', () => {
  const { model, problems } = driver([
    'maps any',
    'caches-pointer any',
    'placed-map any',
    'alignment any',
    'reuses after-free',
  ]);
  assert.deepEqual(problems, []);
  assert.deepEqual([...(model.openTraits ?? [])], ['maps', 'caches-pointer', 'placed-map', 'alignment']);
  assert.equal(model.maps, DEFAULT_TRAITS.maps);
  assert.equal(model.cachesPointer, DEFAULT_TRAITS.cachesPointer);
  assert.equal(model.alignment, DEFAULT_TRAITS.alignment);
  assert.equal(model.reuses, 'after-free');
});

test('an `any` line opens every trait; a preset still gives the analysis values', () => {
  const { model, problems } = driver(['preset lavapipe', 'any']);
  assert.deepEqual(problems, []);
  assert.deepEqual([...(model.openTraits ?? [])], ['*']);
  assert.equal(model.backing, PRESETS.lavapipe!.backing);
});

test('a later concrete value closes an open trait; no `any` means no open traits', () => {
  const { model } = driver(['maps any', 'maps pool']);
  assert.equal(model.openTraits, undefined);
  assert.equal(model.maps, 'pool');
  assert.equal(driver(['maps pool']).model.openTraits, undefined);
});

test('`preset any` and `any` with extra words are still errors', () => {
  assert.deepEqual(
    driver(['preset any']).problems.map((p) => p.code),
    ['unknown-word'],
  );
  assert.deepEqual(
    driver(['maps any pool']).problems.map((p) => p.code),
    ['unknown-word'],
  );
});

test('an open driver analyses exactly like the default driver: no diagnostic about `any`', () => {
  for (const strategy of ['remap-dontunmap', 'hook-mmap', 'placed', 'alias']) {
    const open = analyseDocument(scenario(strategy, ['any'], WORKLOAD));
    const plain = analyseDocument(scenario(strategy, [], WORKLOAD));
    assert.deepEqual(
      open.diagnostics.map((d) => `${d.code} ${d.message}`),
      plain.diagnostics.map((d) => `${d.code} ${d.message}`),
    );
  }
});
