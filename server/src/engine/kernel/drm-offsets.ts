// DRM GEM fake mmap offsets: a render-node fd is not one object. Each buffer object created
// through it gets its own page range in the fd's offset space (drm_vma_offset_manager), and
// mmap(fd, offset) maps the BO whose range starts exactly at `offset` (facts linux-mm §4.1:
// "`vm_pgoff` must be exactly a BO's fake offset (`drm_vma_offset_exact_lookup_locked`), else
// EINVAL"; `obj_size < vma size` → EINVAL). /proc/PID/maps shows that offset (§6.2: "typically
// ≥ 4 GiB"). Each BO is a MemoryObject of its own, so its pages (and every identity check that
// compares objects: stale pointers, aliases) are the BO's and never another's, as `import maps`
// keys a render node's BOs by path and offset (import/proc-maps.ts deviceKey). Its byte positions
// are its fake offsets, so the object's size is the offset of its end.
import type { MemoryObject } from './types';

/**
 * Where the fake offsets start, in bytes. The facts say only "typically ≥ 4 GiB"; this is the
 * kernel's DRM_FILE_PAGE_OFFSET_START ((0xFFFFFFFF >> PAGE_SHIFT) + 1 pages, i.e. 4 GiB whatever
 * the page size), from include/drm/drm_vma_manager.h, not from the facts: illustrative.
 */
export const DRM_FAKE_OFFSET_START = 0x1_0000_0000n;

/** One BO: its object and its page range [startPage, endPage) in the fd's offset space. */
interface FakeOffsetRange {
  readonly object: MemoryObject;
  readonly startPage: number;
  readonly endPage: number;
}

/**
 * The offset space of one DRM fd. The kernel allocates ranges with drm_mm, which reuses freed
 * ranges; the model hands out increasing offsets and never frees one (a BO is not closed while
 * the model runs), so a BO's offset depends only on the sizes of the BOs created before it.
 */
export class DrmOffsetSpace {
  private nextPage: number;
  private readonly byStart = new Map<number, FakeOffsetRange>();
  /** In offset order. */
  private readonly ranges: FakeOffsetRange[] = [];

  constructor(private readonly pageBytes: number) {
    this.nextPage = Number(DRM_FAKE_OFFSET_START) / pageBytes;
  }

  /** The first page the next BO gets. */
  get nextStartPage(): number {
    return this.nextPage;
  }

  /** drm_vma_offset_add: the next `pages` pages of the offset space go to `object`; its first page. */
  add(object: MemoryObject, pages: number): number {
    const range = { object, startPage: this.nextPage, endPage: this.nextPage + pages };
    this.nextPage = range.endPage;
    this.byStart.set(range.startPage, range);
    this.ranges.push(range);
    return range.startPage;
  }

  /**
   * A BO at a given first page (an imported trace's offset): false when the range overlaps one
   * already there. Later `add`s start after the highest range.
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
    this.ranges.splice(at, 0, range);
    this.byStart.set(startPage, range);
    if (range.endPage > this.nextPage) this.nextPage = range.endPage;
    return true;
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
    return this.byStart.get(pgoff);
  }

  /** The BO whose range holds the byte offset `offset`, if any. */
  containing(offset: bigint): FakeOffsetRange | undefined {
    const page = Number(offset / BigInt(this.pageBytes));
    // Disjoint and sorted: the only candidate is the last range starting at or before the page.
    const range = this.ranges[this.firstStartingAfter(page) - 1];
    return range !== undefined && range.endPage > page ? range : undefined;
  }
}
