// VK_MEMORY_UNMAP_RESERVE_BIT_EXT keeps the range of any map reserved, placed or not (facts
// vulkan-wine §1.1, the CTS normal_unmap_reserve case): a later mmap(NULL) must not land in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const PLAIN_MAP = (unmap: string, expectations: string) => `scenario "r" {
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m
  ${unmap}
  a = mmap 64KiB rw private anon
${expectations}
}
`;

test('a plain map unmapped with RESERVE stays reserved: the next mmap lands elsewhere', () => {
  const text = PLAIN_MAP('vkUnmapMemory2 m reserve', '  expect a != p\n  expect mapped p, 64KiB');
  assert.deepEqual(analyseDocument(text).diagnostics, []);
});

test('without RESERVE the range is free again, and the next mmap takes it', () => {
  const text = PLAIN_MAP('vkUnmapMemory2 m', '  expect a == p');
  assert.deepEqual(analyseDocument(text).diagnostics, []);
});

test('RESERVE on a driver without memoryUnmapReserve is 09579 and reserves nothing', () => {
  const text = `scenario "r" {
  driver d {
    placed-map 4KiB no-unmap-reserve
  }
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m
  vkUnmapMemory2 m reserve
  a = mmap 64KiB rw private anon
  expect a == p
}
`;
  const messages = analyseDocument(text).diagnostics.map((d) => d.message.split(':')[0]);
  assert.deepEqual(messages, ['VUID-VkMemoryUnmapInfo-flags-09579']);
});
