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
import { formatHex } from '../numbers';
import { RefusedCall } from './calls';
import { piecesByArea, WINE_RESERVED_LABEL } from './wine-reserved-areas';
import { forgetWineViews, holdsUserSharedData, holdsWineView, noteWineView } from './wine-views';

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
  const result = mapFixedArea(sim, area, label);
  if (result.ok) noteWineView(sim, area.start, area.start + area.length);
  return result;
}

function mapFixedArea(sim: Simulation, area: WineArea, label: string | undefined): SyscallResult {
  const end = area.start + area.length;
  const pieces = piecesByArea(sim.wineReservedAreas, area.start, end);
  // map_fixed_area first refuses a range that holds one of Wine's views (find_view_range,
  // STATUS_CONFLICTING_ADDRESSES), whoever's pages fill it now (sim/wine-views.ts). Where pages
  // are there, the one MAP_FIXED_NOREPLACE call shows that refusal as the kernel's EEXIST, as it
  // always did outside reserved areas. KUSER_SHARED_DATA's view, whose page drvmap does not map,
  // is refused without a call, in Wine's words.
  if (holdsUserSharedData(sim, area.start, end)) return conflict(sim, area);
  if (holdsWineView(sim, area.start, end)) return mapPiece(sim, area, area.start, end, false, label);
  if (!pieces.some((p) => p.reserved)) return mapPiece(sim, area, area.start, end, false, label);
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

/** STATUS_CONFLICTING_ADDRESSES before any mmap, said as the EEXIST it is elsewhere (map_fixed_area `errno == EEXIST`). */
function conflict(sim: Simulation, area: WineArea): SyscallResult {
  const reason = `[${formatHex(area.start)}, ${formatHex(area.start + area.length)}) holds KUSER_SHARED_DATA's page, a view virtual_alloc_first_teb committed at start-up: map_fixed_area's find_view_range returns STATUS_CONFLICTING_ADDRESSES, with no mmap`;
  const call = new RefusedCall(
    WINE,
    `NtAllocateVirtualMemory(${formatHex(area.start)}, ${formatHex(area.length)}, ${area.noreserve ? 'MEM_RESERVE' : 'MEM_RESERVE|MEM_COMMIT'})`,
    'EEXIST',
    reason,
  );
  sim.addCall(call);
  return { ok: false, errno: 'EEXIST', reason, effects: [] };
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

/** unmap_area: NtFreeVirtualMemory's release of [start, start + length). */
export function wineUnmapArea(sim: Simulation, start: bigint, length: bigint): void {
  forgetWineViews(sim, start, start + length);
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
