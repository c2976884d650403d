// vkUnmapMemory2 on memory that is not mapped breaks VUID-VkMemoryUnmapInfo-memory-07964, the
// core rule vkUnmapMemory's 00689 is: the call is reported and, as vkUnmapMemory's, not
// simulated further (its behaviour is undefined), so no driver unmap runs for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

test('an unmap of memory already unmapped reaches no driver: its cached mapping stays as it was (review: Vulkan, finding 4)', () => {
  const text = `scenario "twice" {
  driver gpu {
    caches-pointer
  }
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m
  vkUnmapMemory2 m
  u = vkUnmapMemory2 m reserve
  w = gpu writes m, 4
  expect gpu reads m, 4 == w
}
`;
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
    ['vulkan-valid-usage: VUID-VkMemoryUnmapInfo-memory-07964: m is not currently host-mapped'],
  );
  const record = analysis.scenarios[0]!.run.simulation.records[3]!;
  // Only the application's call: no PROT_NONE mmap over the driver's mapping.
  assert.deepEqual(
    record.calls.map((c) => `${c.actor}: ${c.text}`),
    ['app: vkUnmapMemory2KHR(m, VK_MEMORY_UNMAP_RESERVE_BIT_EXT)'],
  );
  assert.equal(record.outcome.kind, 'skipped');
});

test('07964 after a failed placed map names that map, as 00689 does', () => {
  const text = `scenario "failed" {
  low = mmap 64KiB rw private anon at 0x2000_0000 fixed-noreplace
  mseal low, 64KiB
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000
  expect p == VK_ERROR_MEMORY_MAP_FAILED
  vkUnmapMemory2 m
}
`;
  const found = analyseDocument(text).diagnostics.filter((d) => d.code === 'vulkan-valid-usage');
  assert.deepEqual(
    found.map((d) => d.message),
    ['VUID-VkMemoryUnmapInfo-memory-07964: m is not currently host-mapped (its map at step 4 failed)'],
  );
});

test('an unmap of mapped memory still runs, also when it breaks only 09579', () => {
  const text = `scenario "r" {
  driver d {
    placed-map 4KiB no-unmap-reserve
  }
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m
  vkUnmapMemory2 m reserve
  expect unmapped p, 64KiB
  q = vkMapMemory2 m
}
`;
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => d.message.split(':')[0]),
    ['VUID-VkMemoryUnmapInfo-flags-09579'],
  );
});
