// One kernel VMA of many records (adjacent private maps merge; every DONTUNMAP source merges with
// the one before): the model's work per call must not grow with the records the VMA holds
// (review: robustness, findings 1 and 2), and its answers must stay those of the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { ObjectTable } from '../../../server/src/engine/kernel/objects';

/** How many records the kernel model hands to the users bookkeeping while `run` runs. */
function recordsTouched(run: () => void): number {
  const original = ObjectTable.prototype.updateUsers;
  let touched = 0;
  ObjectTable.prototype.updateUsers = function (removed, inserted) {
    touched += removed.length + inserted.length;
    original.call(this, removed, inserted);
  };
  try {
    run();
  } finally {
    ObjectTable.prototype.updateUsers = original;
  }
  return touched;
}

const scenario = (body: string) => `scenario "s" {\n  a = mmap 4KiB rw private anon\n${body}}\n`;

test('repeated DONTUNMAP moves of one page touch a bounded number of records each, however many the source VMA holds', () => {
  const touched = (n: number) =>
    recordsTouched(() =>
      analyseDocument(
        scenario(
          Array.from({ length: n }, (_, i) => `  b${i} = mremap a, 4KiB, 4KiB, maymove | dontunmap\n`).join(
            '',
          ),
        ),
      ),
    );
  // Rewriting the whole merged VMA on each call touched ~n records per call (n² in all).
  const small = touched(200);
  const large = touched(800);
  assert.ok(large <= 4 * small + 100, `200 calls: ${small} records, 800 calls: ${large}`);
  assert.ok(large <= 800 * 12, `800 calls: ${large} records`);
});

test('a DONTUNMAP source merged with earlier ones still reads zero where its pages went, and the moved pages keep the data', () => {
  const text = scenario(`  w = write a, 4KiB, 0x11
  b1 = mremap a, 4KiB, 4KiB, maymove | dontunmap
  w2 = write a, 4KiB, 0x22
  b2 = mremap a, 4KiB, 4KiB, maymove | dontunmap
  w3 = write a, 4KiB, 0x33
  b3 = mremap a, 4KiB, 4KiB, maymove | dontunmap
  expect read b1, 4KiB == 0x11
  expect read b2, 4KiB == 0x22
  expect read b3, 4KiB == 0x33
  expect read a, 1 == zero
`);
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

test('forty adjacent private maps, merged into one VMA, keep each page its own after unmaps and moves of every other one', () => {
  const maps = Array.from(
    { length: 40 },
    (_, i) => `  m${i} = mmap 4KiB rw private anon\n  w${i} = write m${i}, 4KiB, ${i + 1}\n`,
  );
  const changes = Array.from({ length: 20 }, (_, k) =>
    k % 2 === 0 ? `  munmap m${2 * k}, 4KiB\n` : `  n${k} = mremap m${2 * k}, 4KiB, 8KiB, maymove\n`,
  );
  const checks = Array.from({ length: 20 }, (_, k) => {
    const i = 2 * k + 1;
    return (
      `  expect read m${i}, 4KiB == ${i + 1}\n` +
      (k % 2 === 1 ? `  expect read n${k}, 4KiB == ${2 * k + 1}\n` : '')
    );
  });
  const text = `scenario "s" {\n${maps.join('')}${changes.join('')}${checks.join('')}}\n`;
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});
