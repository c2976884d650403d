// The first fit in the 32-bit window (Simulation.findWindowSpace) is found by the VMA set's gap
// search; it must answer what a walk over every gap (windowGaps) answers, whatever the layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from '../../../server/src/engine/syntax/parser';
import { runScenario } from '../../../server/src/engine/sim/run';
import { alignUp } from '../../../server/src/engine/numbers';

const PAGE = 0x1000;

function firstFitByGaps(
  gaps: readonly [bigint, bigint][],
  size: bigint,
  alignment: bigint,
): bigint | undefined {
  for (const [start, end] of gaps) {
    const candidate = alignUp(start, alignment);
    if (candidate + size <= end) return candidate;
  }
  return undefined;
}

test('findWindowSpace is the first aligned fit among the window gaps', () => {
  fc.assert(
    fc.property(
      // Mappings placed in the first 4 MiB of a 4 MiB window, by page.
      fc.array(
        fc.record({ page: fc.integer({ min: 0, max: 1023 }), pages: fc.integer({ min: 1, max: 40 }) }),
        {
          maxLength: 40,
        },
      ),
      fc.array(fc.record({ pages: fc.integer({ min: 1, max: 300 }), align: fc.constantFrom(1, 4, 16) }), {
        minLength: 1,
        maxLength: 8,
      }),
      (maps, queries) => {
        const lines = ['scenario "w" {', '  window 0x10_0000 .. 0x50_0000'];
        maps.forEach((m, i) => {
          const at = 0x10_0000 + m.page * PAGE;
          const pages = Math.min(m.pages, 1024 - m.page);
          lines.push(`  r${i} = mmap ${pages * 4}KiB rw private anon at 0x${at.toString(16)} fixed by wine`);
        });
        lines.push('}');
        const text = lines.join('\n');
        const run = runScenario(parse(text).scenarios[0]!, text);
        const sim = run.simulation;
        const gaps = sim.windowGaps();
        // The stats a window-exhausted message quotes, summed over the same gaps.
        const sizes = gaps.map(([s, e]) => e - s);
        const stats = sim.windowStats();
        assert.equal(
          stats.freeBytes,
          sizes.reduce((a, b) => a + b, 0n),
        );
        assert.equal(
          stats.largestFree,
          sizes.reduce((a, b) => (b > a ? b : a), 0n),
        );
        for (const q of queries) {
          const size = BigInt(q.pages * PAGE);
          const alignment = BigInt(q.align * PAGE);
          assert.equal(sim.findWindowSpace(size, alignment), firstFitByGaps(gaps, size, alignment));
        }
      },
    ),
    { numRuns: 300 },
  );
});
