// SortedRuns keeps items in sorted runs for the importers (a device's BOs by fake offset, known
// mappings by start): searched run by run, it finds what one sorted array would, and an add moves
// O(log n) items, not every item above the new one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstIndex } from '../../../server/src/engine/first-index';
import { SortedRuns } from '../../../server/src/engine/import/sorted-runs';

interface Item {
  readonly key: number;
  readonly id: number;
}

function newRuns(): SortedRuns<Item> {
  return new SortedRuns<Item>(
    (a, b) => a.key < b.key,
    (items) => ({ items }),
  );
}

/** The item with the greatest key at or below `key`, the newest of equals (as strace.ts asks). */
function lastAtOrBelow(runs: SortedRuns<Item>, key: number): Item | undefined {
  let found: Item | undefined;
  for (const { items } of runs.runs) {
    const candidate = items[firstIndex(items.length, (i) => items[i]!.key <= key) - 1];
    if (candidate !== undefined && (found === undefined || candidate.key >= found.key)) found = candidate;
  }
  return found;
}

test('searched run by run, the runs answer as one sorted array would', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 55 }))),
      (ops) => {
        const runs = newRuns();
        const all: Item[] = [];
        ops.forEach(([key, ask], id) => {
          runs.add({ key, id });
          all.push({ key, id });
          const expected = [...all]
            .reverse()
            .reduce<Item | undefined>(
              (best, item) => (item.key <= ask && (best === undefined || item.key > best.key) ? item : best),
              undefined,
            );
          assert.deepEqual(lastAtOrBelow(runs, ask), expected);
          const keys = runs.runs.flatMap((r) => r.items.map((i) => i.key));
          assert.equal(keys.length, all.length);
          for (const r of runs.runs)
            r.items.forEach((item, i) => i === 0 || assert.ok(r.items[i - 1]!.key <= item.key));
        });
      },
    ),
    { numRuns: 300 },
  );
});

// The importer's BOs were spliced into one sorted array: each BO at a lower offset than all
// before it moved all of them, n²/2 moves (8.4 million for 4,096; 80,000 BOs took 8.9 s). A
// SortedRuns whose runs are merged whole on every add, as that array, counts the same and fails
// this bound.
test('items added at falling keys, each searched for: an add moves O(log n) items', () => {
  const n = 4096;
  const runs = newRuns();
  for (let id = 0; id < n; id++) {
    const key = n - id;
    runs.add({ key, id });
    assert.equal(lastAtOrBelow(runs, key)?.id, id);
    assert.equal(lastAtOrBelow(runs, key - 1), undefined);
  }
  const bound = n * Math.log2(n);
  assert.ok(runs.moved <= bound, `moved ${runs.moved} > ${bound}`);
});

test('merges drop the items no longer wanted', () => {
  const dead = new Set<number>();
  const runs = new SortedRuns<Item>(
    (a, b) => a.key < b.key,
    (items) => ({ items }),
    (item) => !dead.has(item.id),
  );
  for (let id = 0; id < 4; id++) runs.add({ key: id, id });
  dead.add(1).add(2);
  // The fourth add after them makes runs of 4 and 4, merged into one.
  for (let id = 4; id < 8; id++) runs.add({ key: id, id });
  assert.deepEqual(
    runs.runs.map((r) => r.items.map((i) => i.id)),
    [[0, 3, 4, 5, 6, 7]],
  );
});
