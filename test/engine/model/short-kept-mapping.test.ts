// A mapping a driver keeps past vkUnmapMemory (`caches-pointer`, `reuses after-unmap`) made by a
// ranged map of a `to-range-end` driver (ANV) covers only that range's end: a later map that
// needs more maps again, as anv_MapMemory2KHR does at every call (anv_device.c), instead of
// handing back the short mapping (review recheck, finding 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';
import { explore } from '../../../server/src/engine/explore/explore';

const scenario = (trait: string, maps: readonly string[]) => `scenario "a whole map after a ranged one" {
  strategy hook-mmap
  driver anv {
    preset anv
    ${trait}
  }
  mem = vkAllocateMemory 64KiB host-visible
${maps.map((m) => `  ${m}\n`).join('')}  app writes q + 32KiB, 64
}
`;

const RANGED_THEN_WHOLE = [
  'p = vkMapMemory mem offset 0 size 4KiB',
  'vkUnmapMemory mem',
  'q = vkMapMemory mem',
];

/** The BO mmaps of step `index` (0-based): `address length`. */
const boMmaps = (text: string, index: number) =>
  callsOf(text, index)
    .filter((c) => /^anv: mmap\(.*MAP_SHARED/.test(c))
    .map((c) => /mmap\((\S+), (\S+),/.exec(c)!.slice(1).join(' '));

test('caches-pointer: a whole map after a ranged one unmaps the short kept mapping and maps the whole BO', () => {
  const text = scenario('caches-pointer', RANGED_THEN_WHOLE);
  assert.deepEqual(codes(text), []);
  const calls = callsOf(text, 3);
  assert.ok(
    calls.some((c) => /^anv: munmap\(0x1_0000, 0x1000\)/.test(c)),
    calls.join('\n'),
  );
  assert.deepEqual(boMmaps(text, 3), ['0x1_0000 0x1_0000']);
  const memory = analyse(text).scenarios[0]!.run;
  const vma = memory.simulation.space.vmas().find((v) => v.object.kind === 'device')!;
  assert.equal(BigInt(vma.endPage - vma.startPage) * 4096n, 0x1_0000n);
  // A map that the kept mapping covers still gets it back, with no syscall.
  const covered = scenario('caches-pointer', [
    'p = vkMapMemory mem offset 0 size 4KiB',
    'vkUnmapMemory mem',
    'q = vkMapMemory mem offset 0 size 4KiB',
  ]).replace('q + 32KiB', 'q');
  assert.deepEqual(codes(covered), []);
  assert.deepEqual(boMmaps(covered, 3), []);
});

test('reuses after-unmap: a kept block shorter than the map is not handed back; the driver maps again', () => {
  const text = scenario('reuses after-unmap', RANGED_THEN_WHOLE);
  assert.deepEqual(codes(text), []);
  assert.ok(!callsOf(text, 3).some((c) => /reuse the mapping of mem/.test(c)));
  assert.deepEqual(
    boMmaps(text, 3).map((m) => m.split(' ')[1]),
    ['0x1_0000'],
  );
});

test('reuses after-unmap: a kept block handed back keeps its own length, so a later whole map maps again', () => {
  // 16 KiB kept, reused whole by an 8 KiB map: the next unmap keeps 16 KiB, not the BO's 64 KiB.
  const text = scenario('reuses after-unmap', [
    'p = vkMapMemory mem offset 0 size 16KiB',
    'vkUnmapMemory mem',
    's = vkMapMemory mem offset 0 size 8KiB',
    'vkUnmapMemory mem',
    'q = vkMapMemory mem',
  ]);
  assert.deepEqual(codes(text), []);
  assert.ok(callsOf(text, 3).some((c) => /reuse the mapping of mem kept/.test(c)));
  assert.deepEqual(
    boMmaps(text, 5).map((m) => m.split(' ')[1]),
    ['0x1_0000'],
  );
});

test('explore: `caches-pointer any` with ANV finds no access-fault for a whole map after a ranged one', () => {
  const explored = explore(scenario('caches-pointer any', RANGED_THEN_WHOLE));
  assert.deepEqual(explored.problems, []);
  const s = explored.scenarios[0]!;
  assert.ok(s.behaviours.length >= 2);
  assert.deepEqual(
    s.behaviours.filter((b) => b.verdict !== 'safe').map((b) => `${JSON.stringify(b.values)} ${b.hazard}`),
    [],
  );
});

// A BO a `reuses after-free` driver caches while still mapped keeps that mapping's length: the
// memory that reuses it gets the short mapping, and a map needing more maps again (review
// recheck 3, finding 1).
const AFTER_FREE = (
  trait: string,
  steps: readonly string[],
) => `scenario "reuse of a BO freed while mapped short" {
  strategy hook-mmap
  driver anv {
    preset anv
    ${trait}
    reuses after-free
  }
  a = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory a offset 0 size 4KiB
  vkFreeMemory a
${steps.map((s) => `  ${s}\n`).join('')}  app writes q + 32KiB, 64
}
`;

test('caches-pointer, reuses after-free: a whole map of memory that reused a BO freed while mapped short maps again', () => {
  const text = AFTER_FREE('caches-pointer', ['b = vkAllocateMemory 64KiB host-visible', 'q = vkMapMemory b']);
  assert.deepEqual(codes(text), []);
  const calls = callsOf(text, 4);
  assert.ok(
    calls.some((c) => /^anv: munmap\(0x1_0000, 0x1000\)/.test(c)),
    calls.join('\n'),
  );
  assert.deepEqual(boMmaps(text, 4), ['0x1_0000 0x1_0000']);
});

test('caches-pointer, reuses after-free: the short length follows the BO through a second free and reuse', () => {
  const text = AFTER_FREE('caches-pointer', [
    'b = vkAllocateMemory 64KiB host-visible',
    'vkFreeMemory b',
    'c = vkAllocateMemory 64KiB host-visible',
    'q = vkMapMemory c',
  ]);
  assert.deepEqual(codes(text), []);
  assert.deepEqual(boMmaps(text, 6), ['0x1_0000 0x1_0000']);
});

test('explore: `caches-pointer any`, `reuses any` with ANV finds no access-fault after a BO freed while mapped short', () => {
  const text = `scenario "anv: a whole map of memory that reused a BO freed while mapped short" {
  strategy hook-mmap
  driver anv {
    preset anv
    caches-pointer any
    reuses any
  }
  a = vkAllocateMemory 16KiB host-visible
  p = vkMapMemory a offset 0 size 4KiB
  vkFreeMemory a
  b = vkAllocateMemory 16KiB host-visible
  q = vkMapMemory b
  app writes q + 8KiB, 4
}
`;
  const explored = explore(text);
  assert.deepEqual(explored.problems, []);
  const s = explored.scenarios[0]!;
  assert.equal(s.behaviours.length, 6);
  assert.deepEqual(
    s.behaviours.filter((b) => b.verdict !== 'safe').map((b) => `${JSON.stringify(b.values)} ${b.hazard}`),
    [],
  );
});
