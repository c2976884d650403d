// A placed map after the application's own map and unmap of the same memory. RADV, ANV and
// Turnip drop the application's mapping at vkUnmapMemory2 (radv_amdgpu_winsys_bo_unmap sets
// `cpu_map` to NULL, anv_UnmapMemory2KHR clears `mem->map`, tu_bo_unmap clears `bo->map`), so the
// placed map finds nothing mapped and H4 does not apply; a driver that keeps its mapping
// (`caches-pointer`) or maps at allocation and was never unmapped still cannot re-place it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const MAP_UNMAP_PLACE = (traits: string, properties = 'host-visible') => `scenario "r" {
  driver gpu {
${traits}
  }
  m = vkAllocateMemory 64KiB ${properties}
  p = vkMapMemory2 m
  vkUnmapMemory2 m
  q = vkMapMemory2 m placed at 0x2000_0000
  expect q == 0x2000_0000
}
`;

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => d.code);

for (const preset of ['radv', 'anv', 'turnip', 'nvk'])
  test(`preset ${preset}: map, unmap, then a placed map succeeds (review: Vulkan, finding 2)`, () => {
    assert.deepEqual(codes(MAP_UNMAP_PLACE(`    preset ${preset}`)), []);
  });

test("turnip's cached non-coherent memory, mapped at allocation, is dropped at the first unmap too (tu_bo_unmap)", () => {
  assert.deepEqual(codes(MAP_UNMAP_PLACE('    preset turnip', 'host-visible cached')), []);
});

test('turnip: a placed map of cached non-coherent memory before any unmap still fails (H3, H4)', () => {
  const text = `scenario "r" {
  driver gpu {
    preset turnip
  }
  m = vkAllocateMemory 64KiB host-visible cached
  q = vkMapMemory2 m placed at 0x2000_0000
}
`;
  const found = analyseDocument(text).diagnostics;
  assert.deepEqual(
    found.map((d) => d.code),
    ['placed-map-failed'],
  );
  assert.match(found[0]!.message, /at allocation \(H3\)/);
});

test('a driver that caches its pointer keeps its mapping after the unmap, so the placed map fails (H4)', () => {
  const found = analyseDocument(MAP_UNMAP_PLACE('    preset radv\n    caches-pointer')).diagnostics;
  assert.deepEqual(
    found.map((d) => d.code),
    ['placed-map-failed', 'expectation-failed'],
  );
  assert.match(found[0]!.message, /keeps that mapping after vkUnmapMemory \(caches-pointer/);
});

test("radv's writes to application memory are the GPU's: they reach the BO after the unmap, and the next map shows them", () => {
  const text = `scenario "r" {
  driver radv {
    preset radv
  }
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m
  vkUnmapMemory2 m
  g = radv writes m, 16
  q = vkMapMemory2 m
  expect read q, 16 == g
}
`;
  assert.deepEqual(codes(text), []);
});
