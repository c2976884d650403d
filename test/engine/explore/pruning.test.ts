// Pruning never changes a verdict: for every behaviour, the pruned exploration (one run per
// "cube" of behaviours that agree on every trait the run consulted) gives the verdict and hazard
// that running that behaviour on its own gives (`exhaustive: true`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explore, type ExploreOptions } from '../../../server/src/engine/explore/explore';
import { ALIGNMENT_TRAIT, DRIVER_SPACE } from '../../../server/src/engine/explore/driver-space';
import { generateExploreWorkload } from '../../../bench/explore-bench';
import { assertVerdictsAgreeWithCheck, exampleText, scenario, verdictTable, WORKLOAD } from './helpers';

function assertPruningExact(text: string, options: ExploreOptions = {}): { runs: number; total: number } {
  const pruned = explore(text, options);
  const exhaustive = explore(text, { ...options, exhaustive: true });
  assert.deepEqual(pruned.problems, exhaustive.problems);
  assert.equal(pruned.scenarios.length, exhaustive.scenarios.length);
  let runs = 0;
  let total = 0;
  pruned.scenarios.forEach((p, i) => {
    const e = exhaustive.scenarios[i]!;
    assert.equal(e.runs, e.total, 'exhaustive runs every behaviour');
    assert.deepEqual(verdictTable(p), verdictTable(e), `${p.name}: pruned and exhaustive verdicts differ`);
    assert.deepEqual(p.counts, e.counts);
    assert.equal(p.summary, e.summary);
    assert.deepEqual(
      p.classes.map((c) => [c.verdict, c.hazard, c.count, c.when]),
      e.classes.map((c) => [c.verdict, c.hazard, c.count, c.when]),
    );
    runs += p.runs;
    total += p.total;
  });
  return { runs, total };
}

test('pruning == exhaustive on the exploration examples', () => {
  const { runs, total } = assertPruningExact(exampleText());
  assert.ok(runs < total);
});

test('pruning == exhaustive with kernels explored', () => {
  assertPruningExact(exampleText(), { scenario: 1, kernels: true });
  assertPruningExact(exampleText(), { scenario: 4, kernels: true });
});

test('pruning == exhaustive on generated workloads, every strategy', () => {
  for (const strategy of [
    'remap-dontunmap',
    'remap-move',
    'hook-mmap',
    'placed',
    'alias',
    'shadow-copy',
    'external-memory-host',
    'mmap32',
    'none',
  ]) {
    for (const seed of [1, 2]) assertPruningExact(generateExploreWorkload(40, strategy, seed));
  }
});

test('pruning == exhaustive with a larger space (alignment, a 64 KiB placed alignment)', () => {
  const space = {
    ...DRIVER_SPACE,
    traits: DRIVER_SPACE.traits
      .map((t) =>
        t.trait === 'placed-map'
          ? {
              ...t,
              values: [
                ...t.values,
                { label: '64KiB', set: { placed: { ...t.values[0]!.set.placed!, alignment: 65536n } } },
              ],
            }
          : t,
      )
      .concat([ALIGNMENT_TRAIT]),
  };
  const { total } = assertPruningExact(exampleText(), { space, scenario: 3 });
  assert.ok(total > 162);
});

test('pruning == exhaustive with two open drivers and some traits fixed', () => {
  const text = [
    'scenario "two drivers" {',
    '  strategy hook-mmap',
    '  driver a {',
    '    maps any',
    '    mmap-via any',
    '    backing shmem',
    '  }',
    '  driver b {',
    '    preset radv',
    '    backing any',
    '  }',
    '  m = vkAllocateMemory 64KiB host-visible driver a',
    '  n = vkAllocateMemory 64KiB host-visible driver b',
    '  p = vkMapMemory m',
    '  q = vkMapMemory n',
    '  w = b writes n + 0x10, 16',
    '  expect app reads q + 0x10, 16 == w',
    '}',
    '',
  ].join('\n');
  const result = explore(text);
  assert.deepEqual(
    result.scenarios[0]?.dimensions.map((d) => d.key),
    ['a.maps', 'a.mmap-via', 'b.backing'],
  );
  // b's anon backing with radv's placed maps is impossible: 3·2·3 − 3·2 = 12.
  assert.equal(result.scenarios[0]?.total, 12);
  assertPruningExact(text);
});

test('pruning == exhaustive where traits are read late and conditionally', () => {
  // reuses after-free matters only at the second allocation; caches-pointer only when the driver writes.
  const steps = [
    'a = vkAllocateMemory 64KiB host-visible',
    'p = vkMapMemory a',
    'vkUnmapMemory a',
    'vkFreeMemory a',
    'b = vkAllocateMemory 64KiB host-visible',
    'q = vkMapMemory b',
    'w = gpu writes b + 0x10, 16',
    'expect app reads q + 0x10, 16 == w',
  ];
  for (const strategy of ['remap-dontunmap', 'placed', 'shadow-copy']) {
    assertPruningExact(scenario(strategy, ['any'], steps));
    assertPruningExact(
      scenario(strategy, ['reuses any', 'caches-pointer any', 'maps any'], steps, ['kernel 5.10']),
    );
  }
  assertPruningExact(scenario('alias', ['any'], WORKLOAD, ['large-address-aware']));
});

test('an expectation past the first prefix run still makes an earlier failure expected (pruned, exhaustive and check agree)', () => {
  // The driver's write through its cached pointer faults after remap-move moved the pages; the
  // scenario expects the fault, `fillers` steps later: 30 put the expectation past the first
  // 32-step prefix run, which saw the stale pointer as an error.
  const lateFault = (fillers: number) =>
    scenario(
      'remap-move',
      ['caches-pointer any'],
      [
        'mem = vkAllocateMemory 1MiB host-visible coherent',
        'p = vkMapMemory mem',
        'c = gpu writes mem + 0x400, 64',
        ...Array.from({ length: fillers }, () => 'app writes p, 1'),
        'expect c == SIGSEGV',
      ],
    );
  for (const fillers of [0, 29, 30, 100]) {
    const text = lateFault(fillers);
    assertPruningExact(text);
    for (const exhaustive of [false, true]) {
      const s = assertVerdictsAgreeWithCheck(text, { exhaustive });
      assert.deepEqual(
        s.behaviours.map((b) => [b.values['caches-pointer'], b.verdict, b.hazard]),
        [
          // Without a cached pointer the write goes through and the expectation fails.
          ['no', 'unsafe', 'expectation-failed'],
          ['yes', 'safe', undefined],
        ],
        `${fillers} steps between the fault and its expectation${exhaustive ? ', exhaustive' : ''}`,
      );
    }
  }
});
