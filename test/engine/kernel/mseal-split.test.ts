// mseal(2) seals through vma_modify_flags(), which splits like mprotect does (K:mm/mseal.c
// mseal_apply, K:mm/vma.c vma_modify): a VMA whose vm_ops->may_split refuses the split (hugetlb off
// its huge page size, a special mapping) makes mseal fail with EINVAL, and the VMAs sealed before
// it stay sealed. Results checked on Linux 6.18.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import * as T from '../../../server/src/engine/kernel/index';
import { isSealed } from '../../../server/src/engine/kernel/state';
import { errno, lines, MiB, mmap, O, ok, PG, PRIV_ANON, RW, space } from './helpers';

const NORESERVE = PRIV_ANON | T.MAP_HUGETLB | T.MAP_NORESERVE;
const sealedAt = (as: ReturnType<typeof space>, addr: bigint): boolean =>
  isSealed(as.vmaAt(Number(addr / PG)) as T.Vma);

test('mseal of part of a hugetlb mapping is EINVAL and leaves it whole and unsealed; munmap then works', () => {
  const run = analyseDocument(`scenario "mseal of part of a hugetlb mapping" {
  h = mmap 2MiB rw private anon hugetlb noreserve
  s = mseal h, 4KiB
  expect s == EINVAL
  u = munmap h, 2MiB
  expect u == ok
}
`);
  assert.deepEqual(
    run.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
  const as = space();
  const h = ok(mmap(as, 2n * MiB, { flags: NORESERVE }));
  const r = as.mseal(h, PG, O);
  assert.equal(errno(r), 'EINVAL');
  assert.match(r.ok ? '' : r.reason, /hugetlb_vm_op_split/);
  assert.equal(as.kernelView().length, 1);
  assert.equal(sealedAt(as, h), false);
  // Whole huge pages seal fine.
  ok(as.mseal(h, 2n * MiB, O));
  assert.equal(sealedAt(as, h), true);
});

test('a refused end split leaves the start split (vma_modify splits the start first) and the VMAs before sealed', () => {
  const as = space();
  const h = ok(mmap(as, 4n * MiB, { addr: 0x30000000n, flags: NORESERVE | T.MAP_FIXED }));
  const a = ok(mmap(as, 2n * PG, { addr: h - 2n * PG, flags: PRIV_ANON | T.MAP_FIXED, prot: RW }));
  // [a, h + 2 MiB + 4 KiB): a is sealed, then h's end split is refused.
  assert.equal(errno(as.mseal(a, 2n * PG + 2n * MiB + PG, O)), 'EINVAL');
  assert.equal(sealedAt(as, a), true);
  assert.equal(sealedAt(as, h), false);
  assert.deepEqual(lines(as), ['2fffe000-30000000 3', '30000000-30400000 3']);
  // The start split at 2 MiB is allowed and stays; the end one at 2 MiB + 4 KiB is not.
  assert.equal(errno(as.mseal(h + 2n * MiB, PG, O)), 'EINVAL');
  assert.deepEqual(lines(as), ['2fffe000-30000000 3', '30000000-30200000 3', '30200000-30400000 3']);
  assert.equal(sealedAt(as, h + 2n * MiB), false);
});

test('an unmapped part is ENOMEM before any split is tried (range_contains_unmapped first)', () => {
  const as = space();
  const h = ok(mmap(as, 2n * MiB, { addr: 0x30000000n, flags: NORESERVE | T.MAP_FIXED }));
  assert.equal(errno(as.mseal(h + 2n * MiB - PG, 2n * PG, O)), 'ENOMEM');
});

test('a special mapping whose driver refuses splits: part of it is EINVAL, all of it seals', () => {
  const as = space();
  const vvar = as.openFile({
    kind: 'device',
    name: '[vvar]',
    sizeBytes: 4n * PG,
    readable: true,
    writable: false,
    device: {
      vmFlags: T.VM_IO | T.VM_PFNMAP | T.VM_DONTEXPAND | T.VM_DONTDUMP,
      rejectsCow: false,
      customGetUnmappedArea: false,
      refusesSplit: true,
    },
  });
  const v = ok(mmap(as, 4n * PG, { prot: T.PROT_READ, flags: T.MAP_PRIVATE, fd: vvar.fd }));
  assert.equal(errno(as.mseal(v + PG, PG, O)), 'EINVAL');
  assert.equal(sealedAt(as, v), false);
  ok(as.mseal(v, 4n * PG, O));
  assert.equal(sealedAt(as, v), true);
});

test('a seal that needs a split past vm.max_map_count is ENOMEM (split_vma)', () => {
  const as = space('6.18', { maxMapCount: 1 });
  const a = ok(mmap(as, 4n * PG));
  assert.equal(errno(as.mseal(a + PG, PG, O)), 'ENOMEM');
  assert.equal(sealedAt(as, a + PG), false);
  ok(as.mseal(a, 4n * PG, O));
});
