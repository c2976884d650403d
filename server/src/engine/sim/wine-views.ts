// Wine's views: the ranges ntdll's map_view registered (create_view) and free_pages has not taken
// back. map_fixed_area refuses a range that holds one (`if (find_view_range( base, size )) return
// STATUS_CONFLICTING_ADDRESSES;`, wine-mirror/wine dlls/ntdll/unix/virtual.c, read at 01aa909c),
// whoever's pages fill it now: win32u keeps a placed map's NtAllocateVirtualMemory range as
// `vm_map` until vkUnmapMemory/vkFreeMemory (dlls/win32u/vulkan.c win32u_vkMapMemory2KHR) though
// the driver's MAP_FIXED replaced its pages, and a remap strategy's mremap moves the driver's pages
// over a reservation Wine made. So the views are kept as Wine made them, not read off the VMAs'
// owners. KUSER_SHARED_DATA's page is one too: virtual_alloc_first_teb commits it with
// NtAllocateVirtualMemory before the program runs.
import type { Simulation } from './simulation';
import { isWineReservedPlaceholder } from './wine-reserved-areas';
import { wineUserSharedDataView } from './wine-user-shared-data';

const WINE = 'wine';

/** Each simulation's views, [start, end), in no order. */
const VIEWS = new WeakMap<Simulation, [bigint, bigint][]>();

/** map_view's create_view: [start, end) is Wine's from now on. */
export function noteWineView(sim: Simulation, start: bigint, end: bigint): void {
  let views = VIEWS.get(sim);
  if (!views) VIEWS.set(sim, (views = []));
  views.push([start, end]);
}

/** free_pages: [start, end) is no longer in any view (a view freed in part keeps the rest). */
export function forgetWineViews(sim: Simulation, start: bigint, end: bigint): void {
  const views = VIEWS.get(sim);
  if (!views) return;
  const kept: [bigint, bigint][] = [];
  for (const [s, e] of views) {
    if (e <= start || s >= end) kept.push([s, e]);
    else {
      if (s < start) kept.push([s, start]);
      if (e > end) kept.push([end, e]);
    }
  }
  VIEWS.set(sim, kept);
}

/**
 * find_view_range: whether [start, end) overlaps one of Wine's views. A mapping of Wine's own that
 * is not a reserved area's placeholder counts as one too (a raw `mmap … by wine` step is the
 * scenario's word that Wine made it).
 */
export function holdsWineView(sim: Simulation, start: bigint, end: bigint): boolean {
  if (VIEWS.get(sim)?.some(([s, e]) => s < end && e > start)) return true;
  if (holdsUserSharedData(sim, start, end)) return true;
  const page = sim.pageSize;
  const endPage = Number((end + page - 1n) / page);
  return sim.space
    .overlapping(sim.pageOf(start), endPage)
    .some((v) => v.owner === WINE && !isWineReservedPlaceholder(v));
}

/**
 * Whether [start, end) holds KUSER_SHARED_DATA's view, in any window: the view is Wine's from
 * process start, whether or not the window's budget reaches it (sim/wine-user-shared-data.ts).
 */
export function holdsUserSharedData(sim: Simulation, start: bigint, end: bigint): boolean {
  const view = wineUserSharedDataView(sim.platform);
  return view !== undefined && view[0] < end && view[1] > start;
}
