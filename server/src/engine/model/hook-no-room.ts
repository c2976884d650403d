// hook-mmap's hint search finding no room in the window. The driver's mmap then goes where the
// kernel puts it (high), and the pointer handed over is `pointer-outside-window` (docs/language.md:
// under hook-mmap a full window yields that, not window-exhausted). What that finding alone does
// not say is why the window had no room: a driver `alignment` larger than a page over-allocates
// by the alignment and trims (H8, facts vulkan-wine §4: "large alignments and big parents"), so
// the hook must find the padded size in one block, and the trimmed mappings left on alignment
// boundaries split the window into gaps each too small for the next padded request.
import { formatHex, formatSize, formatSizeBelow } from '../numbers';
import type { Simulation } from '../sim/simulation';

/** Why the hook found no room: a short form for its trace note, and the whole of it for the finding. */
export interface HookNoRoom {
  readonly note: string;
  readonly detail: string;
}

/**
 * `length`: what the driver maps; `padding`: what its `alignment` adds to the search (0 without
 * one); `driver`: its name.
 */
export function hookNoRoom(sim: Simulation, driver: string, length: bigint, padding: bigint): HookNoRoom {
  const asked = length + padding;
  const granularity = sim.platform.allocationGranularity;
  const stats = sim.windowStats(granularity);
  const free = `${formatSize(stats.freeBytes)} free in ${stats.gaps} ${stats.gaps === 1 ? 'block' : 'blocks'}, the largest ${formatSizeBelow(stats.largestFree)}`;
  const noRoom = sim.describeNoRoom(asked, granularity);
  if (padding === 0n)
    return { note: `no room in the window for ${formatSize(asked)} (${free})`, detail: noRoom };
  // findWindowSpace hands out the largest usable block at the granularity: the map alone fits
  // when that holds it.
  const unpaddedFits = stats.largestUsable >= length;
  // The driver's own trimmed mappings cut the window when it is in several gaps.
  const split = stats.gaps > 1 ? (stats.holders.get(driver) ?? 0) : 0;
  return {
    note: `no room in the window for ${formatHex(asked)} (${formatSize(length)} + ${formatSize(padding)} of alignment padding, H8; ${free})`,
    detail: `${noRoom}. ${driver} maps ${formatSize(length)} with \`alignment ${formatSize(padding)}\`: it over-allocates by the alignment and trims to an aligned block (H8), so the hook needs ${formatSize(asked)} in one block${unpaddedFits ? `, where the ${formatSize(length)} alone would fit` : ''}${splitText(driver, split, padding)}`,
  };
}

/** How the driver's own trimmed mappings cut what is free, when they do. */
function splitText(driver: string, mappings: number, alignment: bigint): string {
  if (mappings === 0) return '';
  return mappings === 1
    ? `; ${driver}'s mapping, left on a ${formatSize(alignment)} boundary by that trim, splits what is free`
    : `; ${mappings} of ${driver}'s mappings, each left on a ${formatSize(alignment)} boundary by that trim, split what is free`;
}
