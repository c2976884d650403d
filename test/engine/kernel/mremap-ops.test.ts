// mremap(2) operations (facts 3.3–3.6) and version gates (facts 3.8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import {
  DRM_BO,
  errno,
  fill,
  mappedAt,
  mmap,
  mremap,
  O,
  ok,
  PG,
  PRIV_ANON,
  readByte,
  SHARED_ANON,
  space,
} from './helpers';
import { runOn } from './scenario-results';

const { MREMAP_MAYMOVE: MAYMOVE, MREMAP_FIXED: FIXED, MREMAP_DONTUNMAP: DONTUNMAP } = T;

test('same size, no flags: a no-op returning addr, even spanning two VMAs', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, 2n * PG, { addr: a + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED, prot: T.PROT_READ }));
  assert.equal(ok(mremap(as, a, 2n * PG, 2n * PG, 0)), a);
  assert.equal(ok(mremap(as, a, 4n * PG, 4n * PG, MAYMOVE)), a);
});

test('shrink in place, also across VMAs and gaps (the blocker VMA is removed)', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG));
  assert.equal(ok(mremap(as, a, 4n * PG, 2n * PG, 0)), a);
  assert.equal(mappedAt(as, a + 2n * PG), false);
  const b = ok(mmap(as, 6n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(as.munmap(b + 2n * PG, PG, O));
  ok(as.mprotect(b + 4n * PG, PG, T.PROT_READ, O));
  assert.equal(ok(mremap(as, b, 6n * PG, PG, 0)), b);
  assert.equal(
    as.vmas().filter((v) => v.startPage >= Number(b / PG) && v.startPage < Number(b / PG) + 6).length,
    1,
  );
});

test('grow in place when the room after is free; the new tail reads zero', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  fill(as, a, 2n * PG, 7);
  assert.equal(ok(mremap(as, a, 2n * PG, 4n * PG, 0)), a);
  assert.equal(readByte(as, a + 3n * PG), 0);
  assert.equal(readByte(as, a + PG), 7);
});

test('grow with no room: ENOMEM without MAYMOVE; with MAYMOVE the data moves top-down and the next mmap lands below', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, PG, { addr: a + 4n * PG, flags: PRIV_ANON | T.MAP_FIXED, prot: T.PROT_READ }));
  fill(as, a, 4n * PG, 0x11);
  assert.equal(errno(mremap(as, a, 4n * PG, 8n * PG, 0)), 'ENOMEM');
  const r = mremap(as, a, 4n * PG, 8n * PG, MAYMOVE);
  const b = ok(r);
  assert.notEqual(b, a);
  assert.ok(r.effects.some((e) => e.kind === 'moved'));
  assert.equal(readByte(as, b + PG), 0x11);
  assert.equal(readByte(as, b + 6n * PG), 0);
  assert.equal(mappedAt(as, a), false);
  assert.equal(ok(mmap(as, 4n * PG)), b - 4n * PG);
});

test('the ENOMEM of an in-place grow names what is in the way: a merged neighbour, a mapping after the VMA, or the VMA itself', () => {
  const reason = (r: T.SyscallResult): string => (r.ok ? assert.fail('expected ENOMEM') : r.reason);
  const as = space();
  const a = ok(mmap(as, 2n * PG, { addr: 0x7f0000000000n, flags: PRIV_ANON | T.MAP_FIXED, label: 'a' }));
  ok(mmap(as, PG, { addr: a + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED, label: 'b' }));
  // a and b are one kernel VMA: the range ends where `a` ends, but b follows it in the same VMA.
  const merged = reason(mremap(as, a, 2n * PG, 4n * PG, 0));
  assert.match(merged, /the mapping `b` \[0x7f00_0000_2000, 0x7f00_0000_3000\) follows the range directly/);
  assert.doesNotMatch(merged, /^cannot grow in place \(the range does not end/);
  // Growing the whole VMA: the next mapping (another prot, so not merged) is in the way.
  ok(mmap(as, PG, { addr: a + 3n * PG, flags: PRIV_ANON | T.MAP_FIXED, prot: T.PROT_READ, label: 'c' }));
  assert.match(
    reason(mremap(as, a, 3n * PG, 4n * PG, 0)),
    /the mapping `c` \[0x7f00_0000_3000, 0x7f00_0000_4000\) lies in \[0x7f00_0000_3000, 0x7f00_0000_4000\)/,
  );
  // A range ending inside one record of its own VMA: nothing else to blame.
  const d = ok(mmap(as, 4n * PG, { addr: 0x7f0000100000n, flags: PRIV_ANON | T.MAP_FIXED, label: 'd' }));
  assert.match(reason(mremap(as, d, PG, 2n * PG, 0)), /the range ends inside its VMA/);
});

test('growing a middle sub-range: ENOMEM without MAYMOVE, with MAYMOVE only it moves and the source splits', () => {
  const as = space();
  const a = ok(mmap(as, 6n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  fill(as, a + 2n * PG, 2n * PG, 0x33);
  assert.equal(errno(mremap(as, a + 2n * PG, 2n * PG, 3n * PG, 0)), 'ENOMEM');
  const b = ok(mremap(as, a + 2n * PG, 2n * PG, 3n * PG, MAYMOVE));
  assert.equal(readByte(as, b), 0x33);
  assert.equal(readByte(as, b + 2n * PG), 0, 'the new tail is fresh zero-fill, not the rest of the old VMA');
  assert.equal(mappedAt(as, a + 2n * PG), false);
  assert.ok(mappedAt(as, a + 4n * PG));
});

test('MREMAP_FIXED destroys the destination first; a 2-page move onto a 4-page destination keeps its tail', () => {
  const as = space();
  const src = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  const dst = ok(mmap(as, 4n * PG, { addr: 0x30000000n, flags: PRIV_ANON | T.MAP_FIXED, actor: 'driver' }));
  fill(as, src, 2n * PG, 0x53);
  fill(as, dst, 4n * PG, 0x44);
  const r = mremap(as, src, 2n * PG, 2n * PG, MAYMOVE | FIXED, dst);
  assert.equal(ok(r), dst);
  assert.deepEqual(
    [0n, 1n, 2n, 3n].map((k) => readByte(as, dst + k * PG)),
    [0x53, 0x53, 0x44, 0x44],
  );
  const replaced = r.effects.find((e) => e.kind === 'replaced');
  assert.equal(replaced?.kind === 'replaced' ? replaced.victims[0]?.owner : '', 'driver');
  const src2 = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mremap(as, src2, 2n * PG, 8n * PG, MAYMOVE | FIXED, dst));
  assert.equal(readByte(as, dst + 3n * PG), 0, 'FIXED grow 2PG->8PG onto 4PG dest: fully replaced');
});

test('≤ 6.16 ordering hazard: DONTUNMAP|FIXED on a PFNMAP mapping destroys the destination; 6.17+ checks first', () => {
  for (const [version, survives] of [
    ['6.6', false],
    ['6.16', false],
    ['6.18', true],
  ] as const) {
    const as = space(version);
    const bo = as.openFile({
      kind: 'device',
      name: '/dev/dri/renderD128',
      sizeBytes: 4n * PG,
      readable: true,
      writable: true,
      device: DRM_BO,
    });
    const a = ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: bo.fd }));
    const dest = ok(mmap(as, 4n * PG, { addr: 0x30000000n, flags: PRIV_ANON | T.MAP_FIXED }));
    const r = mremap(as, a, 4n * PG, 4n * PG, MAYMOVE | FIXED | DONTUNMAP, dest);
    assert.equal(errno(r), 'EINVAL', version);
    assert.equal(mappedAt(as, dest), survives, `${version}: destination ${survives ? 'kept' : 'destroyed'}`);
    // The reason names the scenario's kernel, not a range of versions that might include it.
    const reason = r.ok ? '' : r.reason;
    if (survives) assert.doesNotMatch(reason, /destroyed/);
    else {
      assert.match(
        reason,
        new RegExp(
          `on Linux ${version.replace('.', '\\.')} the MREMAP_FIXED destination is unmapped before this check`,
        ),
      );
      // linux-mm §3.3 marks the ≤ 6.16 order an inference: the message must not state it as fact.
      assert.match(reason, /inferred from the 6\.16-era code.*unverified on older kernels, linux-mm §3\.3/);
    }
    assert.equal(
      r.effects.some((e) => e.kind === 'replaced'),
      !survives,
    );
  }
});

test('DONTUNMAP without FIXED takes a free hint exactly (low placement without clobbering) and searches elsewhere if taken', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  assert.equal(ok(mremap(as, a, 2n * PG, 2n * PG, MAYMOVE | DONTUNMAP, 0x20000000n)), 0x20000000n);
  const b = ok(mmap(as, 2n * PG));
  const c = ok(mremap(as, b, 2n * PG, 2n * PG, MAYMOVE | DONTUNMAP, 0x20000000n));
  assert.notEqual(c, 0x20000000n);
  assert.ok(mappedAt(as, 0x20000000n));
});

test('DONTUNMAP by source kind (facts 3.5): private anon zero, shared anon / memfd alias, private file refaults', () => {
  const as = space();
  const pa = ok(mmap(as, PG));
  fill(as, pa, PG, 0x50);
  const pn = ok(mremap(as, pa, PG, PG, MAYMOVE | DONTUNMAP));
  assert.deepEqual([readByte(as, pn), readByte(as, pa)], [0x50, 0]);

  const sa = ok(mmap(as, PG, { flags: SHARED_ANON }));
  const sn = ok(mremap(as, sa, PG, PG, MAYMOVE | DONTUNMAP));
  fill(as, sn, PG, 0x58);
  assert.equal(readByte(as, sa), 0x58, 'written via new, seen via old');

  const mf = as.openFile({
    kind: 'memfd',
    name: 'wow64buf',
    sizeBytes: 2n * PG,
    readable: true,
    writable: true,
  });
  const ma = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: mf.fd }));
  const mn = ok(mremap(as, ma, 2n * PG, 2n * PG, MAYMOVE | FIXED | DONTUNMAP, 0x30000000n));
  fill(as, ma + PG, PG, 0x59);
  assert.equal(readByte(as, mn + PG), 0x59, 'written via old, seen via new');

  const rf = as.openFile({
    kind: 'regular',
    name: '/tmp/f',
    sizeBytes: 2n * PG,
    readable: true,
    writable: true,
    initialDatum: 0x46,
  });
  const fa = ok(mmap(as, 2n * PG, { flags: T.MAP_PRIVATE, fd: rf.fd }));
  fill(as, fa, PG, 0x43);
  const fn = ok(mremap(as, fa, 2n * PG, 2n * PG, MAYMOVE | DONTUNMAP));
  assert.deepEqual(
    [readByte(as, fn), readByte(as, fn + PG), readByte(as, fa), readByte(as, fa + PG)],
    [0x43, 0x46, 0x46, 0x46],
  );
});

test('DONTUNMAP by kernel version: 5.6 EINVAL, 5.10 private anon only, 6.6 shared alias, device always EINVAL', () => {
  const v56 = space('5.6');
  const a56 = ok(mmap(v56, PG));
  const r56 = mremap(v56, a56, PG, PG, MAYMOVE | DONTUNMAP);
  assert.equal(errno(r56), 'EINVAL');
  assert.match(r56.ok ? '' : r56.reason, /5\.7/);

  const v510 = space('5.10');
  ok(mremap(v510, ok(mmap(v510, PG)), PG, PG, MAYMOVE | DONTUNMAP));
  const m510 = v510.openFile({ kind: 'memfd', name: 'm', sizeBytes: PG, readable: true, writable: true });
  const r510 = mremap(
    v510,
    ok(mmap(v510, PG, { flags: T.MAP_SHARED, fd: m510.fd })),
    PG,
    PG,
    MAYMOVE | DONTUNMAP,
  );
  assert.equal(errno(r510), 'EINVAL');
  assert.match(r510.ok ? '' : r510.reason, /private anonymous/);
  assert.equal(
    errno(mremap(v510, ok(mmap(v510, PG, { flags: SHARED_ANON })), PG, PG, MAYMOVE | DONTUNMAP)),
    'EINVAL',
  );

  const v66 = space('6.6');
  const s66 = ok(mmap(v66, PG, { flags: SHARED_ANON }));
  const n66 = ok(mremap(v66, s66, PG, PG, MAYMOVE | DONTUNMAP));
  fill(v66, s66, PG, 9);
  assert.equal(readByte(v66, n66), 9);

  for (const version of ['5.10', '6.6', '6.18']) {
    const as = space(version);
    const bo = as.openFile({
      kind: 'device',
      name: '/dev/dri/renderD128',
      sizeBytes: PG,
      readable: true,
      writable: true,
      device: DRM_BO,
    });
    assert.equal(
      errno(mremap(as, ok(mmap(as, PG, { flags: T.MAP_SHARED, fd: bo.fd })), PG, PG, MAYMOVE | DONTUNMAP)),
      'EINVAL',
      version,
    );
  }
});

test('old_size 0 on ≤ 4.13 private memory silently creates a new, unrelated mapping', () => {
  const as = space('4.9');
  const a = ok(mmap(as, PG));
  fill(as, a, PG, 0x77);
  const b = ok(mremap(as, a, 0n, PG, MAYMOVE));
  assert.equal(readByte(as, b), 0);
  assert.equal(readByte(as, a), 0x77);
});

test('old_size 0 duplication of shared memory: alias, mid-VMA start, longer than the VMA, SIGBUS past the object', () => {
  const as = space();
  const s = ok(mmap(as, 2n * PG, { flags: SHARED_ANON }));
  const d = ok(mremap(as, s, 0n, 4n * PG, MAYMOVE));
  fill(as, d, PG, 0x51);
  assert.equal(readByte(as, s), 0x51, 'wrote Q via dup; orig[0]=Q');
  const r = as.read(d + 3n * PG, 1n, O);
  assert.equal(r.ok ? 'ok' : r.signal, 'SIGBUS');
  const mid = ok(mremap(as, s + PG, 0n, PG, MAYMOVE));
  fill(as, s + PG, PG, 0x52);
  assert.equal(readByte(as, mid), 0x52);
});

test('a shrunk shared-anon mapping keeps its object pages: re-expanding shows the old data (gVisor SharedAnon)', () => {
  const as = space();
  const s = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: SHARED_ANON | T.MAP_FIXED }));
  fill(as, s, PG, 0x61);
  fill(as, s + PG, PG, 0x62);
  ok(mremap(as, s, 2n * PG, PG, 0));
  const g = ok(mremap(as, s, PG, 3n * PG, MAYMOVE | FIXED, 0x30000000n + PG));
  assert.equal(readByte(as, g), 0x61);
  assert.equal(readByte(as, g + PG), 0x62);
  const r = as.read(g + 2n * PG, 1n, O);
  assert.equal(r.ok ? 'ok' : r.signal, 'SIGBUS');
});

test('multi-VMA FIXED moves: 6.17+ moves all (gaps kept); before 6.17 it is EFAULT', () => {
  for (const version of ['6.16', '6.18']) {
    const as = space(version);
    const a = ok(mmap(as, 6n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
    ok(as.mprotect(a + PG, PG, T.PROT_READ, O));
    ok(as.munmap(a + 3n * PG, PG, O));
    fill(as, a + 4n * PG, PG, 0x21);
    const r = mremap(as, a, 6n * PG, 6n * PG, MAYMOVE | FIXED, 0x30000000n);
    if (version === '6.16') {
      assert.equal(errno(r), 'EFAULT');
      continue;
    }
    assert.equal(ok(r), 0x30000000n);
    assert.equal(mappedAt(as, 0x30000000n + 3n * PG), false, 'the gap is preserved');
    assert.equal(as.vmaAt(Number(0x30000000n / PG) + 1)?.prot, T.PROT_READ);
    assert.equal(readByte(as, 0x30000000n + 4n * PG), 0x21);
    assert.equal(mappedAt(as, a), false);
  }
});

test('DONTUNMAP: the old VMA loses VM_ACCOUNT on 6.15–6.17 only (b714ccb02a76, fixed by 0e59f47c15ce in 6.18), so only there it stops merging with an accounted neighbour', () => {
  const at = 0x20000000n;
  const after = (version: string) => {
    const as = space(version);
    ok(mmap(as, 2n * PG, { addr: at, flags: PRIV_ANON | T.MAP_FIXED }));
    ok(mremap(as, at, 2n * PG, 2n * PG, MAYMOVE | DONTUNMAP));
    ok(mmap(as, PG, { addr: at + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED }));
    const old = as.vmaAt(Number(at / PG))!;
    return { accounted: (old.vmFlags & T.VM_ACCOUNT) !== 0, merged: old.endPage === Number(at / PG) + 3 };
  };
  assert.deepEqual(after('6.14'), { accounted: true, merged: true });
  assert.deepEqual(after('6.15'), { accounted: false, merged: false });
  assert.deepEqual(after('6.17'), { accounted: false, merged: false });
  assert.deepEqual(after('6.18'), { accounted: true, merged: true });
});

test('a FIXED move across two VMAs works from exactly 6.17 (mremap rework, multi-VMA moves); 6.16 is EFAULT', () => {
  const lines = [
    'a = mmap 8KiB rw private anon at 0x1000_0000 fixed',
    'mprotect a + 4KiB, 4KiB, r',
    'b = mremap a, 8KiB, 8KiB, maymove | fixed, 0x2000_0000',
  ];
  assert.equal(runOn('6.17', lines).results[2], '0x2000_0000');
  assert.equal(runOn('6.16', lines).results[2], 'EFAULT');
});
