// The index hover reads "what happened to this range since" from (features/range-events.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { stepsTouching } from '../../../server/src/engine/features/range-events';

test('the steps whose effects touch a page range, between two steps, each once, up to a limit', () => {
  const text = `scenario "s" {
  a = mmap 16KiB rw private anon at 0x1000_0000 fixed
  mprotect a, 4KiB, r
  b = mmap 4KiB rw private anon at 0x2000_0000 fixed
  munmap a + 12KiB, 4KiB
  write a, 4, 1
  munmap a, 16KiB
  munmap b, 4KiB
}
`;
  const records = analyseDocument(text).scenarios[0]!.run.simulation.records;
  const a = 0x1000_0000 / 4096;
  const b = 0x2000_0000 / 4096;
  const all = Number.POSITIVE_INFINITY;
  // The write (step 4) changes contents, not the mapping; step 5's munmap splits into one effect.
  assert.deepEqual(stepsTouching(records, a, a + 4, 0, all, 10), [1, 3, 5]);
  assert.deepEqual(stepsTouching(records, a, a + 4, -1, all, 10), [0, 1, 3, 5]);
  assert.deepEqual(stepsTouching(records, a, a + 4, 0, 3, 10), [1, 3]);
  assert.deepEqual(stepsTouching(records, a, a + 4, 0, all, 2), [1, 3]);
  assert.deepEqual(stepsTouching(records, a + 1, a + 2, 0, all, 10), [5]);
  assert.deepEqual(stepsTouching(records, b, b + 1, 0, all, 10), [2, 6]);
});
