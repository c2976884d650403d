// A driver's cached pointer left pointing at nothing: stale-pointer reports it, saying the
// access faults, and access-fault does not report the same access again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const scenario = (strategy: string, after = '') => `scenario "s" {
  driver gpu {
    caches-pointer
  }
  strategy ${strategy}
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  gpu writes mem, 4
${after}
}`;

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`);

test('a stale pointer into nothing: one stale-pointer error, no second access-fault', () => {
  assert.deepEqual(codes(scenario('remap-move')), ['error stale-pointer']);
});

test('so `expect diagnostic stale-pointer` leaves the scenario clean', () => {
  assert.deepEqual(codes(scenario('remap-move', '  expect diagnostic stale-pointer')), [
    'info stale-pointer',
  ]);
});

test('a fault with no stale pointer behind it is still an access-fault', () => {
  const text = 'scenario "f" {\n  a = mmap 4KiB rw private anon\n  munmap a, 4KiB\n  write a, 1\n}';
  assert.deepEqual(codes(text), ['error access-fault']);
});
