// The VM flags of a device (BO) mapping, per kernel driver and mapping: MAP_LOCKED on a
// VM_SPECIAL mapping, each DRM driver's own mmap flags (review of the DRM/TTM mappings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';
import { VM_LOCKED } from '../../../server/src/engine/kernel/types';

test('MAP_LOCKED on a VM_SPECIAL device mapping does not lock it: MADV_DONTNEED is not refused as locked', () => {
  // __mmap_complete (mm/vma.c) clears VM_LOCKED on VM_SPECIAL; checked on 6.18 with an io_uring ring.
  const text = `scenario "locked" {
  kernel 6.18
  bo = open device "nvidia0" 64KiB mixedmap
  a = mmap 64KiB rw shared locked fd bo
  d = madvise a, 64KiB, dontneed
}`;
  assert.deepEqual(codes(text), []);
  const vmas = analyse(text).scenarios[0]!.run.simulation.space.vmas();
  assert.ok(vmas.length > 0 && vmas.every((v) => (v.vmFlags & VM_LOCKED) === 0));
  // Anonymous memory stays locked: the same madvise is refused.
  const anon = `scenario "anon" {
  kernel 6.18
  a = mmap 64KiB rw private anon locked
  d = madvise a, 64KiB, dontneed
  expect d == EINVAL
}`;
  assert.deepEqual(codes(anon), []);
});
