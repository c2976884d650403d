// drm_mm's holes_size tree for best fit (drivers/gpu/drm/drm_mm.c): the holes ordered by size,
// so the smallest hole that fits is a binary search, not a walk over every hole. Since TTM
// drivers (amdgpu, nouveau) make a fake offset at every vkAllocateMemory, a scan per allocation
// made many allocations after many frees quadratic. From the kernel source, not the facts.
import { firstIndex } from '../first-index';

/** One hole: the node it follows, its size in pages, and when it was (last) added. */
interface Hole<Owner> {
  readonly owner: Owner;
  readonly pages: number;
  readonly stamp: number;
}

/**
 * Holes keyed by the node they follow, sorted by size and, among equal sizes, newest first:
 * best_hole() takes the smallest hole that fits and, of equal ones, the most recently added
 * (drm_mm inserts an equal hole to the right of those already there and walks to the rightmost).
 * A hole's size must not change while it is here: its owner re-adds it (`set`) when it does.
 * Updates splice the sorted array, as DrmOffsetSpace's ranges do; lookups are binary searches.
 */
export class HolesBySize<Owner> {
  private readonly sorted: Hole<Owner>[] = [];
  private readonly byOwner = new Map<Owner, Hole<Owner>>();
  private clock = 0;

  /** The hole after `owner` is `pages` long and just added (drm_mm's add_hole). */
  set(owner: Owner, pages: number): void {
    this.delete(owner);
    const hole = { owner, pages, stamp: ++this.clock };
    this.sorted.splice(this.indexOf(hole), 0, hole);
    this.byOwner.set(owner, hole);
  }

  /** `owner` has no hole after it any more (drm_mm's rm_hole); nothing when it had none. */
  delete(owner: Owner): void {
    const hole = this.byOwner.get(owner);
    if (hole === undefined) return;
    this.byOwner.delete(owner);
    this.sorted.splice(this.indexOf(hole), 1);
  }

  /** The owner of the smallest hole of at least `pages`, the newest of equal ones; undefined if none fits. */
  bestFit(pages: number): Owner | undefined {
    return this.sorted[firstIndex(this.sorted.length, (i) => (this.sorted[i] as Hole<Owner>).pages < pages)]
      ?.owner;
  }

  /** Where `hole` is, or goes, in the order: after every smaller hole and every newer equal one. */
  private indexOf(hole: Hole<Owner>): number {
    return firstIndex(this.sorted.length, (i) => {
      const other = this.sorted[i] as Hole<Owner>;
      return other.pages < hole.pages || (other.pages === hole.pages && other.stamp > hole.stamp);
    });
  }
}
