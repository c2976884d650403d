// mmap(2) errno table (facts 1.1): each row with a call that triggers it and one that does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { errno, fill, MiB, mmap, O, ok, PG, PRIV_ANON, readByte, RW, SHARED_ANON, space } from './helpers';
import { addressOf, runOn } from './scenario-results';

const U64_MAX = (1n << 64n) - 1n;

test('row 1: unaligned offset is EINVAL even for anonymous maps; an aligned one is accepted and ignored (row 20)', () => {
  const as = space();
  assert.equal(errno(mmap(as, PG, { offset: 1n })), 'EINVAL');
  const file = as.openFile({
    kind: 'regular',
    name: '/tmp/f',
    sizeBytes: 4n * PG,
    readable: true,
    writable: true,
  });
  assert.equal(errno(mmap(as, PG, { flags: T.MAP_PRIVATE, fd: file.fd, offset: 100n })), 'EINVAL');
  ok(mmap(as, PG, { offset: PG }));
});

test('row 2: a bad fd without MAP_ANONYMOUS is EBADF; fds start at 3', () => {
  const as = space();
  assert.equal(errno(mmap(as, PG, { flags: T.MAP_PRIVATE, fd: 3 })), 'EBADF');
  const file = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: PG, readable: true, writable: true });
  assert.equal(file.fd, 3);
  assert.equal(
    as.openFile({ kind: 'memfd', name: 'n', sizeBytes: PG, readable: true, writable: true }).fd,
    4,
  );
  ok(mmap(as, PG, { flags: T.MAP_SHARED, fd: 3 }));
});

test('row 3: len == 0 is EINVAL; len == 1 maps a page', () => {
  const as = space();
  assert.equal(errno(mmap(as, 0n)), 'EINVAL');
  const a = ok(mmap(as, 1n));
  assert.equal(as.vmaAt(Number(a / PG))?.endPage, Number(a / PG) + 1);
});

test('row 5: round_hint_to_min raises a low hint to mmap_min_addr; a sub-page hint is no hint', () => {
  const as = space();
  assert.equal(ok(mmap(as, PG, { addr: 0x1000n })), 0x10000n);
  const nullHint = ok(mmap(as, PG));
  const tiny = ok(mmap(as, PG, { addr: 0x100n }));
  assert.equal(tiny, nullHint - PG, 'a 0x100 hint rounds to 0 and behaves like NULL (top-down)');
});

test('row 6: PAGE_ALIGN(len) overflow is ENOMEM (len = -1, len = 2^64-1)', () => {
  const as = space();
  assert.equal(errno(mmap(as, -1n)), 'ENOMEM');
  assert.equal(errno(mmap(as, U64_MAX)), 'ENOMEM');
  ok(mmap(as, 2n * PG));
});

test('row 8: map_count > vm.max_map_count is ENOMEM', () => {
  const as = space('6.18', { maxMapCount: 4 });
  for (let k = 0; k < 5; k++) ok(mmap(as, PG, { prot: k % 2 === 0 ? T.PROT_READ : RW })); // alternating prot: no merging
  assert.equal(as.mapCount, 5);
  assert.equal(errno(mmap(as, PG)), 'ENOMEM');
});

test('row 9: len > TASK_SIZE is ENOMEM; a large mapping that fits succeeds', () => {
  const as = space();
  assert.equal(errno(mmap(as, 1n << 47n)), 'ENOMEM');
  ok(mmap(as, 1n << 40n));
});

test('row 10: a MAP_FIXED range ending past TASK_SIZE is ENOMEM; the last page itself is fine', () => {
  const as = space();
  assert.equal(
    errno(mmap(as, 2n * PG, { addr: 0x7ffffffff000n - PG + PG, flags: PRIV_ANON | T.MAP_FIXED })),
    'ENOMEM',
  );
  assert.equal(ok(mmap(as, PG, { addr: 0x7fffffffe000n, flags: PRIV_ANON | T.MAP_FIXED })), 0x7fffffffe000n);
});

test('row 11: MAP_FIXED / MAP_FIXED_NOREPLACE with an unaligned address is EINVAL', () => {
  const as = space();
  assert.equal(errno(mmap(as, PG, { addr: 0x20000001n, flags: PRIV_ANON | T.MAP_FIXED })), 'EINVAL');
  assert.equal(
    errno(mmap(as, PG, { addr: 0x20000001n, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE })),
    'EINVAL',
  );
  assert.equal(ok(mmap(as, PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED })), 0x20000000n);
});

test('row 12: below vm.mmap_min_addr without CAP_SYS_RAWIO is EPERM; root may map at 0', () => {
  // The default process is not root.
  const user = space('6.18');
  assert.equal(errno(mmap(user, PG, { addr: 0n, flags: PRIV_ANON | T.MAP_FIXED })), 'EPERM');
  assert.equal(errno(mmap(user, PG, { addr: 0n, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE })), 'EPERM');
  assert.equal(
    ok(mmap(user, PG, { addr: 0x1000n, flags: PRIV_ANON | T.MAP_FIXED })),
    0x1000n,
    'dac_mmap_min_addr is 4096',
  );
  const root = space('6.18', { capSysRawio: true });
  assert.equal(ok(mmap(root, PG, { addr: 0n, flags: PRIV_ANON | T.MAP_FIXED })), 0n);
});

test('row 13: MAP_FIXED_NOREPLACE over any overlap (full or partial) is EEXIST; a free range is taken exactly', () => {
  const as = space();
  const base = ok(mmap(as, 4n * PG, { addr: 0x30000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  assert.equal(errno(mmap(as, 4n * PG, { addr: base, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE })), 'EEXIST');
  assert.equal(
    errno(mmap(as, 4n * PG, { addr: base + 3n * PG, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE })),
    'EEXIST',
  );
  assert.equal(
    ok(mmap(as, 4n * PG, { addr: base + 4n * PG, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE })),
    base + 4n * PG,
  );
});

test('MAP_FIXED_NOREPLACE before Linux 4.17 is an unknown (ignored) bit: the address is only a hint', () => {
  const as = space('4.14');
  const base = ok(mmap(as, 4n * PG, { addr: 0x30000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  const r = ok(mmap(as, 4n * PG, { addr: base, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE }));
  assert.notEqual(r, base);
});

test('row 15: MAP_SHARED + PROT_WRITE on an fd not open for writing is EACCES; MAP_PRIVATE writable is fine', () => {
  const as = space();
  const ro = as.openFile({
    kind: 'regular',
    name: '/tmp/ro',
    sizeBytes: 4n * PG,
    readable: true,
    writable: false,
  });
  assert.equal(errno(mmap(as, PG, { flags: T.MAP_SHARED, fd: ro.fd })), 'EACCES');
  ok(mmap(as, PG, { flags: T.MAP_PRIVATE, fd: ro.fd }));
  ok(mmap(as, PG, { flags: T.MAP_SHARED, fd: ro.fd, prot: T.PROT_READ }));
});

test('row 16: MAP_SHARED_VALIDATE with an unsupported flag is EOPNOTSUPP; plain MAP_SHARED ignores it', () => {
  const as = space();
  const f = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: 4n * PG, readable: true, writable: true });
  assert.equal(errno(mmap(as, PG, { flags: T.MAP_SHARED_VALIDATE | T.MAP_SYNC, fd: f.fd })), 'EOPNOTSUPP');
  ok(mmap(as, PG, { flags: T.MAP_SHARED | T.MAP_SYNC, fd: f.fd }));
  ok(mmap(as, PG, { flags: T.MAP_SHARED_VALIDATE, fd: f.fd }));
});

test('row 16: MAP_ABOVE4G is in LEGACY_MAP_MASK from 6.6 (before, 0x80 is unknown to MAP_SHARED_VALIDATE)', () => {
  for (const [version, expected] of [
    ['6.6', 'ok'],
    ['6.5', 'EOPNOTSUPP'],
  ] as const) {
    const as = space(version);
    const f = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: 4n * PG, readable: true, writable: true });
    const r = mmap(as, PG, { flags: T.MAP_SHARED_VALIDATE | T.MAP_ABOVE4G, fd: f.fd });
    assert.equal(r.ok ? 'ok' : r.errno, expected, version);
  }
});

test('row 16: MAP_SHARED_VALIDATE is new in 4.15: before, a file mapping of that type is EINVAL', () => {
  for (const [version, expected] of [
    ['4.14', 'EINVAL'],
    ['4.15', 'ok'],
  ] as const) {
    const as = space(version);
    const f = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: 4n * PG, readable: true, writable: true });
    const r = mmap(as, PG, { flags: T.MAP_SHARED_VALIDATE, fd: f.fd });
    assert.equal(r.ok ? 'ok' : r.errno, expected, version);
    if (!r.ok) assert.match(r.reason, /new in Linux 4\.15/);
  }
});

test('row 17: no mapping type (neither PRIVATE nor SHARED) is EINVAL', () => {
  const as = space();
  assert.equal(errno(mmap(as, PG, { flags: T.MAP_ANONYMOUS })), 'EINVAL');
  ok(mmap(as, PG, { flags: SHARED_ANON }));
});

test('row 18: RLIMIT_AS is enforced (2 GiB into a 1 GiB limit is ENOMEM)', () => {
  const as = space('6.18', { rlimitAs: 1024n * MiB });
  assert.equal(errno(mmap(as, 2048n * MiB)), 'ENOMEM');
  ok(mmap(as, 512n * MiB));
});

test('row 19: MAP_FIXED over existing memory discards it, reports the victims, and merges with the neighbours', () => {
  const as = space();
  const base = ok(mmap(as, 4n * PG, { label: 'a' }));
  fill(as, base, 4n * PG, 0x5a);
  const r = mmap(as, PG, { addr: base + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED, label: 'a' });
  assert.ok(r.ok);
  const replaced = r.effects.find((e) => e.kind === 'replaced');
  assert.ok(replaced && replaced.kind === 'replaced' && replaced.victims.length === 1);
  assert.equal(readByte(as, base + 2n * PG), 0, 'byte at base+2PG after MAP_FIXED replace = 0');
  assert.equal(readByte(as, base + PG), 0x5a);
  assert.equal(as.vmas().length, 1, 'same owner/label/flags: one VMA again');
});

test('MAP_STACK sets VM_NOHUGEPAGE (6.8+, commit c4608d1bf7c6): it does not merge with a plain neighbour, but with another MAP_STACK map', () => {
  const at = 0x7f0000000000n;
  const fixed = PRIV_ANON | T.MAP_FIXED_NOREPLACE;
  const as = space('6.18');
  ok(mmap(as, 4n * PG, { addr: at, flags: fixed, label: 'x' }));
  ok(mmap(as, 4n * PG, { addr: at + 4n * PG, flags: fixed | T.MAP_STACK, label: 'y' }));
  assert.equal(as.mapCount, 2, 'plain + MAP_STACK: two VMAs, as /proc/PID/maps shows on 6.18');
  ok(mmap(as, 4n * PG, { addr: at + 8n * PG, flags: fixed | T.MAP_STACK, label: 'z' }));
  assert.equal(as.mapCount, 2, 'two MAP_STACK maps side by side merge');
  // Before 6.8 MAP_STACK was a no-op; without THP it still is (the bit is under CONFIG_TRANSPARENT_HUGEPAGE).
  for (const as of [space('6.6'), space('6.18', { thp: false })]) {
    ok(mmap(as, 4n * PG, { addr: at, flags: fixed }));
    ok(mmap(as, 4n * PG, { addr: at + 4n * PG, flags: fixed | T.MAP_STACK }));
    assert.equal(as.mapCount, 1);
  }
});

test('MAP_STACK is a no-op on 6.7: c4608d1bf7c6 came in the 6.8-rc3 hotfixes, after 6.7 was released (6.7.6 stable)', () => {
  // /tmp/kver-inputs/stack.drvmap: the two 1-page maps merge, so the 2-page range grows.
  const lines = (version: string) => {
    const as = space(version);
    ok(mmap(as, PG, { addr: 0x10000000n, flags: PRIV_ANON | T.MAP_FIXED | T.MAP_STACK }));
    ok(mmap(as, PG, { addr: 0x10001000n, flags: PRIV_ANON | T.MAP_FIXED }));
    return as.mapCount;
  };
  assert.equal(lines('6.7'), 1, '6.7: MAP_STACK sets nothing, the neighbours merge');
  assert.equal(lines('6.8'), 2, '6.8: VM_NOHUGEPAGE keeps them apart');
});

test('MAP_STACK without THP built in: VM_NOHUGEPAGE all the same on 6.8–6.14, none from 6.15 (7190b3c8bd2b)', () => {
  const lines = (version: string) => {
    const as = space(version, { thp: false });
    ok(mmap(as, PG, { addr: 0x10000000n, flags: PRIV_ANON | T.MAP_FIXED | T.MAP_STACK }));
    ok(mmap(as, PG, { addr: 0x10001000n, flags: PRIV_ANON | T.MAP_FIXED }));
    return as.mapCount;
  };
  assert.equal(lines('6.14'), 2, '6.14: c4608d1bf7c6 sets the bit without CONFIG_TRANSPARENT_HUGEPAGE too');
  assert.equal(lines('6.15'), 1, '6.15: under #ifdef CONFIG_TRANSPARENT_HUGEPAGE, a no-op');
});

test('MAP_POPULATE and MAP_LOCKED fault a private writable mapping in at mmap time: it has its anon_vma, so made read-only it keeps VM_ACCOUNT and does not merge (6.18, /tmp/rare/c1.c, c2.c)', () => {
  const at = 0x200000000000n;
  const fixed = PRIV_ANON | T.MAP_FIXED_NOREPLACE;
  const lines = (extra: number, neighbourExtra = 0) => {
    const as = space('6.18');
    ok(mmap(as, 2n * PG, { addr: at, flags: fixed | extra }));
    ok(as.mprotect(at, 2n * PG, T.PROT_READ, { step: 1, actor: 'app' }));
    ok(mmap(as, PG, { addr: at + 2n * PG, prot: T.PROT_READ, flags: fixed | neighbourExtra }));
    return as.mapCount;
  };
  assert.equal(lines(0), 1, 'never written: loses VM_ACCOUNT when read-only and merges');
  assert.equal(lines(T.MAP_POPULATE), 2);
  assert.equal(lines(T.MAP_LOCKED, T.MAP_LOCKED), 2);
  assert.equal(lines(T.MAP_POPULATE | T.MAP_NONBLOCK), 1, 'MAP_NONBLOCK turns MAP_POPULATE off (do_mmap)');
  // A read-only or shared mapping is populated with read faults: no anon_vma.
  const as = space('6.18');
  const a = ok(mmap(as, 2n * PG, { addr: at, prot: T.PROT_READ, flags: fixed | T.MAP_POPULATE }));
  assert.equal(as.vmaAt(Number(a / PG))?.anonVma, 0);
});

test('MAP_POPULATE of a private writable file mapping makes its COW copies: later file changes are not seen', () => {
  const as = space('6.18');
  const file = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: PG, readable: true, writable: true });
  const shared = ok(mmap(as, PG, { flags: T.MAP_SHARED, fd: file.fd }));
  fill(as, shared, PG, 0x11);
  const populated = ok(mmap(as, PG, { flags: T.MAP_PRIVATE | T.MAP_POPULATE, fd: file.fd }));
  const lazy = ok(mmap(as, PG, { flags: T.MAP_PRIVATE, fd: file.fd }));
  fill(as, shared, PG, 0x22);
  assert.equal(readByte(as, populated), 0x11, 'the copy was made at mmap time');
  assert.equal(readByte(as, lazy), 0x22, 'never touched: still the file');
});

test('MAP_DROPPABLE (6.11+): not accounted, no merge with plain private memory, merges with another droppable map; EINVAL with a file or before 6.11', () => {
  const at = 0x200000000000n;
  const as = space('6.18');
  ok(mmap(as, PG, { addr: at, flags: PRIV_ANON | T.MAP_FIXED_NOREPLACE }));
  const droppable = T.MAP_DROPPABLE | T.MAP_ANONYMOUS | T.MAP_FIXED_NOREPLACE;
  ok(mmap(as, PG, { addr: at + PG, flags: droppable }));
  ok(mmap(as, PG, { addr: at + 2n * PG, flags: droppable }));
  assert.equal(as.mapCount, 2, 'as /proc/self/maps on 6.18 (/tmp/rare/d1.c)');
  const flags = as.vmaAt(Number((at + PG) / PG))!.vmFlags;
  assert.equal(flags & T.VM_ACCOUNT, 0);
  assert.equal(
    flags & (T.VM_DROPPABLE | T.VM_NORESERVE | T.VM_WIPEONFORK | T.VM_DONTDUMP),
    T.VM_DROPPABLE | T.VM_NORESERVE | T.VM_WIPEONFORK | T.VM_DONTDUMP,
  );
  assert.equal(errno(mmap(space('6.10'), PG, { flags: T.MAP_DROPPABLE | T.MAP_ANONYMOUS })), 'EINVAL');
  const file = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: PG, readable: true, writable: true });
  assert.equal(errno(mmap(as, PG, { flags: T.MAP_DROPPABLE, fd: file.fd })), 'EINVAL');
});

test('MAP_FIXED over another actor’s mapping reports that actor as the victim and keeps the VMAs apart', () => {
  const as = space();
  const base = ok(mmap(as, 4n * PG, { actor: 'driver' }));
  const r = mmap(as, PG, { addr: base, flags: PRIV_ANON | T.MAP_FIXED, actor: 'wine' });
  assert.ok(r.ok);
  const replaced = r.effects.find((e) => e.kind === 'replaced');
  assert.equal(replaced?.kind === 'replaced' ? replaced.victims[0]?.owner : undefined, 'driver');
  assert.equal(as.vmas().length, 2);
  assert.equal(as.kernelView().length, 1, '/proc/PID/maps shows one line');
});

test('row 21: a file offset beyond EOF maps, and touching it is SIGBUS', () => {
  const as = space();
  const f = as.openFile({
    kind: 'regular',
    name: '/tmp/small',
    sizeBytes: PG,
    readable: true,
    writable: true,
  });
  const a = ok(mmap(as, PG, { flags: T.MAP_SHARED, fd: f.fd, offset: 4n * PG }));
  const r = as.read(a, 1n, { step: 0, actor: 'app' });
  assert.equal(r.ok ? 'ok' : r.signal, 'SIGBUS');
});

test('device BOs: COW refusal, size check, driver flags; a failed MAP_FIXED leaves the destination unmapped', () => {
  const as = space();
  const bo = as.openFile({
    kind: 'device',
    name: '/dev/dri/renderD128',
    sizeBytes: 4n * PG,
    readable: true,
    writable: true,
    device: {
      vmFlags: T.VM_IO | T.VM_PFNMAP | T.VM_DONTEXPAND | T.VM_DONTDUMP,
      rejectsCow: true,
      customGetUnmappedArea: false,
      refusesSplit: false,
    },
  });
  assert.equal(errno(mmap(as, 4n * PG, { flags: T.MAP_PRIVATE, fd: bo.fd })), 'EINVAL');
  assert.equal(errno(mmap(as, 8n * PG, { flags: T.MAP_SHARED, fd: bo.fd })), 'EINVAL');
  const a = ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: bo.fd }));
  const v = as.vmaAt(Number(a / PG));
  assert.ok(v && (v.vmFlags & T.VM_PFNMAP) !== 0 && (v.vmFlags & T.VM_DONTEXPAND) !== 0);
  const victim = ok(mmap(as, 4n * PG, { addr: 0x50000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  const r = mmap(as, 4n * PG, { addr: victim, flags: T.MAP_PRIVATE | T.MAP_FIXED, fd: bo.fd });
  assert.equal(errno(r), 'EINVAL');
  assert.ok(r.effects.some((e) => e.kind === 'replaced'));
  assert.equal(as.vmaAt(Number(victim / PG)), undefined);
});

test('NVIDIA-style size mismatch errno is configurable (ENXIO)', () => {
  const as = space();
  const nv = as.openFile({
    kind: 'device',
    name: '/dev/nvidia0',
    sizeBytes: PG,
    readable: true,
    writable: true,
    device: {
      vmFlags: T.VM_IO | T.VM_PFNMAP | T.VM_DONTEXPAND,
      rejectsCow: false,
      customGetUnmappedArea: false,
      refusesSplit: false,
      sizeMismatchErrno: 'ENXIO',
    },
  });
  assert.equal(errno(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: nv.fd })), 'ENXIO');
});

test('never throws on hostile arguments', () => {
  const as = space();
  for (const addr of [-1n, 1n << 70n, U64_MAX, 0x7fffffffffffn])
    for (const length of [-PG, 0n, 1n, U64_MAX, 1n << 64n])
      for (const flags of [-1, 0, PRIV_ANON | T.MAP_FIXED, Number.NaN, 2 ** 40, PRIV_ANON | T.MAP_32BIT])
        for (const offset of [0n, -PG, U64_MAX]) {
          const r = as.mmap({ addr, length, prot: RW, flags, fd: -1, offset }, { step: 0, actor: 'x' });
          assert.equal(typeof r.ok, 'boolean');
          as.munmap(addr, length, { step: 0, actor: 'x' });
          as.mremap(
            { oldAddress: addr, oldSize: length, newSize: length, flags, newAddress: addr },
            { step: 0, actor: 'x' },
          );
          as.mprotect(addr, length, flags, { step: 0, actor: 'x' });
          as.read(addr, length, { step: 0, actor: 'x' });
        }
});

test('row 16 on arm64: MAP_32BIT and MAP_ABOVE4G are unknown bits, refused by MAP_SHARED_VALIDATE and ignored by MAP_SHARED', () => {
  for (const flag of [T.MAP_32BIT, T.MAP_ABOVE4G]) {
    const as = space('6.18', { arch: 'arm64' });
    const f = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: 4n * PG, readable: true, writable: true });
    assert.equal(errno(mmap(as, PG, { flags: T.MAP_SHARED_VALIDATE | flag, fd: f.fd })), 'EOPNOTSUPP');
    assert.equal(ok(mmap(as, PG, { flags: T.MAP_SHARED | flag, fd: f.fd })), T.DEFAULT_MMAP_BASE - PG);
    // The same call on x86-64 is accepted.
    const x86 = space('6.18');
    const g = x86.openFile({ kind: 'memfd', name: 'm', sizeBytes: 4n * PG, readable: true, writable: true });
    ok(mmap(x86, PG, { flags: T.MAP_SHARED_VALIDATE | flag, fd: g.fd }));
  }
});

// The version gates at their exact release, on both sides: one minor off must change the answer.

test('MAP_FIXED_NOREPLACE is known from exactly 4.17 (a4ff8e8620d3): EEXIST there, a plain hint on 4.16', () => {
  const lines = [
    'a = mmap 8KiB rw private anon at 0x1000_0000 fixed',
    'b = mmap 4KiB rw private anon at 0x1000_0000 fixed-noreplace',
  ];
  assert.equal(runOn('4.17', lines).results[1], 'EEXIST');
  const before = runOn('4.16', lines);
  // The hint is taken, so the map lands elsewhere (where the search puts it), and nothing is refused.
  assert.notEqual(addressOf(before.results[1]!), 0x1000_0000n);
  assert.deepEqual(before.codes, []);
});

test('MAP_DROPPABLE is a mapping type from exactly 6.11 (do_mmap case MAP_DROPPABLE); 6.10 refuses it with EINVAL', () => {
  const lines = ['a = mmap 4KiB rw droppable anon'];
  assert.match(runOn('6.11', lines).results[0]!, /^0x/);
  assert.equal(runOn('6.10', lines).results[0], 'EINVAL');
});

test('MAP_ABOVE4G keeps a map above 4 GiB from exactly 6.6 (arch/x86 sys_x86_64.c: low_limit 4 GiB, linux-mm §1.3); on 6.5 the bit is ignored', () => {
  const lines = ['mmap-base 0x8000_0000', 'a = mmap 4KiB rw private anon above4g'];
  assert.ok(addressOf(runOn('6.6', lines).results[0]!) >= 0x1_0000_0000n);
  assert.ok(addressOf(runOn('6.5', lines).results[0]!) < 0x1_0000_0000n);
});

test('a MAP_FIXED map that would split a hugetlb mapping off its huge-page boundary is EINVAL from 6.12, ENOMEM before (mmap_region)', () => {
  const lines = [
    'a = mmap 2MiB rw private anon hugetlb noreserve at 0x4000_0000 fixed',
    'b = mmap 4KiB rw private anon at 0x4000_1000 fixed',
  ];
  assert.equal(runOn('6.12', lines).results[1], 'EINVAL');
  assert.equal(runOn('6.11', lines).results[1], 'ENOMEM');
});

test('before 6.12 mmap_region turns a failed MAP_FIXED unmap into ENOMEM, but passes EPERM through on 6.10–6.11; the reason says which', () => {
  // 6.10's mmap_region: `if (error == -EPERM) return error; else if (error) return -ENOMEM;`.
  const split = (version: string) => {
    const as = space(version);
    ok(
      mmap(as, 2n * MiB, {
        addr: 0x4000_0000n,
        flags: PRIV_ANON | T.MAP_HUGETLB | T.MAP_NORESERVE | T.MAP_FIXED,
      }),
    );
    return mmap(as, PG, { addr: 0x4000_1000n, flags: PRIV_ANON | T.MAP_FIXED });
  };
  for (const version of ['6.10', '6.11']) {
    const r = split(version);
    assert.equal(errno(r), 'ENOMEM', version);
    assert.match(
      (r as { reason: string }).reason,
      /any failure of that unmap but EPERM \(6\.10–6\.11\) into ENOMEM/,
    );
    const as = space(version);
    const a = ok(mmap(as, 2n * PG));
    ok(as.mseal(a, 2n * PG, O) as T.SyscallResult);
    assert.equal(errno(mmap(as, PG, { addr: a, flags: PRIV_ANON | T.MAP_FIXED })), 'EPERM', version);
  }
  const r69 = split('6.9');
  assert.equal(errno(r69), 'ENOMEM');
  assert.match((r69 as { reason: string }).reason, /any failure of that unmap into ENOMEM/);
});
