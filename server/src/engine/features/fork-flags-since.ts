// Since which step a mapping has carried each fork flag (VM_DONTCOPY from MADV_DONTFORK,
// VM_WIPEONFORK from MADV_WIPEONFORK or MAP_DROPPABLE): the provenance the panel shows beside
// the flag, as it shows the step that made the mapping. The kernel keeps no such step, and a
// flagged range outlives the record madvise made (an mprotect splits it, an mremap moves it), so
// it is read from the timeline: a record a step added carries a flag since that step, unless
// records the same step removed (what it was split, merged or moved from) carried the flag on
// every page it has, in which case it carries it since they did.
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

/** Each flagged record's step per fork bit (-1: set-up), computed once per run. */
const byRun = new WeakMap<ScenarioRun, Map<Vma, Map<number, number>>>();

/** The step since which `vma` (a record of the run's timeline) has carried fork flag `bit`. */
export function forkFlagSince(run: ScenarioRun, vma: Vma, bit: number): number | undefined {
  let since = byRun.get(run);
  if (since === undefined) {
    since = walkForkFlags(run);
    byRun.set(run, since);
  }
  return since.get(vma)?.get(bit);
}

function walkForkFlags(run: ScenarioRun): Map<Vma, Map<number, number>> {
  const since = new Map<Vma, Map<number, number>>();
  const space = run.simulation.space;
  const set = (vma: Vma, bit: number, step: number) => {
    const bits = since.get(vma) ?? new Map<number, number>();
    bits.set(bit, step);
    since.set(vma, bits);
  };
  // The walk starts from the set-up's state: what a driver flagged there is flagged since set-up.
  for (const vma of space.vmasAt(-1))
    for (const { bit } of FORK_FLAGS) if ((vma.vmFlags & bit) !== 0) set(vma, bit, -1);
  const walk = space.walkTimeline();
  const steps = run.simulation.records.length;
  for (let step = 0; step < steps; step++) {
    const { removed, added } = walk.after(step);
    for (const vma of added) {
      if (!hasForkFlags(vma)) continue;
      for (const { bit } of FORK_FLAGS) {
        if ((vma.vmFlags & bit) === 0) continue;
        set(vma, bit, inheritedSince(vma, bit, removed, since) ?? step);
      }
    }
  }
  return since;
}

const pagesOf = (vma: Vma): number => vma.endPage - vma.startPage;

/**
 * The step since which the records `removed` (by the same step) carried `bit` on every page of
 * `vma`, matched by object and page offset (a split or merge keeps them); or one record of the
 * object as large as `vma` (a whole move, where the kernel may reset a never-faulted anonymous
 * mapping's offset). Undefined when some page of it was not flagged: the step flagged it.
 */
function inheritedSince(
  vma: Vma,
  bit: number,
  removed: readonly Vma[],
  since: ReadonlyMap<Vma, ReadonlyMap<number, number>>,
): number | undefined {
  const from = vma.pgoff;
  const to = vma.pgoff + pagesOf(vma);
  const covering: { start: number; end: number; step: number }[] = [];
  let moved: number | undefined;
  for (const r of removed) {
    if (r.object !== vma.object || (r.vmFlags & bit) === 0) continue;
    const step = since.get(r)?.get(bit);
    if (step === undefined) continue;
    if (r.pgoff < to && from < r.pgoff + pagesOf(r))
      covering.push({ start: r.pgoff, end: r.pgoff + pagesOf(r), step });
    else if (pagesOf(r) === pagesOf(vma)) moved = step;
  }
  covering.sort((a, b) => a.start - b.start);
  let reached = from;
  let latest = Number.NEGATIVE_INFINITY;
  for (const c of covering) {
    if (c.start > reached) break;
    if (c.end > reached) reached = c.end;
    if (c.step > latest) latest = c.step;
  }
  if (reached >= to) return latest;
  return moved;
}
