// Simulation.lastChangeAt: the last call that changed a page of a range, optionally looking back
// from one call of a recorded step (what fixed-clobber asks of the DONTUNMAP it may be undoing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

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
