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

test('a placed map with a 64 KiB placed alignment maps the page-rounded BO, and RESERVE covers that, not the alignment-rounded size (review: new user, finding 1)', () => {
  // 100 KiB is not a multiple of 64 KiB (09651), but the driver maps the page-rounded BO
  // (vulkan-wine §4 H7: align64(size, 4096)), so RESERVE must not replace what lies past it.
  const text = `scenario "reserve past the BO" {
  driver gpu {
    placed-map 64KiB
  }
  res = reserve 128KiB at 0x2000_0000 by wine
  mem = vkAllocateMemory 100KiB host-visible
  p = vkMapMemory2 mem placed at 0x2000_0000
  munmap 0x2001_9000, 0x7000
  other = mmap 0x7000 rw private anon at 0x2001_9000 fixed-noreplace
  w = write other, 16
  vkUnmapMemory2 mem reserve
  expect read other, 16 == w
  expect mapped 0x2000_0000, 100KiB
}
`;
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['vulkan-valid-usage'],
  );
  const calls = analysis.scenarios[0]!.run.simulation.records.flatMap((r) => r.calls.map((c) => c.text));
  assert.ok(
    calls.includes('mmap(0x2000_0000, 0x1_9000, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0x0)'),
    calls.join('\n'),
  );
});

test('a placed map into a reservation smaller than the page-rounded BO still spills (H7), in the words of what the driver maps', () => {
  const text = `scenario "spill" {
  res = reserve 64KiB at 0x2000_0000 by wine
  next = reserve 64KiB at 0x2001_0000 by host
  mem = vkAllocateMemory 68KiB host-visible
  p = vkMapMemory2 mem placed at 0x2000_0000
}
`;
  const clobber = analyseDocument(text).diagnostics.filter((d) => d.code === 'fixed-clobber');
  assert.equal(clobber.length, 1);
  assert.match(clobber[0]!.message, /the driver maps 68 KiB .*\(the BO rounded up to whole pages\)/);
});
