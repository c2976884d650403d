// What a successful MADV_DONTNEED step dropped, said after its result wherever a step's result is
// shown (the panel's timeline, the CLI trace's text and JSON): no mapping shows it.
import { MADV_DONTNEED } from '../kernel/madvise';
import { VM_HUGETLB } from '../kernel/types';
import { formatHex } from '../numbers';
import { MadviseCall } from '../sim/calls';
import type { StepRecord } from '../sim/records';
import type { ScenarioRun } from '../sim/run';
import { vmasAfter } from './mappings';

/**
 * What a successful MADV_DONTNEED did, which no mapping shows (the VMA stays as it was): the
 * range whose private pages were dropped, so they read zero (anonymous memory) or the file
 * again; shared memory keeps its pages (kernel/madvise.ts dontneed, man madvise(2)). A hugetlb
 * mapping in the range drops only whole huge pages, so there the range is not given.
 */
export function droppedPagesNote(run: ScenarioRun, record: StepRecord): string {
  const sim = run.simulation;
  let note = '';
  for (const call of record.calls) {
    if (!(call instanceof MadviseCall) || call.advice !== MADV_DONTNEED || !call.ok) continue;
    const end = call.address + ((call.length + sim.pageSize - 1n) / sim.pageSize) * sim.pageSize;
    const first = sim.pageOf(call.address);
    const last = sim.pageOf(end);
    // Replaying the timeline to the step before is the costly part: only a run that made a
    // hugetlb mapping needs it.
    const hugetlb =
      madeHugetlb(run) &&
      vmasAfter(run, record.index - 1).some(
        (v) => v.startPage < last && v.endPage > first && (v.vmFlags & VM_HUGETLB) !== 0,
      );
    note += hugetlb
      ? '; private pages dropped (hugetlb: whole huge pages only)'
      : `; private pages ${formatHex(call.address)}..${formatHex(end)} dropped (they read zero, or the file, again)`;
  }
  return note;
}

const hugetlbRuns = new WeakMap<ScenarioRun, boolean>();

function madeHugetlb(run: ScenarioRun): boolean {
  let made = hugetlbRuns.get(run);
  if (made === undefined) {
    made = run.simulation.records.some((r) =>
      r.calls.some((c) => c.effects.some((e) => e.kind === 'mapped' && (e.vma.vmFlags & VM_HUGETLB) !== 0)),
    );
    hugetlbRuns.set(run, made);
  }
  return made;
}
