// Wine's calls for a range at a chosen address and for its release, as ntdll's map_fixed_area and
// unmap_area make them (wine-mirror/wine dlls/ntdll/unix/virtual.c, read at 01aa909c): the parts
// inside a reserved area are mapped over with anon_mmap_fixed (MAP_FIXED), the rest with
// anon_mmap_tryfixed (MAP_FIXED_NOREPLACE); a release puts a PROT_NONE MAP_NORESERVE placeholder
// back inside a reserved area and munmaps the rest. Without reserved areas (every strategy but
// `mmap32`, where box64 hands Wine its own) each is the one call it always was.
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  PROT_NONE,
  type SyscallResult,
} from '../kernel/types';
import type { Simulation } from './simulation';
import { isWineReservedPlaceholder, piecesByArea, WINE_RESERVED_LABEL } from './wine-reserved-areas';

const WINE = 'wine';

/** What Wine maps: anonymous private memory, `noreserve` for a reservation (MEM_RESERVE). */
export interface WineArea {
  readonly start: bigint;
  readonly length: bigint;
  readonly prot: number;
  readonly noreserve: boolean;
}

/**
 * map_fixed_area: the first call's result when every piece was mapped (its value is the start),
 * else the failed call's, with what was mapped before it released as unmap_area does.
 */
export function wineMapFixedArea(sim: Simulation, area: WineArea, label: string | undefined): SyscallResult {
  const end = area.start + area.length;
  const pieces = piecesByArea(sim.wineReservedAreas, area.start, end);
  // map_fixed_area first refuses a range that holds one of Wine's views (find_view_range,
  // STATUS_CONFLICTING_ADDRESSES); Wine's mappings are its views here, and the one
  // MAP_FIXED_NOREPLACE call shows that refusal as the kernel's EEXIST, as before reserved areas.
  if (!pieces.some((p) => p.reserved) || holdsWineView(sim, area.start, end))
    return mapPiece(sim, area, area.start, end, false, label);
  let first: SyscallResult | undefined;
  for (const piece of pieces) {
    const result = mapPiece(sim, area, piece.start, piece.end, piece.reserved, label);
    if (!result.ok) {
      if (piece.start > area.start) wineUnmapArea(sim, area.start, piece.start - area.start);
      return result;
    }
    first ??= result;
  }
  return first!;
}

function mapPiece(
  sim: Simulation,
  area: WineArea,
  start: bigint,
  end: bigint,
  reserved: boolean,
  label: string | undefined,
): SyscallResult {
  const flags =
    MAP_PRIVATE |
    MAP_ANONYMOUS |
    (reserved ? MAP_FIXED : MAP_FIXED_NOREPLACE) |
    (area.noreserve ? MAP_NORESERVE : 0);
  return sim.mmap(
    WINE,
    { addr: start, length: end - start, prot: area.prot, flags, fd: -1, offset: 0n },
    label,
  );
}

/** Whether [start, end) holds a mapping of Wine's that is not a reserved area's placeholder. */
function holdsWineView(sim: Simulation, start: bigint, end: bigint): boolean {
  const endPage = Number((end + sim.pageSize - 1n) / sim.pageSize);
  return sim.space
    .overlapping(sim.pageOf(start), endPage)
    .some((v) => v.owner === WINE && !isWineReservedPlaceholder(v));
}

/** unmap_area: NtFreeVirtualMemory's release of [start, start + length). */
export function wineUnmapArea(sim: Simulation, start: bigint, length: bigint): void {
  for (const piece of piecesByArea(sim.wineReservedAreas, start, start + length)) {
    const size = piece.end - piece.start;
    if (!piece.reserved) sim.munmap(WINE, piece.start, size);
    else
      sim.mmap(
        WINE,
        {
          addr: piece.start,
          length: size,
          prot: PROT_NONE,
          flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
          fd: -1,
          offset: 0n,
        },
        WINE_RESERVED_LABEL,
      );
  }
}
