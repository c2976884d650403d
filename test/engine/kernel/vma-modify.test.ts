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
