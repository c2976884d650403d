// pointer-outside-window for 32-bit code's own accesses: one that starts inside the window and runs
// past its end names the part outside, and the reason is about where that part starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const messages = (text: string) =>
  analyseDocument(text)
    .diagnostics.filter((d) => d.code === 'pointer-outside-window')
    .map((d) => d.message);

test('an access that runs past the window end: the part outside, from the window end (fires)', () => {
  assert.deepEqual(
    messages(`scenario "straddle" {
  a = mmap 128KiB rw private anon at 0x7ffe_0000 fixed by wine
  app writes 0x7ffe_ffff, 2
}
`),
    [
      "32-bit code writes 0x7ffe_ffff..0x7fff_0001, which starts inside the window 0x1_0000..0x7fff_0000 and runs past its end: its last 1 B (0x7fff_0000..0x7fff_0001) lie outside: the addresses fit in 32 bits, but this process's 32-bit code is not given addresses there (Windows' user range ends at 0x7ffe_ffff, lpMaximumApplicationAddress: the last 64 KiB below 2 GiB are never user memory, linux-mm §7.1)",
    ],
  );
});

test('the same access ending at the window end: nothing outside (does not fire)', () => {
  assert.deepEqual(
    messages(`scenario "inside" {
  a = mmap 128KiB rw private anon at 0x7ffe_0000 fixed by wine
  app writes 0x7ffe_fffe, 2
}
`),
    [],
  );
});

test('an access that starts outside the window is still named by its address', () => {
  const [message] = messages(`scenario "outside" {
  a = mmap 128KiB rw private anon at 0x7fff_0000 fixed by wine
  app writes 0x7fff_0000, 2
}
`);
  assert.match(
    message ?? '',
    /^32-bit code writes 0x7fff_0000, outside the window 0x1_0000\.\.0x7fff_0000: the address fits/,
  );
});

test('a window set to end at 4 GiB: the bytes past it have no 32-bit address (fires, without the large-address-aware reason)', () => {
  assert.deepEqual(
    messages(`scenario "past 4 GiB" {
  window 0x1_0000 .. 0x1_0000_0000
  a = mmap 64KiB rw private anon at 0xffff_0000 fixed by wine
  app writes 0xffff_fffe, 4
}
`),
    [
      '32-bit code writes 0xffff_fffe..0x1_0000_0002, which starts inside the window 0x1_0000..0x1_0000_0000 and runs past its end: its last 2 B (0x1_0000_0000..0x1_0000_0002) lie outside: 32-bit addresses end at 0xffff_ffff, so its bytes from 0x1_0000_0000 on are beyond what 32-bit code can address',
    ],
  );
});

test('an access that starts outside the window and crosses 4 GiB keeps the reason for where it starts', () => {
  const [message] = messages(`scenario "s" {
  a = mmap 128KiB rw private anon at 0xffff_0000 fixed by wine
  app writes 0xffff_fffe, 4
}
`);
  assert.match(
    message ?? '',
    /^32-bit code writes 0xffff_fffe, outside the window 0x1_0000\.\.0x7fff_0000: the address fits in 32 bits, but .*not large-address-aware/,
  );
});
