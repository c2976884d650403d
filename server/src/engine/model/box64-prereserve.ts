// What box64 reserves at start-up when the program it runs is Wine (`box64 wine64 …`), before any
// of Wine's code runs: src/core.c (read at 38ea9c9c) sees `wine64`/`wine`, skips Wine's preloader
// ("Wine preloader detected, loading … directly") and calls wine_prereserve() unconditionally
// (`if(wine_preloaded || 1)`), on every host arch (no NOALIGN or arch guard around it).
// src/tools/wine_tools.c: `my_wine_reserve[] = {{0x00010000, 0x00008000}, {0x00110000,
// 0x30000000}, {0x7f000000, 0x03000000}}`, each mmap'd PROT_NONE MAP_PRIVATE|MAP_ANON|
// MAP_NORESERVE. At f649132b the call is MAP_FIXED after isBlockFree() and the range is recorded
// with setProtection_mmap(addr, size, 0) in box64's `mapallmem` (src/custommem.c at 93fc3be:
// setProtection_generic → rb_set(mapallmem, …, MEM_MMAP)), which find31bitBlockNearHint walks;
// older box64 (0733a872) passed the address as a hint (`/*MAP_FIXED |*/`) and dropped a range the
// kernel put elsewhere. Either way, in a process where the ranges are free, each is a real VMA:
// the x86-64 kernel's MAP_32BIT search (bottom-up in [1 GiB, 2 GiB), linux-mm §1.3) cannot return
// a range over 0x7f00_0000..0x8000_0000, so its usable top is 0x7f00_0000. box64 then hands the
// list to Wine as `wine_main_preload_info` (core.c: `*(void**)wineinfo = get_wine_prereserve()`),
// and Wine's virtual_init makes each a reserved area (mmap_add_reserved_area), whose placeholder
// Wine maps over with MAP_FIXED (sim/wine-reserved-areas.ts): so drvmap maps them as the `box64`
// actor's PROT_NONE VMAs and hands them to Wine's window search as room. Not modelled: a
// WINEPRELOADRESERVE range from the environment, which box64 adds to the list.
import { formatHex } from '../numbers';
import { mapWineReservedArea } from '../sim/wine-reserved-placeholder';
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

/**
 * box64's start-up reservation (strategy mmap32's set-up): a trace line for the whole, the mmap of
 * each range, and each range box64 got handed to Wine as a reserved area (a range the kernel refused
 * is dropped from the list, `remove_prereserve`).
 */
export function box64Prereserve(sim: Simulation): void {
  sim.note(
    BOX64_ACTOR,
    () => `wine_prereserve: ${box64PrereserveText()} (PROT_NONE)`,
    "mapped, kept in box64's record (mapallmem), handed to Wine as wine_main_preload_info",
    true,
  );
  for (const [start, end] of BOX64_WINE_PRERESERVE) mapWineReservedArea(sim, BOX64_ACTOR, start, end - start);
}
