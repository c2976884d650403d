// msm's BO mappings by kernel version (model/msm-nodes.ts): VM_IO|VM_MIXEDMAP before Linux 6.0,
// VM_PFNMAP from 8246913a2e30 "drm/msm: Switch to pfn mappings" (6.0), whose fault path's
// vmf_insert_pfn_prot BUG_ONs on a COW mapping that msm never refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';
import { VM_DONTDUMP, VM_IO, VM_MIXEDMAP, VM_PFNMAP } from '../../../server/src/engine/kernel/types';

const madvise = (kernel: string) => `scenario "madvise" {
  kernel ${kernel}
  driver tu {
    preset turnip
  }
  strategy placed
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m
  a = madvise p, 64KiB, dofork
  b = madvise p, 64KiB, dontneed
}`;

const boFlags = (kernel: string) =>
  analyse(madvise(kernel))
    .scenarios[0]!.run.simulation.space.vmas()
    .find((v) => v.object.name === '/dev/dri/renderD128')!.vmFlags;

test('msm before Linux 6.0 maps VM_IO|VM_MIXEDMAP: MADV_DOFORK is EINVAL, MADV_DONTNEED zaps', () => {
  for (const kernel of ['5.10', '5.14', '5.16', '5.19']) {
    const text = madvise(kernel)
      .replace('}', '}')
      .replace(/\n}$/, '\n  expect a == EINVAL\n  expect b == ok\n}');
    assert.deepEqual(
      codes(text).filter((c) => c !== 'kernel-refused'),
      [],
      kernel,
    );
    assert.equal(boFlags(kernel) & (VM_IO | VM_MIXEDMAP | VM_PFNMAP), VM_IO | VM_MIXEDMAP, kernel);
  }
});

// 5.15 is 5.15.0: 510410bfc034's msm_gem_object_mmap set only VM_MIXEDMAP|VM_DONTEXPAND until
// 3466d9e217b3 (5.16, 5.15.7) restored VM_IO|VM_DONTDUMP.
test('msm on Linux 5.15(.0) maps VM_MIXEDMAP|VM_DONTEXPAND without VM_IO: MADV_DOFORK and MADV_DONTNEED both work', () => {
  const text = madvise('5.15').replace(/\n}$/, '\n  expect a == ok\n  expect b == ok\n}');
  assert.deepEqual(codes(text), []);
  assert.equal(boFlags('5.15') & (VM_IO | VM_MIXEDMAP | VM_PFNMAP | VM_DONTDUMP), VM_MIXEDMAP);
});

test('msm from Linux 6.0 maps VM_PFNMAP without VM_IO: MADV_DOFORK works, MADV_DONTNEED is EINVAL', () => {
  for (const kernel of ['6.0', '6.18']) {
    const text = madvise(kernel).replace(/\n}$/, '\n  expect a == ok\n  expect b == EINVAL\n}');
    assert.deepEqual(
      codes(text).filter((c) => c !== 'kernel-refused'),
      [],
      kernel,
    );
    assert.equal(boFlags(kernel) & (VM_IO | VM_MIXEDMAP | VM_PFNMAP), VM_PFNMAP, kernel);
  }
});

const privateMap = (kernel: string, prot: string, access: string) => `scenario "private" {
  kernel ${kernel}
  driver tu {
    preset turnip
  }
  m = vkAllocateMemory 64KiB host-visible exportable
  buf = vkGetMemoryFdKHR m dma-buf
  q = mmap 64KiB ${prot} private fd buf
  ${access}
}`;

test('msm from 6.0: the first access to a MAP_PRIVATE map of its BO, a read too, is the vmf_insert_pfn_prot BUG_ON', () => {
  for (const [prot, access] of [
    ['rw', 'w = host writes q, 8'],
    ['r', 'r = host reads q, 8'],
  ] as const) {
    const result = analyse(privateMap('6.6', prot, access));
    const faults = result.diagnostics.filter((d) => d.code === 'access-fault');
    assert.equal(faults.length, 1, prot);
    assert.match(
      faults[0]!.message,
      /copy-on-write \(MAP_PRIVATE\) VM_PFNMAP mapping.*msm_gem_fault → vmf_insert_pfn → vmf_insert_pfn_prot.*BUG_ON\(\(vma->vm_flags & VM_PFNMAP\) && is_cow_mapping/,
    );
    // The mmap itself succeeded: msm checks no COW mapping.
    assert.ok(!result.diagnostics.some((d) => d.code === 'kernel-refused'), prot);
  }
  // A shared map of the same dma-buf is fine.
  assert.deepEqual(
    codes(privateMap('6.6', 'rw', 'w = host writes q, 8').replace('rw private', 'rw shared')),
    [],
  );
});

test('msm before 6.0: a MAP_PRIVATE map of its BO is a working VM_MIXEDMAP COW mapping', () => {
  const text = privateMap('5.19', 'rw', 'w = host writes q, 8\n  expect tu reads m, 8 == zero');
  assert.deepEqual(codes(text), []);
});
