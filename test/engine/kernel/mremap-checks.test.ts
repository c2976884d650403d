// mremap(2) parameter and per-VMA checks (facts 3.1, 3.2, 3.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { DRM_BO, errno, mmap, mremap, O, ok, PG, PRIV_ANON, SHARED_ANON, space } from './helpers';
import { runOn } from './scenario-results';

const { MREMAP_MAYMOVE: MAYMOVE, MREMAP_FIXED: FIXED, MREMAP_DONTUNMAP: DONTUNMAP } = T;

test('3.1 row 1: unknown flag bits (0x8 RELOCATE_ANON, 0x10) are EINVAL', () => {
  const as = space();
  const a = ok(mmap(as, PG));
  assert.equal(errno(mremap(as, a, PG, PG, 0x8)), 'EINVAL');
  assert.equal(errno(mremap(as, a, PG, PG, 0x10)), 'EINVAL');
  assert.equal(ok(mremap(as, a, PG, PG, MAYMOVE)), a);
});

test('3.1 rows 2–4: unaligned old_address, new_size 0, new_size > TASK_SIZE are EINVAL', () => {
  const as = space();
  const a = ok(mmap(as, PG));
  assert.equal(errno(mremap(as, a + 1n, PG, PG, 0)), 'EINVAL');
  assert.equal(errno(mremap(as, a, PG, 0n, 0)), 'EINVAL');
  assert.equal(errno(mremap(as, a, PG, 1n << 47n, MAYMOVE)), 'EINVAL');
  ok(mremap(as, a, PG, 2n * PG, MAYMOVE));
});

test('3.1 rows 5–9: FIXED/DONTUNMAP address checks', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  assert.equal(errno(mremap(as, a, PG, 2n * PG, MAYMOVE | FIXED, 0x7ffffffff000n - PG)), 'EINVAL', 'row 5');
  assert.equal(errno(mremap(as, a, PG, PG, MAYMOVE | FIXED, 0x30000001n)), 'EINVAL', 'row 6 FIXED');
  assert.equal(
    errno(mremap(as, a, PG, PG, MAYMOVE | DONTUNMAP, 0x30000001n)),
    'EINVAL',
    'row 6 DONTUNMAP hint',
  );
  assert.equal(errno(mremap(as, a, PG, PG, FIXED, 0x30000000n)), 'EINVAL', 'row 7 FIXED');
  assert.equal(errno(mremap(as, a, PG, PG, DONTUNMAP, 0n)), 'EINVAL', 'row 7 DONTUNMAP');
  assert.equal(errno(mremap(as, a, PG, 2n * PG, MAYMOVE | DONTUNMAP)), 'EINVAL', 'row 8');
  assert.equal(errno(mremap(as, a, 2n * PG, 2n * PG, MAYMOVE | FIXED, a + PG)), 'EINVAL', 'row 9');
  assert.equal(ok(mremap(as, a, 2n * PG, 2n * PG, MAYMOVE | FIXED, 0x30000000n)), 0x30000000n);
});

test('3.1 row 10: the early split-count guard is ENOMEM', () => {
  const as = space('6.18', { maxMapCount: 6 });
  const a = ok(mmap(as, PG, { prot: T.PROT_READ }));
  ok(mmap(as, PG));
  assert.equal(errno(mremap(as, a, PG, PG, MAYMOVE | FIXED, 0x30000000n)), 'ENOMEM');
  const b = space('6.18', { maxMapCount: 8 });
  const c = ok(mmap(b, PG));
  ok(mremap(b, c, PG, PG, MAYMOVE | FIXED, 0x30000000n));
});

test('3.2: no VMA at old_address is EFAULT (also with FIXED)', () => {
  const as = space();
  assert.equal(errno(mremap(as, 0x20000000n, PG, PG, 0)), 'EFAULT');
  assert.equal(errno(mremap(as, 0x20000000n, PG, 2n * PG, MAYMOVE | FIXED, 0x30000000n)), 'EFAULT');
});

/** Is the page at `addr` mapped? */
function mapped(as: ReturnType<typeof space>, addr: bigint): boolean {
  return as.vmaAt(Number(addr / PG)) !== undefined;
}

test('≤ 5.15: a FIXED move from an unmapped old_address unmaps the destination, then vma_to_resize is EFAULT; 5.16+ looks it up first', () => {
  // /tmp/kver-inputs/efault.drvmap: mremap_to() ran do_munmap(new_addr) before the first lookup.
  for (const [version, destroyed] of [
    ['5.15', true],
    ['5.18', false],
  ] as const) {
    const as = space(version);
    const dest = ok(mmap(as, 16n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
    const r = mremap(as, 0x30000000n, 16n * PG, 16n * PG, MAYMOVE | FIXED, dest);
    assert.equal(errno(r), 'EFAULT', version);
    assert.equal(mapped(as, dest), !destroyed, `${version}: destination ${destroyed ? 'destroyed' : 'kept'}`);
    assert.equal(
      r.effects.some((e) => e.kind === 'replaced'),
      destroyed,
    );
    if (destroyed) assert.match(r.ok ? '' : r.reason, /vma_to_resize.*stays destroyed.*550a7d60bd5e/);
  }
  // A FIXED shrink from nothing also unmaps the tail [old_address + new_size, + old_size) first.
  const v515 = space('5.15');
  const tail = ok(mmap(v515, PG, { addr: 0x30000000n + PG, flags: PRIV_ANON | T.MAP_FIXED }));
  assert.equal(errno(mremap(v515, 0x30000000n, 2n * PG, PG, MAYMOVE | FIXED, 0x20000000n)), 'EFAULT');
  assert.equal(mapped(v515, tail), false);
});

test("≤ 5.15: mremap_to's own checks (new_address, overlap, the split-count guard) come before the first lookup", () => {
  for (const [version, first] of [
    ['5.15', 'EINVAL'],
    ['5.18', 'EFAULT'],
  ] as const) {
    const as = space(version);
    assert.equal(
      errno(mremap(as, 0x30000000n, PG, PG, MAYMOVE | FIXED, 0x20000001n)),
      first,
      `${version} unaligned`,
    );
    assert.equal(errno(mremap(as, 0x30000000n, 2n * PG, 2n * PG, MAYMOVE | FIXED, 0x30000000n + PG)), first);
    assert.equal(errno(mremap(as, 0x30000000n, PG, PG, MAYMOVE | DONTUNMAP, 0x20000001n)), first);
    const full = space(version, { maxMapCount: 6 });
    ok(mmap(full, PG, { prot: T.PROT_READ }));
    ok(mmap(full, PG));
    const guard = mremap(full, 0x30000000n, PG, PG, MAYMOVE | FIXED, 0x20000000n);
    assert.equal(errno(guard), first === 'EINVAL' ? 'ENOMEM' : 'EFAULT', `${version} map_count guard`);
  }
});

test('≤ 5.15: without FIXED/DONTUNMAP, a shrink or same-size call at an unmapped old_address returns it (the tail is unmapped); a grow is EFAULT', () => {
  const v515 = space('5.15');
  assert.equal(ok(mremap(v515, 0x20000000n, 2n * PG, 2n * PG, 0)), 0x20000000n);
  const tail = ok(mmap(v515, PG, { addr: 0x20000000n + PG, flags: PRIV_ANON | T.MAP_FIXED }));
  assert.equal(ok(mremap(v515, 0x20000000n, 2n * PG, PG, 0)), 0x20000000n);
  assert.equal(mapped(v515, tail), false, 'the shrink unmapped [old_address + new_size, + old_size)');
  assert.equal(errno(mremap(v515, 0x20000000n, PG, 2n * PG, MAYMOVE)), 'EFAULT');
  // addr + new_len is an unsigned long: near 2^64 it wraps, and the wrapped tail is unmapped.
  const low = ok(mmap(v515, PG, { addr: 0x10000n, flags: PRIV_ANON | T.MAP_FIXED }));
  const top = (1n << 64n) - 2n * PG;
  assert.equal(ok(mremap(v515, top, 0x10000n + 3n * PG, 0x10000n + 2n * PG, 0)), top);
  assert.equal(mapped(v515, low), false);
  const v518 = space('5.18');
  const kept = ok(mmap(v518, PG, { addr: 0x20000000n + PG, flags: PRIV_ANON | T.MAP_FIXED }));
  assert.equal(errno(mremap(v518, 0x20000000n, 2n * PG, PG, 0)), 'EFAULT');
  assert.equal(errno(mremap(v518, 0x20000000n, 2n * PG, 2n * PG, 0)), 'EFAULT');
  assert.equal(mapped(v518, kept), true);
});

test("5.16–5.17 return the early lookup's EFAULT without the minus sign: 14 (0xe) as if it were an address (7d1e64966162, v5.18)", () => {
  for (const version of ['5.16', '5.17']) {
    const as = space(version);
    const dest = ok(mmap(as, PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
    assert.equal(ok(mremap(as, 0x30000000n, PG, PG, MAYMOVE | FIXED, dest)), 14n, version);
    assert.equal(mapped(as, dest), true, `${version}: nothing was unmapped`);
    assert.equal(ok(mremap(as, 0x30000000n, 2n * PG, PG, 0)), 14n);
    assert.equal(ok(mremap(as, 0x30000000n, PG, 2n * PG, MAYMOVE)), 14n);
  }
  const v518 = space('5.18');
  assert.equal(errno(mremap(v518, 0x30000000n, PG, 2n * PG, MAYMOVE)), 'EFAULT');
});

test('3.2: sealed VMAs refuse move and shrink with EPERM', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG));
  as.mseal(a, 4n * PG, O);
  assert.equal(errno(mremap(as, a, 4n * PG, 4n * PG, MAYMOVE | FIXED, 0x30000000n)), 'EPERM');
  assert.equal(errno(mremap(as, a, 4n * PG, PG, 0)), 'EPERM');
});

test('3.2: old_size 0 on a private mapping is EINVAL (4.14+); on a shared one it duplicates', () => {
  const as = space();
  const p = ok(mmap(as, PG));
  assert.equal(errno(mremap(as, p, 0n, PG, MAYMOVE)), 'EINVAL');
  const f = as.openFile({
    kind: 'regular',
    name: '/tmp/f',
    sizeBytes: 4n * PG,
    readable: true,
    writable: true,
  });
  const pf = ok(mmap(as, PG, { flags: T.MAP_PRIVATE, fd: f.fd }));
  assert.equal(errno(mremap(as, pf, 0n, PG, MAYMOVE)), 'EINVAL');
  const s = ok(mmap(as, PG, { flags: SHARED_ANON }));
  ok(mremap(as, s, 0n, PG, MAYMOVE));
});

test('3.2: DONTUNMAP refuses VM_PFNMAP / VM_DONTEXPAND (5.13+) with EINVAL', () => {
  const as = space();
  const bo = as.openFile({
    kind: 'device',
    name: '/dev/dri/renderD128',
    sizeBytes: 4n * PG,
    readable: true,
    writable: true,
    device: DRM_BO,
  });
  const a = ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: bo.fd }));
  const r = mremap(as, a, 4n * PG, 4n * PG, MAYMOVE | DONTUNMAP);
  assert.equal(errno(r), 'EINVAL');
  assert.match(
    r.ok ? '' : r.reason,
    /MREMAP_DONTUNMAP refuses VM_PFNMAP\/VM_DONTEXPAND mappings \(Linux 5\.13\+, commit a4609387859f\)/,
  );
  assert.equal(
    ok(mremap(as, a, 4n * PG, 4n * PG, MAYMOVE | FIXED, 0x30000000n)),
    0x30000000n,
    'a plain move is allowed',
  );
  assert.equal(as.vmaAt(Number(a / PG)), undefined, '…and the old address is gone');
});

test('3.2: growing across the VMA end is EFAULT; a grow spanning two VMAs with MAYMOVE is EFAULT', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, 2n * PG, { addr: a + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED, prot: T.PROT_READ }));
  assert.equal(errno(mremap(as, a, 4n * PG, 8n * PG, MAYMOVE)), 'EFAULT');
  ok(mremap(as, a, 2n * PG, 3n * PG, MAYMOVE));
});

test('3.2: growing a DONTEXPAND/PFNMAP VMA is EFAULT, also via old_size 0 duplication', () => {
  const as = space();
  const bo = as.openFile({
    kind: 'device',
    name: 'anon_inode:[io_uring]',
    sizeBytes: 8n * PG,
    readable: true,
    writable: true,
    device: { ...DRM_BO, rejectsCow: false },
  });
  const a = ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: bo.fd }));
  assert.equal(errno(mremap(as, a, 4n * PG, 8n * PG, MAYMOVE)), 'EFAULT');
  assert.equal(errno(mremap(as, a, 0n, 4n * PG, MAYMOVE)), 'EFAULT');
  ok(mremap(as, a, 4n * PG, 2n * PG, 0));
});

test('3.2: growing past RLIMIT_AS is ENOMEM', () => {
  const as = space('6.18', { rlimitAs: 8n * PG });
  const a = ok(mmap(as, 4n * PG));
  assert.equal(errno(mremap(as, a, 4n * PG, 16n * PG, MAYMOVE)), 'ENOMEM');
  ok(mremap(as, a, 4n * PG, 6n * PG, MAYMOVE));
});

test('3.2: may_split refuses a partial move (EINVAL); the whole special mapping moves', () => {
  const as = space();
  const vvar = as.openFile({
    kind: 'device',
    name: '[vvar]',
    sizeBytes: 4n * PG,
    readable: true,
    writable: false,
    device: { ...DRM_BO, rejectsCow: false, refusesSplit: true },
  });
  const a = ok(mmap(as, 4n * PG, { prot: T.PROT_READ, flags: T.MAP_PRIVATE, fd: vvar.fd }));
  assert.equal(errno(mremap(as, a, PG, PG, MAYMOVE | FIXED, 0x60000000n)), 'EINVAL');
  assert.equal(errno(mremap(as, a, 4n * PG, PG, 0)), 'EINVAL', 'shrink in place splits too');
  assert.equal(ok(mremap(as, a, 4n * PG, 4n * PG, MAYMOVE | FIXED, 0x60000000n)), 0x60000000n);
});

test('3.6: old_size 0 without MAYMOVE is ENOMEM; with DONTUNMAP EINVAL; FIXED places the duplicate', () => {
  const as = space();
  const s = ok(mmap(as, 2n * PG, { flags: SHARED_ANON }));
  assert.equal(errno(mremap(as, s, 0n, 2n * PG, 0)), 'ENOMEM');
  assert.equal(errno(mremap(as, s, 0n, 2n * PG, MAYMOVE | DONTUNMAP)), 'EINVAL');
  assert.equal(ok(mremap(as, s, 0n, 2n * PG, MAYMOVE | FIXED, 0x40000000n)), 0x40000000n);
  assert.ok(as.vmaAt(Number(s / PG)), 'the original is untouched');
});

// The version gates at their exact release, on both sides: one minor off must change the answer.

test('MREMAP_DONTUNMAP exists from Linux 5.7 (e346b3813067): 5.6 refuses the unknown flag with EINVAL', () => {
  const lines = [
    'a = mmap 4KiB rw private anon',
    'b = mremap a, 4KiB, 4KiB, maymove | dontunmap',
    'expect b != EINVAL',
  ];
  const now = runOn('5.7', lines);
  assert.match(now.results[1]!, /^0x/);
  assert.deepEqual(now.codes, []);
  const before = runOn('5.6', lines);
  assert.equal(before.results[1], 'EINVAL');
  assert.deepEqual(before.codes, ['kernel-refused', 'expectation-failed']);
});

test('DONTUNMAP on a shared memfd mapping works from 5.13 (a4609387859f); 5.7–5.12 take private anonymous only', () => {
  const lines = [
    'f = open memfd "m" 4KiB',
    'a = mmap 4KiB rw shared fd f',
    'b = mremap a, 4KiB, 4KiB, maymove | dontunmap',
  ];
  assert.match(runOn('5.13', lines).results[2]!, /^0x/);
  assert.equal(runOn('5.12', lines).results[2], 'EINVAL');
});

test('old_size 0 on a private mapping is EINVAL from 4.14 (dba58d3b8c50); 4.13 makes an unrelated new mapping', () => {
  const lines = ['a = mmap 4KiB rw private anon', 'b = mremap a, 0, 4KiB, maymove'];
  assert.equal(runOn('4.14', lines).results[1], 'EINVAL');
  const [a, b] = runOn('4.13', lines).results;
  assert.match(b!, /^0x/);
  assert.notEqual(b, a, 'a new mapping elsewhere, not the old one');
});

test('a MAP_HUGETLB mapping moves from 5.16 (550a7d60bd5e); 5.15 refuses in vma_to_resize with EINVAL', () => {
  const lines = [
    'a = mmap 2MiB rw private anon hugetlb noreserve',
    'b = mremap a, 2MiB, 2MiB, maymove | fixed, 0x8000_0000',
  ];
  assert.equal(runOn('5.16', lines).results[1], '0x8000_0000');
  assert.equal(runOn('5.15', lines).results[1], 'EINVAL');
});

test('a DONTUNMAP hint exactly at vm.mmap_min_addr is taken: cap_mmap_addr refuses only addresses below it', () => {
  // Without MREMAP_FIXED new_address is a hint (mremap_to: MAP_FIXED only with MREMAP_FIXED), and
  // get_unmapped_area → security_mmap_addr → cap_mmap_addr (security/commoncap.c) checks
  // `addr < dac_mmap_min_addr`: the minimum itself is allowed. `mmap-min-addr 0x1000` keeps the
  // hint from being raised to the 64 KiB default.
  const moved = (flags: string, to: string) =>
    runOn('6.6', [
      'mmap-min-addr 0x1000',
      'a = mmap 4KiB rw private anon',
      `b = mremap a, 4KiB, 4KiB, ${flags}, ${to}`,
    ]).results[1];
  assert.equal(moved('maymove | dontunmap', '0x1000'), '0x1000');
  assert.equal(moved('maymove | fixed', '0x1000'), '0x1000');
  // Below it (page 0) without CAP_SYS_RAWIO: EPERM.
  assert.equal(moved('maymove | fixed', '0'), 'EPERM');
});
