// KUSER_SHARED_DATA: the page Wine's allocator never hands out. ntdll places it where Windows does,
// `user_shared_data = (void *)0x7ffe0000` (wine-mirror/wine dlls/ntdll/unix/virtual.c, read at
// 01aa909c; facts linux-mm §7.2): virtual_alloc_first_teb commits a view there with
// NtAllocateVirtualMemory before any of the program's code runs, and virtual_map_user_shared_data
// maps the wineserver's section over it (`mmap(user_shared_data, page_size, PROT_READ,
// MAP_SHARED|MAP_FIXED, fd, 0)`). Every window allocation after that is a map_view that skips
// existing views and starts on the 64 KiB granularity, so no view covers the page and none starts
// in the rest of its 64 KiB: the largest block Wine can hand out below 4 GiB ends at 0x7ffe_0000
// or starts at 0x7fff_0000. drvmap does not map it (the window starts empty, as Wine's start-up
// reservations are not modelled, docs/language.md): it is room Wine's window search, the window's
// budget and the panel's gaps leave out.
//
// Two facts, kept apart: the view is there in every Wine process, WOW64's 64-bit ntdll or i386
// Wine's alike (`user_shared_data` and virtual_alloc_first_teb are built for both), whatever the
// window (map_fixed_area refuses it, sim/wine-views.ts); the block the window search and budget
// leave out is that view's granule cut to the window, and is none when the window does not reach
// it. The one process without Wine is `strategy reserve-high` with no `large-address-aware` line:
// a FEX i386 Linux guest (sim/platform.ts windowSource), which has no ntdll and so no such view; a
// `large-address-aware` line there states a Windows program under old 32-bit Wine, which has one.
import { alignUp } from '../numbers';
import type { Platform } from './platform';

/** Where Wine maps KUSER_SHARED_DATA (virtual.c `user_shared_data`). */
export const WINE_USER_SHARED_DATA = 0x7ffe_0000n;

/** How the hole is named in messages and hover. */
export const WINE_USER_SHARED_DATA_LABEL = "Wine's KUSER_SHARED_DATA";

/** Whether the process runs Wine at all: all but a FEX i386 Linux guest (see above). */
function runsWine(platform: Platform): boolean {
  return platform.strategy !== 'reserve-high' || platform.sources.has('large-address-aware');
}

/**
 * KUSER_SHARED_DATA's view, [start, end): the one page virtual_alloc_first_teb commits, in any
 * window; undefined in a process without Wine.
 */
export function wineUserSharedDataView(platform: Platform): readonly [bigint, bigint] | undefined {
  if (!runsWine(platform)) return undefined;
  return [WINE_USER_SHARED_DATA, WINE_USER_SHARED_DATA + platform.kernel.pageSize];
}

/**
 * The block of the window [low, platform.window.end) no Wine view may take, as [start, end): the
 * view's page and the rest of its allocation granule, cut to the window; undefined when the
 * process has no such view or the block lies outside the window.
 */
export function wineUserSharedDataBlock(
  platform: Platform,
  low: bigint,
): readonly [bigint, bigint] | undefined {
  const view = wineUserSharedDataView(platform);
  if (view === undefined) return undefined;
  const [start, viewEnd] = view;
  const end = alignUp(viewEnd, platform.allocationGranularity);
  const from = start > low ? start : low;
  const to = end < platform.window.end ? end : platform.window.end;
  return from < to ? [from, to] : undefined;
}

/** [start, end) without the block: the pieces a view may lie in, in address order. */
export function withoutBlock(
  block: readonly [bigint, bigint] | undefined,
  start: bigint,
  end: bigint,
): (readonly [bigint, bigint])[] {
  if (start >= end) return [];
  if (block === undefined || block[1] <= start || block[0] >= end) return [[start, end]];
  const pieces: (readonly [bigint, bigint])[] = [];
  if (block[0] > start) pieces.push([start, block[0]]);
  if (block[1] < end) pieces.push([block[1], end]);
  return pieces;
}
