// NVK imports a dma-buf at the kernel's size of the object and maps all of it, whatever the
// import's allocationSize (nouveau_ws_bo_from_dma_buf_locked, nvkmd_nouveau_import_dma_buf,
// nvkmd_nouveau_mem_map/_overmap use `size_B`); anv, and drvmap's default driver, refuse a
// dma-buf smaller than the allocation and map the allocation (DriverTraits.importSize). RADV
// imports as NVK does (radv-import.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';

const importing = (preset: string, exported: string, imported: string, strategy = 'placed') => `scenario "x" {
  driver ${preset} {
    preset ${preset}
  }
  strategy ${strategy}
  m = vkAllocateMemory ${exported} host-visible coherent exportable
  h = vkGetMemoryFdKHR m dma-buf
  g = vkAllocateMemory ${imported} host-visible coherent import h
  p = vkMapMemory g
  vkUnmapMemory g
}
`;

test('nvk maps the whole imported BO: 128 KiB over Wine’s 64 KiB reservation is fixed-clobber, and its overmap is left behind', () => {
  const text = importing('nvk', '128KiB', '64KiB');
  assert.deepEqual(codes(text), ['fixed-clobber']);
  const message = analyse(text).diagnostics[0]!.message;
  assert.match(message, /maps 128 KiB \(the whole imported buffer object.*past the 64 KiB reserved/);
  const map = callsOf(text, 3).find((c) => c.startsWith('nvk: mmap('));
  assert.match(map ?? '', /^nvk: mmap\(0x1_0000, 0x2_0000, PROT_READ\|PROT_WRITE, MAP_SHARED\|MAP_FIXED/);
  // The RESERVE unmap maps PROT_NONE over all 128 KiB; Wine frees its 64 KiB: the rest stays.
  const unmap = callsOf(text, 4);
  assert.ok(
    unmap.some((c) => /^nvk: mmap\(0x1_0000, 0x2_0000, PROT_NONE/.test(c)),
    unmap.join('\n'),
  );
  const left = analyse(text).scenarios[0]!.run.simulation.space.vmas();
  assert.deepEqual(
    left.map((v) => [v.owner, v.startPage, v.endPage, v.prot]),
    [['nvk', 0x20, 0x30, 0]],
  );
  // anv maps the allocation's size: Wine's reservation holds it.
  assert.deepEqual(codes(importing('anv', '128KiB', '64KiB')), []);
});

test('nvk imports a dma-buf smaller than allocationSize (no check) and maps the buffer’s size; anv refuses it', () => {
  const nvk = importing('nvk', '64KiB', '128KiB').replace(
    '  vkUnmapMemory g\n',
    '  vkUnmapMemory g\n  expect g == VK_SUCCESS\n',
  );
  assert.deepEqual(codes(nvk), []);
  const run = analyse(nvk).scenarios[0]!.run;
  assert.deepEqual(
    run.simulation.expects.filter((e) => e.passed !== true).map((e) => e.detail),
    [],
  );
  assert.ok(
    callsOf(nvk, 3).some((c) => /^nvk: mmap\(0x1_0000, 0x1_0000, PROT_READ\|PROT_WRITE, MAP_SHARED/.test(c)),
    callsOf(nvk, 3).join('\n'),
  );
  for (const preset of ['anv']) {
    const refused = importing(preset, '64KiB', '128KiB').replace(
      '  p = vkMapMemory g\n  vkUnmapMemory g\n',
      '  expect g == VK_ERROR_INVALID_EXTERNAL_HANDLE\n',
    );
    assert.deepEqual(codes(refused), [], preset);
    assert.deepEqual(
      analyse(refused)
        .scenarios[0]!.run.simulation.expects.filter((e) => e.passed !== true)
        .map((e) => e.detail),
      [],
      preset,
    );
  }
});
