// arm64 with 4, 16 and 64 KiB pages: the PMD size THP aligns to, the huge page sizes MAP_HUGETLB
// takes, the legacy base and the arch's wording (the arm64 review's findings 1, 2, 3 and 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { hugePageSizes, pmdBytes } from '../../../server/src/engine/kernel/config';
import { errno, MiB, mmap, ok, PRIV_ANON, space } from './helpers';

const KiB = 1024n;
const GiB = 1024n * MiB;
const NORESERVE = PRIV_ANON | T.MAP_HUGETLB | T.MAP_NORESERVE;

/** An arm64 48-bit address space with `page` pages and this mmap_base (the review's scenarios). */
function arm64(version: string, page: bigint, mmapBase: bigint) {
  return space(version, { arch: 'arm64', pageSize: page, taskSize: 1n << 48n, mmapBase });
}

function reason(r: T.SyscallResult): string {
  assert.ok(!r.ok, 'expected a failure');
  return (r as { reason: string }).reason;
}

test('PMD_SIZE is ARM64_HW_PGTABLE_LEVEL_SHIFT(2) on arm64 (2, 32, 512 MiB), 2 MiB on x86-64', () => {
  assert.equal(pmdBytes({ arch: 'x86_64', pageSize: 4n * KiB }), 2n * MiB);
  assert.equal(pmdBytes({ arch: 'arm64', pageSize: 4n * KiB }), 2n * MiB);
  assert.equal(pmdBytes({ arch: 'arm64', pageSize: 16n * KiB }), 32n * MiB);
  assert.equal(pmdBytes({ arch: 'arm64', pageSize: 64n * KiB }), 512n * MiB);
});

test('THP on arm64 16 KiB pages (6.13): a 2 MiB map is not a PMD multiple, a 32 MiB one is aligned to 32 MiB', () => {
  const a = ok(mmap(arm64('6.13', 16n * KiB, 0xffff_8100_4000n), 2n * MiB));
  assert.equal(a, 0xffff_80e0_4000n, 'placed plainly below mmap_base');
  const b = ok(mmap(arm64('6.13', 16n * KiB, 0xffff_8100_4000n), 32n * MiB));
  // len + 32 MiB searched below mmap_base, then aligned up to 32 MiB.
  assert.equal(b, 0xffff_7e00_0000n);
});

test('THP on arm64 64 KiB pages (6.8): a 4 MiB map is below PMD_SIZE (512 MiB), so it is placed plainly', () => {
  const c = ok(mmap(arm64('6.8', 64n * KiB, 0xffff_8101_0000n), 4n * MiB));
  assert.equal(c, 0xffff_8101_0000n - 4n * MiB);
  // A 512 MiB map is: len + 512 MiB searched, aligned up to 512 MiB.
  const d = ok(mmap(arm64('6.8', 64n * KiB, 0xffff_8101_0000n), 512n * MiB));
  assert.equal(d % (512n * MiB), 0n);
  assert.equal(d, 0xffff_6000_0000n);
});

test('x86-64 THP is unchanged: a 2 MiB map on 6.13 is 2 MiB aligned', () => {
  const a = ok(mmap(space('6.13'), 2n * MiB));
  assert.equal(a % (2n * MiB), 0n);
});

test('MAP_HUGETLB default size on arm64 is PMD_SIZE: 16 KiB pages round to and align at 32 MiB', () => {
  const as = arm64('6.13', 16n * KiB, 0xffff_8100_4000n);
  const a = ok(mmap(as, 2n * MiB, { flags: NORESERVE }));
  assert.equal(a, 0xffff_7e00_0000n);
  const vma = as.vmaAt(Number(a / (16n * KiB))) as T.Vma;
  assert.equal(BigInt(vma.endPage - vma.startPage) * 16n * KiB, 32n * MiB);
  const fixed = mmap(as, 2n * MiB, { flags: NORESERVE | T.MAP_FIXED, addr: 0x1020_0000n });
  assert.equal(errno(fixed), 'EINVAL', 'not aligned to the 32 MiB huge page');
});

test('MAP_HUGE_SHIFT sizes are hugetlbpage_init’s on arm64: CONT_PTE, PMD, CONT_PMD, PUD with 4 KiB pages', () => {
  assert.deepEqual(hugePageSizes({ arch: 'arm64', pageSize: 4n * KiB }), [
    64n * KiB,
    2n * MiB,
    32n * MiB,
    GiB,
  ]);
  assert.deepEqual(hugePageSizes({ arch: 'arm64', pageSize: 16n * KiB }), [2n * MiB, 32n * MiB, GiB]);
  assert.deepEqual(hugePageSizes({ arch: 'arm64', pageSize: 64n * KiB }), [2n * MiB, 512n * MiB, 16n * GiB]);
  // 64 KiB pages: 1 GiB is no hstate (EINVAL, named by the arch), 16 GiB is.
  const as64 = arm64('6.13', 64n * KiB, 0xffff_8101_0000n);
  const r = mmap(as64, GiB, { flags: NORESERVE | (30 << 26) });
  assert.equal(errno(r), 'EINVAL');
  assert.equal(
    reason(r),
    'MAP_HUGETLB with MAP_HUGE_SHIFT size 2^30: arm64 with 64 KiB pages has huge pages of 2 MiB, 512 MiB and 16 GiB only (hugetlbpage_init; ksys_mmap_pgoff: hstate_sizelog)',
  );
  const big = space('6.13', {
    arch: 'arm64',
    pageSize: 64n * KiB,
    taskSize: 1n << 48n,
    mmapBase: 0xff00_0000_0000n,
  });
  assert.equal(ok(mmap(big, 2n * MiB, { flags: NORESERVE | (34 << 26) })) % (16n * GiB), 0n);
  // 4 KiB pages: the 64 KiB CONT_PTE page exists on arm64, not on x86-64.
  const as4 = space('6.13', { arch: 'arm64' });
  assert.equal(ok(mmap(as4, 4n * KiB, { flags: NORESERVE | (16 << 26) })) % (64n * KiB), 0n);
  const x86 = mmap(space('6.13'), 4n * KiB, { flags: NORESERVE | (16 << 26) });
  assert.equal(
    reason(x86),
    'MAP_HUGETLB with MAP_HUGE_SHIFT size 2^16: x86-64 has huge pages of 2 MiB and 1 GiB only (ksys_mmap_pgoff: hstate_sizelog)',
  );
});

test('TASK_UNMAPPED_BASE is PAGE_ALIGN(DEFAULT_MAP_WINDOW / 4) on arm64, PAGE_ALIGN(TASK_SIZE / 3) on x86-64', () => {
  assert.equal(
    T.legacyMmapBase({ arch: 'arm64', taskSize: 1n << 48n, pageSize: 16n * KiB }),
    0x4000_0000_0000n,
  );
  // A 52-bit TASK_SIZE keeps the 48-bit window (VA_BITS_MIN).
  assert.equal(
    T.legacyMmapBase({ arch: 'arm64', taskSize: 1n << 52n, pageSize: 4n * KiB }),
    0x4000_0000_0000n,
  );
  assert.equal(
    T.legacyMmapBase({ arch: 'x86_64', taskSize: T.X86_64_TASK_SIZE, pageSize: 4n * KiB }),
    0x2aaa_aaaa_b000n,
  );
});

test('an unaligned mmap offset names the arch’s check: offset_in_page on arm64, off & ~PAGE_MASK on x86-64', () => {
  const as = arm64('6.18', 16n * KiB, 0xffff_f800_0000n);
  assert.equal(
    reason(mmap(as, 16n * KiB, { offset: 0x1000n })),
    'the offset 0x1000 is not page aligned (arm64 sys_mmap checks offset_in_page(off), even for MAP_ANONYMOUS)',
  );
  assert.equal(
    reason(mmap(space(), 4n * KiB, { offset: 0x800n })),
    'the offset 0x800 is not page aligned (x86-64 sys_mmap checks off & ~PAGE_MASK, even for MAP_ANONYMOUS)',
  );
});
