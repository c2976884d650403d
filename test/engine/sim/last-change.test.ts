// Simulation.lastChangeAt: the last call that changed a page of a range, optionally looking back
// from one call of a recorded step (what fixed-clobber asks of the DONTUNMAP it may be undoing),
// and, while an expectation or a step runs, through the calls not yet in a record too.
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

// lavapipe caches its pointer at vkMapMemory, then Wine's MREMAP_DONTUNMAP (same step) empties it.
const staleAfterDontunmap = (between: string, check: string) => `scenario "lvp" {
  kernel 6.6
  strategy remap-dontunmap
  driver lvp {
    preset lavapipe
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
