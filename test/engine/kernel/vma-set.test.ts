// Splitting, merging (simulation vs kernel view), the timeline, the config helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
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
