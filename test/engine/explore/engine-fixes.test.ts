// Two engine fixes that exploration needed (each made a verdict wrong):
// 1. driver-ops: a driver with a large alignment (H8) mapped its BO at size + alignment and
//    trimmed it: EINVAL for a device BO, SIGBUS past a memfd's end. It now reserves anonymous
//    space, trims it, and maps the BO over the aligned block with MAP_FIXED.
// 2. fixed-clobber: moving DONTUNMAP'd shared pages back over their old range (the same object at
//    the same offsets) was reported as destroying the driver's mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { scenario, WORKLOAD } from './helpers';

test('a 2 MiB-aligned driver maps device and shmem BOs, aligned, with nothing lost', () => {
  for (const backing of ['device', 'shmem']) {
    const text = scenario(
      'placed',
      // The trait, not the anv preset: ANV maps a BO at its page-rounded size (vulkan-wine §2 note 2).
      [
        'alignment 2MiB',
        'caches-pointer',
        `backing ${backing}`,
        'maps at-alloc',
        'placed-map none',
        'external-memory-host no',
      ],
      [
        'mem = vkAllocateMemory 1MiB host-visible',
        'w = gpu writes mem + 0x10, 16',
        'expect gpu reads mem + 0x10, 16 == w',
      ],
    );
    const analysis = analyseDocument(text);
    assert.deepEqual(
      analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
      [],
      backing,
    );
    const memory = analysis.scenarios[0]!.run.vulkan.memories[0]!;
    assert.equal((memory.driverPointer ?? 1n) % (2n << 20n), 0n, `${backing}: the BO is 2 MiB aligned`);
  }
});

test('remap-dontunmap of shmem, then unmap: moving the pages back is not a clobber', () => {
  const analysis = analyseDocument(
    scenario('remap-dontunmap', ['backing shmem', 'caches-pointer'], WORKLOAD),
  );
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    [],
  );
});

test('a real clobber of a shared mapping is still reported', () => {
  const text = [
    'scenario "clobber" {',
    '  actor gpu',
    '  f = open memfd "a" 64KiB',
    '  g = open memfd "b" 64KiB',
    '  a = mmap 64KiB rw shared fd f by gpu',
    '  b = mmap 64KiB rw shared fd g at a fixed by wine',
    '}',
  ].join('\n');
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => d.code),
    ['fixed-clobber'],
  );
});
