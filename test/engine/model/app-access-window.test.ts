// pointer-outside-window for 32-bit code's own accesses: one that starts inside the window and runs
// past its end names the part outside, and the reason is about where that part starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument, type AnalysisOptions } from '../../../server/src/engine/analysis';

const messages = (text: string) =>
  analyseDocument(text)
    .diagnostics.filter((d) => d.code === 'pointer-outside-window')
    .map((d) => d.message);

test('an access that runs past the window end: the part outside, from the window end (fires)', () => {
  assert.deepEqual(
    messages(`scenario "straddle" {
  a = mmap 128KiB rw private anon at 0x7fff_0000 fixed by wine
  app writes 0x7fff_ffff, 2
}
`),
    [
      "32-bit code writes 0x7fff_ffff..0x8000_0001, which starts inside the window 0x1_0000..0x8000_0000 and runs past its end: its last 1 B (0x8000_0000..0x8000_0001) lie outside: the addresses fit in 32 bits, but this process's 32-bit code is not given addresses there (it is not large-address-aware: pointers above 2 GiB break code that treats them as signed)",
    ],
  );
});

test('the same access ending at the window end: nothing outside (does not fire)', () => {
  assert.deepEqual(
    messages(`scenario "inside" {
  a = mmap 128KiB rw private anon at 0x7fff_0000 fixed by wine
  app writes 0x7fff_fffe, 2
}
`),
    [],
  );
});

test('an access that starts outside the window is still named by its address', () => {
  const [message] = messages(`scenario "outside" {
  a = mmap 128KiB rw private anon at 0x8000_0000 fixed by wine
  app writes 0x8000_0000, 2
}
`);
  assert.match(
    message ?? '',
    /^32-bit code writes 0x8000_0000, outside the window 0x1_0000\.\.0x8000_0000: the address fits/,
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
    /^32-bit code writes 0xffff_fffe, outside the window 0x1_0000\.\.0x8000_0000: the address fits in 32 bits, but .*not large-address-aware/,
  );
});

// The reason follows the window in force: one the scenario (or drvmap.defaultWindow) wrote is its
// own reason, and large-address-awareness explains only the window derived from it. A window line
// reaching past 2 GiB without it was blamed on signed pointers.
const windowReason = /not given addresses (?:there|outside its window) \(([^)]*)\)/;
const reasonOf = (text: string, options: AnalysisOptions = {}) =>
  analyseDocument(text, options)
    .diagnostics.filter((d) => d.code === 'pointer-outside-window')
    .map((d) => windowReason.exec(d.message)?.[1] ?? `no reason in: ${d.message}`);

const writeAt = (settings: string, address: string) => `scenario "s" {
${settings}
  a = mmap 64KiB rw private anon at ${address} fixed by host
  app writes a, 4
}
`;

test("a window line ending 64 KiB below 4 GiB without large-address-aware: the reason is the window's end and Windows' user range, not the sign", () => {
  assert.deepEqual(reasonOf(writeAt('  window 0x1_0000 .. 0xffff_0000', '0xffff_0000')), [
    "the scenario's `window` line ends the window at 0xffff_0000, where Windows' user range ends at 0xfffe_ffff, lpMaximumApplicationAddress: the last 64 KiB below 4 GiB are never user memory, linux-mm §7.1",
  ]);
  // reserve-high's map in the window's last 64 KiB, handed over at vkMapMemory, says the same.
  const handed = reasonOf(`scenario "s" {
  strategy reserve-high
  window 0x1_0000 .. 0xffff_0000
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
}
`);
  assert.equal(handed.length, 1);
  assert.match(
    handed[0]!,
    /^the scenario's `window` line ends the window at 0xffff_0000, where Windows' user range ends at 0xfffe_ffff/,
  );
});

test('a window line of its own: its end (or start) is the reason, with no Windows limit it does not end at', () => {
  assert.deepEqual(
    reasonOf(writeAt('  window 0x1_0000 .. 0x4000_0000\n  large-address-aware', '0x5000_0000')),
    ["the scenario's `window` line ends the window at 0x4000_0000"],
  );
  assert.deepEqual(reasonOf(writeAt('  window 0x2000_0000 .. 0x4000_0000', '0x1000_0000')), [
    "the scenario's `window` line starts the window at 0x2000_0000",
  ]);
  // drvmap.defaultWindow, when it is not the default window, is named the same way.
  assert.deepEqual(
    reasonOf(writeAt('', '0x9000_0000'), { window: { start: 0x1_0000n, end: 0x7000_0000n } }),
    ['the drvmap.defaultWindow setting ends the window at 0x7000_0000'],
  );
});

test("large-address-aware's own window keeps its reasons: the sign above 2 GiB, Windows' user range just below the limit", () => {
  const sign = 'it is not large-address-aware: pointers above 2 GiB break code that treats them as signed';
  assert.deepEqual(reasonOf(writeAt('', '0x9000_0000')), [sign]);
  assert.deepEqual(reasonOf(writeAt('  large-address-aware no', '0x9000_0000')), [sign]);
  // The default setting's own value, and a window line the checker refused, leave the default window.
  assert.deepEqual(
    reasonOf(writeAt('', '0x9000_0000'), { window: { start: 0x1_0000n, end: 0x8000_0000n } }),
    [sign],
  );
  assert.deepEqual(reasonOf(writeAt('  window 0x1_0000 .. 0x2_0000_0000', '0x9000_0000')), [sign]);
  // WOW64's large-address-aware window runs to 4 GiB (the zero-bits limit + 1), box64's mmap32
  // included (it runs x86-64 Wine, whose WOW64 runs the 32-bit code); old i386 Wine's (under FEX,
  // reserve-high with the line) ends at Windows' user range.
  assert.deepEqual(reasonOf(writeAt('  large-address-aware', '0xffff_0000')), []);
  assert.deepEqual(reasonOf(writeAt('  strategy mmap32\n  large-address-aware', '0xffff_0000')), []);
  assert.deepEqual(reasonOf(writeAt('  strategy reserve-high\n  large-address-aware', '0xffff_0000')), [
    "Windows' user range ends at 0xfffe_ffff, lpMaximumApplicationAddress: the last 64 KiB below 4 GiB are never user memory, linux-mm §7.1",
  ]);
});

test('an access truncated onto another mapping names it and where it was made; onto nothing, the fault', () => {
  const scenario = (access: string, mapB: boolean) => `scenario "truncated" {
  large-address-aware
  a = mmap 4KiB rw private anon
${mapB ? '  b = mmap 4KiB rw private anon at 0xf7ff_e000 fixed\n' : ''}  ${access}
}
`;
  const written = analyseDocument(scenario('app writes a + 0x10, 1', true)).diagnostics.filter(
    (d) => d.code === 'pointer-outside-window',
  );
  assert.equal(written.length, 1);
  assert.match(
    written[0]!.message,
    /so it writes 0xf7ff_e010 instead, which is in b of host: b is silently overwritten$/,
  );
  assert.deepEqual(
    written[0]!.related.map((r) => r.message),
    ['host made the mapping it writes here (step 2, by host)'],
  );
  assert.match(
    messages(scenario('app reads a, 4', true))[0] ?? '',
    /so it reads 0xf7ff_e000 instead, which is in b of host: it reads b's bytes, not those at the address it was given$/,
  );
  assert.match(
    messages(scenario('app reads a, 4', false))[0] ?? '',
    /so it reads 0xf7ff_e000 instead: the access faults \(SIGSEGV\)$/,
  );
});

test('an access that starts below the window and runs into it: the part outside, and why (fires)', () => {
  assert.deepEqual(
    messages(`scenario "runs in" {
  lo = mmap 4KiB rw private anon at 0x1000 fixed by wine
  a = mmap 64KiB rw private anon at 0x1_0000 fixed by wine
  app writes 0xfffe, 4
}
`),
    [
      "32-bit code writes 0xfffe..0x1_0002, which starts below the window 0x1_0000..0x8000_0000 and runs into it: its first 2 B (0xfffe..0x1_0000) lie outside: the addresses fit in 32 bits, but this process's 32-bit code is not given addresses there (Windows' user range starts at 0x1_0000, lpMinimumApplicationAddress: the first 64 KiB are never user memory, linux-mm §7.1, §7.2)",
    ],
  );
});

test('a map that straddles 4 GiB in a window that ends there: blamed on 32 bits, not on the window line', () => {
  const [message] = messages(`scenario "straddles 4 GiB" {
  window 0x1_0000 .. 0x1_0000_0000
  mmap-base 0x1_0008_0000
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
}
`);
  assert.equal(
    message,
    "32-bit code gets 0xfff8_0000, inside the window 0x1_0000..0x1_0000_0000, but the memory runs to 0x1_0008_0000, past the window's end: its last 512 KiB (0x1_0000_0000..0x1_0008_0000) lie outside. It fits in 32 bits, so Wine hands it over unchanged, but 32-bit addresses end at 0xffff_ffff, so its bytes from 0x1_0000_0000 on are beyond what 32-bit code can address",
  );
});
