// Wine's reserved areas: address space that something mapped PROT_NONE before Wine ran and handed
// to it as `wine_main_preload_info` (the preloader, or box64's wine_prereserve under `mmap32`).
// ntdll's virtual_init adds each to `reserved_areas` (mmap_add_reserved_area), and from then on
// the placeholder there is Wine's to replace: map_fixed_area and map_reserved_area map over it
// with anon_mmap_fixed (MAP_FIXED), and unmap_area puts a PROT_NONE MAP_NORESERVE placeholder back
// instead of unmapping (wine-mirror/wine dlls/ntdll/unix/virtual.c, read at 01aa909c). The kernel
// sees the placeholders as the VMAs they are; Wine's window search sees them as room.
import type { Vma } from '../kernel/types';

/** The label of a placeholder mapping in one of Wine's reserved areas. */
export const WINE_RESERVED_LABEL = 'Wine reserved area';

/** Whether a VMA is a placeholder of a reserved area, room Wine's own allocations may take. */
export function isWineReservedPlaceholder(vma: Vma): boolean {
  return vma.prot === 0 && vma.label === WINE_RESERVED_LABEL;
}

/** A reserved area, [start, end). */
export type ReservedArea = readonly [bigint, bigint];

/**
 * The list with [start, end) added as mmap_add_reserved_area adds it (wine-mirror/wine
 * dlls/ntdll/unix/virtual.c, read at 01aa909c): an area that overlaps it or only touches it
 * (`if (area_end < addr) continue;` lets an area ending at `addr` through, as `area->base > end`
 * does one starting at `end`) is merged with it, one that holds it already leaves the list as it
 * was (`if (area_end >= end) return;`), and it swallows the following areas it reaches ("try to
 * merge with the following ones"). So the list stays sorted with a gap between any two areas, and
 * a view can lie across what were two ranges of wine_main_preload_info (the preloader's DOS and
 * low memory areas are one). `areas` are such a list; `joined` are those merged into the new one.
 */
export function withReservedArea(
  areas: readonly ReservedArea[],
  start: bigint,
  end: bigint,
): { readonly areas: ReservedArea[]; readonly joined: ReservedArea[] } {
  const joined = areas.filter(([s, e]) => e >= start && s <= end);
  let low = start;
  let high = end;
  for (const [s, e] of joined) {
    if (s < low) low = s;
    if (e > high) high = e;
  }
  return {
    areas: [...areas.filter(([, e]) => e < start), [low, high], ...areas.filter(([s]) => s > end)],
    joined,
  };
}

/** A range [start, end), split at the reserved areas' edges, each piece saying whether it is inside one. */
export interface AreaPiece {
  readonly start: bigint;
  readonly end: bigint;
  readonly reserved: boolean;
}

/**
 * [start, end) in pieces as map_fixed_area and unmap_area walk it: the parts outside every area
 * and the parts inside one, in address order. `areas` are sorted and apart (withReservedArea).
 */
export function piecesByArea(
  areas: readonly (readonly [bigint, bigint])[],
  start: bigint,
  end: bigint,
): AreaPiece[] {
  const pieces: AreaPiece[] = [];
  let cursor = start;
  for (const [areaStart, areaEnd] of areas) {
    if (areaStart >= end) break;
    if (areaEnd <= cursor) continue;
    if (areaStart > cursor) pieces.push({ start: cursor, end: areaStart, reserved: false });
    const pieceStart = areaStart > cursor ? areaStart : cursor;
    const pieceEnd = areaEnd < end ? areaEnd : end;
    pieces.push({ start: pieceStart, end: pieceEnd, reserved: true });
    cursor = pieceEnd;
  }
  if (cursor < end) pieces.push({ start: cursor, end, reserved: false });
  return pieces;
}
