// "The VMAs at step N", cheaply. Every VmaSet change is logged as a splice (anchor page, how many
// VMAs removed, which inserted); a step mark remembers the log position. Snapshots (plain arrays)
// are taken adaptively — once the changes since the last one reach half the set's size — so
// snapshot copying costs O(1) amortised per change (2 references) and answering replays at most
// n/2 changes. A query replays from the nearest snapshot or, when that is closer (stepping
// forward through a run, as the CLI trace and the panel do), from the previous answer's state.
// The log is kept in parallel arrays, and a one-VMA insert is stored without an array, to keep
// the retained memory small (it lives as long as the document).
import type { Vma } from './types';

interface Checkpoint {
  readonly logPosition: number;
  readonly vmas: readonly Vma[];
}

const MIN_REPLAY = 32;

/** An Int32Array that grows by doubling (4 bytes an entry, where a JS array of numbers takes 8). */
class IntLog {
  values = new Int32Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

export class Timeline {
  /** Anchor pages exceed 2^31: a JS array of numbers keeps them as unboxed doubles. */
  private readonly anchors: number[] = [];
  private readonly removeCounts = new IntLog();
  private readonly insertions: (Vma | readonly Vma[] | undefined)[] = [];
  /**
   * The log position of each marked step, indexed by `step - firstStep`. Steps are marked in
   * increasing order, one after another (a step skipped repeats the previous position), so the
   * step numbers themselves need not be stored.
   */
  private readonly markPositions = new IntLog();
  private firstStep = 0;
  private readonly checkpoints: Checkpoint[];
  private cachedStep = Number.NaN;
  private cachedVmas: readonly Vma[] = [];
  /** A private working copy of the state at log position `workPosition` (-1: none). */
  private work: Vma[] = [];
  private workPosition = -1;

  constructor(
    private readonly current: () => readonly Vma[],
    private readonly currentSize: () => number,
  ) {
    this.checkpoints = [{ logPosition: 0, vmas: Object.freeze([...current()]) }];
  }

  /** Hooked to VmaSet.listener. */
  record(anchorPage: number, removeCount: number, inserted: readonly Vma[]): void {
    this.anchors.push(anchorPage);
    this.removeCounts.push(removeCount);
    this.insertions.push(inserted.length === 0 ? undefined : inserted.length === 1 ? inserted[0] : inserted);
  }

  /** The state now is the state after step `step` (integer steps, marked in increasing order). */
  markStep(step: number): void {
    const position = this.anchors.length;
    const marks = this.markPositions;
    if (marks.length === 0 || step < this.firstStep) {
      // The first mark (or one before all others, which replaces them all).
      this.firstStep = step;
      marks.length = 0;
    } else {
      const index = step - this.firstStep;
      if (index < marks.length) {
        // Re-marking the same step (or going back) replaces the newest marks.
        marks.length = index;
      } else {
        // Steps not marked in between show the state of the last marked one.
        const previous = marks.values[marks.length - 1] as number;
        while (marks.length < index) marks.push(previous);
      }
    }
    marks.push(position);
    const checkpoint = this.checkpoints[this.checkpoints.length - 1] as Checkpoint;
    if (position - checkpoint.logPosition >= Math.max(MIN_REPLAY, this.currentSize() >> 1)) {
      this.checkpoints.push({ logPosition: position, vmas: Object.freeze(this.current()) });
    }
    if (step <= this.cachedStep) this.cachedStep = Number.NaN;
  }

  /** VMAs after the last marked step ≤ `step` (the initial state before any mark). Sorted; frozen. */
  vmasAt(step: number): readonly Vma[] {
    if (step === this.cachedStep) return this.cachedVmas;
    const position = this.positionFor(step);
    const checkpoint = this.checkpointAtOrBefore(position);
    let vmas: readonly Vma[];
    if (checkpoint.logPosition === position) {
      vmas = checkpoint.vmas;
    } else {
      if (this.workPosition < checkpoint.logPosition || this.workPosition > position) {
        this.work = [...checkpoint.vmas];
        this.workPosition = checkpoint.logPosition;
      }
      const work = this.work;
      for (let k = this.workPosition; k < position; k++) {
        apply(work, this.anchors[k] as number, this.removeCounts.values[k] as number, this.insertions[k]);
      }
      this.workPosition = position;
      vmas = Object.freeze(work.slice());
    }
    this.cachedStep = step;
    this.cachedVmas = vmas;
    return vmas;
  }

  /** The VMA containing `page` after `step`. */
  vmaAt(step: number, page: number): Vma | undefined {
    const vmas = this.vmasAt(step);
    let lo = 0;
    let hi = vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((vmas[mid] as Vma).endPage > page) hi = mid;
      else lo = mid + 1;
    }
    const v = vmas[lo];
    return v !== undefined && v.startPage <= page ? v : undefined;
  }

  /**
   * Walks the marked states in step order, telling what each step changed: the records it
   * removed and those it added (net: one added and removed within the step is neither) and the
   * kernel's VMA count after it. What `drvmap trace --maps changed` lists, without a copy of
   * the whole set per step (vmasAt's answer), which made a long trace quadratic.
   */
  walk(): TimelineWalk {
    const start = this.positionFor(-1);
    const work = [...this.vmasAt(-1)];
    let position = start;
    let joined = 0;
    for (const v of work) if (v.joinsPrev === true) joined++;
    return {
      after: (step: number): StepChange => {
        const target = this.positionFor(step);
        const removed = new Set<Vma>();
        const added = new Set<Vma>();
        for (; position < target; position++) {
          const inserted = this.insertions[position];
          const out = apply(
            work,
            this.anchors[position] as number,
            this.removeCounts.values[position] as number,
            inserted,
          );
          for (const v of out) {
            if (v.joinsPrev === true) joined--;
            if (added.has(v)) added.delete(v);
            else removed.add(v);
          }
          const list =
            inserted === undefined
              ? []
              : Array.isArray(inserted)
                ? (inserted as readonly Vma[])
                : [inserted as Vma];
          for (const v of list) {
            if (v.joinsPrev === true) joined++;
            if (removed.has(v)) removed.delete(v);
            else added.add(v);
          }
        }
        return {
          removed: [...removed].sort(byStart),
          added: [...added].sort(byStart),
          kernelVmas: work.length - joined,
          records: work.length,
        };
      },
    };
  }

  /** The log position after the last marked step ≤ `step` (0, the initial state, before any mark). */
  private positionFor(step: number): number {
    const marks = this.markPositions;
    // `!(step >= firstStep)` also sends NaN to the initial state, as the binary search over step numbers did.
    if (marks.length === 0 || !(step >= this.firstStep)) return 0;
    const index = Math.min(Math.floor(step - this.firstStep), marks.length - 1);
    return marks.values[index] as number;
  }

  private checkpointAtOrBefore(position: number): Checkpoint {
    let lo = 0;
    let hi = this.checkpoints.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.checkpoints[mid] as Checkpoint).logPosition <= position) lo = mid + 1;
      else hi = mid;
    }
    return this.checkpoints[Math.max(0, lo - 1)] as Checkpoint;
  }
}

/** One step's change, from Timeline.walk. */
export interface StepChange {
  readonly removed: readonly Vma[];
  readonly added: readonly Vma[];
  /** mm->map_count after the step. */
  readonly kernelVmas: number;
  /** The records (the listing's lines) after the step. */
  readonly records: number;
}

export interface TimelineWalk {
  /** The change of `step`; steps are asked in increasing order. */
  after(step: number): StepChange;
}

const byStart = (a: Vma, b: Vma): number => a.startPage - b.startPage;

/** Applies one logged splice to `vmas`; returns the records it removed. */
function apply(
  vmas: Vma[],
  anchorPage: number,
  removeCount: number,
  inserted: Vma | readonly Vma[] | undefined,
): Vma[] {
  let lo = 0;
  let hi = vmas.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((vmas[mid] as Vma).startPage < anchorPage) lo = mid + 1;
    else hi = mid;
  }
  if (inserted === undefined) return vmas.splice(lo, removeCount);
  if (Array.isArray(inserted)) return vmas.splice(lo, removeCount, ...(inserted as readonly Vma[]));
  return vmas.splice(lo, removeCount, inserted as Vma);
}
