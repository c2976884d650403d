// A `maps pool` driver whose pool has no room gives the memory a dedicated BO
// (model/driver-ops.ts): mapped at vkMapMemory, unmapped and freed as one, and never returned to
// the pool, whose free list only takes back the slots it handed out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from './helpers';

const slab = (traits: string, steps: string) => `scenario "slab" {
  large-address-aware
  driver slab {
    maps pool
    pool-size 1MiB
${traits}
  }
  a = vkAllocateMemory 768KiB host-visible
  b = vkAllocateMemory 512KiB host-visible
${steps}
}
`;

const problems = (text: string) => analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

test('freeing the dedicated BO of a full pool does not hand out a live slot again', () => {
  const text = slab(
    '',
    `  vkFreeMemory b
  c = vkAllocateMemory 4KiB host-visible
  pa = vkMapMemory2 a
  pc = vkMapMemory2 c
  expect pa != pc
  expect pc == pa + 768KiB`,
  );
  assert.deepEqual(problems(text), []);
});

test('the dedicated BO of a full pool is unmapped at vkUnmapMemory, or at vkFreeMemory when the driver keeps its pointer', () => {
  const steps = `  pb = vkMapMemory2 b
  vkUnmapMemory2 b
  vkFreeMemory b
  expect unmapped pb, 512KiB`;
  assert.deepEqual(problems(slab('', steps)), []);
  assert.deepEqual(problems(slab('    caches-pointer', steps)), []);
  // Kept mapped between vkUnmapMemory and vkFreeMemory when the driver caches its pointer.
  const kept = `  pb = vkMapMemory2 b
  vkUnmapMemory2 b
  expect mapped pb, 512KiB`;
  assert.deepEqual(problems(slab('    caches-pointer', kept)), []);
});
