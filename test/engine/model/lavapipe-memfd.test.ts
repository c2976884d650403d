// `preset lavapipe` is Mesa 24.2 and later: llvmpipe keeps its memory in a memfd mapped MAP_SHARED
// ("llvmpipe: Use an anonymous file for memory allocations"; lp_screen.c, llvmpipe_map_memory),
// modelled as `backing shmem`. Older Mesa (private anonymous, os_malloc_aligned) is `preset
// lavapipe` then `backing anon`. The reviewer's a1 (remap-dontunmap) and a3 (alias) scenarios.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';

const OLD_MESA = '\n    backing anon';

const dontunmap = (traits = '') => `scenario "lavapipe under a DONTUNMAP remap" {
  driver lvp {
    preset lavapipe${traits}
  }
  strategy remap-dontunmap
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  w = lvp writes mem + 0x100, 64
  expect app reads p + 0x100, 64 == w
}`;

const alias = (traits = '') => `scenario "lavapipe under the alias strategy" {
  driver lvp {
    preset lavapipe${traits}
  }
  strategy alias
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  w = lvp writes mem + 0x100, 64
  expect app reads p + 0x100, 64 == w
}`;

const driverOf = (traits: string) =>
  analyse(`scenario "d" {\n  driver lvp {\n${traits}\n  }\n}\n`).scenarios[0]!.run.drivers.get('lvp')!;

test('`preset lavapipe` keeps its memory in a memfd (Mesa 24.2+), its other traits unchanged', () => {
  const lvp = driverOf('    preset lavapipe');
  assert.equal(lvp.backing, 'shmem');
  assert.equal(lvp.maps, 'at-alloc');
  assert.equal(lvp.cachesPointer, true);
  assert.equal(lvp.placed.supported, false);
  assert.equal(lvp.hostImportDeviceLocal, true);
});

test('a `backing anon` line overrides the preset, before or after it (lavapipe before Mesa 24.2)', () => {
  for (const traits of ['    preset lavapipe\n    backing anon', '    backing anon\n    preset lavapipe']) {
    const lvp = driverOf(traits);
    assert.equal(lvp.backing, 'anon', traits);
    assert.equal(lvp.cachesPointer, true, traits);
    assert.equal(lvp.placed.supported, false, traits);
  }
});

test('lavapipe on Mesa 24.2+ is safe under remap-dontunmap and alias: the memfd keeps both ranges shared', () => {
  assert.deepEqual(codes(dontunmap()), []);
  assert.deepEqual(codes(alias()), []);
});

test('lavapipe before Mesa 24.2 (`backing anon`) breaks under both as before', () => {
  assert.deepEqual(codes(dontunmap(OLD_MESA)), ['expectation-failed', 'stale-pointer']);
  const refused = analyse(alias(OLD_MESA)).diagnostics;
  assert.deepEqual(refused.map((d) => d.code).sort(), ['expectation-failed', 'kernel-refused']);
  assert.match(
    refused.find((d) => d.code === 'kernel-refused')!.message,
    /EINVAL: old_size == 0 duplicates only shared mappings/,
  );
});

test('lavapipe has no GPU whatever its backing: its rasterizer writes through the pointer a move left behind', () => {
  const moved = (driver: string) => `scenario "moved" {
  kernel 6.6
  strategy remap-move
  driver d {
${driver}
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  g = device writes mem + 0x200, 64
  expect app reads p + 0x200, 64 == g
}`;
  // lavapipe draws through the pointer llvmpipe_map_memory returned: the move left it unmapped.
  assert.deepEqual(codes(moved('    preset lavapipe')), ['expectation-failed', 'stale-pointer']);
  // A GPU driver whose BOs are memfds reaches the moved pages.
  assert.deepEqual(codes(moved('    backing shmem\n    caches-pointer')), []);
});

test('lavapipe on Mesa 24.2+ exports its memory as an opaque fd and shares it with an import', () => {
  const shared = `scenario "lavapipe shares memory with itself through an opaque fd" {
  driver lvp {
    preset lavapipe
  }
  m = vkAllocateMemory 64KiB host-visible coherent exportable
  h = vkGetMemoryFdKHR m opaque-fd
  gl = vkAllocateMemory 64KiB host-visible coherent import h
  p = vkMapMemory2 m
  q = vkMapMemory2 gl
  w = write p + 0x10, 16
  expect read q + 0x10, 16 == w
}`;
  assert.deepEqual(codes(shared), []);
});
