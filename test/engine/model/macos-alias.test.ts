// macOS mach_vm_remap (kernel/mach-vm-remap.ts), the alias strategy on `platform macos`
// (model/strategies/mach-alias.ts) and the `alias-exposes-neighbours` rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';

const pool = (platform: string, strategy: string, sizes: [string, string]) => `scenario "pool" {
  ${platform}
  driver gpu {
    backing device
    maps pool
    pool-size 2MiB
    caches-pointer
  }
  strategy ${strategy}
  a = vkAllocateMemory ${sizes[0]} host-visible
  b = vkAllocateMemory ${sizes[1]} host-visible
  pa = vkMapMemory a
  w = gpu writes a + 0x10, 16
  expect app reads pa + 0x10, 16 == w
  x = app writes pa + 0x20, 16
  expect gpu reads a + 0x20, 16 == x
}
`;

test('macOS alias of a suballocation: works both ways, and exposes the neighbour (fires)', () => {
  assert.deepEqual(codes(pool('platform macos', 'alias', ['1KiB', '1KiB'])), ['alias-exposes-neighbours']);
});

test('macOS alias with page-sized allocations: nothing else in the pages (does not fire)', () => {
  assert.deepEqual(codes(pool('platform macos', 'alias', ['4KiB', '4KiB'])), []);
});

test('the same workload on Linux: mremap(old_size = 0) refuses the buffer object', () => {
  const got = codes(pool('platform linux', 'alias', ['4KiB', '4KiB']));
  assert.ok(got.includes('kernel-refused'), got.join(', '));
});

test('mach_vm_remap: FIXED needs OVERWRITE over a mapping; aliases share pages; copy does not', () => {
  const text = `scenario "raw" {
  platform macos
  f = open device "renderD128" 64KiB
  hi = mmap 64KiB rw shared fd f
  write hi + 0x10, 1, 0xAB
  res = reserve 64KiB at 0x1000_0000 by wine
  busy = mach_vm_remap hi, 4KiB at 0x1000_0000 fixed
  expect busy == KERN_NO_SPACE
  moved = mach_vm_remap hi, 4KiB at 0x1000_0000 overwrite
  expect moved == 0x1001_0000
  low = mach_vm_remap hi + 0x10, 1 at 0x1000_0000 fixed overwrite
  expect low == 0x1000_0000
  expect read low + 0x10, 1 == 0xAB
  write low, 1, 0x01
  expect read hi, 1 == 0x01
  expect mapped hi, 64KiB
  c = mach_vm_remap hi, 4KiB at 0x2000_0000 copy
  expect read c, 1 == 0x01
  write c, 1, 0x02
  expect read hi, 1 == 0x01
  gone = mach_vm_remap 0x5000_0000, 4KiB
  expect gone == KERN_INVALID_ADDRESS
  n = reserve 4KiB at 0x3000_0000
  nr = mach_vm_remap n, 4KiB at 0x4000_0000 copy
  expect nr == KERN_PROTECTION_FAILURE
}
`;
  assert.deepEqual(codes(text), []);
});

test('mach_vm_remap on Linux is refused', () => {
  const text = `scenario "linux" {
  a = mmap 4KiB rw private anon
  b = mach_vm_remap a, 4KiB
}
`;
  assert.deepEqual(codes(text), ['kernel-refused']);
});

test('mach_vm_remap of private anon: unmapping either side keeps the pages the other still maps', () => {
  const side = (body: string) => `scenario "alias of private memory" {
  platform macos
  a = mmap 8KiB rw private anon at 0x3000_0000
  write a, 16, 0xAB
  write a + 4KiB, 16, 0xCD
${body}
}
`;
  // Unmap the alias, then the source.
  assert.deepEqual(
    codes(
      side(`  b = mach_vm_remap a, 4KiB at 0x4000_0000
  munmap b, 4KiB
  expect read a, 16 == 0xAB`),
    ),
    [],
  );
  assert.deepEqual(
    codes(
      side(`  b = mach_vm_remap a, 4KiB at 0x4000_0000
  munmap a, 8KiB
  expect read b, 16 == 0xAB`),
    ),
    [],
  );
  // The source replaced by a second alias; a page remapped onto itself.
  assert.deepEqual(
    codes(
      side(`  b = mach_vm_remap a, 4KiB at 0x4000_0000
  c = mach_vm_remap b, 4KiB at 0x3000_0000 fixed overwrite
  expect read c, 16 == 0xAB
  expect read b, 16 == 0xAB
  expect read a + 4KiB, 16 == 0xCD`),
    ),
    [],
  );
  assert.deepEqual(
    codes(
      side(`  c = mach_vm_remap a, 4KiB at 0x3000_0000 fixed overwrite
  expect read c, 16 == 0xAB`),
    ),
    [],
  );
  // Pages no mapping shows any more are freed: a fresh mapping at the same place reads zero.
  assert.deepEqual(
    codes(
      side(`  b = mach_vm_remap a, 4KiB at 0x4000_0000
  munmap b, 4KiB
  munmap a, 8KiB
  d = mmap 8KiB rw private anon at 0x3000_0000
  expect read d, 16 == 0x00`),
    ),
    [],
  );
});

test('CrossOver GL alias on a software driver: releasing the alias keeps the driver buffer', () => {
  const text = `scenario "CrossOver GL alias on a software driver" {
  platform macos
  driver sw {
    backing anon
    maps at-alloc
  }
  b = glBufferData 64KiB
  c = glBufferData 64KiB
  g = sw writes b + 0x100, 16
  p = glMapBufferRange b, 0, 4KiB read
  glUnmapBuffer b
  q = glMapBufferRange c, 0, 4KiB read
  glUnmapBuffer c
  expect sw reads b + 0x100, 16 == g
}
`;
  assert.deepEqual(codes(text), []);
});

test('mach_vm_remap fixed anywhere: VM_FLAGS_FIXED is 0, so the remap goes anywhere (the next free range), and OVERWRITE is ignored there', () => {
  const text = `scenario "fixed and anywhere" {
  platform macos
  a = mmap 4KiB rw shared anon at 0x3000_0000
  b = mach_vm_remap a, 4KiB at 0x3000_0000 fixed anywhere
  expect b == 0x3000_1000
  c = mach_vm_remap a, 4KiB at 0x3000_0000 fixed anywhere overwrite
  expect c == 0x3000_2000
  expect read a, 1 == 0x00
}
`;
  assert.deepEqual(codes(text), []);
});

test('mremap growing one side of a mach_vm_remap alias in place leaves the other side its pages', () => {
  const text = `scenario "grow" {
  platform macos
  a = mmap 8KiB rw private anon at 0x2000_0000 fixed
  write a, 8KiB, 0xAB
  b = mach_vm_remap a, 8KiB at 0x3000_0000 fixed
  c = mremap b, 8KiB, 16KiB
  write c, 1, 0xCD
  expect read a, 1 == 0xCD
  d = mremap a, 8KiB, 16KiB
  expect read d + 4KiB, 1 == 0xAB
  expect read c + 4KiB, 1 == 0xAB
  expect read c, 1 == 0xCD
}
`;
  // macOS has no mremap: each is Linux's, and says so (sim/linux-only.ts).
  assert.deepEqual(codes(text), ['kernel-unmodelled', 'kernel-unmodelled']);
});

test("mach_vm_remap's legacy rounding: the size is rounded, not the range, so a range across a page boundary loses its last page", () => {
  // xnu vm_map_remap without VM_FLAGS_RETURN_DATA_ADDR: trunc(0x…ff0) and round(0x20) = one page.
  const text = `scenario "legacy rounding" {
  platform macos
  f = open device "renderD128" 64KiB
  hi = mmap 64KiB rw shared fd f
  res = reserve 64KiB at 0x1000_0000 by wine
  low = mach_vm_remap hi + 0xff0, 0x20 at 0x1000_0000 fixed overwrite by wine
  write hi + 0x1000, 1, 0xAB
  expect read low + 0x1000, 1 == 0xAB
}
`;
  const run = analyse(text);
  assert.deepEqual(
    run.diagnostics.map((d) => d.code),
    ['expectation-failed'],
  );
  assert.match(run.diagnostics[0]!.message, /SIGSEGV at 0x1000_1000/);
  const anywhere = `scenario "anywhere" {
  platform macos
  a = mmap 8KiB rw private anon
  x = mach_vm_remap a + 0xfff, 2
  expect mapped x, 4KiB
  expect unmapped x + 4KiB, 4KiB
}
`;
  assert.deepEqual(codes(anywhere), []);
});

test('mach_vm_remap fixed outside the map is KERN_INVALID_ADDRESS, and the map ends at MACH_VM_MAX_ADDRESS', () => {
  const past = (size: string, flags: string, at: string) => `scenario "past the end" {
  platform macos
  a = mmap 8KiB rw private anon
  x = mach_vm_remap a, ${size} at ${at} ${flags}
  expect x == KERN_INVALID_ADDRESS
}
`;
  // Linux's TASK_SIZE is 0x7fff_ffff_f000; x86-64 macOS's map ends at 0x7fff_ffe0_0000.
  assert.deepEqual(codes(past('4KiB', 'fixed', '0x7fff_ffff_f000')), []);
  assert.deepEqual(codes(past('8KiB', 'fixed overwrite', '0x7fff_ffff_e000')), []);
  assert.deepEqual(codes(past('4KiB', 'fixed', '0x7fff_ffe0_0000')), []);
  // The last page below it is in the map.
  const last = `scenario "last page" {
  platform macos
  a = mmap 4KiB rw private anon
  x = mach_vm_remap a, 4KiB at 0x7fff_ffdf_f000 fixed
  expect x == 0x7fff_ffdf_f000
}
`;
  assert.deepEqual(codes(last), []);
});
