// H8 under hook-mmap: a driver `alignment` over-allocates by the alignment and trims, so the hook
// must find the padded size in one block of the window. When it cannot, the map lands high
// (pointer-outside-window), and the finding and the hook's note say why: what is free, the largest
// block, and the padding (review: hazards, finding 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf } from './helpers';

const scenario = (window: string, alignment: string) => `scenario "s" {
  window 0x1_0000 .. ${window}
  driver d {
${alignment}
  }
  strategy hook-mmap
  a = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory a
  b = vkAllocateMemory 64KiB host-visible
  q = vkMapMemory b
}
`;

for (const window of ['0x30_0000', '0x40_0000'])
  test(`window ..${window}: the pointer-outside-window says the window is fragmented and the alignment padding is why`, () => {
    const text = scenario(window, '    alignment 2MiB');
    const found = analyse(text).diagnostics;
    assert.deepEqual(
      found.map((d) => d.code),
      ['pointer-outside-window'],
    );
    assert.match(
      found[0]!.message,
      / — the hook found no room for it in the window: no ≈2\.1 MiB \(2112 KiB\) block is free in the 32-bit window .*is free in total, but fragmented — the largest free block is ≈1\.9 MiB \(1984 KiB\).* d maps 64 KiB with `alignment 2 MiB`: it over-allocates by the alignment and trims to an aligned block \(H8\), so the hook needs ≈2\.1 MiB \(2112 KiB\) in one block, where the 64 KiB alone would fit; d's mapping, left on a 2 MiB boundary by that trim, splits what is free$/,
    );
    assert.ok(
      callsOf(text, 3).some((c) =>
        /^wine: hook: mmap hint 0x0 → no room in the window for 0x21_0000 \(64 KiB \+ 2 MiB of alignment padding, H8; .* free in 2 blocks, the largest ≈1\.9 MiB \(1984 KiB\)\)/.test(
          c,
        ),
      ),
      callsOf(text, 3).join('\n'),
    );
  });

test('a hook with room says nothing more: the pointer is in the window', () => {
  assert.deepEqual(analyse(scenario('0x80_0000', '    alignment 2MiB')).diagnostics, []);
});
