// Turnip's dma-buf imports (src/freedreno/vulkan/tu_knl_drm_msm.cc, tu_knl.cc): the imported BO is
// the kernel's size of the object (msm_bo_init_dmabuf's lseek), mapped whole; one smaller than the
// page-rounded allocationSize is refused; and an import of the driver's own export is the
// exporter's tu_bo, with its one CPU mapping (DriverTraits.importSize, selfImportSharesBo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';

const twoDrivers = (preset: string, exported: string, imported: string, strategy: string) => `scenario "x" {
  driver tu {
    preset ${preset}
  }
  driver tu2 {
    preset ${preset}
  }
  m = vkAllocateMemory ${exported} host-visible exportable driver tu
  buf = vkGetMemoryFdKHR m dma-buf
  m2 = vkAllocateMemory ${imported} host-visible import buf driver tu2
  strategy ${strategy}
  p2 = vkMapMemory m2
}
`;

test('turnip maps an imported dma-buf at the kernel’s size: a 16 KiB placed import of 64 KiB spills as on radv and nvk', () => {
  for (const preset of ['turnip', 'radv', 'nvk']) {
    const text = twoDrivers(preset, '64KiB', '16KiB', 'placed');
    assert.deepEqual(codes(text), ['fixed-clobber'], preset);
    assert.match(
      analyse(text).diagnostics[0]!.message,
      /maps 64 KiB \(the whole imported buffer object, the kernel's size of it/,
      preset,
    );
  }
  // Unplaced, the mmap is the whole 64 KiB object.
  const map = callsOf(twoDrivers('turnip', '64KiB', '16KiB', 'none'), 3).find((c) =>
    c.startsWith('tu2: mmap('),
  );
  assert.match(map ?? '', /^tu2: mmap\(NULL, 0x1_0000, /);
});

test('turnip refuses a dma-buf smaller than allocationSize (msm_bo_init_dmabuf: real_size < size); radv and nvk do not', () => {
  const refused = (preset: string) =>
    analyse(twoDrivers(preset, '64KiB', '128KiB', 'none')).scenarios[0]!.run.simulation.records.some(
      (r) => r.outcome.kind === 'vk' && r.outcome.result === 'VK_ERROR_INVALID_EXTERNAL_HANDLE',
    );
  assert.equal(refused('turnip'), true);
  assert.equal(refused('radv'), false);
  assert.equal(refused('nvk'), false);
});

const selfImport = (preset: string, steps: string) => `scenario "self" {
  driver tu {
    preset ${preset}
  }
  m = vkAllocateMemory 64KiB host-visible exportable
  buf = vkGetMemoryFdKHR m dma-buf
  m2 = vkAllocateMemory 64KiB host-visible import buf driver tu
${steps}
}
`;

test('turnip self-import: placed maps of the exporter and the import at two addresses, the second fails (one tu_bo)', () => {
  const text = selfImport(
    'turnip',
    `  low = reserve 64KiB at 0x1000_0000 by wine
  low2 = reserve 64KiB at 0x2000_0000 by wine
  p = vkMapMemory2 m placed at low
  p2 = vkMapMemory2 m2 placed at low2
  expect p2 == VK_ERROR_MEMORY_MAP_FAILED`,
  );
  const result = analyse(text);
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code),
    [],
  );
  const failed = result.diagnostics.find((d) => d.code === 'placed-map-failed');
  assert.match(
    failed?.message ?? '',
    /m2 imports tu's own export of m.*Cannot remap BO to a different address/,
  );
  // nvk and radv give each import its own mapping: both placed maps succeed.
  for (const preset of ['nvk', 'radv']) {
    const other = selfImport(
      preset,
      `  low = reserve 64KiB at 0x1000_0000 by wine
  low2 = reserve 64KiB at 0x2000_0000 by wine
  p = vkMapMemory2 m placed at low
  p2 = vkMapMemory2 m2 placed at low2
  expect p2 == 0x2000_0000`,
    );
    assert.deepEqual(codes(other), [], preset);
  }
});

// Outside Wine's window with `strategy none`: what this is about is the driver's pointers.
const driverCodes = (text: string) => codes(text).filter((c) => c !== 'pointer-outside-window');

test('turnip self-import: vkMapMemory of the import returns the exporter’s mapping, and unmapping the exporter unmaps both', () => {
  const text = selfImport(
    'turnip',
    `  p = vkMapMemory m
  p2 = vkMapMemory m2
  expect p2 == p
  vkUnmapMemory m
  expect unmapped p2, 64KiB`,
  );
  assert.deepEqual(driverCodes(text), []);
  // No second mmap for the import.
  const maps = [3, 4].flatMap((i) => callsOf(text, i)).filter((c) => /^tu: mmap\(/.test(c));
  assert.equal(maps.length, 1, maps.join('\n'));
  // nvk maps the import anew, elsewhere, and keeps it mapped after the exporter's unmap.
  const nvk = selfImport(
    'nvk',
    `  p = vkMapMemory m
  p2 = vkMapMemory m2
  vkUnmapMemory m
  expect mapped p2, 64KiB`,
  );
  assert.deepEqual(driverCodes(nvk), []);
  assert.deepEqual(driverCodes(nvk.replace('expect mapped', 'expect p2 == p\n  expect mapped')), [
    'expectation-failed',
  ]);
});

test('turnip self-import under Wine’s placed strategy: the import’s map at its own reservation fails', () => {
  const text = selfImport(
    'turnip',
    `  strategy placed
  p = vkMapMemory m
  p2 = vkMapMemory m2
  expect p2 == VK_ERROR_MEMORY_MAP_FAILED`,
  );
  assert.deepEqual(
    analyse(text)
      .diagnostics.filter((d) => d.severity !== 'info')
      .map((d) => d.code),
    [],
  );
});

// KGSL (`fixed-mapping`) has no GEM-handle lookup: each import is a new tu_bo with its own map
// (kgsl_bo_init_dmabuf, tu_knl_kgsl.cc).
const kgslSelfImport = (steps: string) =>
  selfImport('turnip', steps).replace('    preset turnip\n', '    preset turnip\n    fixed-mapping\n');

test('turnip on KGSL (fixed-mapping) self-import: the import is its own tu_bo, mapped apart from the exporter', () => {
  const maps = kgslSelfImport(`  p = vkMapMemory m
  p2 = vkMapMemory m2
  expect p2 != p`);
  assert.deepEqual(driverCodes(maps), []);
  const placed = kgslSelfImport(`  low = reserve 64KiB at 0x1000_0000 by wine
  low2 = reserve 64KiB at 0x2000_0000 by wine
  p = vkMapMemory2 m placed at low
  p2 = vkMapMemory2 m2 placed at low2
  expect p2 == low2`);
  assert.deepEqual(codes(placed), []);
  // On msm the import still shares the exporter's mapping.
  assert.deepEqual(
    driverCodes(
      selfImport(
        'turnip',
        `  p = vkMapMemory m
  p2 = vkMapMemory m2
  expect p2 == p`,
      ),
    ),
    [],
  );
});

const tuMmaps = (text: string, index: number) => callsOf(text, index).filter((c) => /^tu: mmap\(/.test(c));

test('turnip maps cached memory at allocation only when it makes the BO (msm_bo_init), not an imported dma-buf (msm_bo_init_dmabuf)', () => {
  // A cached import of its own export: no mmap at the import's vkAllocateMemory; the exporter's
  // vkMapMemory makes the BO's one mapping.
  const self = selfImport('turnip', '  p = vkMapMemory m').replace(
    'host-visible import buf',
    'host-visible cached import buf',
  );
  assert.deepEqual(tuMmaps(self, 2), []);
  assert.equal(tuMmaps(self, 3).length, 1);
  // A cached import of radv's export: mapped at vkMapMemory, not at vkAllocateMemory.
  const fromRadv = `scenario "x" {
  driver a {
    preset radv
  }
  driver tu {
    preset turnip
  }
  m = vkAllocateMemory 64KiB host-visible exportable driver a
  buf = vkGetMemoryFdKHR m dma-buf
  m2 = vkAllocateMemory 64KiB host-visible cached import buf driver tu
  p2 = vkMapMemory m2
}
`;
  assert.deepEqual(tuMmaps(fromRadv, 2), []);
  assert.equal(tuMmaps(fromRadv, 3).length, 1);
  // Cached memory Turnip makes itself, exportable or not, is still mapped at allocation.
  for (const extra of ['', ' exportable']) {
    const own = `scenario "x" {
  driver tu {
    preset turnip
  }
  m = vkAllocateMemory 64KiB host-visible cached${extra}
}
`;
    assert.equal(tuMmaps(own, 0).length, 1, extra);
  }
});
