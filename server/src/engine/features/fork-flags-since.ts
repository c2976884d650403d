// Since which step a mapping has carried each fork flag (VM_DONTCOPY from MADV_DONTFORK,
// VM_WIPEONFORK from MADV_WIPEONFORK or MAP_DROPPABLE), page by page: the provenance the panel
// shows beside the flag, as it shows the step that made the mapping. The kernel keeps no such
// step, and a flagged range outlives the record madvise made (an mprotect splits it, an mremap
// moves it, two flagged neighbours merge into one VMA), so it is read from the timeline: a record
// a step added keeps, on each page, the step of the record the same step removed (what it was
// split, merged or moved from) that carried the flag there, and carries it since this step on
// the pages none did. A merged mapping so names every step that flagged part of it: the one
// step that finished it would send whoever hunts the madvise to a line that misses some pages.
import type { ScenarioRun } from '../sim/run';
import { VM_DONTCOPY, VM_WIPEONFORK, type Vma } from '../kernel/types';

/** The fork flags: the advice word that sets each, and the kernel's name for it. */
export const FORK_FLAGS: readonly {
  readonly advice: 'dontfork' | 'wipeonfork';
  readonly flag: string;
  readonly bit: number;
}[] = [
  { advice: 'dontfork', flag: 'VM_DONTCOPY', bit: VM_DONTCOPY },
  { advice: 'wipeonfork', flag: 'VM_WIPEONFORK', bit: VM_WIPEONFORK },
];

export function hasForkFlags(vma: Vma): boolean {
  return (vma.vmFlags & (VM_DONTCOPY | VM_WIPEONFORK)) !== 0;
}

/**
 * Pages [start, end) of a mapping, counted from its first page, that have carried a fork flag
 * since `step` (-1: set-up).
 */
export interface ForkFlagPart {
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

type PartsByBit = Map<number, readonly ForkFlagPart[]>;

/** Each flagged record's parts per fork bit, computed once per run. */
const byRun = new WeakMap<ScenarioRun, Map<Vma, PartsByBit>>();

/**
 * Since which steps `vma` (a record of the run's timeline) has carried fork flag `bit`: its pages
 * in address order, adjacent pages of one step in one part.
 */
export function forkFlagParts(run: ScenarioRun, vma: Vma, bit: number): readonly ForkFlagPart[] | undefined {
  let since = byRun.get(run);
  if (since === undefined) {
    since = walkForkFlags(run);
    byRun.set(run, since);
  }
  return since.get(vma)?.get(bit);
}

function walkForkFlags(run: ScenarioRun): Map<Vma, PartsByBit> {
  const since = new Map<Vma, PartsByBit>();
  const space = run.simulation.space;
  const set = (vma: Vma, bit: number, parts: readonly ForkFlagPart[]) => {
    const bits = since.get(vma) ?? new Map<number, readonly ForkFlagPart[]>();
    bits.set(bit, parts);
    since.set(vma, bits);
  };
  // The walk starts from the set-up's state: what a driver flagged there is flagged since set-up.
  for (const vma of space.vmasAt(-1))
    for (const { bit } of FORK_FLAGS)
      if ((vma.vmFlags & bit) !== 0) set(vma, bit, [{ start: 0, end: pagesOf(vma), step: -1 }]);
  const walk = space.walkTimeline();
  const steps = run.simulation.records.length;
  for (let step = 0; step < steps; step++) {
    const { removed, added } = walk.after(step);
    for (const vma of added) {
      if (!hasForkFlags(vma)) continue;
      for (const { bit } of FORK_FLAGS)
        if ((vma.vmFlags & bit) !== 0) set(vma, bit, inheritedParts(vma, bit, removed, since, step));
    }
  }
  return since;
}

const pagesOf = (vma: Vma): number => vma.endPage - vma.startPage;

/**
 * The parts of `vma` flagged with `bit`: each page keeps the step of the record `removed` (by
 * step `step`) that carried the flag on it, matched by object and page offset (a split or merge
 * keeps them); else, when none matches, the parts of one flagged record of the object as large
 * as `vma` (a whole move, where the kernel may reset a never-faulted anonymous mapping's
 * offset). Pages no removed record flagged were flagged by `step`.
 */
function inheritedParts(
  vma: Vma,
  bit: number,
  removed: readonly Vma[],
  since: ReadonlyMap<Vma, PartsByBit>,
  step: number,
): readonly ForkFlagPart[] {
  const from = vma.pgoff;
  const pages = pagesOf(vma);
  const kept: ForkFlagPart[] = [];
  let moved: readonly ForkFlagPart[] | undefined;
  for (const r of removed) {
    if (r.object !== vma.object || (r.vmFlags & bit) === 0) continue;
    const parts = since.get(r)?.get(bit);
    if (parts === undefined) continue;
    if (r.pgoff < from + pages && from < r.pgoff + pagesOf(r)) {
      // The removed record's parts, counted from the new record's first page, cut to it.
      const shift = r.pgoff - from;
      for (const p of parts) {
        const start = Math.max(p.start + shift, 0);
        const end = Math.min(p.end + shift, pages);
        if (start < end) kept.push({ start, end, step: p.step });
      }
    } else if (pagesOf(r) === pages) moved = parts;
  }
  if (kept.length === 0) return moved ?? [{ start: 0, end: pages, step }];
  kept.sort((a, b) => a.start - b.start);
  const parts: ForkFlagPart[] = [];
  const add = (start: number, end: number, from: number) => {
    if (start >= end) return;
    const last = parts[parts.length - 1];
    if (last !== undefined && last.step === from && last.end === start)
      parts[parts.length - 1] = { start: last.start, end, step: from };
    else parts.push({ start, end, step: from });
  };
  let reached = 0;
  for (const p of kept) {
    add(reached, p.start, step); // a gap: this step flagged those pages
    add(Math.max(p.start, reached), p.end, p.step);
    if (p.end > reached) reached = p.end;
  }
  add(reached, pages, step);
  return parts;
}
