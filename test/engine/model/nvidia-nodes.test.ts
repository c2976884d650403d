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
