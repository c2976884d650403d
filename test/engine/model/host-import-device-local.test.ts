// Whether Wine's host import loses DEVICE_LOCAL depends on the driver's host-pointer memory types
// (DriverTraits.hostImportDeviceLocal): RADV offers a host pointer only a GTT type, lavapipe its
// one DEVICE_LOCAL|HOST_VISIBLE type (lvp_GetMemoryHostPointerPropertiesEXT: memoryTypeBits 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => d.code);

const scenario = (driver: string, strategy: string) => `scenario "device-local import" {
  driver gpu {
${driver}
  }
  wine 9.0
  strategy ${strategy}
  mem = vkAllocateMemory 64KiB host-visible device-local
  p = vkMapMemory mem
}
`;

test('lavapipe keeps a DEVICE_LOCAL type for imported host memory: no memory-type-lost', () => {
  for (const strategy of ['external-memory-host', 'placed'])
    assert.ok(!codes(scenario('    preset lavapipe', strategy)).includes('memory-type-lost'), strategy);
});

test('a driver whose host pointers get no DEVICE_LOCAL type still reports memory-type-lost', () => {
  assert.ok(codes(scenario('    preset radv', 'external-memory-host')).includes('memory-type-lost'));
  // The lavapipe-like traits without the preset: the property is the preset's, no trait sets it.
  assert.ok(codes(scenario('    placed-map none', 'external-memory-host')).includes('memory-type-lost'));
});
