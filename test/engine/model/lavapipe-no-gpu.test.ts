// lavapipe has no GPU whatever its backing (Mesa 24.2+ keeps its memory in a memfd, but llvmpipe
// still draws through the pointer llvmpipe_map_memory returned): `caches-pointer no` cannot hold,
// and a `device` access after a remap strategy moved the pages still goes through the old pointer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes } from './helpers';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { explore } from '../../../server/src/engine/explore/explore';

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

test('explore leaves out lavapipe without caches-pointer: one behaviour, the rule named', () => {
  const text = `scenario "lvp caches any" {
  driver lvp {
    preset lavapipe
    caches-pointer any
  }
  strategy remap-move
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  lvp writes mem, 8
}`;
  const s = explore(text).scenarios[0]!;
  assert.equal(s.total, 1);
  assert.deepEqual(
    s.impossible.rules.map((r) => r.when),
    ['lavapipe with caches-pointer no'],
  );
});

test("a placed map of lavapipe's kept mapping says it has no GPU, not to write `caches-pointer no`", () => {
  const text = `scenario "lvp placed" {
  driver lvp {
    preset lavapipe
    maps at-map
    placed-map 4KiB
  }
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  vkUnmapMemory mem
  q = vkMapMemory mem
}`;
  const failed = analyseDocument(text).diagnostics.find((d) => d.code === 'placed-map-failed');
  assert.ok(failed, 'placed-map-failed');
  assert.match(failed.message, /it has no GPU/);
  assert.doesNotMatch(failed.message, /caches-pointer no/);
});

test("hook-bypassed on a Turnip self-import names the exporter's allocation that made the mapping", () => {
  const text = `scenario "msm self import hook" {
  driver tu {
    preset turnip
  }
  strategy hook-mmap
  mem = vkAllocateMemory 64KiB host-visible cached exportable
  buf = vkGetMemoryFdKHR mem dma-buf
  imp = vkAllocateMemory 64KiB host-visible cached import buf driver tu
  q = vkMapMemory imp
}`;
  const bypassed = analyseDocument(text).diagnostics.find((d) => d.code === 'hook-bypassed');
  assert.ok(bypassed, 'hook-bypassed');
  assert.match(bypassed.message, /tu mapped mem at vkAllocateMemory \(step 1\)/);
  assert.match(bypassed.message, /imp is mem's buffer object/);
});
