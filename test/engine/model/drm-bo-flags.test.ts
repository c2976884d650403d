// The VM flags of a device (BO) mapping, per kernel driver and mapping: MAP_LOCKED on a
// VM_SPECIAL mapping, each DRM driver's own mmap flags (review of the DRM/TTM mappings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';
import {
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_LOCKED,
  VM_PFNMAP,
} from '../../../server/src/engine/kernel/types';

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

test('each kernel driver’s BO mappings have its own VM flags: msm (turnip) sets no VM_IO, so MADV_DOFORK works', () => {
  const dofork = (preset: string) => `scenario "dofork" {
  kernel 6.18
  driver gpu { preset ${preset} }
  m = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory m
  k = madvise p, 64KiB, dofork
}`;
  // msm_gem_object_mmap: VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP; madvise refuses DOFORK only on VM_IO.
  // (The map lands outside Wine's 32-bit window: not what this test is about.)
  const kernelCodes = (preset: string) => codes(dofork(preset)).filter((c) => c !== 'pointer-outside-window');
  assert.deepEqual(kernelCodes('turnip'), []);
  const bo = analyse(dofork('turnip'))
    .scenarios[0]!.run.simulation.space.vmas()
    .find((v) => v.object.name === '/dev/dri/renderD128')!;
  assert.equal(
    bo.vmFlags & (VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP),
    VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
  );
  // TTM (amdgpu, nouveau) and i915 set VM_IO: the same madvise is EINVAL.
  for (const preset of ['radv', 'nvk', 'anv'])
    assert.deepEqual(kernelCodes(preset), ['kernel-refused'], preset);
});
