// MADV_FREE (kernel/madvise.ts, kernel/lazy-freed.ts): which mappings refuse it, and which pages
// it leaves lazily freed — they keep their data (no memory pressure in a run) until a write, a
// MADV_DONTNEED, an unmap or a mapping over them. The kernel side of the refusals and of the kept
// data is test/fidelity/madvise.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { LazyFreedPages } from '../../../server/src/engine/kernel/lazy-freed';
import {
  DRM_BO,
  errno,
  fill,
  MiB,
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

const at = (step: number) => ({ step, actor: 'app' });

/** A private anonymous mapping of `pages` pages, every page written with `byte`. */
function written(as: T.AddressSpace, pages: bigint, byte = 0x61): bigint {
  const a = ok(mmap(as, pages * PG));
  fill(as, a, pages * PG, byte);
  return a;
}

test('MADV_FREE is EINVAL before Linux 4.5 (854e9ed09ded) and frees lazily from 4.5', () => {
  const old = space('4.4');
  const a = written(old, 2n);
  assert.equal(errno(old.madvise(a, PG, T.MADV_FREE, O)), 'EINVAL');
  assert.equal(old.lazilyFreedIn(a, PG), undefined);
  const now = space('4.5');
  const b = written(now, 2n);
  ok(now.madvise(b, PG, T.MADV_FREE, O));
  assert.equal(now.lazilyFreedIn(b, PG)?.step, 0);
});

test('MADV_FREE on private anonymous memory keeps the data and marks only the pages that hold some', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG));
  fill(as, a, 2n * PG, 0x61); // pages 0 and 1; 2 and 3 never written
  assert.equal(as.hasLazilyFreed, false);
  ok(as.madvise(a, 4n * PG, T.MADV_FREE, at(3)));
  assert.equal(as.hasLazilyFreed, true);
  assert.equal(readByte(as, a, 2n * PG), 0x61, 'no memory pressure: the old data is still there');
  assert.equal(readByte(as, a + 2n * PG, 2n * PG), 0);
  assert.deepEqual(as.lazilyFreedIn(a, 4n * PG), { address: a, step: 3, pages: 2 });
  assert.equal(as.lazilyFreedIn(a + 2n * PG, 2n * PG), undefined, 'never-written pages stay zero');
  assert.deepEqual(as.lazilyFreedIn(a + PG + 5n, 1n), { address: a + PG + 5n, step: 3, pages: 1 });
});

test('a write ends the lazy free of the pages it touches, whole pages, and no other', () => {
  const as = space();
  const a = written(as, 3n);
  ok(as.madvise(a, 3n * PG, T.MADV_FREE, O));
  fill(as, a + PG + 10n, 1n, 0x62);
  assert.equal(as.lazilyFreedIn(a + PG, PG), undefined, 'a one-byte write keeps its whole page');
  assert.equal(readByte(as, a + PG, 10n), 0x61, 'and the rest of the page keeps its data');
  assert.deepEqual(as.lazilyFreedIn(a, 3n * PG), { address: a, step: 0, pages: 2 });
  assert.deepEqual(as.lazilyFreedIn(a + PG, 2n * PG), { address: a + 2n * PG, step: 0, pages: 1 });
});

test('MADV_DONTNEED, munmap and a MAP_FIXED mapping over lazily freed pages free them for good', () => {
  const as = space();
  const a = written(as, 4n);
  ok(as.madvise(a, 4n * PG, T.MADV_FREE, O));
  ok(as.madvise(a, PG, T.MADV_DONTNEED, O));
  assert.equal(readByte(as, a, PG), 0);
  assert.equal(as.lazilyFreedIn(a, PG), undefined);
  ok(as.munmap(a + PG, PG, O));
  ok(mmap(as, PG, { addr: a + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED }));
  assert.equal(readByte(as, a + 2n * PG, PG), 0);
  assert.deepEqual(as.lazilyFreedIn(a, 4n * PG), { address: a + 3n * PG, step: 0, pages: 1 });
});

test('a mremap move carries the lazily freed state with the pages, a grown copy too', () => {
  const as = space();
  const a = written(as, 2n);
  ok(as.madvise(a, 2n * PG, T.MADV_FREE, at(1)));
  const b = ok(mremap(as, a, 2n * PG, 2n * PG, T.MREMAP_MAYMOVE | T.MREMAP_FIXED, 0x7e0000000000n));
  assert.equal(as.lazilyFreedIn(a, 2n * PG), undefined, 'nothing is mapped at the old address');
  assert.equal(readByte(as, b, 2n * PG), 0x61);
  assert.deepEqual(as.lazilyFreedIn(b, 2n * PG), { address: b, step: 1, pages: 2 });
  // Grown where it cannot grow in place: moved again, and the new tail is not lazily freed.
  ok(mmap(as, PG, { addr: b + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED }));
  const c = ok(mremap(as, b, 2n * PG, 4n * PG, T.MREMAP_MAYMOVE));
  assert.deepEqual(as.lazilyFreedIn(c, 4n * PG), { address: c, step: 1, pages: 2 });
});

test('MADV_FREE is EINVAL on shared anonymous, shared and private file mappings (vma_is_anonymous)', () => {
  const as = space();
  const shm = ok(mmap(as, 2n * PG, { flags: SHARED_ANON }));
  fill(as, shm, 2n * PG, 0x73);
  const r = as.madvise(shm, PG, T.MADV_FREE, O);
  assert.equal(errno(r), 'EINVAL');
  assert.match((r as { reason: string }).reason, /only private anonymous memory .* not shared memory/);
  const f = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: 2n * PG, readable: true, writable: true });
  const shared = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: f.fd }));
  assert.equal(errno(as.madvise(shared, PG, T.MADV_FREE, O)), 'EINVAL');
  const priv = ok(mmap(as, 2n * PG, { flags: T.MAP_PRIVATE, fd: f.fd }));
  fill(as, priv, PG, 0x70);
  const p = as.madvise(priv, 2n * PG, T.MADV_FREE, O);
  assert.equal(errno(p), 'EINVAL');
  assert.match((p as { reason: string }).reason, /not a private file mapping/);
  assert.equal(as.hasLazilyFreed, false);
});

test('MADV_FREE is EINVAL on VM_LOCKED, VM_PFNMAP (a DRM BO) and hugetlb mappings', () => {
  const as = space();
  const locked = ok(mmap(as, 2n * PG, { flags: PRIV_ANON | T.MAP_LOCKED }));
  assert.match((as.madvise(locked, PG, T.MADV_FREE, O) as { reason: string }).reason, /VM_LOCKED/);
  const f = as.openFile({
    kind: 'device',
    name: '/dev/dri/renderD128',
    sizeBytes: 4n * PG,
    readable: true,
    writable: true,
    device: DRM_BO,
  });
  const bo = ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: f.fd }));
  assert.match((as.madvise(bo, PG, T.MADV_FREE, O) as { reason: string }).reason, /VM_PFNMAP/);
  for (const version of ['6.0', '6.18']) {
    const h = space(version);
    const huge = ok(
      mmap(h, 4n * MiB, {
        addr: 0x7e0000000000n,
        flags: PRIV_ANON | T.MAP_HUGETLB | T.MAP_NORESERVE | T.MAP_FIXED,
      }),
    );
    const r = h.madvise(huge, 2n * MiB, T.MADV_FREE, O);
    assert.equal(errno(r), 'EINVAL', version);
    assert.match((r as { reason: string }).reason, /MAP_HUGETLB/);
  }
});

test('a MADV_FREE refusal stops the walk; a hole does not (ENOMEM after freeing the rest)', () => {
  const as = space();
  const base = 0x7e0000000000n;
  ok(mmap(as, 2n * PG, { addr: base, flags: PRIV_ANON | T.MAP_FIXED | T.MAP_LOCKED }));
  ok(mmap(as, 2n * PG, { addr: base + 2n * PG, flags: PRIV_ANON | T.MAP_FIXED }));
  fill(as, base + 2n * PG, 2n * PG, 0x6f);
  assert.equal(errno(as.madvise(base, 4n * PG, T.MADV_FREE, O)), 'EINVAL');
  assert.equal(as.hasLazilyFreed, false, 'the mapping after the locked one was not advised');
  ok(mmap(as, 2n * PG, { addr: base + 6n * PG, flags: PRIV_ANON | T.MAP_FIXED }));
  fill(as, base + 6n * PG, 2n * PG, 0x70);
  assert.equal(errno(as.madvise(base + 2n * PG, 6n * PG, T.MADV_FREE, O)), 'ENOMEM');
  assert.equal(as.lazilyFreedIn(base + 2n * PG, 6n * PG)?.pages, 4, 'both sides of the hole');
});

test('sealed read-only anonymous memory refuses MADV_FREE with EPERM (is_madv_discard)', () => {
  const as = space('6.18');
  const a = written(as, 2n);
  ok(as.mprotect(a, 2n * PG, T.PROT_READ, O));
  ok(as.mseal(a, 2n * PG, O) as T.SyscallResult);
  assert.equal(errno(as.madvise(a, PG, T.MADV_FREE, O)), 'EPERM');
  const old = space('6.10');
  const b = written(old, 2n);
  ok(old.mprotect(b, 2n * PG, T.PROT_READ, O));
  ok(old.mseal(b, 2n * PG, O) as T.SyscallResult);
  assert.equal(errno(old.madvise(b, PG, T.MADV_FREE, O)), 'EPERM');
});

test('MAP_DROPPABLE memory is private anonymous: MADV_FREE takes it', () => {
  const as = space('6.18');
  const a = ok(mmap(as, 2n * PG, { flags: T.MAP_DROPPABLE | T.MAP_ANONYMOUS }));
  fill(as, a, 2n * PG, 7);
  ok(as.madvise(a, 2n * PG, T.MADV_FREE, O));
  assert.equal(as.lazilyFreedIn(a, 2n * PG)?.pages, 2);
});

test("a step's note of lazily freed pages names each page once, in address order, whatever order the runs come in", () => {
  const noted = (runs: [number, number][]) => {
    const lazy = new LazyFreedPages(4096);
    for (const [start, end] of runs) lazy.noteFreed(3, start, end);
    return lazy.freedBy(3);
  };
  // Two written runs in one page both round out to that page (madvise.ts notes each run).
  assert.deepEqual(
    noted([
      [0, 1],
      [0, 1],
      [2, 3],
      [2, 4],
    ]),
    [0, 1, 2, 4],
  );
  assert.deepEqual(
    noted([
      [0, 1],
      [1, 2],
    ]),
    [0, 2],
    'adjacent runs merge',
  );
  // A later call of the same step may free pages below the ones already noted.
  assert.deepEqual(
    noted([
      [5, 6],
      [0, 1],
    ]),
    [0, 1, 5, 6],
  );
  assert.deepEqual(
    noted([
      [5, 6],
      [0, 1],
      [1, 5],
    ]),
    [0, 6],
  );
  assert.deepEqual(
    noted([
      [0, 2],
      [4, 6],
      [1, 5],
    ]),
    [0, 6],
  );
  assert.deepEqual(
    noted([
      [3, 4],
      [0, 1],
      [6, 7],
      [2, 3],
    ]),
    [0, 1, 2, 4, 6, 7],
  );
});
