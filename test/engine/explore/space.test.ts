// The driver space is data: adding a trait or a value extends exploration with no other change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explore } from '../../../server/src/engine/explore/explore';
import {
  checkSpace,
  DRIVER_SPACE,
  type DriverSpace,
  type TraitDimension,
} from '../../../server/src/engine/explore/driver-space';
import { MiB } from '../../../server/src/engine/numbers';
import { exampleText, scenario, verdictTable, WORKLOAD } from './helpers';

test('the built-in space is consistent', () => {
  assert.deepEqual(checkSpace(DRIVER_SPACE), []);
  assert.deepEqual(
    DRIVER_SPACE.traits.map((t) => t.trait),
    ['maps', 'backing', 'caches-pointer', 'reuses', 'placed-map', 'external-memory-host', 'mmap-via'],
  );
});

test('checkSpace catches a broken table', () => {
  const broken: DriverSpace = {
    traits: [
      {
        trait: 'maps',
        values: [
          { label: 'pool', set: { maps: 'pool' } },
          { label: 'pool', set: { maps: 'pool' } },
        ],
      },
      { trait: 'other', values: [{ label: 'x', set: { maps: 'at-map' } }] },
    ],
    impossible: [{ when: { nothing: 'x' }, why: '' }],
  };
  assert.equal(checkSpace(broken).length, 3);
});

// A test-only trait: the driver's internal mappings at device creation (H9), a DriverTraits field
// the built-in space does not explore.
const INTERNAL: TraitDimension = {
  trait: 'internal-mappings',
  values: [
    { label: '0', set: { internalMappings: 0n } },
    { label: '1.5GiB', set: { internalMappings: 1536n * MiB } },
  ],
};

test('adding a trait: an `any` line explores it, with no other change', () => {
  const space: DriverSpace = { ...DRIVER_SPACE, traits: [...DRIVER_SPACE.traits, INTERNAL] };
  assert.deepEqual(checkSpace(space), []);
  const text = scenario('hook-mmap', ['any'], WORKLOAD);
  const before = explore(text).scenarios[0]!;
  const after = explore(text, { space }).scenarios[0]!;
  assert.deepEqual(
    after.dimensions.map((d) => d.key),
    [...before.dimensions.map((d) => d.key), 'internal-mappings'],
  );
  assert.equal(after.total, before.total * 2);
  // Where the new trait has its default value, every other verdict is what it was.
  const key = (values: Readonly<Record<string, string>>) =>
    before.dimensions.map((d) => values[d.key]).join(' ');
  const was = new Map(before.behaviours.map((b) => [key(b.values), b.verdict]));
  for (const b of after.behaviours.filter((x) => x.values['internal-mappings'] === '0')) {
    assert.equal(b.verdict, was.get(key(b.values)));
  }
  // And pruning is still exact over the bigger space.
  const exhaustive = explore(text, { space, exhaustive: true }).scenarios[0]!;
  assert.deepEqual(verdictTable(after), verdictTable(exhaustive));
});

test('adding a trait: `TRAIT any` opens just that one; unknown to the space, it is noted', () => {
  const space: DriverSpace = { ...DRIVER_SPACE, traits: [...DRIVER_SPACE.traits, INTERNAL] };
  const text = scenario('reserve-high', ['internal-mappings any', 'maps any'], WORKLOAD);
  const s = explore(text, { space }).scenarios[0]!;
  assert.deepEqual(
    s.dimensions.map((d) => d.key),
    ['maps', 'internal-mappings'],
  );
  assert.equal(s.total, 6);
  const plain = explore(text).scenarios[0]!;
  assert.deepEqual(
    plain.dimensions.map((d) => d.key),
    ['maps'],
  );
  assert.ok(plain.notes.some((n) => /internal-mappings any/.test(n)));
});

test('adding a value to a trait widens that dimension, with no other change', () => {
  const placed4k = DRIVER_SPACE.traits.find((t) => t.trait === 'placed-map')!.values[0]!.set.placed!;
  const space: DriverSpace = {
    ...DRIVER_SPACE,
    traits: DRIVER_SPACE.traits.map((t) =>
      t.trait === 'placed-map'
        ? {
            ...t,
            values: [...t.values, { label: '64KiB', set: { placed: { ...placed4k, alignment: 65536n } } }],
          }
        : t,
    ),
  };
  assert.deepEqual(checkSpace(space), []);
  const s = explore(scenario('placed', ['any'], WORKLOAD), { space }).scenarios[0]!;
  assert.deepEqual(s.dimensions.find((d) => d.key === 'placed-map')?.values, ['4KiB', 'none', '64KiB']);
  // The impossible combination `backing anon with placed-map !none` covers the new value too.
  assert.equal(s.total, (162 + 72) * 2);
  assert.equal(
    s.safeWhen,
    'maps = at-map and placed-map ≠ none; or placed-map = none and external-memory-host = yes',
  );
});

test('impossible combinations are left out and explained, also against fixed traits', () => {
  const s = explore(exampleText(), { scenario: 1 }).scenarios[0]!;
  assert.equal(s.impossible.rules.length, 2);
  assert.ok(
    s.behaviours.every(
      (b) =>
        !(
          b.values.backing === 'anon' &&
          (b.values['placed-map'] !== 'none' || b.values['caches-pointer'] === 'no')
        ),
    ),
  );
  // A driver fixed to anon backing: placed-map can only be none, caches-pointer only yes.
  const fixed = explore(
    scenario('placed', ['backing anon', 'placed-map any', 'caches-pointer any'], WORKLOAD),
  ).scenarios[0]!;
  assert.equal(fixed.total, 1);
  assert.deepEqual(fixed.behaviours[0]?.values, { 'caches-pointer': 'yes', 'placed-map': 'none' });
});

test('only the rules that left a combination out are listed as leaving it out', () => {
  const leftOut = (traits: readonly string[]) => {
    const s = explore(scenario('placed', traits, WORKLOAD)).scenarios[0]!;
    return { count: s.impossible.count, rules: s.impossible.rules.map((r) => r.when) };
  };
  // caches-pointer open, backing fixed at device: neither rule can hold.
  assert.deepEqual(leftOut(['caches-pointer any']), { count: 0, rules: [] });
  assert.deepEqual(leftOut(['placed-map any', 'caches-pointer any']), { count: 0, rules: [] });
  // backing open with the default placed maps and no cached pointer: anon is out, by both rules.
  assert.deepEqual(leftOut(['backing any']), {
    count: 1,
    rules: ['backing anon with placed-map other than none', 'backing anon with caches-pointer no'],
  });
  // With a cached pointer, only the placed-map rule holds.
  assert.deepEqual(leftOut(['backing any', 'caches-pointer yes']), {
    count: 1,
    rules: ['backing anon with placed-map other than none'],
  });
  // A fixed anon driver: each open trait loses a value, each to its own rule.
  assert.deepEqual(leftOut(['backing anon', 'placed-map any', 'caches-pointer any']), {
    count: 3,
    rules: ['backing anon with placed-map other than none', 'backing anon with caches-pointer no'],
  });
});
