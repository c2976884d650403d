// A RESERVE unmap whose PROT_NONE overmap the kernel refuses (a sealed VMA: EPERM). The spec keeps
// the object host-mapped and returns VK_ERROR_MEMORY_MAP_FAILED (vulkan-wine §1.1), as NVK
// (nvkmd_nouveau_mem_overmap), ANV (anv_device_unmap_bo) and Turnip (tu_bo_unmap) do; RADV's
// radv_amdgpu_winsys_bo_unmap ignores the mmap's result and forgets its map (VK_SUCCESS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

/** A placed map, sealed, then a RESERVE unmap and what follows it. */
const SEALED_UNMAP = (driver: string, after: string) => `scenario "r" {
${driver}  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000
  mseal p, 64KiB
  u = vkUnmapMemory2 m reserve
${after}
}
`;
const PRESET = (name: string) => `  driver gpu {\n    preset ${name}\n  }\n`;

function errors(text: string): string[] {
  return analyseDocument(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code}: ${d.message.split(':')[0]}`);
}

test('nvk: a RESERVE unmap the kernel refuses returns VK_ERROR_MEMORY_MAP_FAILED (review: Vulkan, finding 1)', () => {
  const text = SEALED_UNMAP(PRESET('nvk'), '  expect u == VK_ERROR_MEMORY_MAP_FAILED');
  assert.deepEqual(errors(text), []);
});

test('the default driver follows the spec: the object stays mapped, so a map is 07958 and a plain unmap no 07964', () => {
  const text = SEALED_UNMAP(
    '',
    '  expect u == VK_ERROR_MEMORY_MAP_FAILED\n  expect mapped p, 64KiB\n  q = vkMapMemory2 m\n  vkUnmapMemory2 m',
  );
  // The plain unmap's munmap of the sealed VMA is refused too, and the driver ignores that.
  assert.deepEqual(errors(text), [
    'vulkan-valid-usage: VUID-VkMemoryMapInfo-memory-07958',
    "kernel-refused: driver's munmap(0x2000_0000, 0x1_0000) fails with EPERM",
  ]);
});

test('radv ignores the failed overmap: VK_SUCCESS, and the object is unmapped for Vulkan', () => {
  const text = SEALED_UNMAP(
    PRESET('radv'),
    '  expect u == VK_SUCCESS\n  q = vkMapMemory2 m\n  expect q != p',
  );
  assert.deepEqual(errors(text), [
    "kernel-refused: gpu's mmap(0x2000_0000, 0x1_0000, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0x0) fails with EPERM",
  ]);
});

test('a RESERVE unmap the kernel allows still returns VK_SUCCESS and unmaps', () => {
  const text = `scenario "r" {
${PRESET('nvk')}  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000
  u = vkUnmapMemory2 m reserve
  expect u == VK_SUCCESS
  q = vkMapMemory2 m placed at 0x2000_0000
}
`;
  assert.deepEqual(errors(text), []);
});

test("Wine's placed path: a failed RESERVE unmap keeps the object placed, and the next vkMapMemory returns it (win32u_vkMapMemory2KHR's vm_map)", () => {
  const text = `scenario "wine" {
  strategy placed
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m
  mseal p, 64KiB
  vkUnmapMemory m
  q = vkMapMemory m
  expect q == p
}
`;
  const analysis = analyseDocument(text);
  const records = analysis.scenarios[0]!.run.simulation.records;
  const unmapCalls = records[3]!.calls.map((c) => `${c.actor}: ${c.text} ${c.result}`);
  assert.equal(
    unmapCalls[1],
    'wine: vkUnmapMemory2KHR(m, VK_MEMORY_UNMAP_RESERVE_BIT_EXT) = VK_ERROR_MEMORY_MAP_FAILED',
  );
  // Wine frees its range only on success: no munmap of it follows the refused overmap.
  assert.equal(unmapCalls.length, 3, unmapCalls.join('\n'));
  // The second map calls neither NtAllocateVirtualMemory nor the driver.
  assert.deepEqual(
    records[4]!.calls.map((c) => c.actor),
    ['app'],
  );
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.code === 'expectation-failed'),
    [],
  );
});
