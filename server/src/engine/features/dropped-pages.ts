// What a MADV_DONTNEED step dropped, or a MADV_FREE step freed lazily, said after its result
// wherever a step's result is shown (the panel's timeline, the CLI trace's text and JSON): no
// mapping shows it.
import { hugetlbDontneedEnd, hugetlbTakesDontneed, MADV_DONTNEED, MADV_FREE } from '../kernel/madvise';
import { versionAtLeast } from '../kernel/config';
import { VM_HUGETLB, VM_UFFD_MISSING, type KernelVersion, type Vma } from '../kernel/types';
import { firstIndex } from '../first-index';
import { formatHex } from '../numbers';
import { MadviseCall } from '../sim/calls';
import type { StepRecord } from '../sim/records';
import type { ScenarioRun } from '../sim/run';
import { isPrivateAnon, isShared } from '../kernel/vma';
import { vmasAfter } from './mappings';

/**
 * What a MADV_DONTNEED did, which no mapping shows (the VMA stays as it was): the pages of the
 * private mappings in the range, clipped to it, were dropped, so they read zero (anonymous memory)
 * or the file again, or, registered with userfaultfd, fault to its handler again (whatComesNext).
 * Shared memory keeps its pages: the next access refaults them with their data (kernel/madvise.ts
 * dontneed, man madvise(2)). A hugetlb mapping in the range drops only whole
 * huge pages (droppedPageRuns). A call of length 0 dropped nothing; one that failed
 * with ENOMEM after a hole still advised every mapped part (madvise_walk_vmas), so it is said too;
 * one that a VMA refused part-way (EINVAL: a PFNMAP BO, pre-5.18 hugetlb) advised the VMAs before
 * that one only, as madvise_walk_vmas returns at the first refusal. A MADV_FREE step's note says
 * which pages it freed lazily instead (lazilyFreedNote).
 */
export function droppedPagesNote(run: ScenarioRun, record: StepRecord): string {
  if (
    !record.calls.some(
      (c) => c instanceof MadviseCall && (c.advice === MADV_DONTNEED || c.advice === MADV_FREE),
    )
  )
    return '';
  // The panel asks on every cursor move, and each note replays the timeline: once per record.
  let note = NOTES.get(record);
  if (note === undefined)
    NOTES.set(record, (note = dontneedNote(run, record) + lazilyFreedNote(run, record)));
  return note;
}

/**
 * What a MADV_FREE step freed lazily (kernel/madvise.ts free): the pages that held data, as the
 * kernel marked them (a page never written has nothing to free). They keep their data until
 * reclaim takes them; a read of one is `lazy-freed-read`. A call that failed after advising some
 * mappings (ENOMEM after a hole, EINVAL part-way) names what it freed too; a call that freed
 * nothing says so only when it succeeded (a failed one may have advised no mapping at all).
 */
function lazilyFreedNote(run: ScenarioRun, record: StepRecord): string {
  let succeeded = false;
  let advised = false;
  for (const call of record.calls) {
    if (!(call instanceof MadviseCall) || call.advice !== MADV_FREE || call.length === 0n) continue;
    advised = true;
    succeeded ||= call.ok;
  }
  if (!advised) return '';
  const runs = run.simulation.space.lazilyFreedBy(record.index);
  if (runs.length === 0)
    return succeeded ? '; no page in the range held data (nothing to free lazily: its pages read zero)' : '';
  const pairs: [number, number][] = [];
  for (let i = 0; i < runs.length; i += 2) pairs.push([runs[i]!, runs[i + 1]!]);
  return `; pages ${rangesText(run, pairs)} freed lazily (they keep their data until reclaim takes them, then read zero)`;
}

/** `0x1000_0000..0x1000_4000, 0x1000_8000..0x1000_9000`: page runs as address ranges. */
function rangesText(run: ScenarioRun, runs: readonly (readonly [number, number])[]): string {
  const sim = run.simulation;
  return runs
    .map(([from, to]) => `${formatHex(sim.addressOfPage(from))}..${formatHex(sim.addressOfPage(to))}`)
    .join(', ');
}

/** The notes made, by record: a finished run's records never change. */
const NOTES = new WeakMap<StepRecord, string>();

function dontneedNote(run: ScenarioRun, record: StepRecord): string {
  const sim = run.simulation;
  let note = '';
  for (const call of record.calls) {
    if (!(call instanceof MadviseCall) || call.advice !== MADV_DONTNEED) continue;
    const refusedAt = call.refusedAtPage;
    if (!call.ok && call.errno !== 'ENOMEM' && refusedAt === undefined) continue;
    if (call.length === 0n) continue;
    const end = call.address + ((call.length + sim.pageSize - 1n) / sim.pageSize) * sim.pageSize;
    const first = sim.pageOf(call.address);
    const last = refusedAt ?? sim.pageOf(end);
    // The mappings before the step (a timeline replay: only for a DONTNEED step).
    const before = vmasAfter(run, record.index - 1);
    const touched: Vma[] = [];
    // Sorted by address: from the first that ends above `first`, while they start below `last`.
    for (let i = firstIndex(before.length, (k) => before[k]!.endPage <= first); i < before.length; i++) {
      const v = before[i]!;
      if (v.startPage >= last) break;
      touched.push(v);
    }
    if (touched.length === 0) continue;
    // A call refused at the range's start advised nothing (madvise_walk_vmas returns at the first
    // refusal): its errno and reason say why (VM_LOCKED, VM_PFNMAP). Only a hugetlb VMA's refusal
    // from 5.18 (an unaligned start) has more to say: that it drops whole huge pages only. Before
    // 5.18 can_madv_lru_vma refuses every hugetlb VMA, so there is no huge-page rule to tell.
    const version = sim.space.config.version;
    const hugePageRule = hugetlbTakesDontneed(version) && touched.some((v) => (v.vmFlags & VM_HUGETLB) !== 0);
    if (refusedAt !== undefined && refusedAt <= first && !hugePageRule) continue;
    const runsText = (vmas: readonly Vma[]) => rangesText(run, pageRuns(vmas, first, last));
    const shared = touched.filter((v) => isShared(v));
    const private_ = touched.filter((v) => !isShared(v));
    if (private_.length === 0) {
      note += '; shared pages kept (the next access refaults them with their data)';
      continue;
    }
    const dropped = droppedPageRuns(private_, first, last, version);
    const ordinary = private_.filter((v) => (v.vmFlags & VM_HUGETLB) === 0);
    const next = (subject: string, vmas: readonly Vma[]) => whatComesNext(run, subject, vmas, first, last);
    if (dropped.length === 0) note += '; no page dropped (hugetlb drops whole huge pages only)';
    else if (ordinary.length === private_.length)
      note += `; private pages ${rangesText(run, dropped)} dropped (${next('they', private_)})`;
    else
      note += `; private pages ${rangesText(run, dropped)} dropped (hugetlb: whole huge pages only${versionAtLeast(version, 6, 1) ? '' : ', the end rounded up to the huge page on Linux 5.18–6.0'}${ordinary.length > 0 ? `; ${next('the others', ordinary)}` : ''})`;
    if (shared.length > 0) note += `; shared ones (${runsText(shared)}) kept`;
  }
  return note;
}

/**
 * What the next touch of the dropped (not hugetlb) private pages of [first, last) finds, said of
 * `subject`. In private anonymous memory registered with userfaultfd (VM_UFFD_MISSING) a dropped
 * page is missing again, as before its first touch: the touch faults to the handler (a copy, a
 * zero page, or SIGBUS with `fail`), and nothing reads zero (kernel/userfaultfd.ts).
 */
function whatComesNext(
  run: ScenarioRun,
  subject: string,
  vmas: readonly Vma[],
  first: number,
  last: number,
): string {
  const handled = (v: Vma) => (v.vmFlags & VM_UFFD_MISSING) !== 0 && isPrivateAnon(v);
  const armed = vmas.filter(handled);
  const rest = vmas.filter((v) => !handled(v));
  const missing = 'are missing again: the next touch goes to the userfaultfd handler';
  if (armed.length === 0)
    return `${subject} read ${whatDroppedPagesRead(rest, first, last, run.simulation.pageSize)} again`;
  if (rest.length === 0) return `${subject} ${missing}`;
  return `${subject} read ${whatDroppedPagesRead(rest, first, last, run.simulation.pageSize)} again, except ${rangesText(run, pageRuns(armed, first, last))}, which ${missing}`;
}

/**
 * What the dropped private pages of [first, last) read next: zero for anonymous memory, the file
 * for a file's private copy, and SIGBUS for a page of it past the file's end (linux-mm §1.1 row 21).
 */
function whatDroppedPagesRead(vmas: readonly Vma[], first: number, last: number, pageBytes: bigint): string {
  const anonymous = vmas.some((v) => isPrivateAnon(v));
  const files = vmas.filter((v) => !isPrivateAnon(v));
  const pastEnd = files.some((v) => {
    const size = v.object.sizeBytes;
    const lastDropped = Math.min(v.endPage, last) - 1;
    if (size === undefined || lastDropped < Math.max(v.startPage, first)) return false;
    return BigInt(v.pgoff + lastDropped - v.startPage) * pageBytes >= size;
  });
  const file = pastEnd ? 'the file (SIGBUS past its end)' : 'the file';
  return anonymous && files.length > 0 ? `zero, or ${file},` : anonymous ? 'zero' : file;
}

/**
 * The pages of the private mappings `vmas` a MADV_DONTNEED of [first, last) dropped, as runs: all
 * of them, except in a hugetlb mapping, which drops whole huge pages from a huge-page-aligned start
 * only (madvise_dontneed_free_valid_vma: EINVAL for an unaligned start, the end rounded down; up
 * on 5.18–6.0, hugetlbDontneedEnd).
 */
function droppedPageRuns(
  vmas: readonly Vma[],
  first: number,
  last: number,
  version: KernelVersion,
): [number, number][] {
  const runs: [number, number][] = [];
  for (const v of vmas) {
    const from = Math.max(v.startPage, first);
    let to = Math.min(v.endPage, last);
    if ((v.vmFlags & VM_HUGETLB) !== 0) {
      const huge = v.object.pagesPerHugePage ?? 1;
      // An unaligned start is refused, and the walk stops there; the end is rounded within this
      // VMA only, down from 6.1 and up on 5.18–6.0 (hugetlbDontneedEnd; madvise_walk_vmas hands
      // each VMA its own end).
      if (from % huge !== 0) break;
      to = hugetlbDontneedEnd(to, huge, version);
    }
    if (to > from) addRun(runs, from, to);
  }
  return runs;
}

/** The pages of `vmas` (sorted, not overlapping) within [first, last), adjacent ones merged. */
function pageRuns(vmas: readonly Vma[], first: number, last: number): [number, number][] {
  const runs: [number, number][] = [];
  for (const v of vmas) addRun(runs, Math.max(v.startPage, first), Math.min(v.endPage, last));
  return runs;
}

/** Appends [from, to) to the runs, joining it to the last one when they touch. */
function addRun(runs: [number, number][], from: number, to: number): void {
  const previous = runs[runs.length - 1];
  if (previous && previous[1] === from) previous[1] = to;
  else runs.push([from, to]);
}
