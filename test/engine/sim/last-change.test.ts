// Simulation.lastChangeAt: the last call that changed a page of a range, optionally looking back
// from one call of a recorded step (what fixed-clobber asks of the DONTUNMAP it may be undoing),
// and, while an expectation or a step runs, through the calls not yet in a record too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { LastChangeIndex } from '../../../server/src/engine/sim/last-change-index';
import { effectPages } from '../../../server/src/engine/kernel/effect-pages';
import type { StepRecord } from '../../../server/src/engine/sim/records';

const text = `scenario "changes" {
  a = mmap 64KiB rw private anon
  munmap a + 48KiB, 4KiB
  mprotect a, 16KiB, r
}
`;

test('lastChangeAt finds the last change of any page of the range, before a given call when asked', () => {
  const sim = analyseDocument(text).scenarios[0]!.run.simulation;
  const mapped = sim.records[0]!.calls.flatMap((c) => c.effects).find((e) => e.kind === 'mapped');
  assert.ok(mapped?.kind === 'mapped');
  const a = mapped.vma.startPage;
  // A protection change keeps the pages: the mmap is the last change of the first pages.
  assert.equal(sim.lastChangeAt(a)?.step, 0);
  assert.equal(sim.lastChangeAt(a, a + 4)?.step, 0);
  // The range reaches the page the munmap took.
  assert.equal(sim.lastChangeAt(a, a + 16)?.step, 1);
  // Looking back from the munmap's own call, only the mmap is before it.
  assert.equal(sim.lastChangeAt(a, a + 16, { step: 1, call: 0 })?.step, 0);
  assert.equal(sim.lastChangeAt(a, a + 16, { step: 0, call: 0 }), undefined);
});

// lavapipe caches its pointer at vkMapMemory, then Wine's MREMAP_DONTUNMAP (same step) empties it.
const staleAfterDontunmap = (between: string, check: string) => `scenario "lvp" {
  kernel 6.6
  strategy remap-dontunmap
  driver lvp {
    preset lavapipe
    backing anon
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
${between}  ${check}
}
`;

test('an expectation right after a step sees that step’s own calls: the stale read is blamed on the DONTUNMAP (H11)', () => {
  // With an unrelated step between, the answer was already right; it must not depend on that step.
  for (const between of ['', '  x = mmap 4KiB rw private anon\n']) {
    const analysis = analyseDocument(staleAfterDontunmap(between, 'expect lvp reads mem, 4 != zero'));
    const messages = analysis.diagnostics.map((d) => d.message);
    const failed = messages.find((m) => m.startsWith('expectation failed: lvp reads'));
    assert.ok(failed, messages.join('\n'));
    assert.match(failed, /wine's MREMAP_DONTUNMAP at step 2 left empty.*\(H11\)/, failed);
    assert.doesNotMatch(failed, /\(H2\)/);
  }
});

// The index lastChangeAt answers from (sim/last-change-index.ts) must give the walk's exact answer:
// the same step, call and effect, for single pages and ranges, read from the start or caught up
// call by call as a run grows (the last record grows too, when expectations add their calls).
test('the last-change index answers as the backward walk does, over random runs, however it is caught up', () => {
  let seed = 20240611;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const base = 0x1000_0000;
  const address = (page: number) => `0x${(base + page * 0x1000).toString(16)}`;
  const span = () => `${(1 + random(6)) * 4}KiB`;
  const step = (): string => {
    const at = address(random(48));
    switch (random(7)) {
      case 0:
        return `mmap ${span()} rw private anon at ${at} fixed`;
      case 1:
        return `munmap ${at}, ${span()}`;
      case 2:
        return `mprotect ${at}, ${span()}, r`;
      case 3:
        return `madvise ${at}, ${span()}, dontneed`;
      case 4: {
        const size = span();
        return `mremap ${at}, ${size}, ${size}, maymove | fixed, ${address(random(48))}`;
      }
      case 5:
        return `mremap ${at}, 4KiB, 4KiB, maymove | dontunmap`;
      default: {
        // A step of several calls (lavapipe's mmap, then Wine's MREMAP_DONTUNMAP).
        const name = `m${memories++}`;
        return `${name} = vkAllocateMemory ${span()} host-visible coherent\n  vkMapMemory ${name}`;
      }
    }
  };
  let compared = 0;
  let memories = 0;
  let several = 0;
  for (let run = 0; run < 30; run++) {
    const steps = Array.from({ length: 25 }, step);
    const text = `scenario "random" {\n  strategy remap-dontunmap\n  driver lvp {\n    preset lavapipe\n    backing anon\n  }\n  mmap 192KiB rw private anon at ${address(0)} fixed\n${steps.map((s) => `  ${s}\n`).join('')}}\n`;
    const sim = analyseDocument(text).scenarios[0]!.run.simulation;
    const records = sim.records;
    several += records.filter((r) => r.calls.length > 1).length;
    const last = records.length - 1;
    const walk = (page: number, end: number, step = last, call = records[last]!.calls.length) =>
      sim.lastChangeAt(page, end, { step, call });
    const page = () => base / 0x1000 - 2 + random(60);
    // Read at once from the finished run (the first question builds it from every record).
    for (let q = 0; q < 40; q++) {
      const from = page();
      const end = from + (q % 2 === 0 ? 1 : 1 + random(12));
      const indexed = sim.lastChangeAt(from, end);
      const walked = walk(from, end);
      assert.deepEqual(
        indexed && { ...indexed },
        walked && { ...walked },
        `run ${run}: pages ${from}..${end}`,
      );
      if (walked) assert.ok(indexed!.call === walked.call && indexed!.effect === walked.effect);
      compared += walked ? 1 : 0;
    }
    // Caught up as the run grows, a call at a time: a prefix of the records, its last one partial.
    const index = new LastChangeIndex();
    for (let s = 0; s < records.length; s++) {
      const calls = records[s]!.calls;
      for (let c = 0; c <= calls.length; c++) {
        const prefix = [...records.slice(0, s), { ...records[s]!, calls: calls.slice(0, c) } as StepRecord];
        // Random pages, and the pages of the call just added (a call's pages are asked about once).
        const asked = [0, 1, 2].map(() => page());
        if (c > 0) for (const effect of calls[c - 1]!.effects) asked.push(effectPages(effect)[0]);
        for (const from of asked) {
          const end = from + 1 + random(4);
          const indexed = index.lastChangeAt(prefix, from, end);
          const walked = walk(from, end, s, c);
          assert.ok(
            indexed?.call === walked?.call && indexed?.effect === walked?.effect,
            `run ${run}: step ${s}, call ${c}`,
          );
          assert.equal(indexed?.step, walked?.step);
        }
      }
    }
  }
  assert.ok(compared > 500, `only ${compared} answers compared`);
  assert.ok(several > 30, `only ${several} steps of several calls`);
});
