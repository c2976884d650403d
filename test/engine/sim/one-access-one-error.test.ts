// How 32-bit code's pointers are reported against the window: one error per access (a pointer
// used after free outside the window is a use-after-free that says where it lies, not also a
// pointer-outside-window), and "outside the window" only for a pointer that is outside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const freed = (strategy: string, window = '  large-address-aware') => `scenario "free with live map" {
${window}
  driver soft {
    backing shmem
  }
  strategy ${strategy}
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
  vkFreeMemory mem
  app writes p, 16
}
`;

const onLine = (text: string, line: number) =>
  analyseDocument(text).diagnostics.filter((d) => text.slice(0, d.range.start).split('\n').length === line);

test('a freed pointer above 4 GiB: one use-after-free, which says 32-bit code kept only the low 32 bits', () => {
  const errors = onLine(freed('none'), 10);
  assert.deepEqual(
    errors.map((d) => d.code),
    ['use-after-free'],
  );
  assert.match(
    errors[0]!.message,
    /^app writes 0xf7ef_f000 \(32-bit code cannot hold 0x7fff_f7ef_f000, outside the window 0x1_0000\.\.0x1_0000_0000: it keeps only the low 32 bits\) through the pointer vkMapMemory gave for mem/,
  );
});

test('a freed pointer below 4 GiB but outside the window: one use-after-free, which says it is outside', () => {
  const errors = onLine(freed('reserve-high', '  large-address-aware no'), 10);
  assert.deepEqual(
    errors.map((d) => d.code),
    ['use-after-free'],
  );
  assert.match(
    errors[0]!.message,
    /^app writes 0xfff0_0000 \(outside the window 0x1_0000\.\.0x7fff_0000\) through/,
  );
});

test('a pointer inside the window whose memory runs past its end is not called outside', () => {
  const [map] = onLine(freed('reserve-high'), 8);
  assert.equal(map?.code, 'pointer-outside-window');
  assert.match(
    map!.message,
    /^32-bit code gets 0xfff0_0000, inside the window 0x1_0000\.\.0xffff_0000, but the memory runs to 0x1_0000_0000, past the window's end: its last 64 KiB \(0xffff_0000\.\.0x1_0000_0000\) lie outside\./,
  );
  assert.doesNotMatch(map!.message, /0xfff0_0000[^,]*, outside/);
});
