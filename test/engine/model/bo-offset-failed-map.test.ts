// A GEM object's fake mmap offset is made once (drm_gem_create_mmap_offset) and lasts as long as
// the object: a map that fails after the driver made the BO leaves the BO, and its offset, the
// memory's, so the next map of the memory maps the same offset and vkFreeMemory releases it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

/** A placed map of `m` the kernel refuses (its address is sealed), then `after`. */
const FAILED_MAP = (after: string) => `scenario "f" {
  low = mmap 64KiB rw private anon at 0x2000_0000 fixed-noreplace
  mseal low, 64KiB
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000
  expect p == VK_ERROR_MEMORY_MAP_FAILED
${after}
}
`;

/** The fake offsets (the mmap offset argument) of the driver's BO mmaps, in order. */
function boOffsets(text: string): string[] {
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return analysis.scenarios[0]!.run.simulation.records.flatMap((r) =>
    r.calls
      .filter((c) => c.actor === 'driver' && c.text.startsWith('mmap(') && c.text.includes('MAP_SHARED'))
      .map((c) => /, (0x[0-9a-f_]+)\)$/.exec(c.text)![1]!),
  );
}

test('after a failed map the same BO is mapped at the same fake offset (review: Vulkan, finding 5)', () => {
  assert.deepEqual(boOffsets(FAILED_MAP('  q = vkMapMemory2 m')), ['0x1_0000_0000', '0x1_0000_0000']);
});

test('the BO of a memory whose only map failed is freed with it: the next BO takes its offset', () => {
  const text = FAILED_MAP(
    '  vkFreeMemory m\n  n = vkAllocateMemory 64KiB host-visible\n  q = vkMapMemory2 n',
  );
  assert.deepEqual(boOffsets(text), ['0x1_0000_0000', '0x1_0000_0000']);
});

test("another memory's BO gets an offset of its own, while the failed map's BO is still m's", () => {
  const text = FAILED_MAP(
    '  n = vkAllocateMemory 64KiB host-visible\n  q = vkMapMemory2 n\n  s = vkMapMemory2 m',
  );
  assert.deepEqual(boOffsets(text), ['0x1_0000_0000', '0x1_0001_0000', '0x1_0000_0000']);
});

test('a map, an unmap and a map again keep the offset, as before', () => {
  const text = `scenario "again" {
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m
  vkUnmapMemory2 m
  q = vkMapMemory2 m
}
`;
  assert.deepEqual(boOffsets(text), ['0x1_0000_0000', '0x1_0000_0000']);
});
