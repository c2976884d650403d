// "The VMAs at step N", cheaply. Every VmaSet change is logged as a splice (anchor page, how many
// VMAs removed, which inserted); a step mark remembers the log position. Snapshots (plain arrays)
// are taken adaptively — once the changes since the last one reach a sixteenth of the set's size —
// so snapshot copying costs O(1) amortised per change and answering replays a bounded stretch.
import type { Vma } from './types';

interface Change {
  readonly anchorPage: number;
  readonly removeCount: number;
  readonly inserted: readonly Vma[];
}

interface Checkpoint {
  readonly logPosition: number;
  readonly vmas: readonly Vma[];
}

const MIN_REPLAY = 32;

export class Timeline {
  private readonly log: Change[] = [];
  private readonly markSteps: number[] = [];
  private readonly markPositions: number[] = [];
  private readonly checkpoints: Checkpoint[];
  private cachedStep = Number.NaN;
  private cachedVmas: readonly Vma[] = [];

  constructor(
    private readonly current: () => readonly Vma[],
    private readonly currentSize: () => number,
  ) {
    this.checkpoints = [{ logPosition: 0, vmas: Object.freeze([...current()]) }];
  }

  /** Hooked to VmaSet.listener. */
  record(anchorPage: number, removeCount: number, inserted: readonly Vma[]): void {
    this.log.push({ anchorPage, removeCount, inserted });
  }

  /** The state now is the state after step `step` (steps are marked in increasing order). */
  markStep(step: number): void {
    const position = this.log.length;
    const last = this.markSteps.length - 1;
    if (last >= 0 && (this.markSteps[last] as number) >= step) {
      // Re-marking the same step (or going back) replaces the newest marks.
      while (this.markSteps.length > 0 && (this.markSteps[this.markSteps.length - 1] as number) >= step) {
        this.markSteps.pop();
        this.markPositions.pop();
      }
    }
    this.markSteps.push(step);
    this.markPositions.push(position);
    const checkpoint = this.checkpoints[this.checkpoints.length - 1] as Checkpoint;
    if (position - checkpoint.logPosition >= Math.max(MIN_REPLAY, this.currentSize() >> 4)) {
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
      const work = [...checkpoint.vmas];
      for (let k = checkpoint.logPosition; k < position; k++) apply(work, this.log[k] as Change);
      vmas = Object.freeze(work);
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

  get stepsMarked(): number {
    return this.markSteps.length;
  }

  private positionFor(step: number): number {
    let lo = 0;
    let hi = this.markSteps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.markSteps[mid] as number) <= step) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : (this.markPositions[lo - 1] as number);
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

function apply(vmas: Vma[], change: Change): void {
  let lo = 0;
  let hi = vmas.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((vmas[mid] as Vma).startPage < change.anchorPage) lo = mid + 1;
    else hi = mid;
  }
  vmas.splice(lo, change.removeCount, ...change.inserted);
}
