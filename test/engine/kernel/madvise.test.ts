// madvise(2) (kernel/madvise.ts): what the running kernel cannot show without a GPU, huge pages,
// an older kernel or an mseal step in the harness. The rest is checked on the kernel itself by
// test/fidelity/madvise.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { hugetlbDontneedEnd } from '../../../server/src/engine/kernel/madvise';
import { DRM_BO, errno, fill, lines, MiB, mmap, O, ok, PG, PRIV_ANON, readByte, space } from './helpers';

function driverMapping(as: T.AddressSpace, vmFlags: number): bigint {
  const f = as.openFile({
    kind: 'device',
    name: '/dev/dri/renderD128',
    sizeBytes: 4n * PG,
    readable: true,
    writable: true,
    device: { ...DRM_BO, vmFlags },
  });
  return ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: f.fd }));
}

test('MADV_DONTNEED on a DRM BO mapping (VM_PFNMAP) is EINVAL; VM_MIXEDMAP without it is zapped', () => {
  const as = space();
  const bo = driverMapping(as, DRM_BO.vmFlags);
  assert.equal(errno(as.madvise(bo, PG, T.MADV_DONTNEED, O)), 'EINVAL');
  const mixed = driverMapping(as, T.VM_MIXEDMAP | T.VM_DONTEXPAND);
  fill(as, mixed, PG, 0x42);
  ok(as.madvise(mixed, PG, T.MADV_DONTNEED, O));
  assert.equal(readByte(as, mixed, PG), 0x42, "the device's pages stay its own");
});

test('MADV_DOFORK on a VM_IO mapping is EINVAL; MADV_DONTFORK on it is allowed', () => {
  const as = space();
  const bo = driverMapping(as, DRM_BO.vmFlags);
  ok(as.madvise(bo, PG, T.MADV_DONTFORK, O));
  assert.equal(errno(as.madvise(bo, PG, T.MADV_DOFORK, O)), 'EINVAL');
  assert.equal(lines(as).length, 2, 'the DONTFORK split stays');
});

function hugetlbMapping(as: T.AddressSpace): bigint {
  return ok(
    mmap(as, 4n * MiB, {
      addr: 0x7e0000000000n,
      flags: PRIV_ANON | T.MAP_HUGETLB | T.MAP_NORESERVE | T.MAP_FIXED,
    }),
  );
}

test('hugetlb MADV_DONTNEED is EINVAL before Linux 5.18 (can_madv_lru_vma) and allowed from 5.18 (90e7e7f5ef3f)', () => {
  const old = space('5.17');
  const refused = old.madvise(hugetlbMapping(old), 2n * MiB, T.MADV_DONTNEED, O);
  assert.equal(errno(refused), 'EINVAL');
  assert.match((refused as { reason: string }).reason, /before Linux 5\.18/);
  for (const version of ['5.18', '6.0', '6.1']) {
    const as = space(version);
    const h = hugetlbMapping(as);
    ok(as.madvise(h, 2n * MiB, T.MADV_DONTNEED, O));
    // 5.18 has the huge-page-aligned start check too.
    assert.equal(errno(as.madvise(h + PG, PG, T.MADV_DONTNEED, O)), 'EINVAL', version);
  }
});

test('hugetlb MADV_DONTNEED on 5.18–6.0 rounds the end UP to the huge page (ALIGN; 8ebe0a5eaaeb made it ALIGN_DOWN in 6.1)', () => {
  const huge = Number((2n * MiB) / PG);
  const v518 = { major: 5, minor: 18 };
  const v60 = { major: 6, minor: 0 };
  assert.equal(hugetlbDontneedEnd(1, huge, v518), huge, 'one page into a huge page zaps all of it');
  assert.equal(hugetlbDontneedEnd(huge + 1, huge, v60), 2 * huge, 'and the next one too');
  assert.equal(hugetlbDontneedEnd(2 * huge, huge, v60), 2 * huge, 'an aligned end stays');
});

test('hugetlb MADV_DONTNEED needs a huge-page-aligned start; the end is rounded down to the huge page', () => {
  const as = space();
  const h = hugetlbMapping(as);
  assert.equal(errno(as.madvise(h + PG, PG, T.MADV_DONTNEED, O)), 'EINVAL');
  // Less than a huge page: nothing to zap, and still 0 (`if (start == end) return 0;`).
  ok(as.madvise(h, PG, T.MADV_DONTNEED, O));
  ok(as.madvise(h + 2n * MiB, PG, T.MADV_DONTNEED, O));
  // With vm.nr_hugepages = 0 a hugetlb mapping has no contents to show the zapped range, so the
  // rounding is asked directly: rounding up would give the next huge page's end.
  const huge = Number((2n * MiB) / PG);
  const v61 = { major: 6, minor: 1 };
  assert.equal(hugetlbDontneedEnd(1, huge, v61), 0, 'one page into the first huge page zaps nothing');
  assert.equal(hugetlbDontneedEnd(huge + 1, huge, v61), huge, 'a huge page and one page zaps one huge page');
  assert.equal(hugetlbDontneedEnd(2 * huge, huge, v61), 2 * huge, 'an aligned end stays');
});

test('MADV_WIPEONFORK and MADV_KEEPONFORK are EINVAL before Linux 4.14', () => {
  const old = space('4.13');
  const a = ok(mmap(old, 2n * PG));
  assert.equal(errno(old.madvise(a, PG, T.MADV_WIPEONFORK, O)), 'EINVAL');
  assert.equal(errno(old.madvise(a, PG, T.MADV_KEEPONFORK, O)), 'EINVAL');
  ok(old.madvise(a, PG, T.MADV_DONTFORK, O));
  const now = space('4.14');
  const b = ok(mmap(now, 2n * PG));
  ok(now.madvise(b, PG, T.MADV_WIPEONFORK, O));
});

/** Three private anonymous mappings written with 1, 2, 3; the middle one read-only and sealed. */
function sealedMiddle(version: string): { as: T.AddressSpace; a: bigint } {
  const as = space(version);
  const a = ok(mmap(as, 6n * PG, { addr: 0x7e0000000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  fill(as, a, 2n * PG, 1);
  fill(as, a + 2n * PG, 2n * PG, 2);
  fill(as, a + 4n * PG, 2n * PG, 3);
  ok(as.mprotect(a + 2n * PG, 2n * PG, T.PROT_READ, O));
  ok(as.mseal(a + 2n * PG, 2n * PG, O) as T.SyscallResult);
  return { as, a };
}

test('sealed read-only anonymous memory refuses discarding advice (EPERM): per VMA on 6.12+, up front on 6.10–6.11', () => {
  // Seen on 6.18: the mapping before the sealed one was already zapped, the one after kept.
  const now = sealedMiddle('6.18');
  assert.equal(errno(now.as.madvise(now.a, 6n * PG, T.MADV_DONTNEED, O)), 'EPERM');
  assert.equal(readByte(now.as, now.a, 2n * PG), 0);
  assert.equal(readByte(now.as, now.a + 2n * PG, 2n * PG), 2);
  assert.equal(readByte(now.as, now.a + 4n * PG, 2n * PG), 3);
  assert.equal(errno(now.as.madvise(now.a + 2n * PG, PG, T.MADV_DONTFORK, O)), 'EPERM');
  ok(now.as.madvise(now.a + 2n * PG, PG, T.MADV_DOFORK, O));
  // 6.10–6.11 (can_modify_mm_madv) refuse before touching anything.
  const old = sealedMiddle('6.11');
  assert.equal(errno(old.as.madvise(old.a, 6n * PG, T.MADV_DONTNEED, O)), 'EPERM');
  assert.equal(readByte(old.as, old.a, 2n * PG), 1);
});

test("6.10's is_madv_discard() tests a bit mask: MADV_DOFORK and MADV_KEEPONFORK are EPERM on sealed read-only anonymous memory; 6.11+ take them", () => {
  // 8be7258aad44: `behavior & (MADV_FREE|MADV_DONTNEED|…|MADV_WIPEONFORK)` = `behavior & 0x1f`;
  // e46bc2e7eb90 (6.11-rc3, 6.10.7) made it a switch on the values.
  const sealedReadOnly = (version: string) => {
    const as = space(version);
    const a = ok(mmap(as, 4n * PG, { prot: T.PROT_READ }));
    ok(as.mseal(a, 4n * PG, O) as T.SyscallResult);
    return { as, a };
  };
  const old = sealedReadOnly('6.10');
  for (const advice of [T.MADV_DOFORK, T.MADV_KEEPONFORK]) {
    const r = old.as.madvise(old.a, PG, advice, O);
    assert.equal(errno(r), 'EPERM');
    assert.match((r as { reason: string }).reason, /bit mask .*e46bc2e7eb90/);
  }
  assert.equal(errno(old.as.madvise(old.a, PG, T.MADV_DONTFORK, O)), 'EPERM');
  assert.equal(lines(old.as).length, 1, 'nothing was split');
  for (const version of ['6.11', '6.12', '6.18']) {
    const now = sealedReadOnly(version);
    assert.equal(ok(now.as.madvise(now.a, PG, T.MADV_DOFORK, O)), 0n, version);
    assert.equal(ok(now.as.madvise(now.a, PG, T.MADV_KEEPONFORK, O)), 0n, version);
    assert.equal(errno(now.as.madvise(now.a, PG, T.MADV_DONTFORK, O)), 'EPERM', version);
    assert.equal(errno(now.as.madvise(now.a, PG, T.MADV_DONTNEED, O)), 'EPERM', version);
  }
  // A writable sealed mapping is not read-only anonymous memory: 6.10 takes DOFORK there too.
  const rw = space('6.10');
  const b = ok(mmap(rw, 2n * PG));
  ok(rw.mseal(b, 2n * PG, O) as T.SyscallResult);
  ok(rw.madvise(b, PG, T.MADV_DOFORK, O));
});

test('a sealed writable mapping still takes MADV_DONTNEED and MADV_DONTFORK (it splits)', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  fill(as, a, 2n * PG, 9);
  ok(as.mseal(a, 2n * PG, O) as T.SyscallResult);
  ok(as.madvise(a, PG, T.MADV_DONTNEED, O));
  assert.equal(readByte(as, a, PG), 0);
  ok(as.madvise(a, PG, T.MADV_DONTFORK, O));
  assert.equal(lines(as).length, 2);
});

test('a flag change that would split past vm.max_map_count is EAGAIN, not ENOMEM', () => {
  const as = space('6.18', { maxMapCount: 1 });
  const a = ok(mmap(as, 4n * PG));
  assert.equal(errno(as.madvise(a + PG, PG, T.MADV_DONTFORK, O)), 'EAGAIN');
  ok(as.madvise(a, 4n * PG, T.MADV_DONTFORK, O));
});

test('MADV_WIPEONFORK on private anonymous MAP_HUGETLB memory is EINVAL because of its hugetlbfs file', () => {
  const as = space('6.18');
  const r = as.madvise(hugetlbMapping(as), PG, T.MADV_WIPEONFORK, O);
  assert.equal(errno(r), 'EINVAL');
  const reason = (r as { reason: string }).reason;
  assert.match(reason, /MAP_HUGETLB mapping is backed by a hugetlbfs file/);
  assert.doesNotMatch(reason, /only private anonymous memory/, 'the mapping is private anonymous');
});

test('madvise says what was advised before it failed: nothing when only a hole came before', () => {
  const reason = (r: unknown) => (r as { reason: string }).reason;
  // No VMA in the range: madvise_walk_vmas advises nothing.
  const empty = space();
  const nothing = empty.madvise(0x7e0000000000n, PG, T.MADV_DONTNEED, O);
  assert.equal(errno(nothing), 'ENOMEM');
  assert.match(reason(nothing), /nothing in the range is mapped, so madvise advised nothing/);
  assert.doesNotMatch(reason(nothing), /mapped parts/);
  // A hole, then a refusing VMA: nothing before it was advised.
  const old = space('5.17');
  const h = hugetlbMapping(old);
  const holeFirst = old.madvise(h - 2n * MiB, 4n * MiB, T.MADV_DONTNEED, O);
  assert.equal(errno(holeFirst), 'EINVAL');
  assert.doesNotMatch(reason(holeFirst), /already advised/);
  // A mapping, then the refusing VMA: the mapping was advised.
  const a = ok(mmap(old, 2n * MiB, { addr: h - 2n * MiB, flags: PRIV_ANON | T.MAP_FIXED }));
  const mappedFirst = old.madvise(a, 4n * MiB, T.MADV_DONTNEED, O);
  assert.equal(errno(mappedFirst), 'EINVAL');
  assert.match(reason(mappedFirst), /the mapped parts before it were already advised/);
});
