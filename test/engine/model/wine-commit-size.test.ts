// What NtAllocateVirtualMemory commits for Wine's placed map (win32u_vkMapMemory2KHR, alloc_size =
// memory->size) and for a Vulkan-backed GL buffer (buffer_vm_alloc, buffer->size): map_view in
// dlls/ntdll/unix/virtual.c maps the size rounded up to the host page at a 64 KiB-aligned base
// (host_size = ROUND_SIZE( 0, size, host_page_mask )). The rest of the 64 KiB is not mapped, and no
// other view starts in it (free_ranges_insert_view rounds the view's end up to the granularity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { callsOf } from './helpers';

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`);

const PLACED = (steps: string) => `scenario "placed" {
  driver radv {
    preset radv
  }
  strategy placed
  mem = vkAllocateMemory 4KiB host-visible coherent
  p = vkMapMemory mem
${steps}
}
`;

test('placed: Wine commits the 4 KiB object, not its 64 KiB unit, so a write past it faults', () => {
  assert.deepEqual(codes(PLACED('  app writes p + 0xff0, 16')), []);
  assert.deepEqual(codes(PLACED('  app writes p + 0x1000, 16')), ['error access-fault']);
  assert.deepEqual(codes(PLACED('  expect mapped p, 4KiB\n  expect unmapped p + 0x1000, 60KiB')), []);
  // Wine's NtAllocateVirtualMemory commits the page; the driver maps its BO over it.
  const map = callsOf(PLACED(''), 1);
  assert.ok(
    map.some((c) => c.startsWith('wine: mmap(0x1_0000, 0x1000, PROT_READ|PROT_WRITE')),
    map.join('\n'),
  );
});

test('placed: the next map starts at the next 64 KiB boundary, and the unmap frees only what was committed', () => {
  const text = `scenario "two" {
  driver radv {
    preset radv
  }
  strategy placed
  a = vkAllocateMemory 4KiB host-visible coherent
  b = vkAllocateMemory 4KiB host-visible coherent
  pa = vkMapMemory a
  pb = vkMapMemory b
  expect pa == 0x1_0000
  expect pb == 0x2_0000
  vkUnmapMemory a
  expect unmapped 0x1_0000, 64KiB
}
`;
  assert.deepEqual(codes(text), []);
  assert.ok(
    callsOf(text, 4).some((c) => c.startsWith('wine: munmap(0x1_0000, 0x1000)')),
    callsOf(text, 4).join('\n'),
  );
});

test('placed: an allocation that is not a whole number of pages is committed to its last page', () => {
  const text = `scenario "odd" {
  driver radv {
    preset radv
  }
  strategy placed
  mem = vkAllocateMemory 0x1800 host-visible coherent
  p = vkMapMemory mem
  app writes p + 0x1ff0, 16
  app writes p + 0x2000, 16
}
`;
  const diagnostics = analyseDocument(text).diagnostics.filter((d) => d.code === 'access-fault');
  assert.equal(diagnostics.length, 1);
  assert.equal(
    text.slice(diagnostics[0]!.range.start, diagnostics[0]!.range.end),
    'app writes p + 0x2000, 16',
  );
});

test('GL on Vulkan: buffer_vm_alloc commits the buffer size, so a write past a 4 KiB buffer faults', () => {
  const text = (offset: string) => `scenario "gl" {
  wine 10.18
  driver radv {
    preset radv
  }
  b = glBufferStorage 4KiB map-write persistent
  p = glMapBufferRange b, 0, 4KiB write persistent
  app writes p + ${offset}, 16
}
`;
  assert.deepEqual(codes(text('0xff0')), []);
  assert.deepEqual(codes(text('0x1000')), ['error access-fault']);
});
