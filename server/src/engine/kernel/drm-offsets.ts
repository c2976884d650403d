// DRM GEM fake mmap offsets: a render-node fd is not one object. Each buffer object created
// through it gets its own page range in the device's offset space (drm_vma_offset_manager), and
// mmap(fd, offset) maps the BO whose range starts exactly at `offset` (facts linux-mm §4.1:
// "`vm_pgoff` must be exactly a BO's fake offset (`drm_vma_offset_exact_lookup_locked`), else
// EINVAL"; a mapping larger than the BO → EINVAL, from the same lookup, which takes the page count). /proc/PID/maps shows that offset (§6.2: "typically
// ≥ 4 GiB"). Each BO is a MemoryObject of its own, so its pages (and every identity check that
// compares objects: stale pointers, aliases) are the BO's and never another's, as `import maps`
// groups a render node's lines into BOs by their offsets (import/bo-groups.ts). Its byte positions
// are its fake offsets, so the object's size is the offset of its end.
//
// Allocation is the kernel's, not from the facts (they do not cover it): drm_vma_offset_add is
// drm_mm_insert_node (drivers/gpu/drm/drm_vma_manager.c), whose mode 0 is DRM_MM_INSERT_BEST
// (include/drm/drm_mm.h). In drivers/gpu/drm/drm_mm.c, best_hole() walks the holes_size tree
// (larger holes to the left, an equal one to the right of those already there) to the smallest
// hole that fits, the most recently added of equal ones; without alignment the node starts at
// the hole's start. drm_mm_remove_node re-adds the hole after the previous node, which now
// reaches the next node (or the end of the space): freed ranges merge with their neighbours'.
import { HolesBySize } from './drm-holes';
import type { MemoryObject } from './types';

/**
 * Where the fake offsets start, in bytes. The facts say only "typically ≥ 4 GiB"; this is the
 * kernel's DRM_FILE_PAGE_OFFSET_START ((0xFFFFFFFF >> PAGE_SHIFT) + 1 pages, i.e. 4 GiB whatever
 * the page size), from include/drm/drm_vma_manager.h, not from the facts: illustrative.
 */
export const DRM_FAKE_OFFSET_START = 0x1_0000_0000n;

/**
 * How many pages of fake offsets there are: the kernel's DRM_FILE_PAGE_OFFSET_SIZE,
 * `(0xFFFFFFFFUL >> PAGE_SHIFT) * 256` on 64-bit (include/drm/drm_vma_manager.h; from the kernel
 * source, not the facts), just under 1 TiB of offsets with 4 KiB pages. drm_vma_offset_add fails
 * with ENOSPC for a BO that no hole and not the rest of the space can hold.
 */
export function drmFakeOffsetPages(pageBytes: number): number {
  return Math.floor(0xffff_ffff / pageBytes) * 256;
}

/** One BO: its object and its page range [startPage, endPage) in the fd's offset space. */
interface FakeOffsetRange {
  readonly object: MemoryObject;
  readonly startPage: number;
  readonly endPage: number;
}

/** The owner of the hole before the first range (drm_mm's head_node). */
const HEAD = 'head';
type HoleOwner = FakeOffsetRange | typeof HEAD;

/**
 * The offset space of one DRM fd (the kernel's is the device's, shared by its fds; a driver here
 * maps through one fd). Ranges are handed out as drm_mm does (see the top of this file); a BO's
 * range is freed (`remove`) when the BO is destroyed.
 */
export class DrmOffsetSpace {
  /** The start of the hole after the highest range, which reaches the end of the space. */
  private tailPage: number;
  private readonly firstPage: number;
  /** The end of the space (DRM_FILE_PAGE_OFFSET_START + DRM_FILE_PAGE_OFFSET_SIZE pages). */
  private readonly endPage: number;
  /** In offset order, and disjoint: every lookup is a binary search (firstStartingAfter). */
  private readonly ranges: FakeOffsetRange[] = [];
  /**
   * The holes below the tail, by the range they follow, sorted by size (drm-holes.ts): best fit
   * is a binary search. Empty until a BO is freed (or a trace places BOs apart), so allocation is
   * then a plain append. Every change of a hole's extent goes through `setHole` (or `remove` of
   * its owner), which keeps the recorded size exact.
   */
  private readonly holes = new HolesBySize<HoleOwner>();
  /** BOs whose handle is closed but which a VMA still maps (close), with their first page. */
  private readonly closed = new Map<MemoryObject, number>();

  constructor(private readonly pageBytes: number) {
    this.firstPage = Number(DRM_FAKE_OFFSET_START) / pageBytes;
    this.tailPage = this.firstPage;
    this.endPage = this.firstPage + drmFakeOffsetPages(pageBytes);
  }

  /**
   * drm_vma_offset_add: the smallest hole that fits `pages` (drm_mm best fit) goes to the object
   * `objectAt` makes for its first page (a BO's size is the offset of its end); that page, or
   * undefined (ENOSPC) when neither a hole nor the rest of the space holds it.
   */
  add(pages: number, objectAt: (startPage: number) => MemoryObject): number | undefined {
    const best = this.holes.bestFit(pages);
    if (best === undefined && this.tailPage + pages > this.endPage) return undefined;
    const startPage = best === undefined ? this.tailPage : this.holeStart(best);
    this.insert({ object: objectAt(startPage), startPage, endPage: startPage + pages }, best);
    return startPage;
  }

  /**
   * A BO at a given first page (an imported trace's offset): false when the range overlaps one
   * already there (drm_mm_reserve_node).
   */
  addAt(object: MemoryObject, startPage: number, pages: number): boolean {
    const range = { object, startPage, endPage: startPage + pages };
    // The ranges are sorted and disjoint: only the neighbours of the insertion point can overlap.
    // (A capture can hold tens of thousands of BOs, in increasing offsets: appended at the end.)
    const at = this.firstStartingAfter(startPage);
    const before = this.ranges[at - 1];
    const after = this.ranges[at];
    if (
      (before !== undefined && before.endPage > startPage) ||
      (after !== undefined && after.startPage < range.endPage)
    )
      return false;
    this.insert(range, before ?? HEAD);
    return true;
  }

  /**
   * The handle of the BO at `startPage` is closed (GEM_CLOSE at vkFreeMemory). Its offset is
   * freed only when the BO is destroyed, and every VMA of it holds a reference (drm_gem_vm_open,
   * ttm_bo_vm_open): at once if nothing maps it (`mapped` false), else when its last mapping goes
   * (`unmapped`).
   */
  close(startPage: number, mapped: boolean): void {
    const range = this.exact(startPage);
    if (range === undefined) return;
    if (mapped) this.closed.set(range.object, startPage);
    else this.remove(startPage);
  }

  /** The last VMA of `object` went away (drm_gem_vm_close): a closed BO is destroyed now. */
  unmapped(object: MemoryObject): void {
    const startPage = this.closed.get(object);
    if (startPage === undefined) return;
    this.closed.delete(object);
    this.remove(startPage);
  }

  /**
   * drm_vma_offset_remove when the BO at `startPage` is destroyed: its range joins the hole
   * before it, which becomes the most recently added (drm_mm_remove_node: add_hole(prev_node)).
   * A capture's BOs can number tens of thousands: found by binary search, not a scan.
   */
  private remove(startPage: number): void {
    const index = this.firstStartingAfter(startPage) - 1;
    const range = this.ranges[index];
    if (range === undefined || range.startPage !== startPage) return;
    this.ranges.splice(index, 1);
    this.holes.delete(range);
    const previous: HoleOwner = this.ranges[index - 1] ?? HEAD;
    this.setHole(previous);
  }

  /** Put `range` in the hole after `owner` (undefined: the tail), keeping the holes current. */
  private insert(range: FakeOffsetRange, owner: HoleOwner | undefined): void {
    const at = this.firstStartingAfter(range.startPage);
    this.ranges.splice(at, 0, range);
    if (owner === undefined) {
      this.tailPage = range.endPage;
      return;
    }
    // Both sides of the node are set again, as drm_mm re-adds them (rm_hole, then add_hole).
    this.setHole(owner);
    this.setHole(range);
  }

  /** Record the hole after `owner` as just added, or forget it when it is empty or the tail. */
  private setHole(owner: HoleOwner): void {
    this.holes.delete(owner);
    const last = this.ranges[this.ranges.length - 1];
    if (owner === (last ?? HEAD)) {
      // The hole after the highest range is the tail.
      this.tailPage = this.holeStart(owner);
      return;
    }
    const pages = this.holeEnd(owner) - this.holeStart(owner);
    if (pages > 0) this.holes.set(owner, pages);
  }

  /** Where the hole after `owner` starts: the space starts at DRM_FAKE_OFFSET_START (a trace may place BOs below). */
  private holeStart(owner: HoleOwner): number {
    return owner === HEAD ? this.firstPage : Math.max(owner.endPage, this.firstPage);
  }

  /** Where the hole after `owner` ends: the next range's start (a hole below the tail has one). */
  private holeEnd(owner: HoleOwner): number {
    const next = owner === HEAD ? this.ranges[0] : this.ranges[this.firstStartingAfter(owner.startPage)];
    return next?.startPage ?? this.tailPage;
  }

  /** The index of the first range starting after `page` (binary search). */
  private firstStartingAfter(page: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ranges[mid] as FakeOffsetRange).startPage > page) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** drm_vma_offset_exact_lookup_locked: the BO whose range starts at `pgoff`, if any. */
  exact(pgoff: number): FakeOffsetRange | undefined {
    const range = this.ranges[this.firstStartingAfter(pgoff) - 1];
    return range?.startPage === pgoff ? range : undefined;
  }

  /** The BO whose range holds the byte offset `offset`, if any. */
  containing(offset: bigint): FakeOffsetRange | undefined {
    const page = Number(offset / BigInt(this.pageBytes));
    // Disjoint and sorted: the only candidate is the last range starting at or before the page.
    const range = this.ranges[this.firstStartingAfter(page) - 1];
    return range !== undefined && range.endPage > page ? range : undefined;
  }
}
