// What a successful MADV_DONTNEED step dropped, said after its result wherever a step's result is
// shown (the panel's timeline, the CLI trace's text and JSON): no mapping shows it.
import { MADV_DONTNEED } from '../kernel/madvise';
import { VM_HUGETLB } from '../kernel/types';
import { formatHex } from '../numbers';
import { MadviseCall } from '../sim/calls';
import type { StepRecord } from '../sim/records';
import type { ScenarioRun } from '../sim/run';
import { isShared } from '../kernel/vma';
import { vmasAfter } from './mappings';

/**
 * What a successful MADV_DONTNEED did, which no mapping shows (the VMA stays as it was): the
 * range whose private pages were dropped, so they read zero (anonymous memory) or the file
 * again. Shared memory keeps its pages: the next access refaults them with their data
 * (kernel/madvise.ts dontneed, man madvise(2)). A hugetlb mapping in the range drops only whole
 * huge pages, so there the range is not given. A call of length 0 dropped nothing.
 */
export function droppedPagesNote(run: ScenarioRun, record: StepRecord): string {
  const sim = run.simulation;
  let note = '';
  for (const call of record.calls) {
    if (!(call instanceof MadviseCall) || call.advice !== MADV_DONTNEED || !call.ok) continue;
    if (call.length === 0n) continue;
    const end = call.address + ((call.length + sim.pageSize - 1n) / sim.pageSize) * sim.pageSize;
    const first = sim.pageOf(call.address);
    const last = sim.pageOf(end);
    // The mappings before the step (a timeline replay: only for a DONTNEED step).
    const touched = vmasAfter(run, record.index - 1).filter((v) => v.startPage < last && v.endPage > first);
    const shared = touched.some((v) => isShared(v));
    if (!touched.some((v) => !isShared(v))) {
      note += '; shared pages kept (the next access refaults them with their data)';
      continue;
    }
    note += touched.some((v) => (v.vmFlags & VM_HUGETLB) !== 0)
      ? '; private pages dropped (hugetlb: whole huge pages only)'
      : `; private pages ${formatHex(call.address)}..${formatHex(end)} dropped (they read zero, or the file, again)`;
    if (shared) note += '; shared ones kept';
  }
  return note;
}
