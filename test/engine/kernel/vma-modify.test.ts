// vma_modify() splits at the start of the range, then at its end, each through split_vma(), which
// refuses once map_count has reached vm.max_map_count (K:mm/vma.c vma_modify, split_vma; 6.18).
// With map_count one below the limit the start split is made and the end split refused: the call
// fails (mprotect ENOMEM, madvise EAGAIN via madvise_vma_behavior) and the start split stays. From
// the kernel source (sysctl vm.max_map_count was not changed on the shared test machine); the
// hugetlb variant of the same order was run on 6.18 (hugetlb.test.ts, hp.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { errno, lines, mmap, O, ok, PG, PRIV_ANON, space } from './helpers';

function nearLimit(): { as: T.AddressSpace; a: bigint } {
  // Two VMAs, vm.max_map_count 3: room for one more split.
  const as = space('6.18', { maxMapCount: 3 });
  const a = ok(mmap(as, 4n * PG, { addr: 0x1000_0000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, PG, { addr: 0x2000_0000n, flags: PRIV_ANON | T.MAP_FIXED }));
  return { as, a };
}

const AFTER = ['10000000-10001000 3', '10001000-10004000 3', '20000000-20001000 3'];

test('mprotect of the middle of a VMA one split below vm.max_map_count: ENOMEM, the start split stays', () => {
  const { as, a } = nearLimit();
  assert.equal(errno(as.mprotect(a + PG, PG, T.PROT_READ, O)), 'ENOMEM');
  assert.deepEqual(lines(as), AFTER);
});

test('madvise(MADV_DONTFORK) of the middle of a VMA one split below vm.max_map_count: EAGAIN, the start split stays', () => {
  const { as, a } = nearLimit();
  assert.equal(errno(as.madvise(a + PG, PG, T.MADV_DONTFORK, O)), 'EAGAIN');
  assert.deepEqual(lines(as), AFTER);
});

test('one split below vm.max_map_count, a call that needs only one split succeeds', () => {
  const { as, a } = nearLimit();
  ok(as.mprotect(a + PG, 3n * PG, T.PROT_READ, O));
  assert.deepEqual(lines(as), ['10000000-10001000 3', '10001000-10004000 1', '20000000-20001000 3']);
});

// vma_modify() tries vma_merge_existing_range() before any split: a range at an edge of its VMA
// whose new flags match the neighbour across that edge joins it, so map_count does not grow and
// vm.max_map_count is never consulted (K:mm/vma.c vma_modify; 5.x mprotect_fixup and
// madvise_behavior call vma_merge() before split_vma() too).
function atLimit(): { as: T.AddressSpace; a: bigint } {
  // Two adjacent VMAs [a, a + 4 pages) rw and [a + 4 pages, a + 6 pages) r, vm.max_map_count 2.
  const as = space('6.18', { maxMapCount: 2 });
  const a = ok(mmap(as, 4n * PG, { addr: 0x1000_0000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, 2n * PG, { addr: a + 4n * PG, prot: T.PROT_READ, flags: PRIV_ANON | T.MAP_FIXED }));
  return { as, a };
}

test('at vm.max_map_count, mprotect of a VMA tail that merges with the next VMA succeeds (merge first, no split)', () => {
  const { as, a } = atLimit();
  assert.deepEqual(lines(as), ['10000000-10004000 3', '10004000-10006000 1']);
  ok(as.mprotect(a + 3n * PG, PG, T.PROT_READ, O));
  assert.deepEqual(lines(as), ['10000000-10003000 3', '10003000-10006000 1']);
});

test('at vm.max_map_count, mprotect of a VMA head that merges with the previous VMA succeeds', () => {
  const as = space('6.18', { maxMapCount: 2 });
  const a = ok(mmap(as, 2n * PG, { addr: 0x1000_0000n, prot: T.PROT_READ, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, 4n * PG, { addr: a + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(as.mprotect(a + 2n * PG, PG, T.PROT_READ, O));
  assert.deepEqual(lines(as), ['10000000-10003000 1', '10003000-10006000 3']);
});

test('at vm.max_map_count, a VMA tail that merges with nothing needs a split: ENOMEM (EAGAIN for madvise), nothing changes', () => {
  const { as, a } = atLimit();
  assert.equal(errno(as.mprotect(a + 3n * PG, PG, T.PROT_EXEC | T.PROT_READ, O)), 'ENOMEM');
  assert.equal(errno(as.madvise(a + 3n * PG, PG, T.MADV_DONTFORK, O)), 'EAGAIN');
  assert.equal(errno(as.mseal(a + 3n * PG, PG, O) as T.SyscallResult), 'ENOMEM');
  assert.deepEqual(lines(as), ['10000000-10004000 3', '10004000-10006000 1']);
});

/** One 6-page VMA whose last 2 pages got `flag` on their own: two VMAs, vm.max_map_count 2. */
function tailFlagged(flag: (as: T.AddressSpace, tail: bigint) => void): { as: T.AddressSpace; a: bigint } {
  const as = space('6.18', { maxMapCount: 2 });
  const a = ok(mmap(as, 6n * PG, { addr: 0x1000_0000n, flags: PRIV_ANON | T.MAP_FIXED }));
  flag(as, a + 4n * PG);
  assert.equal(as.kernelView().length, 2);
  return { as, a };
}

test('at vm.max_map_count, madvise(MADV_DONTFORK) of a VMA tail that merges with a DONTFORK neighbour succeeds', () => {
  const { as, a } = tailFlagged((s, tail) => ok(s.madvise(tail, 2n * PG, T.MADV_DONTFORK, O)));
  ok(as.madvise(a + 3n * PG, PG, T.MADV_DONTFORK, O));
  assert.deepEqual(
    as.kernelView().map((v) => [v.startPage * Number(PG), v.endPage * Number(PG)]),
    [
      [0x1000_0000, 0x1000_3000],
      [0x1000_3000, 0x1000_6000],
    ],
  );
});

test('at vm.max_map_count, mseal of a VMA tail that merges with a sealed neighbour succeeds', () => {
  const { as, a } = tailFlagged((s, tail) => ok(s.mseal(tail, 2n * PG, O) as T.SyscallResult));
  ok(as.mseal(a + 3n * PG, PG, O) as T.SyscallResult);
  assert.deepEqual(
    as.kernelView().map((v) => [v.startPage * Number(PG), v.endPage * Number(PG)]),
    [
      [0x1000_0000, 0x1000_3000],
      [0x1000_3000, 0x1000_6000],
    ],
  );
});
