// RADV imports a dma-buf at the size libdrm reports for it and never compares that with the
// import's allocationSize: radv_alloc_memory calls radv_bo_from_fd(…, NULL) (radv_device_memory.c),
// radv_amdgpu_winsys_bo_from_fd sets `bo->base.size` to amdgpu_bo_import's `alloc_size`, and
// radv_amdgpu_winsys_bo_map/_unmap map and overmap `bo->base.size` (radv_amdgpu_bo.c). So, as on
// NVK, a smaller import maps the whole buffer past Wine's reservation, and a larger one succeeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';

const importing = (exported: string, imported: string) => `scenario "x" {
  strategy placed
  driver radv {
    preset radv
  }
  m = vkAllocateMemory ${exported} host-visible exportable driver radv
  fd1 = vkGetMemoryFdKHR m dma-buf
  m2 = vkAllocateMemory ${imported} host-visible import fd1 driver radv
  p = vkMapMemory m2
  vkUnmapMemory m2
}
`;

const failedExpects = (text: string) =>
  analyse(text)
    .scenarios[0]!.run.simulation.expects.filter((e) => e.passed !== true)
    .map((e) => e.detail);

test('radv maps the whole imported BO: 64 KiB over Wine’s 16 KiB reservation is fixed-clobber, and its RESERVE overmap covers all of it', () => {
  const text = importing('64KiB', '16KiB');
  assert.deepEqual(codes(text), ['fixed-clobber']);
  assert.match(
    analyse(text).diagnostics[0]!.message,
    /maps 64 KiB \(the whole imported buffer object.*past the 16 KiB reserved/,
  );
  const map = callsOf(text, 3).find((c) => c.startsWith('radv: mmap('));
  assert.match(map ?? '', /^radv: mmap\(0x1_0000, 0x1_0000, PROT_READ\|PROT_WRITE, MAP_SHARED\|MAP_FIXED/);
  assert.ok(
    callsOf(text, 4).some((c) => /^radv: mmap\(0x1_0000, 0x1_0000, PROT_NONE/.test(c)),
    callsOf(text, 4).join('\n'),
  );
});

test('radv imports a dma-buf smaller than allocationSize (no check: VK_SUCCESS) and maps the buffer’s size', () => {
  const text = importing('64KiB', '128KiB').replace(
    '  vkUnmapMemory m2\n',
    '  vkUnmapMemory m2\n  expect m2 == VK_SUCCESS\n',
  );
  assert.deepEqual(codes(text), []);
  assert.deepEqual(failedExpects(text), []);
  assert.ok(
    callsOf(text, 3).some((c) =>
      /^radv: mmap\(0x1_0000, 0x1_0000, PROT_READ\|PROT_WRITE, MAP_SHARED/.test(c),
    ),
    callsOf(text, 3).join('\n'),
  );
});
