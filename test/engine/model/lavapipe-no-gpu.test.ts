// lavapipe has no GPU whatever its backing (Mesa 24.2+ keeps its memory in a memfd, but llvmpipe
// still draws through the pointer llvmpipe_map_memory returned): `caches-pointer no` cannot hold,
// and a `device` access after a remap strategy moved the pages still goes through the old pointer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes } from './helpers';

const moved = (traits: string) => `scenario "lavapipe remap-move device write" {
  kernel 6.6
  driver lvp {
    preset lavapipe${traits}
  }
  strategy remap-move
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  w = device writes mem, 16
  expect app reads p, 16 == w
}`;

test('lavapipe with `caches-pointer no`: the line conflicts, and its device write still misses the moved pages', () => {
  const found = codes(moved('\n    caches-pointer no'));
  assert.ok(found.includes('conflicting-traits'), found.join(', '));
  assert.ok(found.includes('stale-pointer'), found.join(', '));
});

test('a GPU driver with `caches-pointer no` has no conflict, and its device write reaches the moved pages', () => {
  const found = codes(moved('\n    caches-pointer no').replace('preset lavapipe', 'preset radv'));
  assert.ok(!found.includes('conflicting-traits'), found.join(', '));
  assert.ok(!found.includes('stale-pointer'), found.join(', '));
});

test('plain `preset lavapipe` (no caches-pointer line): no conflict, the stale pointer as before', () => {
  const found = codes(moved(''));
  assert.ok(!found.includes('conflicting-traits'), found.join(', '));
  assert.ok(found.includes('stale-pointer'), found.join(', '));
});
