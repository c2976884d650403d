// NVIDIA's kernel layout per memory type: system memory through /dev/nvidiactl (VM_MIXEDMAP, no
// VM_IO; a mapping past the allocation is ERANGE), device-local memory through /dev/nvidia0
// (VM_IO|VM_PFNMAP; a size mismatch is ENXIO): nvidia_mmap_helper, kernel-open/nvidia/nv-mmap.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { nvidiaNodeFor } from '../../../server/src/engine/model/nvidia-nodes';
import { analyse, codes } from './helpers';
import { errno, mmap, PG, space } from '../kernel/helpers';

const dofork = (preset: string, properties: string) => `scenario "dofork" {
  kernel 6.18
  driver gpu { preset ${preset} }
  m = vkAllocateMemory 64KiB ${properties}
  p = vkMapMemory m
  k = madvise p, 64KiB, dofork
}`;
const kernelCodes = (text: string) => codes(text).filter((c) => c !== 'pointer-outside-window');

test('NVIDIA system memory is mapped through /dev/nvidiactl without VM_IO: MADV_DOFORK works; device-local memory through /dev/nvidia0 refuses it', () => {
  for (const preset of ['nvidia', 'proprietary']) {
    const system = dofork(preset, 'host-visible coherent');
    assert.deepEqual(kernelCodes(system), [], preset);
    const vma = analyse(system)
      .scenarios[0]!.run.simulation.space.vmas()
      .find((v) => v.object.kind === 'device')!;
    assert.equal(vma.object.name, '/dev/nvidiactl');
    assert.equal(vma.vmFlags & (T.VM_IO | T.VM_PFNMAP), 0);
    assert.notEqual(vma.vmFlags & T.VM_MIXEDMAP, 0);
    assert.deepEqual(
      kernelCodes(dofork(preset, 'host-visible coherent device-local')),
      ['kernel-refused'],
      preset,
    );
  }
});

test('a mapping larger than the BO is ERANGE through /dev/nvidiactl and ENXIO through /dev/nvidia0', () => {
  const as = space();
  const fileOf = (properties: string[]) =>
    as.openFile({
      kind: 'device',
      ...nvidiaNodeFor(new Set(properties)),
      sizeBytes: PG,
      readable: true,
      writable: true,
    });
  const ctl = fileOf(['host-visible', 'coherent']);
  const gpu = fileOf(['host-visible', 'device-local']);
  assert.equal(ctl.name, '/dev/nvidiactl');
  assert.equal(gpu.name, '/dev/nvidia0');
  assert.equal(errno(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: ctl.fd })), 'ERANGE');
  assert.equal(errno(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: gpu.fd })), 'ENXIO');
  // Not host-visible, or no memory type at all (a driver's pool): the GPU node.
  assert.equal(nvidiaNodeFor(new Set(['device-local'])).name, '/dev/nvidia0');
  assert.equal(nvidiaNodeFor(undefined).name, '/dev/nvidia0');
});

test('`open device` of an NVIDIA path maps as that file: ERANGE through /dev/nvidiactl, ENXIO through /dev/nvidia0 for any other size', () => {
  // Before the fix `open device` took a render node's traits: EINVAL citing drm_gem_mmap for the
  // larger maps, and the smaller map of the GPU node succeeded.
  const text = `scenario "nvidia files" {
  kernel 6.18
  f = open device "/dev/nvidiactl" 64KiB mixedmap
  a = mmap 128KiB rw shared fd f
  expect a == ERANGE
  g = open device "/dev/nvidia0" 64KiB
  b = mmap 128KiB rw shared fd g
  expect b == ENXIO
  h = open device "/dev/nvidia0" 128KiB
  c = mmap 64KiB rw shared fd h
  expect c == ENXIO
  i = open device "/dev/nvidia1" 64KiB
  d = mmap 64KiB rw shared fd i
  j = open device "/dev/nvidiactl" 128KiB
  e = mmap 64KiB rw shared fd j
  k = madvise e, 64KiB, dofork
  expect k == ok
  l = madvise d, 64KiB, dofork
  expect l == EINVAL
}`;
  assert.deepEqual(codes(text), []);
  const vmas = analyse(text).scenarios[0]!.run.simulation.space.vmas();
  const gpu = vmas.find((v) => v.object.name === '/dev/nvidia1')!;
  assert.equal(gpu.vmFlags & (T.VM_IO | T.VM_PFNMAP | T.VM_DONTDUMP), T.VM_IO | T.VM_PFNMAP | T.VM_DONTDUMP);
  const ctl = vmas.find((v) => v.object.name === '/dev/nvidiactl')!;
  assert.equal(ctl.vmFlags & T.VM_IO, 0);
  assert.notEqual(ctl.vmFlags & T.VM_MIXEDMAP, 0);
  // The messages cite NVIDIA's checks, not DRM's.
  const refused = analyse(text.replace(/ {2}expect [abc] == E\w+\n/g, '')).diagnostics.map((d) => d.message);
  assert.equal(refused.length, 3, refused.join('\n'));
  assert.ok(
    refused.every((m) => /nvidia_mmap_helper/.test(m) && !/drm_gem_mmap/.test(m)),
    refused.join('\n'),
  );
});

test('`open device` of an NVIDIA path: `offset` and a GPU node with `mixedmap` are wrong-kind; nvidia-uvm is VM_MIXEDMAP', () => {
  const open = (line: string) => `scenario "open" {
  f = ${line}
}`;
  assert.deepEqual(codes(open('open device "/dev/nvidiactl" 64KiB offset 0x1_0000')), ['wrong-kind']);
  assert.deepEqual(codes(open('open device "/dev/nvidia0" 64KiB mixedmap')), ['wrong-kind']);
  const uvm = `scenario "uvm" {
  f = open device "/dev/nvidia-uvm" 64KiB
  a = mmap 64KiB rw shared fd f
}`;
  assert.deepEqual(codes(uvm), []);
  const vma = analyse(uvm)
    .scenarios[0]!.run.simulation.space.vmas()
    .find((v) => v.object.kind === 'device')!;
  assert.equal(vma.vmFlags & (T.VM_IO | T.VM_PFNMAP), 0);
  assert.notEqual(vma.vmFlags & T.VM_MIXEDMAP, 0);
  // A render node's path keeps the render node's traits.
  assert.deepEqual(
    codes(`scenario "drm" {
  f = open device "renderD128" 64KiB
  a = mmap 128KiB rw shared fd f
  expect a == EINVAL
}`),
    [],
  );
});

test('nvidia-uvm takes shared read-write mappings only, and its offset is not nvidia_mmap_helper’s rule', () => {
  // uvm_mmap (kernel-open/nvidia-uvm/uvm.c): VM_SHARED|VM_READ|VM_WRITE or EINVAL.
  const a = analyse(`scenario "uvm private" {
  f = open device "/dev/nvidia-uvm" 64KiB
  a = mmap 64KiB rw private fd f
  expect a == EINVAL
}`);
  assert.deepEqual(
    a.diagnostics.map((d) => d.code),
    [],
  );
  const refused = a.scenarios[0]!.run.simulation.records[1]!;
  assert.match(
    refused.calls.map((c) => ('reason' in c ? String(c.reason) : '')).join('\n'),
    /uvm_mmap, which takes shared read-write mappings only/,
  );
  const offset = analyse(`scenario "uvm offset" {
  f = open device "/dev/nvidia-uvm" 64KiB offset 0x7f00_0000_0000
}`).diagnostics;
  assert.deepEqual(
    offset.map((d) => d.code),
    ['wrong-kind'],
  );
  assert.match(offset[0]!.message, /nvidia-uvm's offset is the mapping's own address \(uvm_mmap/);
  assert.doesNotMatch(offset[0]!.message, /nvidia_mmap_helper/);
});
