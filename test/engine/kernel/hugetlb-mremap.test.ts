// mremap of a MAP_HUGETLB mapping rounds both lengths up to the huge page, in every form. The 6.18
// expectations are what a C program printed on Linux 6.18 (x86-64, 2 MiB huge pages,
// vm.nr_hugepages = 0): each case maps a fresh 2 or 4 MiB hugetlb mapping at 0x3000_0000, makes one
// mremap call and prints the result and /proc/self/maps ("hm.c", review of the hugetlb mremap fix).
// 6.6 follows the ≤ 6.16 syscall body (mm/mremap.c SYSCALL_DEFINE5(mremap): the
// `if (is_vm_hugetlb_page(vma))` block aligns old_len/new_len before mremap_to or the shrink), 5.15
// vma_to_resize()'s refusal; those two are from reading the code, not a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { errno, lines, MiB, mmap, mremap, ok, PG, PRIV_ANON, space } from './helpers';
import type { AddressSpace } from '../../../server/src/engine/kernel/index';

const NORESERVE = PRIV_ANON | T.MAP_HUGETLB | T.MAP_NORESERVE;
const MOVE = T.MREMAP_MAYMOVE;
const FIXED = T.MREMAP_MAYMOVE | T.MREMAP_FIXED;
const H = 0x3000_0000n;
const X = 0x4000_0000n;

function withHuge(version: string, size: bigint): AddressSpace {
  const as = space(version);
  assert.equal(ok(mmap(as, size, { addr: H, flags: NORESERVE | T.MAP_FIXED })), H);
  return as;
}

interface Case {
  readonly name: string;
  readonly size: bigint;
  readonly call: (as: AddressSpace) => T.SyscallResult;
  /** The returned address, or the errno. */
  readonly result: bigint | string;
  /** /proc/self/maps afterwards (start-end prot). */
  readonly maps: readonly string[];
}

const SINGLE_VMA: readonly Case[] = [
  {
    name: 'FIXED, 4 KiB to 4 KiB: the whole huge page moves (remap_move → check_prep_vma → align_hugetlb)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, PG, PG, FIXED, X),
    result: X,
    maps: ['40000000-40200000 3'],
  },
  {
    name: 'FIXED shrink 4 MiB to 4 KiB: the new length is one huge page (mremap_to: shrink, then move)',
    size: 4n * MiB,
    call: (as) => mremap(as, H, 4n * MiB, PG, FIXED, X),
    result: X,
    maps: ['40000000-40200000 3'],
  },
  {
    name: 'FIXED 4 KiB to 8 KiB: both lengths round to 2 MiB, a plain move (mremap_to)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, PG, 2n * PG, FIXED, X),
    result: X,
    maps: ['40000000-40200000 3'],
  },
  {
    name: 'MAYMOVE 4 KiB to 8 KiB: within the huge page, nothing to do (mremap_at)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, PG, 2n * PG, MOVE),
    result: H,
    maps: ['30000000-30200000 3'],
  },
  {
    name: 'MAYMOVE 4 KiB to 4 KiB: a no-op (mremap_at)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, PG, PG, MOVE),
    result: H,
    maps: ['30000000-30200000 3'],
  },
  {
    name: 'shrink in place 4 MiB to 4 KiB keeps one huge page (mremap_at → shrink_vma)',
    size: 4n * MiB,
    call: (as) => mremap(as, H, 4n * MiB, PG, 0),
    result: H,
    maps: ['30000000-30200000 3'],
  },
  {
    name: 'shrink 3 MiB to 4 KiB: old_len rounds up to 4 MiB, new_len to 2 MiB (mremap_at → shrink_vma)',
    size: 4n * MiB,
    call: (as) => mremap(as, H, 3n * MiB, PG, 0),
    result: H,
    maps: ['30000000-30200000 3'],
  },
  {
    name: 'shrink 4 MiB to 2 MiB + 4 KiB rounds back to 4 MiB: nothing to do (mremap_at)',
    size: 4n * MiB,
    call: (as) => mremap(as, H, 4n * MiB, 2n * MiB + PG, 0),
    result: H,
    maps: ['30000000-30400000 3'],
  },
  {
    name: 'FIXED grow 4 KiB to 2 MiB + 4 KiB is refused (align_hugetlb: no expansion)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, PG, 2n * MiB + PG, FIXED, X),
    result: 'EINVAL',
    maps: ['30000000-30200000 3'],
  },
  {
    name: 'FIXED to an address off the huge page is refused (align_hugetlb)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, PG, PG, FIXED, X + PG),
    result: 'EINVAL',
    maps: ['30000000-30200000 3'],
  },
  {
    name: 'MREMAP_DONTUNMAP (with a hint) is refused: hugetlb VMAs are VM_DONTEXPAND (check_prep_vma)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, 2n * MiB, 2n * MiB, MOVE | T.MREMAP_DONTUNMAP, X),
    result: 'EINVAL',
    maps: ['30000000-30200000 3'],
  },
  {
    name: 'MREMAP_DONTUNMAP | FIXED of 4 KiB is refused too (check_prep_vma)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, PG, PG, FIXED | T.MREMAP_DONTUNMAP, X),
    result: 'EINVAL',
    maps: ['30000000-30200000 3'],
  },
  {
    name: 'FIXED 4 KiB of the second huge page: that huge page moves, the first stays (remap_move)',
    size: 4n * MiB,
    call: (as) => mremap(as, H + 2n * MiB, PG, PG, FIXED, X),
    result: X,
    maps: ['30000000-30200000 3', '40000000-40200000 3'],
  },
  {
    name: 'FIXED 4 KiB onto the second huge page of the same VMA: the unrounded ranges do not overlap, the destination unmap takes that huge page (mremap_to)',
    size: 4n * MiB,
    call: (as) => mremap(as, H, PG, PG, FIXED, H + 2n * MiB),
    result: H + 2n * MiB,
    maps: ['30200000-30400000 3'],
  },
  {
    name: 'FIXED 4 KiB onto a plain 4 MiB mapping unmaps 2 MiB of it, not 4 KiB (mremap_to: do_munmap(new_addr, new_len))',
    size: 2n * MiB,
    call: (as) => {
      ok(mmap(as, 4n * MiB, { addr: X, flags: PRIV_ANON | T.MAP_FIXED, prot: T.PROT_READ }));
      return mremap(as, H, PG, PG, FIXED, X);
    },
    result: X,
    maps: ['40000000-40200000 3', '40200000-40400000 1'],
  },
  {
    name: 'FIXED 4 KiB to the last 2 MiB-aligned address: the rounded range runs past TASK_SIZE (6.18: do_munmap; 6.6: mremap_to)',
    size: 2n * MiB,
    call: (as) => mremap(as, H, PG, PG, FIXED, 0x7fff_ffe0_0000n),
    result: 'EINVAL',
    maps: ['30000000-30200000 3'],
  },
];

function check(version: string, c: Case): void {
  const as = withHuge(version, c.size);
  const r = c.call(as);
  const got = r.ok ? r.value : r.errno;
  assert.equal(got, c.result, `${version}: ${c.name}${r.ok ? '' : ` (${r.reason})`}`);
  assert.deepEqual(lines(as), c.maps, `${version}: ${c.name}`);
}

for (const c of SINGLE_VMA) {
  test(`hugetlb mremap, 6.18 and 6.6: ${c.name}`, () => {
    check('6.18', c);
    check('6.6', c);
  });
}

test('hugetlb mremap, 6.18: a multi-VMA move rounds the hugetlb VMA part up to its huge page (remap_move, per VMA)', () => {
  const as = space('6.18');
  ok(mmap(as, PG, { addr: 0x301f_f000n, flags: PRIV_ANON | T.MAP_FIXED, prot: T.PROT_READ }));
  ok(mmap(as, 4n * MiB, { addr: H + 2n * MiB, flags: NORESERVE | T.MAP_FIXED }));
  // [0x301ff000, +8 KiB): the plain page and 4 KiB of the hugetlb VMA, which moves a whole 2 MiB.
  assert.equal(ok(mremap(as, 0x301f_f000n, 2n * PG, 2n * PG, FIXED, 0x401f_f000n)), 0x401f_f000n);
  assert.deepEqual(lines(as), ['30400000-30600000 3', '401ff000-40200000 1', '40200000-40400000 3']);
  // Before 6.17 the range may not run past the first VMA (vma_to_resize: EFAULT).
  const old = space('6.6');
  ok(mmap(old, PG, { addr: 0x301f_f000n, flags: PRIV_ANON | T.MAP_FIXED, prot: T.PROT_READ }));
  ok(mmap(old, 4n * MiB, { addr: H + 2n * MiB, flags: NORESERVE | T.MAP_FIXED }));
  assert.equal(errno(mremap(old, 0x301f_f000n, 2n * PG, 2n * PG, FIXED, 0x401f_f000n)), 'EFAULT');
});

test('hugetlb mremap, 5.15: no move and no unaligned shrink (vma_to_resize refuses hugetlb; the shrink splits off the huge page)', () => {
  // ≤ 5.15 does not round: a move or grow meets vma_to_resize's `is_vm_hugetlb_page` EINVAL, and a
  // shrink unmaps [addr + new_len, addr + old_len), whose split hugetlb_vm_op_split refuses.
  const as = withHuge('5.15', 4n * MiB);
  assert.equal(errno(mremap(as, H, PG, PG, FIXED, X)), 'EINVAL');
  assert.equal(errno(mremap(as, H, PG, 2n * PG, MOVE)), 'EINVAL');
  assert.equal(errno(mremap(as, H, 4n * MiB, PG, 0)), 'EINVAL');
  assert.equal(ok(mremap(as, H, PG, PG, MOVE)), H, 'the same size returns old_address');
  assert.equal(ok(mremap(as, H, 4n * MiB, 2n * MiB, 0)), H, 'an aligned shrink is a plain munmap');
  assert.deepEqual(lines(as), ['30000000-30200000 3']);
});
