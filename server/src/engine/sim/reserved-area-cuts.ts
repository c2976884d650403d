// Why a window with reserved areas (box64's under `mmap32`) can be "fragmented" with nothing mapped
// in it: Wine's map_view takes a view wholly inside one reserved area (find_reserved_free_area) or
// wholly outside all of them (map_free_area steps over their placeholders with
// MAP_FIXED_NOREPLACE), never across an area's edge (wine-mirror/wine dlls/ntdll/unix/virtual.c,
// read at 01aa909c). So a gap the kernel sees as one block is, to Wine, one block per side of each
// edge in it, and a window-exhausted message that counts that gap's room as free must say what cut
// it, or it reads as fragmented by nothing.
import { formatHex } from '../numbers';

type Area = readonly [bigint, bigint];

/** A free gap (placeholders counted free) that reserved areas' edges cut into several blocks. */
export interface ReservedAreaCut {
  /** The gap's room from its first aligned address: what one view could take but for the cuts. */
  readonly usable: bigint;
  /** The areas with an edge inside that room, in address order. */
  readonly areas: readonly Area[];
}

/**
 * The areas (sorted, disjoint) with an edge strictly inside [start, end): each stands in the way of
 * a view placed from `start`. An area that holds the whole range cuts nothing.
 */
export function areasCutting(areas: readonly Area[], start: bigint, end: bigint): Area[] {
  const inside = (at: bigint) => at > start && at < end;
  return areas.filter(([areaStart, areaEnd]) => inside(areaStart) || inside(areaEnd));
}

/**
 * The areas whose edges refused `size`: those cutting a gap that would have held it whole. Empty
 * when the cuts did not matter (the room was short, or mappings split it).
 */
export function areasRefusing(cuts: readonly ReservedAreaCut[], size: bigint): Area[] {
  const found = new Map<bigint, Area>();
  for (const cut of cuts) if (cut.usable >= size) for (const area of cut.areas) found.set(area[0], area);
  return [...found.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * "box64's start-up reservations (0x11_0000..0x3011_0000, 0x7f00_0000..0x8200_0000) cut it, and no
 * Wine view spans their edges", for `areas` (at least one), each named with who reserved it: an
 * area Wine merged from several actors' ranges is "box64's and wine's".
 */
export function reservedAreaCutText(
  areas: readonly Area[],
  reservedBy: (area: Area) => readonly string[],
): string {
  const groups = new Map<string, string[]>();
  for (const area of areas) {
    const by = possessive(reservedBy(area));
    groups.set(by, [...(groups.get(by) ?? []), `${formatHex(area[0])}..${formatHex(area[1])}`]);
  }
  const named = [...groups]
    .map(([by, ranges]) =>
      ranges.length === 1
        ? `${by} start-up reservation ${ranges[0]!}`
        : `${by} start-up reservations (${ranges.join(', ')})`,
    )
    .join(' and ');
  return areas.length === 1
    ? `${named} cuts it, and no Wine view spans its edges`
    : `${named} cut it, and no Wine view spans their edges`;
}

/** "box64's", "box64's and wine's", "a's, b's and c's". */
function possessive(owners: readonly string[]): string {
  const each = owners.map((o) => `${o}'s`);
  return each.length > 1 ? `${each.slice(0, -1).join(', ')} and ${each.at(-1)!}` : each.join('');
}
