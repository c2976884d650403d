// formatSize: how every hover, message and panel line writes a size.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { GiB, KiB, MiB, formatSize, formatSizeBelow } from '../../server/src/engine/numbers';
import { analyseDocument } from '../../server/src/engine/analysis';

test('a size that is exact in its largest unit is written exactly', () => {
  assert.equal(formatSize(16n * MiB), '16 MiB');
  assert.equal(formatSize(0n), '0 B');
  assert.equal(formatSize(1000n), '1000 B');
  assert.equal(formatSize(-2n * GiB), '-2 GiB');
});

test('an approximate size is rounded to the nearest tenth, not cut', () => {
  // 2096004 KiB is 1.99895 GiB: a cut said ≈1.9 GiB.
  assert.equal(formatSize(2096004n * KiB), '≈2.0 GiB (2096004 KiB)');
  // 64.25 KiB: a half rounds up. A count of single bytes is not repeated after it.
  assert.equal(formatSize(65_792n), '≈64.3 KiB');
  assert.equal(formatSize(524160n * KiB), '≈511.9 MiB (524160 KiB)');
  assert.equal(formatSize(-(2096004n * KiB)), '-≈2.0 GiB (-2096004 KiB)');
});

test('a size that rounds up to 1024 of a unit is written in the next unit', () => {
  // 1048535 KiB is 1023.96 MiB.
  assert.equal(formatSize(1048535n * KiB), '≈1.0 GiB (1048535 KiB)');
  // 1048552 bytes is 1023.98 KiB.
  assert.equal(formatSize(1023n * KiB + 1000n), '≈1.0 MiB');
  // 1023.94 MiB stays in MiB.
  assert.equal(formatSize(1048514n * KiB), '≈1023.9 MiB (1048514 KiB)');
});

test('room that falls short of a need is cut, never rounded up to the need', () => {
  assert.equal(formatSizeBelow(524284n * KiB), '≈511.9 MiB (524284 KiB)');
  assert.equal(formatSizeBelow(16n * MiB), '16 MiB');
  const [message] = analyseDocument(`scenario "just short" {
  driver radv {
    preset radv
  }
  window 0x1_0000 .. 0x2000_f000
  strategy remap-move
  mem = vkAllocateMemory 512MiB host-visible coherent
  p = vkMapMemory mem
}
`)
    .diagnostics.filter((d) => d.code === 'window-exhausted')
    .map((d) => d.message);
  assert.match(
    message ?? '',
    /no 512 MiB block is free .*: only ≈511\.9 MiB \(524284 KiB\) is free \(largest block ≈511\.9 MiB/,
  );
});
