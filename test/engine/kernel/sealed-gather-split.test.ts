// do_vmi_munmap's gather step on a range whose later VMA is sealed (linux-mm §2, mseal): from 6.12
// the first VMA is split at the range's start before the walk meets the seal, and the EPERM path
// does not undo it; 6.10 and 6.11 refused the whole range first (can_modify_mm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { kernelView } from '../../../server/src/engine/kernel/vma-set';

const kernelVmasAfter = (kernel: string, failing: string): number => {
  const run = analyseDocument(`scenario "s" {
  kernel ${kernel}
  a = mmap 20KiB rw private anon at 0x4000_0000
  p = mprotect a + 16KiB, 4KiB, r
  s = mseal a + 16KiB, 4KiB
  ${failing}
}
`).scenarios[0]!.run;
  const records = run.simulation.records;
  assert.equal(records[3]!.resultText.includes('EPERM'), true, records[3]!.resultText);
  return kernelView(run.simulation.space.vmasAt(3)).length;
};

test('6.12+: a munmap or a fixed map onto a range reaching a sealed VMA leaves the first VMA split', () => {
  for (const failing of ['u = munmap a + 4KiB, 16KiB', 'f = mmap 16KiB rw private anon at a + 4KiB fixed']) {
    assert.equal(kernelVmasAfter('6.18', failing), 3, failing);
    assert.equal(kernelVmasAfter('6.12', failing), 3, failing);
    assert.equal(kernelVmasAfter('6.11', failing), 2, failing);
  }
});

test('no split when the range starts at the first VMA, or when the first VMA is the sealed one', () => {
  assert.equal(kernelVmasAfter('6.18', 'u = munmap a, 20KiB'), 2);
  assert.equal(kernelVmasAfter('6.18', 'u = munmap a + 16KiB, 4KiB'), 2);
});
