// The placeholder of one of Wine's reserved areas, made before Wine's own code runs: by Wine's
// preloader (wine-mirror/wine loader/preloader.c wld_start: each preload_info range is
// wld_mmap'd PROT_NONE, MAP_FIXED|MAP_PRIVATE|MAP_ANON|MAP_NORESERVE) or by box64's
// wine_prereserve (model/box64-prereserve.ts), and handed to ntdll as wine_main_preload_info,
// whose virtual_init makes it a reserved area (sim/wine-reserved-areas.ts). One shape for both, so
// Wine's window search, the panel and window-exhausted treat them alike.
import { MAP_ANONYMOUS, MAP_FIXED, MAP_NORESERVE, MAP_PRIVATE, PROT_NONE } from '../kernel/types';
import { alignUp } from '../numbers';
import type { SyscallResult } from '../kernel/types';
import type { Simulation } from './simulation';
import { WINE_RESERVED_LABEL } from './wine-reserved-areas';

/**
 * Maps [start, start + length) as `actor`'s reserved-area placeholder and, when the kernel took
 * it, hands it to Wine as a reserved area. A range the kernel refused is dropped from the list, as
 * the preloader's remove_preload_range and box64's remove_prereserve drop it.
 */
export function mapWineReservedArea(
  sim: Simulation,
  actor: string,
  start: bigint,
  length: bigint,
): SyscallResult {
  const mapped = sim.mmap(
    actor,
    {
      addr: start,
      length,
      prot: PROT_NONE,
      flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
      fd: -1,
      offset: 0n,
    },
    WINE_RESERVED_LABEL,
  );
  // The kernel rounds the length up to its page (0x1_0000..0x1_8000 is one 64 KiB page on a
  // 64 KiB kernel): the placeholder Wine maps over is that whole VMA, so the area is too.
  if (mapped.ok) sim.addWineReservedArea(start, alignUp(start + length, sim.pageSize), actor);
  return mapped;
}
