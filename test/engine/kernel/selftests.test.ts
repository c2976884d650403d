// Kernel selftests mirrored (facts 5.1 mremap_dontunmap.c, 5.2 mremap_test.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { fill, mappedAt, MiB, mmap, mremap, O, ok, PG, PRIV_ANON, readByte, space } from './helpers';
import type { AddressSpace } from '../../../server/src/engine/kernel/index';

const { MREMAP_MAYMOVE: MAYMOVE, MREMAP_FIXED: FIXED, MREMAP_DONTUNMAP: DONTUNMAP } = T;

function contains(as: AddressSpace, addr: bigint, len: bigint, byte: number): boolean {
  const r = as.read(addr, len, O);
  return r.ok && r.segments.length === 1 && r.segments[0]?.datum === byte;
}

test('mremap_dontunmap: kernel_support probe (PROT_NONE page)', () => {
  const as = space();
  const src = ok(mmap(as, PG, { prot: T.PROT_NONE }));
  ok(mremap(as, src, PG, PG, DONTUNMAP | MAYMOVE));
});

test('mremap_dontunmap_simple', () => {
  const as = space();
  const src = ok(mmap(as, 5n * PG));
  fill(as, src, 5n * PG, 0x61);
  const dest = ok(mremap(as, src, 5n * PG, 5n * PG, DONTUNMAP | MAYMOVE));
  assert.ok(contains(as, dest, 5n * PG, 0x61));
  assert.ok(contains(as, src, 5n * PG, 0));
  ok(as.munmap(dest, 5n * PG, O));
  ok(as.munmap(src, 5n * PG, O));
});

test('mremap_dontunmap_simple_shmem (memfd): the source still shows the same memory', () => {
  const as = space();
  const fd = as.openFile({
    kind: 'memfd',
    name: 'memfd',
    sizeBytes: 5n * PG,
    readable: true,
    writable: true,
  });
  const src = ok(mmap(as, 5n * PG, { flags: T.MAP_SHARED, fd: fd.fd }));
  as.closeFile(fd.fd);
  fill(as, src, 5n * PG, 0x61);
  const dest = ok(mremap(as, src, 5n * PG, 5n * PG, DONTUNMAP | MAYMOVE));
  assert.ok(contains(as, dest, 5n * PG, 0x61));
  assert.ok(contains(as, src, 5n * PG, 0x61));
  const old = space('5.12');
  const f2 = old.openFile({
    kind: 'memfd',
    name: 'memfd',
    sizeBytes: 5n * PG,
    readable: true,
    writable: true,
  });
  const s2 = ok(mmap(old, 5n * PG, { flags: T.MAP_SHARED, fd: f2.fd }));
  assert.equal(mremap(old, s2, 5n * PG, 5n * PG, DONTUNMAP | MAYMOVE).ok, false, 'EINVAL tolerated pre-5.13');
});

test('mremap_dontunmap_simple_fixed', () => {
  const as = space();
  const dest = ok(mmap(as, 5n * PG));
  fill(as, dest, 5n * PG, 0x58);
  const src = ok(mmap(as, 5n * PG));
  fill(as, src, 5n * PG, 0x61);
  assert.equal(ok(mremap(as, src, 5n * PG, 5n * PG, FIXED | DONTUNMAP | MAYMOVE, dest)), dest);
  assert.ok(contains(as, dest, 5n * PG, 0x61));
  assert.ok(contains(as, src, 5n * PG, 0));
});

test('mremap_dontunmap_partial_mapping', () => {
  const as = space();
  const src = ok(mmap(as, 10n * PG));
  fill(as, src, 10n * PG, 0x61);
  const dest = ok(mremap(as, src + 5n * PG, 5n * PG, 5n * PG, DONTUNMAP | MAYMOVE));
  assert.ok(contains(as, src, 5n * PG, 0x61));
  assert.ok(contains(as, src + 5n * PG, 5n * PG, 0));
  assert.ok(contains(as, dest, 5n * PG, 0x61));
  ok(as.munmap(src, 10n * PG, O));
});

test('mremap_dontunmap_partial_mapping_overwrite', () => {
  const as = space();
  const src = ok(mmap(as, 5n * PG));
  fill(as, src, 5n * PG, 0x61);
  const dest = ok(mmap(as, 10n * PG));
  fill(as, dest, 10n * PG, 0x58);
  assert.equal(ok(mremap(as, src, 5n * PG, 5n * PG, DONTUNMAP | MAYMOVE | FIXED, dest)), dest);
  assert.ok(contains(as, src, 5n * PG, 0));
  assert.ok(contains(as, dest, 5n * PG, 0x61));
  assert.ok(contains(as, dest + 5n * PG, 5n * PG, 0x58));
});

/** mremap_test.c remap_region: shared source at an exact alignment, FIXED move to an aligned dest, bytes verified. */
function remapRegion(srcAlign: bigint, destAlign: bigint, size: bigint, overlapping = false): boolean {
  const as = space();
  // get_source_mapping: scan from mmap_min_addr + 40 MiB for an address aligned exactly to srcAlign.
  let src = 0n;
  const first = ((0x10000n + 40n * MiB + srcAlign - 1n) / srcAlign) * srcAlign;
  for (let addr = first; addr < 1n << 46n; addr += srcAlign) {
    if (addr % (srcAlign * 2n) === 0n) continue;
    const r = mmap(as, size, { addr, flags: T.MAP_SHARED | T.MAP_ANONYMOUS | T.MAP_FIXED_NOREPLACE });
    if (r.ok) {
      src = r.value;
      break;
    }
    if (r.errno !== 'EEXIST' && r.errno !== 'EPERM') return false;
  }
  if (src === 0n) return false;
  const threshold = size < 4n * MiB ? size : 4n * MiB;
  fill(as, src, threshold, 0x9c);
  let dest = overlapping
    ? (src + size - destAlign) & ~(destAlign - 1n)
    : (src + size + destAlign) & ~(destAlign - 1n);
  if (!overlapping && dest % (destAlign * 2n) === 0n) dest += destAlign;
  if (overlapping) dest = src + size - PG;
  const r = mremap(as, src, size, size, MAYMOVE | FIXED, dest);
  if (!r.ok) return false;
  return contains(as, r.value, threshold, 0x9c);
}

test('mremap_test alignment cases 0–1 fail (overlap, unaligned dest); 3–13 succeed', () => {
  assert.equal(remapRegion(PG, PG, PG, true), false, 'case 0: overlapping');
  assert.equal(remapRegion(PG, 1024n, PG), false, 'case 1: 1 KiB-aligned destination');
  const cases: [bigint, bigint, bigint][] = [
    [PG, PG, 2n * PG],
    [MiB, PG, 2n * MiB],
    [MiB, MiB, 2n * MiB],
    [2n * MiB, PG, 4n * MiB],
    [2n * MiB, MiB, 4n * MiB],
    [2n * MiB, 2n * MiB, 4n * MiB],
    [1024n * MiB, PG, 2048n * MiB],
    [1024n * MiB, 2n * MiB, 2048n * MiB],
    [1024n * MiB, 1024n * MiB, 2048n * MiB],
    [MiB, MiB, 5n * MiB],
  ];
  for (const [s, d, size] of cases)
    assert.equal(remapRegion(s, d, size), true, `src ${s} dst ${d} size ${size}`);
});

test('mremap_test case 14: a 40 MiB preamble below the destination is unchanged', () => {
  const as = space();
  const src = ok(
    mmap(as, 5n * MiB, {
      addr: 0x10000000n + MiB,
      flags: T.MAP_SHARED | T.MAP_ANONYMOUS | T.MAP_FIXED_NOREPLACE,
    }),
  );
  fill(as, src, 5n * MiB, 0x9c);
  const dest = 0x20000000n + MiB;
  const pre = ok(
    mmap(as, 40n * MiB, {
      addr: dest - 40n * MiB,
      flags: T.MAP_SHARED | T.MAP_ANONYMOUS | T.MAP_FIXED_NOREPLACE,
    }),
  );
  fill(as, pre, 40n * MiB, 0x3c);
  ok(mremap(as, src, 5n * MiB, 5n * MiB, MAYMOVE | FIXED, dest));
  assert.ok(contains(as, pre, 40n * MiB, 0x3c));
  assert.ok(contains(as, dest, 5n * MiB, 0x9c));
});

test('mremap_expand_merge and mremap_expand_merge_offset: in-place growth merges into one 3-page VMA', () => {
  const as = space();
  const start = ok(mmap(as, 3n * PG));
  ok(as.munmap(start + PG, PG, O));
  ok(mremap(as, start, PG, 2n * PG, 0));
  assert.deepEqual(
    as.vmas().map((v) => [v.startPage, v.endPage]),
    [[Number(start / PG), Number(start / PG) + 3]],
  );
  const b = space();
  const s2 = ok(mmap(b, 3n * PG));
  ok(b.munmap(s2 + 2n * PG, PG, O));
  ok(mremap(b, s2 + PG, PG, 2n * PG, 0));
  assert.deepEqual(
    b.vmas().map((v) => [v.startPage, v.endPage]),
    [[Number(s2 / PG), Number(s2 / PG) + 3]],
  );
});

test('misc 1 mremap_move_within_range: the rest of the VMA is not corrupted', () => {
  const as = space();
  const ptr = ok(mmap(as, 20n * MiB));
  fill(as, ptr, 20n * MiB, 0);
  const src = (ptr + 6n * MiB) & ~(2n * MiB - 1n);
  fill(as, src, 2n * MiB, 0x5e);
  const dest = src - 2n * MiB;
  ok(mremap(as, src + MiB, MiB, MiB, MAYMOVE | FIXED, dest + MiB));
  assert.ok(contains(as, src, MiB, 0x5e));
  assert.ok(contains(as, dest + MiB, MiB, 0x5e));
});

test('misc 2 mremap_move_1mb_from_start: src[0..1MiB) intact', () => {
  const as = space();
  const src = ok(mmap(as, 6n * MiB, { addr: 0x40140000n, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE }));
  const dest = ok(mmap(as, 6n * MiB, { addr: 0x50140000n, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE }));
  fill(as, src, 2n * MiB, 0x71);
  ok(as.munmap(dest, MiB, O));
  ok(mremap(as, src + MiB, MiB, MiB, MAYMOVE | FIXED, dest + MiB));
  assert.ok(contains(as, src, MiB, 0x71));
});

test('misc 3–4 mremap_shrink_multiple_vmas: in place and to a FIXED target both succeed', () => {
  for (const inplace of [true, false]) {
    const as = space();
    const ptr = ok(mmap(as, 10n * PG));
    const tgt = ok(mmap(as, 10n * PG));
    ok(as.munmap(tgt, 10n * PG, O));
    for (const k of [1n, 3n, 5n, 7n, 9n]) ok(as.munmap(ptr + k * PG, PG, O));
    const r = inplace
      ? mremap(as, ptr, 10n * PG, PG, 0)
      : mremap(as, ptr, 10n * PG, PG, MAYMOVE | FIXED, tgt);
    assert.equal(ok(r), inplace ? ptr : tgt);
  }
});

function multiSetup(as: AddressSpace): { ptr: bigint; tgt: bigint } {
  const ptr = ok(mmap(as, 11n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  const tgt = 0x30000000n;
  for (const k of [1n, 3n, 7n, 9n]) ok(as.munmap(ptr + k * PG, PG, O));
  for (const k of [0n, 2n, 4n, 5n, 6n, 8n, 10n]) fill(as, ptr + k * PG, PG, Number(0x80n + k));
  return { ptr, tgt };
}

function patternAt(as: AddressSpace, base: bigint): boolean {
  return (
    [0n, 2n, 4n, 5n, 6n, 8n, 10n].every((k) => readByte(as, base + k * PG) === Number(0x80n + k)) &&
    [1n, 3n, 7n, 9n].every((k) => !mappedAt(as, base + k * PG))
  );
}

test('misc 5–6 mremap_move_multiple_vmas (with and without DONTUNMAP)', () => {
  for (const extra of [0, DONTUNMAP]) {
    const as = space();
    const { ptr, tgt } = multiSetup(as);
    assert.equal(ok(mremap(as, ptr, 11n * PG, 11n * PG, FIXED | MAYMOVE | extra, tgt)), tgt);
    assert.ok(patternAt(as, tgt));
    assert.equal(
      ok(mremap(as, tgt, 11n * PG, 11n * PG, FIXED | MAYMOVE | extra, tgt + 11n * PG)),
      tgt + 11n * PG,
    );
    ok(mmap(as, 11n * PG, { addr: tgt, prot: T.PROT_NONE, flags: PRIV_ANON | T.MAP_FIXED }));
    assert.equal(ok(mremap(as, tgt + 11n * PG, 11n * PG, 11n * PG, FIXED | MAYMOVE | extra, tgt)), tgt);
    assert.ok([0n, 2n, 4n, 5n, 6n, 8n, 10n].every((k) => readByte(as, tgt + k * PG) === Number(0x80n + k)));
    if (extra !== 0) assert.ok(mappedAt(as, ptr), 'DONTUNMAP: the source VMAs stay');
  }
});

test('misc 7–8 mremap_move_multiple_vmas_split (with and without DONTUNMAP)', () => {
  for (const extra of [0, DONTUNMAP]) {
    const as = space();
    const ptr = ok(mmap(as, 10n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
    ok(as.munmap(ptr + 5n * PG, PG, O));
    for (let k = 0n; k < 10n; k++) if (k !== 5n) fill(as, ptr + k * PG, PG, Number(0x40n + k));
    const tgt = 0x30000000n;
    assert.equal(ok(mremap(as, ptr + 2n * PG, 7n * PG, 7n * PG, FIXED | MAYMOVE | extra, tgt)), tgt);
    assert.deepEqual(
      [0n, 1n, 2n].map((k) => readByte(as, tgt + k * PG)),
      [0x42, 0x43, 0x44],
    );
    assert.equal(mappedAt(as, tgt + 3n * PG), false);
    assert.deepEqual(
      [4n, 5n, 6n].map((k) => readByte(as, tgt + k * PG)),
      [0x46, 0x47, 0x48],
    );
  }
});

test('misc 9 mremap_move_multi_invalid_vmas: uffd-armed VMAs refuse multi-VMA moves (partial move on EFAULT)', () => {
  const as = space();
  const ptr = ok(mmap(as, 10n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  const tgt = 0x30000000n;
  for (const k of [0n, 2n, 4n, 6n, 8n]) {
    assert.ok(as.registerUserfaultfd(ptr + k * PG, PG));
    ok(as.munmap(ptr + (k + 1n) * PG, PG, O));
  }
  assert.equal(mremap(as, ptr, 10n * PG, 10n * PG, MAYMOVE | FIXED, tgt).ok, false);
  assert.equal(mappedAt(as, tgt), false, 'step 1: nothing moved');
  ok(mremap(as, ptr, PG, PG, MAYMOVE | FIXED, tgt));
  ok(as.munmap(tgt, PG, O));
  ok(mmap(as, PG, { addr: ptr, flags: PRIV_ANON | T.MAP_FIXED }));
  const r3 = mremap(as, ptr, 10n * PG, 10n * PG, MAYMOVE | FIXED, tgt);
  assert.equal(r3.ok ? 'ok' : r3.errno, 'EFAULT');
  assert.ok(mappedAt(as, tgt), 'step 3: partial move, the first VMA moved');
  assert.ok(r3.effects.some((e) => e.kind === 'moved'));
  for (const k of [0n, 2n, 4n, 6n]) {
    ok(as.munmap(tgt + k * PG, PG, O));
    ok(mmap(as, PG, { addr: ptr + k * PG, flags: PRIV_ANON | T.MAP_FIXED }));
  }
  assert.equal(mremap(as, ptr, 10n * PG, 10n * PG, MAYMOVE | FIXED, tgt).ok, false);
  assert.deepEqual(
    [0n, 2n, 4n, 6n, 8n].map((k) => mappedAt(as, tgt + k * PG)),
    [true, true, true, true, false],
  );
});
