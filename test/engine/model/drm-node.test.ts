// A Mesa driver maps every device BO through its one render-node fd, each at the BO's own fake
// mmap offset; NVIDIA's layout (`preset nvidia`, `preset proprietary`) opens an fd per BO mapped
// at offset 0 (facts linux-mm §4.1, §6.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';

const twoMaps = (driver: string, strategy = 'none') => `scenario "bo" {
  driver gpu { ${driver} }
  strategy ${strategy}
  a = vkAllocateMemory 64KiB host-visible
  b = vkAllocateMemory 64KiB host-visible
  pa = vkMapMemory a
  pb = vkMapMemory b
}`;

const mmapsOf = (text: string, step: number) =>
  callsOf(text, step).filter((c) => /^gpu: mmap\(.*MAP_SHARED/.test(c));

test('a Mesa driver maps every BO through one fd, each at its own fake offset from 4 GiB', () => {
  for (const preset of ['radv', 'anv', 'nvk', 'turnip']) {
    const text = twoMaps(`preset ${preset}`);
    assert.match(mmapsOf(text, 2)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = /, preset);
    assert.match(mmapsOf(text, 3)[0] ?? '', /MAP_SHARED, 3, 0x1_0001_0000\) = /, preset);
  }
  // The maps listing shows the offset: two lines of one node, at different offsets.
  const vmas = analyse(twoMaps('preset radv'))
    .scenarios[0]!.run.simulation.space.vmas()
    .filter((v) => v.object.name === '/dev/dri/renderD128');
  assert.deepEqual(vmas.map((v) => v.pgoff * 4096).sort(), [0x1_0000_0000, 0x1_0001_0000]);
});

test('preset proprietary keeps NVIDIA’s layout: a new fd per BO, mapped at offset 0', () => {
  const text = twoMaps('preset proprietary');
  assert.match(mmapsOf(text, 2)[0] ?? '', /MAP_SHARED, 3, 0x0\) = /);
  assert.match(mmapsOf(text, 3)[0] ?? '', /MAP_SHARED, 4, 0x0\) = /);
});

test('placed maps map the BO at its fake offset; GPU writes stay in their own BO', () => {
  const text = `scenario "placed" {
  driver gpu { preset nvk }
  strategy placed
  a = vkAllocateMemory 64KiB host-visible coherent
  b = vkAllocateMemory 64KiB host-visible coherent
  pa = vkMapMemory a
  wa = app writes pa + 0x10, 8
  vkUnmapMemory a
  wb = driver writes b + 0x10, 8
  pb = vkMapMemory b
  expect read pb + 0x10, 8 == wb
  pa2 = vkMapMemory a
  expect read pa2 + 0x10, 8 == wa
}`;
  assert.deepEqual(codes(text), []);
  assert.match(mmapsOf(text, 2)[0] ?? '', /MAP_SHARED\|MAP_FIXED, 3, 0x1_0000_0000\) = /);
  assert.match(mmapsOf(text, 6)[0] ?? '', /MAP_SHARED\|MAP_FIXED, 3, 0x1_0001_0000\) = /);
});

test('a GL client-pointer map maps the buffer’s BO at its fake offset, and the driver reads the writes', () => {
  const text = `scenario "cp" {
  driver gpu {
    gl-client-pointer
  }
  low = mmap 64KiB rw private anon at 0x1000_0000 by wine
  glAddClientPointerRangeMESA low, 64KiB by wine
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0x10, 16KiB write
  w = app writes p, 16
  expect gpu reads b + 0x10, 16 == w
}`;
  assert.deepEqual(codes(text), []);
  assert.match(mmapsOf(text, 3)[0] ?? '', /MAP_SHARED\|MAP_FIXED, 3, 0x1_0000_0000\) = 0x1000_0000/);
});

test('`open device … offset X` is a DRM node’s BO at X: mmap needs X exactly; memfds take no offset', () => {
  const text = `scenario "bo" {
  f = open device "renderD128" 64KiB offset 0x1_0000_0000
  a = mmap 64KiB rw shared fd f offset 0x1_0000_0000
  b = mmap 4KiB rw shared fd f
  expect b == EINVAL
  c = mmap 4KiB rw shared fd f offset 0x1_0000_1000
  expect c == EINVAL
}`;
  assert.deepEqual(codes(text), []);
  assert.deepEqual(codes(`scenario "m" {\n  g = open memfd "x" 4KiB offset 0x1000\n}`), ['wrong-kind']);
  assert.deepEqual(codes(`scenario "u" {\n  g = open device "d" 4KiB offset 0x1001\n}`), [
    'number-out-of-range',
  ]);
});

/** The names /proc/PID/maps shows for the scenario's shared device mappings at its end. */
const deviceNames = (text: string) =>
  analyse(text)
    .scenarios[0]!.run.simulation.space.vmas()
    .filter((v) => v.object.kind === 'device')
    .map((v) => v.object.name);

test('preset anv is ANV on i915: its BO mappings show as anon_inode:i915.gem from Linux 5.6', () => {
  const text = twoMaps('preset anv');
  assert.deepEqual(deviceNames(text), ['anon_inode:i915.gem', 'anon_inode:i915.gem']);
  // The mmap calls still go through the render node, at the BOs' fake offsets.
  assert.match(mmapsOf(text, 2)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = /);
  // Before 5.6 i915 had no mmap-offset path: ANV's I915_GEM_MMAP maps each BO's shmem file
  // (i915_gem_mmap_ioctl: vm_mmap(obj->base.filp, …)).
  const old = text.replace('strategy none', 'kernel 5.5\n  strategy none');
  assert.deepEqual(deviceNames(old), ['/i915 (deleted)', '/i915 (deleted)']);
  assert.deepEqual(deviceNames(twoMaps('preset radv')), ['/dev/dri/renderD128', '/dev/dri/renderD128']);
});

test('NVIDIA’s layout maps each BO through an fd of its own, not a render node: system memory through /dev/nvidiactl, device-local through /dev/nvidia0', () => {
  // twoMaps allocates host-visible memory without DEVICE_LOCAL: system memory, which the RM ties to
  // the control device (RmCreateMmapContextLocked); device-local memory is behind a BAR.
  for (const preset of ['proprietary', 'nvidia']) {
    assert.deepEqual(deviceNames(twoMaps(`preset ${preset}`)), ['/dev/nvidiactl', '/dev/nvidiactl'], preset);
    const local = twoMaps(`preset ${preset}`).replaceAll('host-visible', 'host-visible device-local');
    assert.deepEqual(deviceNames(local), ['/dev/nvidia0', '/dev/nvidia0'], preset);
  }
});

test('a BO made after vkFreeMemory reuses the freed BO’s fake offset (drm_mm best fit)', () => {
  const text = `scenario "reuse" {
  driver gpu { preset radv }
  strategy none
  a = vkAllocateMemory 64KiB host-visible
  b = vkAllocateMemory 64KiB host-visible
  pa = vkMapMemory a
  pb = vkMapMemory b
  vkFreeMemory a
  c = vkAllocateMemory 16KiB host-visible
  pc = vkMapMemory c
}`;
  assert.match(mmapsOf(text, 6)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = /);
});

test('a BO larger than the fake offset space fails at its own map (GEM: i915); the next BO still gets 4 GiB', () => {
  const text = `scenario "big" {
  driver gpu { preset anv }
  m = vkAllocateMemory 2TiB host-visible coherent
  p = vkMapMemory m
  n = vkAllocateMemory 64KiB host-visible coherent
  q = vkMapMemory n
}`;
  assert.deepEqual(
    codes(text).filter((c) => c === 'kernel-refused'),
    ['kernel-refused'],
  );
  const refused = analyse(text).diagnostics.find((d) => d.code === 'kernel-refused')!;
  assert.equal(refused.range.start, text.indexOf('p = vkMapMemory'), 'the big BO’s own map fails');
  // The cause is the mmap-offset ioctl's ENOSPC; no mmap at an offset that is no BO's is made.
  assert.match(
    refused.message,
    /ioctl\(3, mmap offset of a 2 TiB BO\) fails with ENOSPC: i915 mmap_offset_attach: drm_vma_offset_add/,
  );
  assert.ok(!mmapsOf(text, 1).some((m) => /, 0x0\) = /.test(m)), mmapsOf(text, 1).join('\n'));
  // An export of such a BO is not `wrong-kind` (it is a device BO): the refused ioctl says why.
  const exported = `scenario "x" {
  driver gpu { preset anv }
  m = vkAllocateMemory 2TiB host-visible exportable
  h = vkGetMemoryFdKHR m dma-buf
}`;
  assert.deepEqual(codes(exported), ['kernel-refused']);
  assert.match(mmapsOf(text, 3)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = 0x/);
  // The default driver's kernel is the GEM helpers': the same, named drm_gem_create_mmap_offset.
  const gem = analyse(text.replace('preset anv', 'maps at-map')).diagnostics.find(
    (d) => d.code === 'kernel-refused',
  )!;
  assert.equal(gem.range.start, text.indexOf('p = vkMapMemory') - 'preset anv'.length + 'maps at-map'.length);
  assert.match(gem.message, /ENOSPC: drm_gem_create_mmap_offset: drm_vma_offset_add/);
});

test('radv and nvk (TTM) make the fake offset with the BO: a BO with no room fails vkAllocateMemory', () => {
  // radv's `gtt` as large as the offset space, so that its domain check (amdgpu-domains.test.ts)
  // lets the BO reach TTM; nouveau has no such check.
  for (const [preset, driver] of [
    ['radv', 'preset radv\n    gtt 4TiB'],
    ['nvk', 'preset nvk'],
  ] as const) {
    const text = `scenario "big" {
  driver gpu {
    ${driver}
  }
  m = vkAllocateMemory 2TiB host-visible coherent
  expect m == VK_ERROR_OUT_OF_DEVICE_MEMORY
  p = vkMapMemory m
  n = vkAllocateMemory 64KiB host-visible coherent
  q = vkMapMemory n
}`;
    // The create ioctl is refused at the allocation; the map is a use of its failed result.
    assert.deepEqual(
      codes(text).filter((c) => c !== 'pointer-outside-window'),
      ['kernel-refused', 'use-of-failed-result'],
      preset,
    );
    const refused = analyse(text).diagnostics.find((d) => d.code === 'kernel-refused')!;
    assert.equal(refused.range.start, text.indexOf('m = vkAllocateMemory'), preset);
    assert.match(
      refused.message,
      /ioctl\(3, create a 2 TiB BO\) fails with ENOSPC: ttm_bo_init_reserved: drm_vma_offset_add/,
    );
    // The refused BO took no offset: the next gets the first.
    assert.match(mmapsOf(text, 3)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = 0x/, preset);
  }
});

test('a TTM BO holds its offset from vkAllocateMemory, mapped or not, until it is destroyed', () => {
  const order = (preset: string) => `scenario "order" {
  driver gpu { preset ${preset} }
  strategy none
  a = vkAllocateMemory 64KiB device-local
  b = vkAllocateMemory 64KiB host-visible
  pb = vkMapMemory b
  vkFreeMemory a
  c = vkAllocateMemory 64KiB host-visible
  pc = vkMapMemory c
}`;
  // radv: a (never mapped, not even host-visible) took the first offset at its allocation, b the
  // next; freeing a, which nothing maps, frees its offset at once, and c takes it (best fit).
  assert.match(mmapsOf(order('radv'), 2)[0] ?? '', /MAP_SHARED, 3, 0x1_0001_0000\) = /);
  assert.match(mmapsOf(order('radv'), 5)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = /);
  // anv (i915): a BO gets its offset at its first map, so b has the first and c the next.
  assert.match(mmapsOf(order('anv'), 2)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = /);
  assert.match(mmapsOf(order('anv'), 5)[0] ?? '', /MAP_SHARED, 3, 0x1_0001_0000\) = /);
  // The maps listing shows the BO's offset, whenever it was made.
  const vmas = analyse(order('radv'))
    .scenarios[0]!.run.simulation.space.vmas()
    .filter((v) => v.object.name === '/dev/dri/renderD128');
  assert.deepEqual(vmas.map((v) => v.pgoff * 4096).sort(), [0x1_0000_0000, 0x1_0001_0000]);
});

test('a `maps at-alloc` driver whose BO gets no offset fails vkAllocateMemory, and its map says so', () => {
  const text = `scenario "big" {
  driver gpu { maps at-alloc }
  m = vkAllocateMemory 2TiB host-visible coherent
  expect m == VK_ERROR_OUT_OF_DEVICE_MEMORY
  p = vkMapMemory m
  n = vkAllocateMemory 64KiB host-visible coherent
}`;
  // One refusal, at the allocation: the map does not try again.
  assert.deepEqual(codes(text), ['kernel-refused', 'use-of-failed-result']);
  const refused = analyse(text).diagnostics.find((d) => d.code === 'kernel-refused')!;
  assert.equal(refused.range.start, text.indexOf('m = vkAllocateMemory'));
  assert.match(mmapsOf(text, 2)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = 0x/);
});

test('an allocation whose driver mapping fails at vkAllocateMemory fails (lavapipe, pool drivers)', () => {
  // 200 TiB of anonymous memory is more than the 47-bit address space holds: ENOMEM.
  const lavapipe = `scenario "lvp" {
  driver gpu { preset lavapipe }
  m = vkAllocateMemory 200TiB host-visible coherent
  expect m == VK_ERROR_OUT_OF_DEVICE_MEMORY
  n = vkAllocateMemory 64KiB host-visible coherent
  q = vkMapMemory n
}`;
  assert.deepEqual(
    codes(lavapipe).filter((c) => c !== 'pointer-outside-window'),
    ['kernel-refused'],
  );
  // A pool driver whose pool gets no offset: the allocation that needed it fails, and no pool is
  // kept (the next allocation makes one again, not a suballocation of nothing).
  const pool = `scenario "pool" {
  driver gpu {
    maps pool
    pool-size 2TiB
  }
  m = vkAllocateMemory 64KiB host-visible coherent
  expect m == VK_ERROR_OUT_OF_DEVICE_MEMORY
  n = vkAllocateMemory 64KiB host-visible coherent
  expect n == VK_ERROR_OUT_OF_DEVICE_MEMORY
}`;
  assert.deepEqual(codes(pool), ['kernel-refused', 'kernel-refused']);
});

test('msm (turnip) makes the fake offset with the BO: offsets follow creation order, and no room fails vkAllocateMemory', () => {
  // msm_gem_new ends with drm_gem_create_mmap_offset; MSM_INFO_GET_OFFSET only reads it.
  const order = `scenario "order" {
  driver gpu { preset turnip }
  strategy none
  m1 = vkAllocateMemory 64KiB host-visible coherent
  m2 = vkAllocateMemory 128KiB host-visible coherent
  p2 = vkMapMemory m2
  p1 = vkMapMemory m1
}`;
  assert.match(mmapsOf(order, 2)[0] ?? '', /MAP_SHARED, 3, 0x1_0001_0000\) = /);
  assert.match(mmapsOf(order, 3)[0] ?? '', /MAP_SHARED, 3, 0x1_0000_0000\) = /);
  const big = `scenario "big" {
  driver gpu { preset turnip }
  m = vkAllocateMemory 2TiB host-visible coherent
  expect m == VK_ERROR_OUT_OF_DEVICE_MEMORY
  p = vkMapMemory m
}`;
  const refused = analyse(big).diagnostics.find((d) => d.code === 'kernel-refused')!;
  assert.equal(refused.range.start, big.indexOf('m = vkAllocateMemory'));
  assert.match(
    refused.message,
    /create a 2 TiB BO\) fails with ENOSPC: msm_gem_new: drm_gem_create_mmap_offset/,
  );
});
