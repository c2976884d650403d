// The four exploration examples read like the design's argument (docs/explore.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classify,
  explore,
  exploreSummaryForLens,
  type ScenarioExploration,
} from '../../../server/src/engine/explore/explore';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { assertVerdictsAgreeWithCheck, exampleText, scenario } from './helpers';

const result = explore(exampleText());
const byStrategy = new Map(result.scenarios.map((s) => [s.strategy, s]));

test('pruning: each strategy runs only the behaviours its traits split (a plain map reads no placed-map support)', () => {
  assert.deepEqual(
    result.scenarios.map((s) => [s.strategy, s.runs]),
    [
      ['remap-dontunmap', 45],
      ['hook-mmap', 75],
      ['placed', 84],
      ['alias', 45],
    ],
  );
});

test('every scenario of examples/12 is explored over the whole driver space', () => {
  assert.deepEqual(result.problems, []);
  assert.deepEqual([...byStrategy.keys()], ['remap-dontunmap', 'hook-mmap', 'placed', 'alias']);
  for (const s of result.scenarios) {
    // external-memory-host only where a run can read it: the placed strategy (and Wine 9.0's,
    // and box64's mmap32).
    const placed = s.strategy === 'placed';
    assert.deepEqual(
      s.dimensions.map((d) => d.key),
      [
        'maps',
        'backing',
        'caches-pointer',
        'reuses',
        'placed-map',
        ...(placed ? ['external-memory-host'] : []),
        'mmap-via',
      ],
    );
    // 3·3·2·3·2·2 = 216 combinations, 54 of them impossible (anon with placed maps or without a
    // cached pointer); twice as many with external-memory-host.
    assert.equal(s.total, placed ? 324 : 162);
    assert.equal(s.impossible.count, placed ? 108 : 54);
    assert.equal(s.counts.safe + s.counts.refused + s.counts.unsafe, s.total);
    assert.ok(s.runs < s.total, `${s.strategy}: pruning ran ${s.runs} of ${s.total}`);
  }
});

test('remap-dontunmap: refused for device BOs, stale under private anonymous memory, safe only for shmem', () => {
  const s = byStrategy.get('remap-dontunmap')!;
  assert.equal(
    s.summary,
    'remap-dontunmap: unsafe under 18 and refused under 72 of 162 driver behaviours; safe only when backing = shmem',
  );
  assert.deepEqual(s.deciding, ['backing']);
  const refused = s.classes.find((c) => c.hazard === 'kernel-refused')!;
  assert.equal(refused.verdict, 'refused');
  assert.equal(refused.when, 'backing = device');
  assert.match(refused.counterexample.hazard.message, /MREMAP_DONTUNMAP refuses VM_PFNMAP/);
  const stale = s.classes.find((c) => c.hazard === 'stale-pointer')!;
  assert.equal(stale.verdict, 'unsafe');
  assert.equal(stale.when, 'backing = anon');
  assert.equal(stale.counterexample.traits.gpu?.['caches-pointer'], 'yes');
});

test('hook-mmap: bypassed by pools, allocation-time maps and raw syscalls', () => {
  const s = byStrategy.get('hook-mmap')!;
  assert.equal(
    s.summary,
    'hook-mmap: unsafe under 135 of 162 driver behaviours; safe only when maps = at-map and mmap-via = libc',
  );
  assert.deepEqual(s.deciding, ['maps', 'mmap-via']);
  assert.deepEqual(
    s.classes.map((c) => [c.verdict, c.hazard, c.when]),
    [['unsafe', 'hook-bypassed', 'maps ≠ at-map; or mmap-via = syscall']],
  );
});

test('placed: holds wherever the driver can place this BO; refused (not unsafe) where it mapped it already', () => {
  const s = byStrategy.get('placed')!;
  assert.equal(
    s.summary,
    'placed: refused under 186 of 324 driver behaviours; safe only when placed-map = none and external-memory-host = yes; or maps = at-map and placed-map = 4KiB',
  );
  const failed = s.classes.find((c) => c.hazard === 'placed-map-failed')!;
  assert.equal(failed.verdict, 'refused');
  assert.equal(failed.when, 'maps ≠ at-map and placed-map = 4KiB');
  // Without the extension Wine's direct map lands above 4 GiB and the call fails (vulkan-wine
  // §3.3 step 5): refused at the map, named by the warning that explains it, not by the later
  // unmap of memory that never got mapped.
  const unsupported = s.classes.find((c) => c.hazard === 'placed-unsupported')!;
  assert.equal(unsupported.verdict, 'refused');
  assert.equal(unsupported.when, 'placed-map = none and external-memory-host = no');
  assert.equal(unsupported.counterexample.breaksAt.step, 3);
});

test('alias: holds where the kernel allows a second mapping (shared memory), refused elsewhere', () => {
  const s = byStrategy.get('alias')!;
  assert.equal(s.summary, 'alias: refused under 90 of 162 driver behaviours; safe only when backing = shmem');
  assert.equal(s.counts.unsafe, 0);
});

test('a counterexample carries the concrete traits, the expanded trace and the breaking step', () => {
  const s = byStrategy.get('remap-dontunmap')!;
  const ce = s.classes.find((c) => c.hazard === 'kernel-refused')!.counterexample;
  // Closest to the default driver: only what must differ differs.
  assert.deepEqual(ce.behaviour, {
    maps: 'at-map',
    backing: 'device',
    'caches-pointer': 'no',
    reuses: 'never',
    'placed-map': '4KiB',
    'mmap-via': 'libc',
  });
  assert.equal(ce.traits.gpu?.backing, 'device');
  assert.equal(ce.breaksAt.step, 3);
  assert.equal(ce.breaksAt.text, 'p = vkMapMemory mem');
  assert.equal(ce.trace.length, 3);
  const calls = ce.trace[2]!.calls;
  assert.ok(
    calls.some((c) => !c.ok && c.actor === 'wine' && /MREMAP_DONTUNMAP/.test(c.text)),
    JSON.stringify(calls),
  );
  const stale = s.classes.find((c) => c.hazard === 'stale-pointer')!.counterexample;
  assert.equal(stale.breaksAt.text, 'gpu writes mem + 0x200, 64');
});

test('kernels: remap-dontunmap also needs 5.13+ for shared memory, and DONTUNMAP itself 5.7+', () => {
  const r = explore(exampleText(), { scenario: 1, kernels: true });
  const s = r.scenarios[0]!;
  assert.equal(s.total, 162 * 4);
  assert.equal(s.safeWhen, 'backing = shmem and kernel ∈ {5.15, 6.18}');
  assert.deepEqual(s.deciding, ['backing', 'kernel']);
});

test('a scenario that fixes its kernel is not explored over kernels, and says so', () => {
  const text = exampleText().replace('strategy remap-dontunmap', 'strategy remap-dontunmap\n  kernel 5.10');
  const s = explore(text, { scenario: 1, kernels: true }).scenarios[0]!;
  assert.ok(!s.dimensions.some((d) => d.key === 'kernel'));
  assert.ok(
    s.notes.some((n) => /^--kernels not applied: kernel 5\.10 is fixed/.test(n)),
    s.notes.join('\n'),
  );
  assert.equal(s.safeWhen, 'never');
});

test('the editor lens summary', () => {
  const analysis = analyseDocument(exampleText());
  assert.equal(analysis.scenarios.length, 4);
  const lens = exploreSummaryForLens(exampleText(), 2);
  assert.deepEqual(lens && { title: lens.title, safe: lens.safe, total: lens.total }, {
    title: 'safe for 138/324 — explore',
    safe: 138,
    total: 324,
  });
  const closed = 'scenario "closed" {\n  a = mmap 4KiB rw private anon\n}\n';
  assert.equal(exploreSummaryForLens(closed, 0), undefined);
});

test('scenarios without an open driver are not explored; --all opens every trait', () => {
  const text =
    'scenario "fixed" {\n  driver mesa {\n    preset radv\n  }\n  strategy placed\n  m = vkAllocateMemory 1MiB host-visible\n  p = vkMapMemory m\n}\n';
  const none = explore(text);
  assert.equal(none.scenarios.length, 0);
  assert.match(none.problems[0] ?? '', /no scenario leaves its driver open/);
  const all = explore(text, { openAll: true });
  assert.equal(all.scenarios[0]?.total, 324);
  assert.equal(
    all.scenarios[0]?.safeWhen,
    'placed-map = none and external-memory-host = yes; or maps = at-map and placed-map = 4KiB',
  );
});

test('scenario selection by index and by name', () => {
  assert.equal(explore(exampleText(), { scenario: 2 }).scenarios[0]?.strategy, 'hook-mmap');
  assert.equal(
    explore(exampleText(), { scenario: 'alias under any driver' }).scenarios[0]?.strategy,
    'alias',
  );
  assert.match(explore(exampleText(), { scenario: 9 }).problems[0] ?? '', /no scenario #9/);
});

test('a strategy override explores another strategy on the same workload', () => {
  const s = explore(exampleText(), { scenario: 1, strategy: 'placed' }).scenarios[0]!;
  assert.equal(s.strategy, 'placed');
  assert.equal(
    s.safeWhen,
    'placed-map = none and external-memory-host = yes; or maps = at-map and placed-map = 4KiB',
  );
});

test('a failed map decides only what follows from it: an unrelated later error still decides', () => {
  const text = (after: string) => `scenario "s" {
  driver gpu {
    placed-map any
    external-memory-host no
  }
  strategy placed
  a = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory a
${after}
}
`;
  // The write through p uses the failed result: under placed-map none the map decides.
  const consequence = explore(text('  app writes p, 4')).scenarios[0]!;
  assert.equal(
    consequence.summary,
    'placed: refused under 1 of 2 driver behaviours; safe only when placed-map = 4KiB',
  );
  assert.equal(consequence.classes[0]!.hazard, 'placed-unsupported');
  // A fault at a fixed address happens under every behaviour: it decides both.
  const unrelated = explore(text('  app writes 0x5000_0000, 4')).scenarios[0]!;
  assert.equal(unrelated.summary, 'placed: unsafe under 2 of 2 driver behaviours; never safe');
});

test('after an `any` line, a concrete value closes that trait again, without a duplicate warning', () => {
  const text = `scenario "a" {
  strategy placed
  driver gpu {
    any
    backing device
    maps any
    maps at-map
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
}
`;
  assert.deepEqual(analyseDocument(text).diagnostics, []);
  const s = explore(text).scenarios[0]!;
  assert.deepEqual(
    s.dimensions.map((d) => d.key),
    ['caches-pointer', 'reuses', 'placed-map', 'external-memory-host', 'mmap-via'],
  );
});

test('a GL persistent map that Wine answers with NULL (copy path) is refused, not unsafe', () => {
  const text = `scenario "gl" {
  wine 10.18
  driver mesa {
    placed-map any
  }
  b = glBufferStorage 64KiB map-write persistent
  p = glMapBufferRange b, 0, 4KiB write persistent
}
`;
  const s = explore(text).scenarios[0]!;
  const copy = s.classes.find((c) => c.hazard === 'gl-persistent-copy');
  assert.equal(copy?.verdict, 'refused');
  assert.equal(copy?.when, 'placed-map = none');
});

test('an expectation left unchecked by a failed map follows from it: the map decides (refused)', () => {
  const text = `scenario "refused then expect" {
  strategy placed
  driver gpu {
    placed-map any
    external-memory-host no
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  w = app writes p, 64
  expect app reads p, 64 == w
}
`;
  const s = explore(text).scenarios[0]!;
  assert.equal(s.summary, 'placed: refused under 1 of 2 driver behaviours; safe only when placed-map = 4KiB');
  assert.equal(s.classes[0]!.hazard, 'placed-unsupported');
});

test('a bare `any` after a concrete line opens every trait again', () => {
  const text = `scenario "a" {
  strategy placed
  driver gpu {
    any
    maps pool
    any
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
}
`;
  assert.ok(explore(text).scenarios[0]!.dimensions.some((d) => d.key === 'maps'));
});

test('external-memory-host is explored only under the strategies that read it', () => {
  const text = (strategy: string) => `scenario "s" {
  driver gpu {
    any
  }
  strategy ${strategy}
  m = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory m
}
`;
  const keys = (strategy: string) => explore(text(strategy)).scenarios[0]!.dimensions.map((d) => d.key);
  assert.ok(keys('placed').includes('external-memory-host'));
  assert.ok(keys('external-memory-host').includes('external-memory-host'));
  // box64 under the same Wine: its map path falls back to a host import as placed's does.
  assert.ok(keys('mmap32').includes('external-memory-host'));
  const box64 = assertVerdictsAgreeWithCheck(
    scenario(
      'mmap32',
      ['placed-map none', 'mmap-via syscall', 'external-memory-host any'],
      ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'],
    ),
  );
  assert.equal(
    box64.summary,
    'mmap32: unsafe under 1 of 2 driver behaviours; safe only when external-memory-host = yes',
  );
  assert.ok(!keys('hook-mmap').includes('external-memory-host'));
  // Opened by name under a strategy that never reads it: kept at its value, and said so.
  const named = explore(text('hook-mmap').replace('    any', '    maps any\n    external-memory-host any'))
    .scenarios[0]!;
  assert.deepEqual(
    named.dimensions.map((d) => d.key),
    ['maps'],
  );
  assert.ok(
    named.notes.some((n) =>
      /`external-memory-host any` is not explored — only the placed, external-memory-host and mmap32 strategies read it/.test(
        n,
      ),
    ),
    named.notes.join('\n'),
  );
});

test('two drivers with every trait open are explored (hook-mmap: 162 × 162 behaviours)', () => {
  const text = `scenario "two" {
  driver a {
    any
  }
  driver b {
    any
  }
  strategy hook-mmap
  m = vkAllocateMemory 1MiB host-visible coherent driver a
  n = vkAllocateMemory 1MiB host-visible coherent driver b
  p = vkMapMemory m
  q = vkMapMemory n
}
`;
  const r = explore(text);
  assert.deepEqual(r.problems, []);
  assert.equal(r.scenarios[0]!.total, 162 * 162);
});

test('a fault an expectation asserts is expected in a verdict too, as check says (safe, not unsafe)', () => {
  const text = `scenario "e" {
  strategy placed
  m1 = vkAllocateMemory 64KiB host-visible
  p1 = vkMapMemory m1
  vkFreeMemory m1
  expect app reads p1, 4 == SIGSEGV
}
`;
  const run = analyseDocument(text).scenarios[0]!.run;
  assert.equal(classify(run).verdict, 'safe');
  // Asserting data instead: the failed expectation and the stale read are errors.
  const data = analyseDocument(text.replace('== SIGSEGV', '== 0')).scenarios[0]!.run;
  assert.equal(classify(data).verdict, 'unsafe');
  assert.equal(classify(data).first?.code, 'expectation-failed');
});

test('a Vulkan failure an expectation names is what the scenario asserts: safe, as check says, not refused', () => {
  const expectedFailure = (strategy: string, trait: string, expectation: string[]) =>
    scenario(
      strategy,
      [`${trait} any`],
      ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem', ...expectation],
    );
  const verdicts = (s: ScenarioExploration, trait: string) =>
    s.behaviours.map((b) => [b.values[trait], b.verdict, b.hazard]);
  // remap-dontunmap: MREMAP_DONTUNMAP refuses a device BO, whatever the driver caches.
  const remap = assertVerdictsAgreeWithCheck(
    expectedFailure('remap-dontunmap', 'caches-pointer', ['expect p == VK_ERROR_MEMORY_MAP_FAILED']),
  );
  assert.deepEqual(verdicts(remap, 'caches-pointer'), [
    ['no', 'safe', undefined],
    ['yes', 'safe', undefined],
  ]);
  // Expected 40 steps further down, past the first prefix run, the same.
  const late = assertVerdictsAgreeWithCheck(
    expectedFailure('remap-dontunmap', 'caches-pointer', [
      'a = mmap 4KiB rw private anon',
      ...Array.from({ length: 40 }, () => 'write a, 1'),
      'expect p == VK_ERROR_MEMORY_MAP_FAILED',
    ]),
  );
  assert.deepEqual(verdicts(late, 'caches-pointer'), verdicts(remap, 'caches-pointer'));
  // placed: the BO a driver mapped already cannot be placed (H4); mapped at vkMapMemory it can,
  // and the expectation fails.
  const placed = assertVerdictsAgreeWithCheck(
    expectedFailure('placed', 'maps', ['expect p == VK_ERROR_MEMORY_MAP_FAILED']),
  );
  assert.deepEqual(verdicts(placed, 'maps'), [
    ['at-map', 'unsafe', 'expectation-failed'],
    ['at-alloc', 'safe', undefined],
    ['pool', 'safe', undefined],
  ]);
  // Unexpected, or expected otherwise, the same failure is refused.
  for (const expectation of [[], ['expect p == VK_ERROR_OUT_OF_HOST_MEMORY']]) {
    const s = assertVerdictsAgreeWithCheck(expectedFailure('remap-dontunmap', 'caches-pointer', expectation));
    assert.deepEqual(
      s.behaviours.map((b) => b.verdict),
      ['refused', 'refused'],
      expectation.join(''),
    );
  }
});

test('a scenario with a syntax error is not explored, as one with an unknown word is not: check fails it', () => {
  const steps = ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'];
  const sound = scenario('hook-mmap', ['any'], steps);
  assert.equal(explore(sound).scenarios.length, 1);
  for (const [broken, error] of [
    [sound.replace('p = vkMapMemory', '@ p = vkMapMemory'), 'line 7: unexpected character `@`'],
    [sound.replace(/}\n$/, ''), 'line 1: this scenario has no closing `}`'],
    [sound.replace('vkMapMemory', 'vkMapMemry'), 'line 7: unknown command `vkMapMemry`'],
  ] as const) {
    const result = explore(broken);
    assert.deepEqual(result.scenarios, [], error);
    assert.equal(result.problems.length, 1);
    assert.ok(
      result.problems[0]!.startsWith(`"hook-mmap" has language errors (${error}`),
      result.problems[0],
    );
    assert.ok(result.problems[0]!.endsWith('; fix them first'));
  }
  // The other scenarios of the file are explored all the same.
  const two = explore(
    sound + sound.replace('p = vkMapMemory', '@ p = vkMapMemory').replace('"hook-mmap"', '"b"'),
  );
  assert.deepEqual(
    two.scenarios.map((s) => s.name),
    ['hook-mmap'],
  );
  assert.equal(two.problems.length, 1);
});
