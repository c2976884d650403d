// WOW64 Wine's allocations for 32-bit code search up to the zero-bits limit + 1, not to Windows'
// HighestUserAddress + 1: wow64 passes default_zero_bits = HighestUserAddress | 0x7fffffff
// (dlls/wow64/syscall.c process_init, dlls/wow64/virtual.c), get_zero_bits_limit makes it
// limit_high 0x7fffffff (0xffffffff with LARGE_ADDRESS_AWARE), and map_view's search ends at
// limit_high + 1 (dlls/ntdll/unix/virtual.c). So the 64 KiB above KUSER_SHARED_DATA's block,
// 0x7fff_0000..0x8000_0000, is Wine's to hand out and 32-bit code's to use, under box64's mmap32 too:
// box64 runs x86-64 Wine there (`box64 wine64 …`), whose WOW64 runs the 32-bit code (box64
// docs/USAGE.md, BOX64_MMAP32). Only old i386 Wine (reserve-high with a large-address-aware line)
// has no wow64 layer: its search ends at user_space_limit, 0x7fff_0000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => d.code);

test('a nearly full 2 GiB window: the last 64 KiB placed map lands above KUSER_SHARED_DATA, at 0x7fff_0000', () => {
  const text = `scenario "last block above KUSER" {
  strategy placed
  low = vkAllocateMemory 0x7ffd_0000 host-visible
  q = vkMapMemory low
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
  expect q == 0x1_0000
  expect p == 0x7fff_0000
  app writes p, 64
}
`;
  assert.deepEqual(codes(text), []);
});

test('large-address-aware: 2 GiB + 64 KiB fits at 0x7fff_0000, up to 4 GiB', () => {
  const text = `scenario "LAA above KUSER" {
  large-address-aware
  strategy placed
  low = vkAllocateMemory 0x7ffd_0000 host-visible
  q = vkMapMemory low
  mem = vkAllocateMemory 0x8001_0000 host-visible
  p = vkMapMemory mem
  expect p == 0x7fff_0000
}
`;
  assert.deepEqual(codes(text), []);
  assert.deepEqual(analyseDocument(text).scenarios[0]!.run.simulation.platform.window, {
    start: 0x1_0000n,
    end: 0x1_0000_0000n,
  });
});

test('a full 2 GiB window still exhausts: 128 KiB has only the 64 KiB above KUSER_SHARED_DATA', () => {
  const text = `scenario "no room left" {
  strategy placed
  low = vkAllocateMemory 0x7ffd_0000 host-visible
  q = vkMapMemory low
  mem = vkAllocateMemory 128KiB host-visible
  p = vkMapMemory mem
}
`;
  assert.deepEqual(codes(text), ['window-exhausted']);
});

test('a pointer at 0x7fff_8000 is inside a WOW64 window without LARGE_ADDRESS_AWARE', () => {
  const text = `scenario "pointer below 2 GiB" {
  a = mmap 64KiB rw private anon at 0x7fff_0000 fixed by wine
  app writes 0x7fff_8000, 4
}
`;
  assert.deepEqual(codes(text), []);
});

test("mmap32 is box64 running x86-64 Wine: WOW64's window, and the last 64 KiB below 2 GiB is handed out", () => {
  const platform = analyseDocument(`scenario "box64 wine64" {\n  strategy mmap32\n}\n`).scenarios[0]!.run
    .simulation.platform;
  assert.deepEqual(platform.window, { start: 0x1_0000n, end: 0x8000_0000n });
  const laa = analyseDocument(`scenario "box64 wine64, LAA" {\n  strategy mmap32\n  large-address-aware\n}\n`)
    .scenarios[0]!.run.simulation.platform;
  assert.deepEqual(laa.window, { start: 0x1_0000n, end: 0x1_0000_0000n });
  // The same scenario under `placed` and `mmap32`: both are WOW64 Wine, so the map lands alike.
  const lastBlock = (strategy: string) => `scenario "box64 wine64 wow64: the last 64 KiB below 2 GiB" {
  arch arm64
  strategy ${strategy}
  driver gpu { preset turnip }
  fill = reserve 0x7ffd_0000 at 0x1_0000 by wine
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  expect p == 0x7fff_0000
}
`;
  assert.deepEqual(codes(lastBlock('placed')), []);
  assert.deepEqual(codes(lastBlock('mmap32')), []);
});

test("mmap32's Wine reserves at 3 GiB when large-address-aware: WOW64's address_space_limit, not i386 Wine's 0xc000_0000", () => {
  const reserveAt3GiB = (strategy: string) => `scenario "large-address-aware: Wine reserves at 3 GiB" {
  arch arm64
  strategy ${strategy}
  large-address-aware
  res = reserve 64KiB at 0xc000_0000 by wine
  expect res == 0xc000_0000
}
`;
  assert.deepEqual(codes(reserveAt3GiB('placed')), []);
  assert.deepEqual(codes(reserveAt3GiB('mmap32')), []);
});

test('old i386 Wine under FEX (reserve-high with a large-address-aware line) keeps user_space_limit and 0xc000_0000', () => {
  const window = (laa: string) =>
    analyseDocument(`scenario "old i386 Wine" {\n  strategy reserve-high\n  ${laa}\n}\n`).scenarios[0]!.run
      .simulation.platform.window;
  assert.deepEqual(window('large-address-aware no'), { start: 0x1_0000n, end: 0x7fff_0000n });
  assert.deepEqual(window('large-address-aware'), { start: 0x1_0000n, end: 0xffff_0000n });
  const refused = analyseDocument(`scenario "old i386 Wine" {
  strategy reserve-high
  large-address-aware
  res = reserve 64KiB at 0xc000_0000 by wine
}
`).diagnostics.map((d) => d.message);
  assert.ok(
    refused.some((m) => m.includes('address_space_limit 0xc000_0000')),
    refused.join('\n'),
  );
});
