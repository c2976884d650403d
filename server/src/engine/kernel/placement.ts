// get_unmapped_area() for x86-64 (facts 1.2, 1.3): the top-down search below mmap_base, the
// hint rule, MAP_32BIT's bottom-up window, MAP_ABOVE4G, THP alignment of anonymous mappings and
// the bottom-up fallback / legacy layout. Works in pages; the caller has page-aligned the hint.
import { versionAtLeast } from './config';
import type { PageGeometry } from './config';
import type { Errno, KernelConfig } from './types';
import type { VmaSet } from './vma-set';

/** What the kernel's get_area callee depends on. */
export type PlacementKind = 'private-anon' | 'shared-anon' | 'file';

/** Why a placement failed. */
export interface PlacementFailure {
  readonly errno: Errno;
  readonly reason: string;
}

/** Why an mmap without an address failed when the top-down search found no gap (not another ENOMEM). */
export const NO_ROOM_REASON =
  'no free gap is large enough (get_unmapped_area found no room; docs/facts/linux-mm.md §1.2)';

const NO_ROOM: PlacementFailure = { errno: 'ENOMEM', reason: NO_ROOM_REASON };

const NO_ROOM_ABOVE_LEGACY_BASE: PlacementFailure = {
  errno: 'ENOMEM',
  reason:
    'no free gap is large enough above mmap_base: the legacy layout searches bottom-up from mmap_base and never looks below it (arch_get_unmapped_area; docs/facts/linux-mm.md §1.2)',
};

const NO_ROOM_BELOW_2GIB: PlacementFailure = {
  errno: 'ENOMEM',
  reason:
    "no free gap is large enough in MAP_32BIT's range, 1 GiB to 2 GiB (arch_get_unmapped_area; docs/facts/linux-mm.md §1.3)",
};

const TOO_LONG: PlacementFailure = {
  errno: 'ENOMEM',
  reason: 'the length exceeds TASK_SIZE (__get_unmapped_area: len > TASK_SIZE)',
};

/**
 * Placement answers with a page number, or -1 and the reason in `failure`: no request or result
 * object per mmap (every mmap and most mremaps place).
 */
export class Placer {
  /** Why the last `place` returned -1. */
  failure: PlacementFailure = NO_ROOM;

  constructor(
    private readonly config: KernelConfig,
    private readonly geo: PageGeometry,
    private readonly vmas: VmaSet,
  ) {}

  /**
   * __get_unmapped_area() up to (not including) the TASK_SIZE / alignment / EPERM checks on the
   * result: the first page of the range, or -1. `hintPage` is page aligned (0 = none), ignored
   * unless free; taken as is when `fixed`. `alignPages` > 1 is a hugetlbfs file's huge page size:
   * the search's align_mask (get_align_mask), and the caller has aligned the hint up to it
   * (hugetlb_get_unmapped_area).
   */
  place(
    hintPage: number,
    pages: number,
    fixed: boolean,
    map32bit: boolean,
    above4g: boolean,
    kind: PlacementKind,
    alignPages = 1,
  ): number {
    if (pages > this.geo.taskPages) return this.fail(TOO_LONG);
    if (fixed) return hintPage;
    if (alignPages > 1) return this.arch(hintPage, pages, map32bit, above4g, alignPages);
    if (kind === 'private-anon' && this.thpApplies(hintPage, pages)) {
      return this.placeThp(hintPage, pages, map32bit, above4g);
    }
    return this.arch(hintPage, pages, map32bit, above4g);
  }

  private fail(failure: PlacementFailure): number {
    this.failure = failure;
    return -1;
  }

  /**
   * THP alignment of private anonymous mappings to PMD_SIZE (facts 1.2; geo.pmdPages: 2 MiB on
   * x86-64, 2/32/512 MiB on arm64 by page size), __get_unmapped_area: 6.7 (commit
   * efa7df3e3bb5) for any length of at least PMD_SIZE; 6.12 only for PMD-multiple lengths ("mm, mmap:
   * limit THP alignment of anonymous mappings to PMD-aligned sizes", d4148aeab412, v6.12-rc6;
   * 6.11.7 stable); 6.13 only without a hint (`&& !addr`, "mm: respect mmap hint
   * address when aligning for THP", 249608ee4713, v6.13-rc2; 6.12.5 stable). Up to 6.12 a hint
   * goes into the padded search (placeThp), so it is kept only when a PMD more after it is free.
   */
  private thpApplies(hintPage: number, pages: number): boolean {
    const v = this.config.version;
    if (!this.config.thp || !versionAtLeast(v, 6, 7)) return false;
    if (versionAtLeast(v, 6, 13) && hintPage !== 0) return false;
    if (versionAtLeast(v, 6, 12)) return pages % this.geo.pmdPages === 0;
    return pages >= this.geo.pmdPages;
  }

  /**
   * __thp_get_unmapped_area(…, PMD_SIZE): search len + PMD_SIZE (at the hint first, as
   * mm->get_unmapped_area does), keep the hint if that padded range fits there (`if (ret == addr)
   * return addr;`), else align up; from 6.8 top-down returns ret + PMD_SIZE when already aligned.
   */
  private placeThp(hintPage: number, pages: number, map32bit: boolean, above4g: boolean): number {
    const pmd = this.geo.pmdPages;
    const padded = this.arch(hintPage, pages + pmd, map32bit, above4g);
    if (padded < 0) return this.arch(hintPage, pages, map32bit, above4g); // the caller retries without padding
    if (hintPage !== 0 && padded === hintPage) return padded;
    const offSub = (pmd - (padded % pmd)) % pmd;
    // The +PMD_SIZE quirk: the padded gap was already aligned, so the top of it is aligned too ("mm:
    // thp_get_unmapped_area must honour topdown preference", 96204e15310c, in the 6.8-rc3 hotfixes
    // pull; 6.7.6 stable). 6.7 ends with `ret += (off - ret) & (size - 1); return ret;`: the bottom.
    if (this.config.layout === 'topdown' && offSub === 0 && versionAtLeast(this.config.version, 6, 8))
      return padded + pmd;
    return padded + offSub;
  }

  /** mm->get_unmapped_area: arch_get_unmapped_area_topdown, or the bottom-up one in the legacy layout. */
  private arch(hintPage: number, pages: number, map32bit: boolean, above4g: boolean, align = 1): number {
    if (this.config.layout === 'legacy') return this.bottomUp(hintPage, pages, map32bit, align);
    // MAP_32BIT forces the bottom-up path (facts 1.3) before MAP_ABOVE4G's 4 GiB floor is applied,
    // so MAP_32BIT|MAP_ABOVE4G lands in [1 GiB, 2 GiB) (arch_get_unmapped_area_topdown; checked on 6.18).
    if (map32bit) return this.bottomUp(hintPage, pages, map32bit, align);
    const geo = this.geo;
    if (hintPage !== 0) {
      // mmap_address_hint_valid() on 4-level paging: the range must end within TASK_SIZE.
      const valid = hintPage <= geo.taskPages - pages;
      if (valid && this.vmas.isFree(hintPage, pages)) return hintPage;
    }
    const low = Math.max(above4g ? geo.fourGiBPage : 1, geo.minAddrPage);
    // vm_unmapped_area() with an align_mask: the gap must hold pages + align - 1, and the highest
    // aligned start in it is the padded result aligned up.
    const found = this.vmas.findTopDown(low, geo.mmapBasePage, pages + align - 1);
    if (found >= 0) return alignUp(found, align);
    // "A failed mmap() very likely causes application failure, so fall back to the bottom-up function".
    return this.bottomUp(hintPage, pages, map32bit, align);
  }

  /**
   * x86 arch_get_unmapped_area(): first fit upward from the legacy base, or in [1 GiB, 2 GiB) for
   * MAP_32BIT. MAP_ABOVE4G plays no part: only the top-down search sets its low limit (6.6+).
   */
  private bottomUp(hintPage: number, pages: number, map32bit: boolean, align = 1): number {
    const geo = this.geo;
    const begin = map32bit ? geo.map32BeginPage : geo.legacyBasePage;
    const end = map32bit ? geo.map32EndPage : geo.taskPages;
    // Said by the range searched: MAP_32BIT's, or the legacy layout's from mmap_base up (the
    // top-down layout only comes here after its own search failed, and then nothing was free).
    const noRoom = map32bit
      ? NO_ROOM_BELOW_2GIB
      : this.config.layout === 'legacy'
        ? NO_ROOM_ABOVE_LEGACY_BASE
        : NO_ROOM;
    if (pages > end) return this.fail(noRoom);
    if (hintPage !== 0 && end - pages >= hintPage && this.vmas.isFree(hintPage, pages)) return hintPage;
    const low = Math.max(begin, geo.minAddrPage);
    const found = this.vmas.findBottomUp(low, end, pages + align - 1);
    return found < 0 ? this.fail(noRoom) : alignUp(found, align);
  }
}

function alignUp(page: number, align: number): number {
  return align === 1 ? page : Math.ceil(page / align) * align;
}
