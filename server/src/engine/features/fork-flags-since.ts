// Since which step a mapping has carried each fork flag (VM_DONTCOPY from MADV_DONTFORK,
// VM_WIPEONFORK from MADV_WIPEONFORK or MAP_DROPPABLE), page by page: the provenance the panel
// shows beside the flag, as it shows the step that made the mapping. The kernel keeps no such
// step, and a flagged range outlives the record madvise made (an mprotect splits it, an mremap
// moves it, two flagged neighbours merge into one VMA), so it is read from the timeline: a record
// a step added keeps, on each page, the step of the record the same step removed (what it was
// split or merged from) that carried the flag there, or of the record its pages were moved or
// aliased from (the step's `moved`/`aliased` effects), and carries it since this step on the
// pages none did. A merged mapping so names every step that flagged part of it: the one
// step that finished it would send whoever hunts the madvise to a line that misses some pages.
import type { ScenarioRun } from '../sim/run';
import type { StepRecord } from '../sim/records';
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

const FORK_FLAG_BITS = FORK_FLAGS.reduce((bits, f) => bits | f.bit, 0);

export function hasForkFlags(vma: Vma): boolean {
  return (vma.vmFlags & FORK_FLAG_BITS) !== 0;
}

/** The kernel names of the fork flags a mapping carries (`VM_DONTCOPY`, `VM_WIPEONFORK`). */
export function forkFlagNames(vma: Vma): string[] {
  return FORK_FLAGS.filter((f) => (vma.vmFlags & f.bit) !== 0).map((f) => f.flag);
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
  const records = run.simulation.records;
  for (let step = 0; step < records.length; step++) {
    const { removed, added } = walk.after(step);
    let relocations: readonly Relocation[] | undefined;
    for (const vma of added) {
      if (!hasForkFlags(vma)) continue;
      relocations ??= relocationsOf(records[step]!);
      const before = (page: number) => space.vmaAtStep(step - 1, page);
      for (const { bit } of FORK_FLAGS)
        if ((vma.vmFlags & bit) !== 0)
          set(vma, bit, inheritedParts(vma, bit, removed, relocations, before, since, step));
    }
  }
  return since;
}

/**
 * Pages a step's call put at new addresses with the source VMA's flags (an mremap move: move_vma →
 * copy_vma copies vm_flags, linux-mm §3.3; an `old_size == 0` duplicate, §3.6, or a
 * mach_vm_remap alias): `pages` pages at `toPage` came from `fromPage`.
 */
interface Relocation {
  readonly fromPage: number;
  readonly toPage: number;
  readonly pages: number;
}

function relocationsOf(record: StepRecord): readonly Relocation[] {
  const out: Relocation[] = [];
  for (const call of record.calls)
    for (const e of call.effects) {
      if (e.kind === 'moved') out.push(e);
      else if (e.kind === 'aliased')
        out.push({ fromPage: e.sourcePage, toPage: e.startPage, pages: e.endPage - e.startPage });
    }
  return out;
}

const pagesOf = (vma: Vma): number => vma.endPage - vma.startPage;

/**
 * The parts of `vma` flagged with `bit`: each page keeps the step of the record `removed` (by
 * step `step`) that carried the flag on it, matched by object and page offset (a split or merge
 * keeps them), or of the record a `relocations` entry moved it from (`before`: the record at an
 * address before the step), matched by address: a move keeps the flags but not always the offset
 * (copy_vma gives a never-faulted anonymous mapping the new address as its offset:
 * K:mm/vma.c:copy_vma, modelled in kernel/mremap.ts). Pages none flagged were flagged by `step`.
 */
function inheritedParts(
  vma: Vma,
  bit: number,
  removed: readonly Vma[],
  relocations: readonly Relocation[],
  before: (page: number) => Vma | undefined,
  since: ReadonlyMap<Vma, PartsByBit>,
  step: number,
): readonly ForkFlagPart[] {
  const from = vma.pgoff;
  const pages = pagesOf(vma);
  const kept: ForkFlagPart[] = [];
  // Parts of `source` counted from its first page, moved by `shift` pages into `vma`'s count and
  // cut to [lo, hi) of it.
  const keep = (source: Vma, shift: number, lo: number, hi: number) => {
    if ((source.vmFlags & bit) === 0) return;
    const parts = since.get(source)?.get(bit);
    if (parts === undefined) return;
    for (const p of parts) {
      const start = Math.max(p.start + shift, lo);
      const end = Math.min(p.end + shift, hi);
      if (start < end) kept.push({ start, end, step: p.step });
    }
  };
  for (const r of removed)
    if (r.object === vma.object && r.pgoff < from + pages && from < r.pgoff + pagesOf(r))
      keep(r, r.pgoff - from, 0, pages);
  for (const m of relocations) {
    // The pages of `vma` the relocation put there, as pages of `vma`, and where they came from.
    const lo = Math.max(m.toPage, vma.startPage) - vma.startPage;
    const hi = Math.min(m.toPage + m.pages, vma.endPage) - vma.startPage;
    const toSource = m.fromPage - m.toPage + vma.startPage; // page `i` of vma came from page toSource + i
    for (let i = lo; i < hi;) {
      const source = before(toSource + i);
      if (source === undefined) {
        i++;
        continue;
      }
      keep(source, source.startPage - toSource, i, hi);
      i = Math.min(source.endPage - toSource, hi);
    }
  }
  if (kept.length === 0) return [{ start: 0, end: pages, step }];
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
