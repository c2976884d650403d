// NVK runs only on nouveau's VM_BIND uAPI (Linux 6.6): nouveau_ws_device_new sets has_vm_bind
// only when DRM_NOUVEAU_VM_INIT succeeds, and nvkmd_nouveau_try_create_pdev returns
// VK_ERROR_INCOMPATIBLE_DRIVER without it. drvmap says so at the preset line and fails the
// driver's allocations instead of mapping (model/nouveau-vm-bind.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';
import { explore } from '../../../server/src/engine/explore/explore';

const onKernel = (kernel: string, preset = 'nvk') => `scenario "x" {
  kernel ${kernel}
  driver gpu {
    preset ${preset}
  }
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
  expect mem == VK_ERROR_INCOMPATIBLE_DRIVER
}
`;

test('nvk before Linux 6.6 has no device: kernel-refused at the preset line, and vkAllocateMemory fails', () => {
  const text = onKernel('6.1');
  assert.deepEqual(codes(text), ['kernel-refused']);
  const analysis = analyse(text);
  const refused = analysis.diagnostics[0]!;
  assert.equal(text.slice(refused.range.start, refused.range.end), 'preset nvk');
  assert.match(refused.message, /DRM_IOCTL_NOUVEAU_VM_INIT\) fails with EINVAL/);
  assert.match(refused.message, /this kernel is 6\.1/);
  assert.match(refused.message, /nvkmd_nouveau_try_create_pdev returns VK_ERROR_INCOMPATIBLE_DRIVER/);
  assert.match(refused.message, /6\.6 or later/);
  const run = analysis.scenarios[0]!.run;
  assert.deepEqual(
    run.simulation.expects.filter((e) => e.passed !== true).map((e) => e.detail),
    [],
  );
  // Nothing is mapped for the driver.
  assert.deepEqual(
    run.simulation.space.vmas().filter((v) => v.owner === 'gpu'),
    [],
  );
  // From 6.6 the device exists and the allocation succeeds (the expectation then fails).
  const ok = onKernel('6.6').replace('VK_ERROR_INCOMPATIBLE_DRIVER', 'VK_SUCCESS');
  assert.deepEqual(codes(ok), []);
  // Other presets are not affected.
  assert.deepEqual(codes(onKernel('6.1', 'radv').replace('VK_ERROR_INCOMPATIBLE_DRIVER', 'VK_SUCCESS')), []);
});

test('drvmap explore --kernels: nvk is safe on no kernel older than 6.6', () => {
  const text = `scenario "x" {
  driver gpu {
    preset nvk
    reuses any
  }
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 16
}
`;
  const s = explore(text, { scenario: 1, kernels: true }).scenarios[0]!;
  for (const b of s.behaviours) {
    const kernel = b.values['kernel']!;
    const old = ['5.6', '5.10', '5.15'].includes(kernel);
    assert.equal(b.verdict === 'safe', !old, `kernel ${kernel}: ${b.verdict}`);
  }
  assert.ok(s.behaviours.some((b) => b.values['kernel'] === '5.15'));
});
