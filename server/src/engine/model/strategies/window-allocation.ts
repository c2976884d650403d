// Wine's NtAllocateVirtualMemory with zero_bits: space below the 32-bit limit at a 64 KiB-aligned
// base, either reserved (PROT_NONE, MAP_NORESERVE) or committed (read-write). Wine maps the
// length asked for rounded up to the page (map_view's host_size), not to 64 KiB; the rest of the
// last 64 KiB stays unmapped, and the aligned search starts no other range in it. Every strategy that
// needs window space comes through here, so exhaustion is reported the same way everywhere.
import { PROT_NONE, PROT_READ, PROT_WRITE, type Errno } from '../../kernel/types';
import type { Simulation } from '../../sim/simulation';
import { wineMapFixedArea } from '../../sim/wine-fixed-area';
import { formatHex, formatSize } from '../../numbers';
import { wineText } from '../../sim/wine-version';

/** Why no window range was made: none fits, or the kernel refused Wine's mmap of the one found. */
export type WindowFailure = { readonly noRoom: true } | { readonly refused: string; readonly errno: Errno };

/**
 * The address of the new range, or why there is none: with a `window-exhausted` finding when none
 * fits, with the mmap's `kernel-refused` when the kernel refused it.
 */
export function allocateInWindow(
  sim: Simulation,
  length: bigint,
  kind: 'reserve' | 'commit',
  label: string,
): bigint | WindowFailure {
  const granularity = sim.platform.allocationGranularity;
  const low = sim.findWindowSpace(length, granularity);
  if (low === undefined) {
    const leaked = leakedImports(sim);
    sim.finding(
      'window-exhausted',
      sim.describeNoRoom(length, granularity) + (leaked.length ? leakedText(sim, leaked) : ''),
      leaked.flatMap((l) => {
        const at = sim.stepRange(l.step);
        return at
          ? [{ range: at, message: `vkFreeMemory here left ${l.name}'s ${formatSize(l.size)} in the window` }]
          : [];
      }),
    );
    return NO_ROOM;
  }
  const reserve = kind === 'reserve';
  // The range lies inside one reserved area (box64's under `mmap32`), over whose placeholder Wine
  // maps with MAP_FIXED (map_reserved_area), or outside all, where map_free_area's call is
  // MAP_FIXED_NOREPLACE: wineMapFixedArea makes that one call either way (sim/wine-fixed-area.ts).
  const mapped = wineMapFixedArea(
    sim,
    { start: low, length, prot: reserve ? PROT_NONE : PROT_READ | PROT_WRITE, noreserve: reserve },
    label,
  );
  // A refused map (its kernel-refused finding already says why) leaves nothing at `low`: callers
  // that carried on with the address wrote through an unmapped pointer. They fail as for a full
  // window, and say which of the two it was.
  return mapped.ok
    ? low
    : { refused: `Wine's mmap of the window range failed with ${mapped.errno}`, errno: mapped.errno };
}

const NO_ROOM: WindowFailure = { noRoom: true };

/** The reason a caller gives: its own words for a full window, or the refused mmap. */
export function windowFailureReason(failure: WindowFailure, noRoom: string): string {
  return 'refused' in failure ? failure.refused : noRoom;
}

/** A host import whose range vkFreeMemory left committed (Wine ≥ 10.15, sim/wine-version.ts). */
interface LeakedImport {
  readonly name: string;
  readonly start: bigint;
  readonly size: bigint;
  /** The vkFreeMemory step. */
  readonly step: number;
}

const LEAKED = new WeakMap<Simulation, LeakedImport[]>();

/** Notes that vkFreeMemory left an import's range in the window, for window-exhausted to say. */
export function recordLeakedImport(sim: Simulation, name: string, start: bigint, size: bigint): void {
  let list = LEAKED.get(sim);
  if (!list) LEAKED.set(sim, (list = []));
  list.push({ name, start, size, step: sim.stepIndex });
}

/** The leaked imports whose range is still Wine's (a scenario may have unmapped one since). */
function leakedImports(sim: Simulation): LeakedImport[] {
  const list = LEAKED.get(sim) ?? [];
  return list.filter((l) => {
    const vma = sim.space.vmaAt(sim.pageOf(l.start));
    return vma !== undefined && vma.owner === 'wine' && vma.label === `${l.name} (host import)`;
  });
}

function leakedText(sim: Simulation, leaked: readonly LeakedImport[]): string {
  let bytes = 0n;
  for (const l of leaked) bytes += l.size;
  const first = leaked[0]!;
  const one = leaked.length === 1;
  const { wine, wineSource } = sim.platform;
  return `. ${one ? `${first.name}'s host import at ${formatHex(first.start)}` : `${leaked.length} host imports`} (${formatSize(bytes)}) ${one ? 'is' : 'are'} still there after vkFreeMemory: ${wineText(wine, wineSource)} never releases an import's range (from Wine 10.15, dlls/win32u's win32u_vkFreeMemory frees only vm_map, which an import leaves NULL: a Wine bug); before 10.15 (dlls/winevulkan, \`wine 10.14\`) Wine released ${one ? 'it' : 'them'}`;
}
