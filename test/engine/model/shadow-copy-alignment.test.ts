// vkMapMemory's pointer minus the offset must be aligned to minMemoryMapAlignment (vulkan-wine
// §1.1): the shadow copy keeps the offset's place in its page, as the driver's direct map does.
// The 16-byte rule is Wine's GL copy path's (§3.6); winevulkan has no shadow copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

/** The pointer `p` a map of `m` at `offset` returns, with the strategy given. */
function mappedAt(strategy: string, offset: string): bigint {
  const text = `scenario "a" {
  ${strategy}
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m offset ${offset} size 0x100
}
`;
  const analysis = analyseDocument(text);
  // The direct map's pointer lies above the window (pointer-outside-window); the shadow's in it.
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    strategy === '' ? ['pointer-outside-window'] : [],
  );
  return analysis.scenarios[0]!.run.vulkan.memories[0]!.appPointer!;
}

for (const offset of [0x110n, 0x1008n, 0x2fffn])
  test(`shadow copy: p - ${offset.toString(16)} is page-aligned, as for a direct map (review: Vulkan, finding 3)`, () => {
    const text = `0x${offset.toString(16)}`;
    assert.equal((mappedAt('strategy shadow-copy', text) - offset) % 4096n, 0n);
    assert.equal((mappedAt('', text) - offset) % 4096n, 0n);
  });

test('shadow copy: the data at the offset is copied in, and a whole map starts at the shadow buffer', () => {
  const text = `scenario "a" {
  strategy shadow-copy
  m = vkAllocateMemory 64KiB host-visible
  g = device writes m + 0x1010, 16
  p = vkMapMemory m offset 0x1000 size 0x100
  expect read p + 0x10, 16 == g
  vkUnmapMemory m
  q = vkMapMemory m
}
`;
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    [],
  );
  assert.equal(analysis.scenarios[0]!.run.vulkan.memories[0]!.appPointer! % 0x1_0000n, 0n);
});
