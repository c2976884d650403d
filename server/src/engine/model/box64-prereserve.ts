// What box64 reserves at start-up when the program it runs is Wine (`box64 wine64 …`), before any
// of Wine's code runs: src/core.c (read at 38ea9c9c) sees `wine64`/`wine`, skips Wine's preloader
// ("Wine preloader detected, loading … directly") and calls wine_prereserve() unconditionally
// (`if(wine_preloaded || 1)`), on every host arch (no NOALIGN or arch guard around it).
// src/tools/wine_tools.c (read at f649132b): `my_wine_reserve[] = {{0x00010000, 0x00008000},
// {0x00110000, 0x30000000}, {0x7f000000, 0x03000000}}`; each free block is mmap'd MAP_FIXED
// PROT_NONE MAP_NORESERVE and recorded with setProtection_mmap(addr, size, 0), i.e. in box64's
// `mapallmem` (src/custommem.c at 93fc3be: setProtection_generic → rb_set(mapallmem, …, MEM_MMAP)).
// find31bitBlockNearHint walks that same tree, so it never returns an address in these ranges.
// box64 then hands the list to Wine as `wine_main_preload_info` (core.c: `*(void**)wineinfo =
// get_wine_prereserve()`): Wine takes them as its preloader's reserved areas and places its own
// views there. So drvmap keeps them in box64's record, not as mappings of the simulated space:
// Wine's window search (the window "starts empty", docs/language.md) may use them, box64's search
// may not. Not modelled: the 16 MiB of the reservation below 2 GiB (0x7f00_0000..0x8000_0000)
// also stops the x86-64 kernel's MAP_32BIT search, which drvmap's kernel does not see; and a
// WINEPRELOADRESERVE range from the environment, which box64 adds to the list.
import { formatHex } from '../numbers';
import type { Simulation } from '../sim/simulation';
import { BOX64_ACTOR } from './layer-actors';

/** box64's `my_wine_reserve` (wine_tools.c), as [start, end). */
export const BOX64_WINE_PRERESERVE: readonly (readonly [bigint, bigint])[] = [
  [0x1_0000n, 0x1_0000n + 0x8000n],
  [0x11_0000n, 0x11_0000n + 0x3000_0000n],
  [0x7f00_0000n, 0x7f00_0000n + 0x300_0000n],
];

/** The ranges as text: `0x1_0000..0x1_8000, 0x11_0000..0x3011_0000, 0x7f00_0000..0x8200_0000`. */
export function box64PrereserveText(): string {
  return BOX64_WINE_PRERESERVE.map(([s, e]) => `${formatHex(s)}..${formatHex(e)}`).join(', ');
}

/** The trace line for box64's start-up reservation (strategy mmap32's set-up). */
export function noteBox64Prereserve(sim: Simulation): void {
  sim.note(
    BOX64_ACTOR,
    () => `wine_prereserve: ${box64PrereserveText()} (PROT_NONE)`,
    "in box64's record (mapallmem), handed to Wine as wine_main_preload_info",
    true,
  );
}

/** The box64 reservation that [start, end) overlaps, if any. */
export function box64PrereserveOverlapping(
  start: bigint,
  end: bigint,
): readonly [bigint, bigint] | undefined {
  return BOX64_WINE_PRERESERVE.find(([s, e]) => start < e && s < end);
}
