// get_unmapped_area() for x86-64 (facts 1.2, 1.3): the top-down search below mmap_base, the
// hint rule, MAP_32BIT's bottom-up window, MAP_ABOVE4G, THP alignment of anonymous mappings and
// the bottom-up fallback / legacy layout. Works in pages; the caller has page-aligned the hint.
import { versionAtLeast } from './config';
import type { PageGeometry } from './config';
import type { Errno, KernelConfig } from './types';
import type { VmaSet } from './vma-set';

/** What the kernel's get_area callee depends on. */
export type PlacementKind = 'private-anon' | 'shared-anon' | 'file';

export interface PlacementRequest {
  /** Page-aligned hint (0 = none). Ignored unless free; taken as is with `fixed`. */
  readonly hintPage: number;
  readonly pages: number;
  readonly fixed: boolean;
  readonly map32bit: boolean;
  readonly above4g: boolean;
  readonly kind: PlacementKind;
}

export type Placement =
  | { readonly ok: true; readonly page: number; readonly how: string }
  | { readonly ok: false; readonly errno: Errno; readonly reason: string };

const NO_ROOM: Placement = {
  ok: false,
  errno: 'ENOMEM',
  reason: 'no free gap is large enough (get_unmapped_area found no room; facts 1.2)',
};

export class Placer {
  constructor(
    private readonly config: KernelConfig,
    private readonly geo: PageGeometry,
    private readonly vmas: VmaSet,
  ) {}

  /** __get_unmapped_area() up to (not including) the TASK_SIZE / alignment / EPERM checks on the result. */
  place(req: PlacementRequest): Placement {
    const geo = this.geo;
    if (req.pages > geo.taskPages) {
      return {
        ok: false,
        errno: 'ENOMEM',
        reason: 'the length exceeds TASK_SIZE (__get_unmapped_area: len > TASK_SIZE)',
      };
    }
    if (req.fixed) return { ok: true, page: req.hintPage, how: 'fixed' };
    if (req.kind === 'private-anon' && this.thpApplies(req)) return this.placeThp(req);
    return this.arch(req.hintPage, req.pages, req);
  }

  /**
   * THP alignment of private anonymous mappings (facts 1.2): 6.7 (commit efa7df3e3bb5) for any
   * length of at least 2 MiB; 6.12 (commit d4148aeab412) only for PMD-multiple lengths without a hint.
   */
  private thpApplies(req: PlacementRequest): boolean {
    const v = this.config.version;
    if (!this.config.thp || !versionAtLeast(v, 6, 7)) return false;
    if (versionAtLeast(v, 6, 12)) return req.hintPage === 0 && req.pages % this.geo.pmdPages === 0;
    return req.pages >= this.geo.pmdPages;
  }

  /** __thp_get_unmapped_area(): search len + 2 MiB, align up; top-down returns ret + 2 MiB when already aligned. */
  private placeThp(req: PlacementRequest): Placement {
    const pmd = this.geo.pmdPages;
    const padded = this.arch(req.hintPage, req.pages + pmd, req);
    if (!padded.ok) return this.arch(req.hintPage, req.pages, req); // the caller retries without padding
    if (req.hintPage !== 0 && padded.page === req.hintPage) return padded;
    const offSub = (pmd - (padded.page % pmd)) % pmd;
    if (this.config.layout === 'topdown' && offSub === 0) {
      return {
        ok: true,
        page: padded.page + pmd,
        how: 'THP-aligned (+2 MiB quirk: the padded gap was already aligned)',
      };
    }
    return { ok: true, page: padded.page + offSub, how: 'THP-aligned to 2 MiB' };
  }

  /** mm->get_unmapped_area: arch_get_unmapped_area_topdown, or the bottom-up one in the legacy layout. */
  private arch(hintPage: number, pages: number, req: PlacementRequest): Placement {
    if (this.config.layout === 'legacy') return this.bottomUp(hintPage, pages, req);
    if (req.map32bit) return this.bottomUp(hintPage, pages, req); // MAP_32BIT forces the bottom-up path (facts 1.3)
    const geo = this.geo;
    if (hintPage !== 0) {
      // mmap_address_hint_valid() on 4-level paging: the range must end within TASK_SIZE.
      const valid = hintPage <= geo.taskPages - pages;
      if (valid && this.vmas.isFree(hintPage, pages)) return { ok: true, page: hintPage, how: 'hint (free)' };
    }
    const low = Math.max(req.above4g ? geo.fourGiBPage : 1, geo.minAddrPage);
    const found = this.vmas.findTopDown(low, geo.mmapBasePage, pages);
    if (found >= 0) {
      return {
        ok: true,
        page: found,
        how: hintPage !== 0 ? 'top-down (hint occupied, ignored)' : 'top-down',
      };
    }
    // "A failed mmap() very likely causes application failure, so fall back to the bottom-up function".
    return this.bottomUp(hintPage, pages, req);
  }

  /** x86 arch_get_unmapped_area(): first fit upward from the legacy base, or in [1 GiB, 2 GiB) for MAP_32BIT. */
  private bottomUp(hintPage: number, pages: number, req: PlacementRequest): Placement {
    const geo = this.geo;
    const begin = req.map32bit ? geo.map32BeginPage : geo.legacyBasePage;
    const end = req.map32bit ? geo.map32EndPage : geo.taskPages;
    if (pages > end) return NO_ROOM;
    if (hintPage !== 0 && end - pages >= hintPage && this.vmas.isFree(hintPage, pages)) {
      return { ok: true, page: hintPage, how: 'hint (free)' };
    }
    const low = Math.max(req.above4g ? geo.fourGiBPage : begin, geo.minAddrPage);
    const found = this.vmas.findBottomUp(low, end, pages);
    if (found < 0) return NO_ROOM;
    return { ok: true, page: found, how: req.map32bit ? 'MAP_32BIT bottom-up first fit' : 'bottom-up' };
  }
}
