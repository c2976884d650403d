// AppMapped answers the placed-map overlap check (VUID 09578) from objects sorted by host start;
// it must find exactly what a scan of every mapped object finds, in allocation order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppMapped, hostRangeOf } from '../../../server/src/engine/model/app-mapped';
import type { VkMemory } from '../../../server/src/engine/model/vk-memory';

function fakeMemory(i: number, start: number, pages: number, placedByWine: boolean): VkMemory {
  const size = BigInt(pages * 0x1000);
  const at = BigInt(start * 0x1000);
  return {
    name: `m${i}`,
    allocStep: i,
    allocationSize: size,
    appPointer: placedByWine ? at + 0x100n : at,
    mapSize: placedByWine ? 0x100n : size,
    ...(placedByWine ? { windowRange: { start: at, size }, driverPointer: at } : {}),
  } as unknown as VkMemory;
}

test('overlapping() is the brute-force scan, in allocation order, through adds and removes', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          start: fc.integer({ min: 0, max: 200 }),
          pages: fc.integer({ min: 1, max: 60 }),
          wine: fc.boolean(),
          removeAfter: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        }),
        { maxLength: 30 },
      ),
      fc.array(
        fc.record({ start: fc.integer({ min: 0, max: 260 }), pages: fc.integer({ min: 1, max: 40 }) }),
        {
          maxLength: 10,
        },
      ),
      (maps, queries) => {
        const mapped = new AppMapped();
        const live: VkMemory[] = [];
        maps.forEach((m, i) => {
          const memory = fakeMemory(i, m.start, m.pages, m.wine);
          mapped.add(memory);
          live.push(memory);
          const gone = maps.findIndex((x, j) => j < i && x.removeAfter !== undefined && x.removeAfter === i);
          if (gone >= 0) {
            const victim = live.find((x) => x.allocStep === gone);
            if (victim) {
              mapped.remove(victim);
              live.splice(live.indexOf(victim), 1);
            }
          }
        });
        for (const q of queries) {
          const start = BigInt(q.start * 0x1000);
          const end = start + BigInt(q.pages * 0x1000);
          const expected = live
            .filter((m) => {
              const r = hostRangeOf(m)!;
              return start < r.end && r.start < end;
            })
            .sort((a, b) => a.allocStep - b.allocStep)
            .map((m) => m.name);
          assert.deepEqual(
            mapped.overlapping(start, end).map((m) => m.name),
            expected,
          );
        }
        assert.deepEqual(
          mapped.inOrder.map((m) => m.name),
          [...live].sort((a, b) => a.allocStep - b.allocStep).map((m) => m.name),
        );
      },
    ),
    { numRuns: 500 },
  );
});
