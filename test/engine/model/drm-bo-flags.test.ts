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

const exportThen = (preset: string, steps: string) => `scenario "export" {
  kernel 6.18
  driver gpu { preset ${preset} }
  m = vkAllocateMemory 64KiB host-visible coherent exportable
  buf = vkGetMemoryFdKHR m dma-buf
${steps}
}`;
const kernelMessages = (text: string) =>
  analyse(text)
    .diagnostics.filter((d) => d.code === 'kernel-refused')
    .map((d) => d.message);

test('MAP_PRIVATE of a dma-buf is the exporter’s to refuse: amdgpu lets PROT_NONE through without VM_MAYWRITE', () => {
  // amdgpu_gem_object_mmap's Thunk workaround: the map works, a later PROT_WRITE is EACCES.
  const radv = exportThen('radv', '  q = mmap 64KiB none private fd buf\n  w = mprotect q, 64KiB, rw');
  const messages = kernelMessages(radv);
  assert.equal(messages.length, 1, messages.join('\n'));
  assert.match(messages[0]!, /^mprotect\(.*fails with EACCES: .*without VM_MAYWRITE/);
  // Any other private map is TTM's EINVAL, named through amdgpu.
  const rw = kernelMessages(exportThen('radv', '  q = mmap 64KiB r private fd buf'));
  assert.match(rw[0] ?? '', /EINVAL: .*amdgpu_gem_object_mmap → ttm_bo_mmap_obj: is_cow_mapping/);
  // nouveau is plain TTM: even PROT_NONE is refused.
  const nvk = kernelMessages(exportThen('nvk', '  q = mmap 64KiB none private fd buf'));
  assert.match(nvk[0] ?? '', /EINVAL: .*\(ttm_bo_mmap_obj: is_cow_mapping → EINVAL\)/);
});

test('msm and i915 do not refuse MAP_PRIVATE; i915’s dma-buf maps its shmem file, not a VM_PFNMAP mapping', () => {
  // msm_gem_object_mmap has no COW check, through the dma-buf or the node.
  assert.deepEqual(kernelMessages(exportThen('turnip', '  q = mmap 64KiB none private fd buf')), []);
  // i915_gem_dmabuf_mmap hands the VMA to the shmem file: private works, MADV_DONTNEED too.
  const anv = exportThen(
    'anv',
    '  q = mmap 64KiB rw private fd buf\n  s = mmap 64KiB rw shared fd buf\n  u = madvise s, 64KiB, dontneed',
  );
  assert.deepEqual(kernelMessages(anv), []);
  const vmas = analyse(anv)
    .scenarios[0]!.run.simulation.space.vmas()
    .filter((v) => v.viaExport !== undefined);
  assert.equal(vmas.length, 2);
  assert.ok(vmas.every((v) => (v.vmFlags & VM_PFNMAP) === 0));
});

test('radv: a dma-buf of memory that is not host-visible cannot be mmapped (amdgpu NO_CPU_ACCESS: EPERM)', () => {
  const text = `scenario "device-local" {
  kernel 6.18
  driver gpu { preset radv }
  m = vkAllocateMemory 64KiB device-local exportable
  buf = vkGetMemoryFdKHR m dma-buf
  q = mmap 64KiB rw shared fd buf
}`;
  const messages = kernelMessages(text);
  assert.equal(messages.length, 1, messages.join('\n'));
  assert.match(
    messages[0]!,
    /fails with EPERM: .*AMDGPU_GEM_CREATE_NO_CPU_ACCESS, and amdgpu_gem_object_mmap/,
  );
  // Host-visible memory, or another kernel driver, maps.
  assert.deepEqual(kernelMessages(text.replace('64KiB device-local', '64KiB host-visible')), []);
  assert.deepEqual(kernelMessages(text.replace('preset radv', 'preset nvk')), []);
});
