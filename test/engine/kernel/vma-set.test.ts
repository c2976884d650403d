// Splitting, merging (simulation vs kernel view), the timeline, the config helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { makeVma } from '../../../server/src/engine/kernel/vma';
import { VmaSet } from '../../../server/src/engine/kernel/vma-set';
import { fill, lines, mmap, mremap, O, ok, PG, PRIV_ANON, readByte, space } from './helpers';

test('adjacent compatible anonymous mappings merge; different owners or labels stay apart in the simulation only', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, 2n * PG, { addr: a + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED }));
  assert.equal(as.vmas().length, 1);
  ok(mmap(as, 2n * PG, { addr: a + 4n * PG, flags: PRIV_ANON | T.MAP_FIXED, actor: 'driver' }));
  ok(mmap(as, 2n * PG, { addr: a + 6n * PG, flags: PRIV_ANON | T.MAP_FIXED, label: 'mem' }));
  assert.equal(as.vmas().length, 3);
  assert.deepEqual(lines(as), [`20000000-20008000 3`]);
});

test('VMAs with different prot, objects or non-contiguous pgoff do not merge', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, 2n * PG, { addr: a + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED, prot: T.PROT_READ }));
  const f = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: 8n * PG, readable: true, writable: true });
  ok(mmap(as, 2n * PG, { addr: a + 4n * PG, flags: T.MAP_SHARED | T.MAP_FIXED, fd: f.fd }));
  ok(mmap(as, 2n * PG, { addr: a + 6n * PG, flags: T.MAP_SHARED | T.MAP_FIXED, fd: f.fd, offset: 4n * PG }));
  ok(mmap(as, 2n * PG, { addr: a + 8n * PG, flags: T.MAP_SHARED | T.MAP_FIXED, fd: f.fd, offset: 6n * PG }));
  assert.equal(as.kernelView().length, 4, 'file pgoff 4..6 then 6..8 merge; the others do not');
});

test('a moved, written private anon VMA keeps its pgoff and does not merge with an unrelated neighbour (kernel view too)', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  fill(as, a, PG, 7);
  ok(mmap(as, 2n * PG, { addr: 0x30000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mremap(as, a, 2n * PG, 2n * PG, T.MREMAP_MAYMOVE | T.MREMAP_FIXED, 0x30000000n + 2n * PG));
  assert.equal(as.kernelView().filter((v) => v.startPage >= 0x30000).length, 2);
});

test('a moved, never-written private anon VMA takes its pgoff from the new address and merges (copy_vma)', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  ok(mmap(as, 2n * PG, { addr: 0x30000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mremap(as, a, 2n * PG, 2n * PG, T.MREMAP_MAYMOVE | T.MREMAP_FIXED, 0x30000000n + 2n * PG));
  assert.equal(as.kernelView().filter((v) => v.startPage >= 0x30000).length, 1);
  assert.equal(as.mapCount, 1);
});

test('timeline: vmasAt(step) returns the state after that step, old and new, many checkpoints later', () => {
  const as = space();
  const addrs: bigint[] = [];
  const truth: (readonly T.Vma[])[] = [];
  for (let step = 0; step < 300; step++) {
    const r = as.mmap(
      {
        addr: 0n,
        length: PG,
        prot: step % 2 ? T.PROT_READ : T.PROT_READ | T.PROT_WRITE,
        flags: PRIV_ANON,
        fd: -1,
        offset: 0n,
      },
      { step, actor: 'app' },
    );
    addrs.push(ok(r));
    if (step % 3 === 2) ok(as.munmap(addrs[step - 1] as bigint, PG, { step, actor: 'app' }));
    as.markStep(step);
    truth.push(as.vmas());
  }
  for (const step of [0, 1, 2, 50, 151, 299, 150, 7, 298])
    assert.deepEqual(as.vmasAt(step), truth[step], `step ${step}`);
  assert.ok((truth[150] as readonly T.Vma[]).length > 20);
  assert.equal(as.vmasAt(-1).length, 0);
  assert.equal(as.vmaAtStep(0, Number((addrs[0] as bigint) / PG))?.createdStep, 0);
  assert.equal(as.vmaAtStep(2, Number((addrs[1] as bigint) / PG)), undefined, 'unmapped at step 2');
  assert.ok(as.vmaAtStep(1, Number((addrs[1] as bigint) / PG)));
  assert.deepEqual(as.vmasAt(299), as.vmas());
});

test('config helpers', () => {
  assert.deepEqual(T.parseKernelVersion('5.15.0-91-generic'), { major: 5, minor: 15 });
  assert.deepEqual(T.parseKernelVersion('v6.6'), { major: 6, minor: 6 });
  assert.equal(T.parseKernelVersion('six'), undefined);
  assert.ok(T.versionAtLeast({ major: 6, minor: 18 }, 6, 17));
  assert.ok(!T.versionAtLeast({ major: 5, minor: 12 }, 5, 13));
  const c = T.defaultKernelConfig();
  assert.equal(c.mmapBase, 0x7ffff7fff000n);
  assert.equal(c.taskSize, 0x7ffffffff000n);
  assert.equal(T.legacyMmapBase(c), 0x2aaaaaaab000n);
});

test('splitting keeps contents: a partial mprotect does not disturb the pages', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG));
  fill(as, a, 4n * PG, 0x12);
  ok(as.mprotect(a + PG, PG, T.PROT_READ, O));
  assert.equal(readByte(as, a, 4n * PG), 0x12);
});

test('the gap searches and the record/kernel-VMA bookkeeping agree with brute force over random changes', () => {
  const guard = 4;
  const set = new VmaSet(guard);
  const object = { id: 1, kind: 'anon' as const, name: '', sizeBytes: undefined };
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const record = (start: number, end: number): T.Vma =>
    makeVma({
      startPage: start,
      endPage: end,
      prot: rnd(2) + 1,
      vmFlags: rnd(8) === 0 ? T.VM_GROWSDOWN : 0,
      object,
      pgoff: start,
      anon: undefined,
      anonVma: rnd(3),
      owner: rnd(2) ? 'a' : 'b',
      createdStep: 0,
      label: undefined,
    });
  const startGapOf = (v: T.Vma): number =>
    (v.vmFlags & T.VM_GROWSDOWN) !== 0 ? Math.max(0, v.startPage - guard) : v.startPage;
  const bruteGaps = (low: number, high: number, pages: number): [number, number] => {
    const vs = set.toArray();
    let top = -1;
    let bottom = -1;
    for (let k = 0; k <= vs.length; k++) {
      const gapStart = k === 0 ? 0 : (vs[k - 1] as T.Vma).endPage;
      const gapEnd = k === vs.length ? Number.POSITIVE_INFINITY : startGapOf(vs[k] as T.Vma);
      const lo = Math.max(gapStart, low);
      const hi = Math.min(gapEnd, high);
      if (hi - lo >= pages) {
        if (bottom < 0) bottom = lo;
        top = hi - pages;
      }
    }
    return [top, bottom];
  };
  for (let step = 0; step < 3000; step++) {
    const start = rnd(4000);
    const len = 1 + rnd(12);
    const mode = (['both', 'none', 'both', 'keep'] as const)[rnd(4)];
    if (rnd(3) === 0) set.splice(start, start + len, [], 'none');
    else if (mode === 'keep') {
      const inside = set
        .overlapping(start, start + len)
        .filter((v) => v.startPage >= start && v.endPage <= start + len);
      if (inside.length > 0)
        set.splice(
          inside[0]!.startPage,
          inside[inside.length - 1]!.endPage,
          inside.map((v) => makeVma({ ...v, owner: 'c' })),
          'keep',
        );
    } else set.splice(start, start + len, [record(start, start + len)], mode);
    const vs = set.toArray();
    for (let k = 1; k < vs.length; k++) {
      const a = vs[k - 1] as T.Vma;
      const b = vs[k] as T.Vma;
      assert.ok(a.endPage <= b.startPage, 'sorted, disjoint');
      if (b.joinsPrev) {
        assert.equal(a.endPage, b.startPage, 'a link joins adjacent records');
        assert.equal(a.anonVma, b.anonVma, 'one anon_vma per kernel VMA');
      }
    }
    assert.equal(set.kernelSize, T.kernelView(vs).length);
    const low = rnd(2000);
    const high = low + rnd(3000);
    const pages = 1 + rnd(20);
    const [top, bottom] = bruteGaps(low, high, pages);
    assert.equal(set.findTopDown(low, high, pages), top, `top-down at step ${step}`);
    assert.equal(set.findBottomUp(low, high, pages), bottom, `bottom-up at step ${step}`);
  }
});
