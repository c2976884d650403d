// TTM's BO mappings before Linux 5.14: VM_MIXEDMAP|VM_IO|VM_DONTEXPAND|VM_DONTDUMP and no COW check
// (ttm_bo_mmap_vma_setup, drivers/gpu/drm/ttm/ttm_bo_vm.c); f91142c62161 "drm/ttm: nuke
// VM_MIXEDMAP on BO mappings v3" (5.14) made them VM_PFNMAP and refused COW (model/ttm-nodes.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';
import { VM_DONTEXPAND, VM_IO, VM_MIXEDMAP, VM_PFNMAP } from '../../../server/src/engine/kernel/types';

const onKernel = (kernel: string, steps: string) => `scenario "ttm" {
  kernel ${kernel}
  driver radv {
    preset radv
  }
  m = vkAllocateMemory 64KiB host-visible exportable driver radv
  p = vkMapMemory2 m
${steps}
}`;

const failedExpects = (text: string) =>
  analyse(text)
    .scenarios[0]!.run.simulation.expects.filter((e) => e.passed !== true)
    .map((e) => e.detail);

test('amdgpu BO on Linux 5.10: MADV_DONTNEED works and a private map of its dma-buf maps (VM_MIXEDMAP, no COW check)', () => {
  const text = onKernel(
    '5.10',
    `  n = madvise p, 4KiB, dontneed
  fd1 = vkGetMemoryFdKHR m dma-buf
  b = mmap 64KiB r private fd fd1
  expect n == ok
  expect b != EINVAL`,
  );
  assert.deepEqual(failedExpects(text), []);
  assert.deepEqual(
    codes(text).filter((c) => c === 'kernel-refused'),
    [],
  );
  const bo = analyse(text)
    .scenarios[0]!.run.simulation.space.vmas()
    .find((v) => v.object.name === '/dev/dri/renderD128')!;
  assert.equal(
    bo.vmFlags & (VM_MIXEDMAP | VM_PFNMAP | VM_IO | VM_DONTEXPAND),
    VM_MIXEDMAP | VM_IO | VM_DONTEXPAND,
  );
});

test('amdgpu BO on Linux 5.13: VM_DONTEXPAND still refuses growing it, as from 5.14', () => {
  const text = onKernel('5.13', '  g = mremap p, 64KiB, 128KiB, maymove\n  expect g == EFAULT');
  assert.deepEqual(failedExpects(text), []);
});

test('amdgpu BO from Linux 5.14: VM_PFNMAP, so MADV_DONTNEED is EINVAL, and a private map of its dma-buf is EINVAL', () => {
  const text = onKernel(
    '5.14',
    `  n = madvise p, 4KiB, dontneed
  fd1 = vkGetMemoryFdKHR m dma-buf
  b = mmap 64KiB r private fd fd1
  expect n == EINVAL
  expect b == EINVAL`,
  );
  assert.deepEqual(failedExpects(text), []);
  const bo = analyse(text)
    .scenarios[0]!.run.simulation.space.vmas()
    .find((v) => v.object.name === '/dev/dri/renderD128')!;
  assert.equal(bo.vmFlags & (VM_MIXEDMAP | VM_PFNMAP), VM_PFNMAP);
});
