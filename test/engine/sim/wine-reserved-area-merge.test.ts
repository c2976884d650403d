// Wine keeps its reserved areas merged: mmap_add_reserved_area (wine-mirror/wine
// dlls/ntdll/unix/virtual.c) joins a range with every area it overlaps or touches and drops one an
// area already holds. drvmap kept each stated range as an area of its own, so a range stated twice,
// or a preloader range under box64's prereserve, made map_fixed_area mmap zero-length pieces
// (EINVAL, VK_ERROR_OUT_OF_HOST_MEMORY), and two touching areas never held a view across both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { withReservedArea } from '../../../server/src/engine/sim/wine-reserved-areas';

function scenario(lines: readonly string[]): string {
  return `scenario "areas" {\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;
}

function problems(lines: readonly string[]): string[] {
  return analyseDocument(scenario(lines))
    .diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => `${d.code}: ${d.message}`);
}

const MAP_1MIB = ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'];

test('withReservedArea: touching and overlapping ranges merge, a held one is dropped, one apart is kept apart', () => {
  const a = withReservedArea([], 0x1000_0000n, 0x2000_0000n).areas;
  assert.deepEqual(withReservedArea(a, 0x1000_0000n, 0x2000_0000n), {
    areas: [[0x1000_0000n, 0x2000_0000n]],
    joined: [[0x1000_0000n, 0x2000_0000n]],
  });
  assert.deepEqual(withReservedArea(a, 0x2000_0000n, 0x3000_0000n).areas, [[0x1000_0000n, 0x3000_0000n]]);
  assert.deepEqual(withReservedArea(a, 0x800_0000n, 0x1000_0000n).areas, [[0x800_0000n, 0x2000_0000n]]);
  assert.deepEqual(withReservedArea(a, 0x2001_0000n, 0x3000_0000n).areas, [
    [0x1000_0000n, 0x2000_0000n],
    [0x2001_0000n, 0x3000_0000n],
  ]);
  // One range reaching over several areas swallows them all ("try to merge with the following ones").
  const three: (readonly [bigint, bigint])[] = [
    [0x1_0000n, 0x1_8000n],
    [0x11_0000n, 0x3011_0000n],
    [0x7f00_0000n, 0x8200_0000n],
  ];
  assert.deepEqual(withReservedArea(three, 0x1_8000n, 0x7f00_0000n).areas, [[0x1_0000n, 0x8200_0000n]]);
});

test('a reserved area stated twice is one area: a placed map goes at its start, no zero-length mmap', () => {
  assert.deepEqual(
    problems([
      'reserve 0x1000_0000 at 0x1000_0000 by wine preloaded',
      'reserve 0x1000_0000 at 0x1000_0000 by wine preloaded',
      'strategy placed',
      ...MAP_1MIB,
      'expect p == 0x1000_0000',
    ]),
    [],
  );
});

test("a preloader range over box64's prereserve (mmap32) merges with it: the map goes at 0x11_0000", () => {
  assert.deepEqual(
    problems([
      'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded',
      'strategy mmap32',
      ...MAP_1MIB,
      'expect p == 0x11_0000',
    ]),
    [],
  );
});

test('two touching reserved areas hold a view across their common edge', () => {
  assert.deepEqual(
    problems([
      'reserve 0x1000_0000 at 0x1000_0000 by wine preloaded',
      'reserve 0x1000_0000 at 0x2000_0000 by wine preloaded',
      'strategy placed',
      'mem = vkAllocateMemory 0x1800_0000 host-visible',
      'p = vkMapMemory mem',
      'expect p == 0x1000_0000',
    ]),
    [],
  );
});

test('an area stated after a search, below the area it used, is searched first: apart or merged with it', () => {
  // The searches keep a cursor per area by index: a new area below moves the indices, a merged one
  // starts lower, and the old cursor skipped the room below it.
  for (const [at, expected] of [
    ['0x800_0000', '0x800_0000'],
    ['0x1000_0000', '0x1000_0000'],
  ])
    assert.deepEqual(
      problems([
        'strategy placed',
        'reserve 0x1000_0000 at 0x2000_0000 by wine preloaded',
        'a = vkAllocateMemory 1MiB host-visible',
        'pa = vkMapMemory a',
        'expect pa == 0x2000_0000',
        `reserve 0x1000_0000 at ${at} by wine preloaded`,
        'b = vkAllocateMemory 1MiB host-visible',
        'pb = vkMapMemory b',
        `expect pb == ${expected}`,
      ]),
      [],
      at,
    );
});

test("window-exhausted names a merged area with everyone who reserved it: box64's and wine's", () => {
  const found = problems([
    'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded',
    'strategy mmap32',
    'mem = vkAllocateMemory 1792MiB host-visible',
    'p = vkMapMemory mem',
  ]);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(found[0]!, /^window-exhausted: /);
  assert.match(found[0]!, /box64's and wine's start-up reservation 0x11_0000\.\.0x6800_0000/);
  assert.doesNotMatch(found[0]!, /EINVAL/);
});
