// Page identity (docs/kernel-model.md "Page identity"): a grow that takes pgoffs a mach_vm_remap
// alias still maps gives the grown side a fresh object; the old object keeps only the pages the
// alias maps, and what the grown side alone used is freed (kernel/page-identity.ts rekey).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MREMAP_MAYMOVE } from '../../../server/src/engine/kernel/index';
import { mmap, mremap, ok, space, O, PG, readByte } from './helpers';

test('rekey on a grow into an alias: the old object frees the pages only the grown side mapped', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  const data = as.registerTag('data');
  assert.ok(as.write(a, 2n * PG, data, O).ok);
  // The alias shows a's second page (the same object and pgoff).
  const alias = as.machVmRemap(
    { target: 0n, size: PG, source: a + PG, fixed: false, overwrite: false, copy: false },
    O,
  );
  assert.ok(alias.ok);
  ok(mremap(as, a, 2n * PG, PG, 0));
  const old = as.vmaAt(Number(a / PG))!.anon!;
  // Growing back in place needs the pgoff the alias maps: a's side goes on with a copy.
  assert.equal(ok(mremap(as, a, PG, 2n * PG, MREMAP_MAYMOVE)), a);
  assert.notEqual(as.vmaAt(Number(a / PG))!.anon!.id, old.id);
  assert.equal(readByte(as, a, PG), data);
  assert.equal(readByte(as, alias.value, PG), data);
  const pgoffA = BigInt(as.vmaAt(Number(alias.value / PG))!.pgoff) - 1n;
  // The old object: a's first page (only a mapped it) is freed; the alias's page is kept.
  assert.deepEqual(
    as.readObject(old, pgoffA * PG, 2n * PG).map((s) => [s.offset, s.length, s.datum]),
    [
      [0n, PG, 0],
      [PG, PG, data],
    ],
  );
});
