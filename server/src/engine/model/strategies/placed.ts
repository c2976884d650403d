// Strategy 3, Wine ≥ 9.4 (under an older `wine` Wine falls back as on a driver without placed
// maps, wineMapPath): commit the object's page-rounded size at a 64 KiB-aligned address in the
// window per map (NtAllocateVirtualMemory with zero_bits), then vkMapMemory2 with VK_MEMORY_MAP_PLACED_BIT_EXT,
// offset 0 and VK_WHOLE_SIZE; unmap with VK_MEMORY_UNMAP_RESERVE_BIT_EXT and free the range
// (facts vulkan-wine §3.3). The driver maps the BO itself with MAP_FIXED over the reservation.
import { alignUp, formatHex, formatSize, maxBig } from '../../numbers';
import { hostImport, wineImports } from './host-import';
import { wineDirectMap } from './wine-direct-map';
import { isCoreMapRule, mapViolations } from '../placed-validity';
import { driverMappingLength, FormattedEvent, isHostImport, sharesBo, type VkMemory } from '../vk-memory';
import { CallSettledLater } from '../../sim/calls';
import { isReservation } from '../../sim/reservations';
import { allocateInWindow, windowFailureReason } from './window-allocation';
import { passThrough, type MapOutcome, type Strategy, type StrategyContext } from './strategy';
import { deviceIsCpu } from '../software-device';
import { hasFixedMapping, keepsPointer, mapsAtAllocation, winePlacesMaps } from '../driver';
import { setDriverObject } from '../memories-by-object';
import { importedBoLength } from '../imported-bo-length';
import type { RelatedInformation } from '../../diagnostics';
import { importReleaseText, wineHasPlacedMaps, wineText } from '../../sim/wine-version';
import { wineUnmapArea } from '../../sim/wine-fixed-area';

/**
 * Wine's WOW64 map path with what it does when the driver cannot place maps: `fallbacks.hostImport`
 * when the driver imports host memory, `fallbacks.direct` when it has neither extension (vulkan-wine
 * §3.2). The `placed` strategy and box64's `mmap32` share the path and differ in those two.
 */
export function wineMapPath(name: string, fallbacks: WineFallbacks): Strategy {
  const fallbackOf = (ctx: StrategyContext): Strategy | undefined => {
    if (wineTakesPlacedPath(ctx)) return undefined;
    return ctx.ops.model.externalMemoryHost ? fallbacks.hostImport : fallbacks.direct;
  };
  const strategy: Strategy = {
    ...passThrough,
    name,
    allocate(ctx, memory) {
      return (fallbackOf(ctx) ?? passThrough).allocate(ctx, memory);
    },
    map(ctx, memory, offset, size) {
      const fallback = fallbackOf(ctx);
      if (fallback) return fallback.map(ctx, memory, offset, size);
      // win32u_vkMapMemory2KHR (§3.3, step 1): with vm_map still set (an unmap that failed kept
      // the placement), the object is already placed there, and the map returns it.
      const vmMap = placedVmMap(memory);
      if (vmMap !== undefined) return { ok: true, pointer: vmMap + offset };
      // NtAllocateVirtualMemory(memory->size): map_view commits the size rounded up to the host
      // page (host_size) at a 64 KiB-aligned base. The rest of that 64 KiB stays unmapped, and no
      // other view starts in it (free_ranges round a view's end up to the granularity; the window
      // search's alignment does the same), so a write past the object faults, as it does in Wine.
      const committed = alignUp(memory.allocationSize, ctx.sim.pageSize);
      const low = allocateInWindow(ctx.sim, committed, 'commit', `${memory.name} (wine VM)`);
      if (typeof low !== 'bigint') {
        return {
          ok: false,
          vkResult: 'VK_ERROR_OUT_OF_HOST_MEMORY',
          reason: windowFailureReason(low, 'NtAllocateVirtualMemory found no room below the 32-bit limit'),
        };
      }
      memory.windowRange = { start: low, size: committed };
      const result = placeMap(ctx, memory, low, {
        offset: 0n,
        size: undefined,
        caller: 'wine',
        forCall: 'vkMapMemory',
      });
      if (!result.ok) {
        // win32u's wine_vkMapMemory2KHR (facts §3.3, step 4): ERR, free the VM, return the error.
        ctx.sim.note('wine', 'ERR: vkMapMemory2EXT failed', '', false);
        releaseReservation(ctx, memory);
        return result;
      }
      return { ok: true, pointer: result.pointer + offset };
    },
    // A second map of mapped memory: the map entry point starts with `if (memory->vm_map) {
    // *data = (char *)memory->vm_map + info.offset; return VK_SUCCESS; }`, before any driver call,
    // in wine_vkMapMemory2KHR (dlls/winevulkan/vulkan.c, Wine 9.4 to 10.14) and
    // win32u_vkMapMemory2KHR (dlls/win32u/vulkan.c, from 10.15) alike. On the placed path vm_map
    // is set from the placed map to its unmap, so 32-bit code gets vm_map + offset.
    mapAgain(ctx, memory, offset) {
      const fallback = fallbackOf(ctx);
      if (fallback) return fallback.mapAgain?.(ctx, memory, offset);
      const vmMap = placedVmMap(memory);
      return vmMap === undefined ? undefined : vmMap + offset;
    },
    unmap(ctx, memory) {
      const fallback = fallbackOf(ctx);
      if (fallback) return fallback.unmap(ctx, memory);
      if (!memory.windowRange) return passThrough.unmap(ctx, memory);
      // win32u_vkUnmapMemory2KHR frees the range and forgets it (vm_map) only on VK_SUCCESS: a
      // failed RESERVE unmap leaves the object placed there, and the next map returns it (§3.3).
      if (wineUnmapReserve(ctx, memory).ok) releaseReservation(ctx, memory);
    },
    free(ctx, memory) {
      const fallback = fallbackOf(ctx);
      if (fallback) return fallback.free(ctx, memory);
      if (memory.windowRange) strategy.unmap(ctx, memory);
      passThrough.free(ctx, memory);
    },
    // win32u_vkFreeMemory on a still-placed object (§3.3): the RESERVE unmap, then the host's
    // vkFreeMemory, then NtFreeVirtualMemory of the range.
    freeMapped(ctx, memory) {
      const fallback = fallbackOf(ctx);
      if (fallback) {
        fallback.unmap(ctx, memory);
        return fallback.free(ctx, memory);
      }
      if (!memory.windowRange) {
        passThrough.unmap(ctx, memory);
        return passThrough.free(ctx, memory);
      }
      // win32u_vkFreeMemory does not look at the unmap's result: the BO and the range go anyway.
      wineUnmapReserve(ctx, memory);
      passThrough.free(ctx, memory);
      releaseReservation(ctx, memory);
    },
  };
  return strategy;
}

/** Wine's vm_map while its placed map of `memory` is in place: the reservation the driver placed the object at. */
function placedVmMap(memory: VkMemory): bigint | undefined {
  return memory.windowRange && memory.driverPointer !== undefined ? memory.driverPointer : undefined;
}

/**
 * Whether the scenario's Wine maps this driver's memory with placed maps: init_physical_device
 * sets map_placed_align for a driver with both memoryMapPlaced and memoryUnmapReserve
 * (winePlacesMaps), in dlls/winevulkan/vulkan.c from Wine 9.4 and dlls/win32u/vulkan.c from 10.15
 * (vulkan-wine §3.2). Before Wine 9.4 there is no placed path: winevulkan imports host memory or
 * maps directly, whatever the driver can place (sim/wine-version.ts).
 */
export function wineTakesPlacedPath(ctx: StrategyContext): boolean {
  return winePlacesMaps(ctx.ops.model) && wineHasPlacedMaps(ctx.sim.platform.wine);
}

/** What Wine does on a driver without placed maps (with VK_EXT_external_memory_host, or neither). */
export interface WineFallbacks {
  readonly hostImport: Strategy;
  readonly direct: Strategy;
}

/**
 * What the driver lacks for Wine's placed path, as the start of placed-unsupported's message;
 * `andHostImport`: it lacks VK_EXT_external_memory_host too.
 */
function placedLack(ctx: StrategyContext, andHostImport: boolean): string {
  const driver = ctx.ops.model;
  const { wine, wineSource } = ctx.sim.platform;
  if (!wineHasPlacedMaps(wine))
    return `${wineText(wine, wineSource)} has no placed maps: they came in Wine 9.4 ("winevulkan: Use VK_EXT_map_memory_placed for memory mapping on wow64")${andHostImport ? `, and ${driver.name} has no VK_EXT_external_memory_host` : ''}`;
  if (driver.placed.supported)
    return `${driver.name} has placed maps without memoryUnmapReserve (Wine uses them only with both features)${andHostImport ? ' and no VK_EXT_external_memory_host' : ''}`;
  // Why a preset's driver lacks it on this system (ANV before Linux 5.6, driver.ts onKernel).
  const because = driver.placed.unsupportedBecause;
  const why = because !== undefined ? `: ${because}` : '';
  return andHostImport
    ? `${driver.name} exposes neither VK_EXT_map_memory_placed nor VK_EXT_external_memory_host${why}`
    : `${driver.name} does not expose VK_EXT_map_memory_placed${why}`;
}

/**
 * The placed strategy on a driver that can import host memory (or under a Wine before 9.4): Wine
 * 9.0's strategy, said once per allocation with when Wine gives the range back (by version).
 */
const importFallback: Strategy = {
  ...hostImport,
  allocate(ctx, memory) {
    const failed = hostImport.allocate(ctx, memory);
    // Said only where Wine imports: an fd import or the application's own host import is the
    // driver's, mapped as it would be under Wine 9.0 (wineImports).
    if (wineImports(memory)) {
      const size = formatSize(alignUp(memory.allocationSize, ctx.sim.pageSize));
      ctx.sim.finding(
        'placed-unsupported',
        `${placedLack(ctx, false)}; Wine imports host memory instead (VK_EXT_external_memory_host, vulkan-wine §3.4): ${
          failed
            ? `it found no ${size} in the 32-bit window for ${memory.name}, so vkAllocateMemory fails with ${failed.vkResult}`
            : `${memory.name} holds ${size} of the 32-bit window from vkAllocateMemory, mapped or not. ${importReleaseText(ctx.sim.platform.wine, ctx.sim.platform.wineSource)}`
        }`,
      );
    }
    return failed;
  },
};

/** The placed strategy on a driver with neither extension: the direct map and its safety net. */
const directFallback: Strategy = {
  ...passThrough,
  map: (ctx, memory, offset, size) =>
    wineDirectMap(ctx, memory, offset, size, 'placed-unsupported', placedLack(ctx, true)),
};

/**
 * Wine ≥ 9.4's path, each fallback said as `placed-unsupported`: without placed maps Wine imports
 * host memory when the driver can (VK_EXT_external_memory_host, vulkan-wine §3.2), from then on
 * as Wine 9.0 did (§3.4); without either extension it maps directly (§3.5).
 */
export const placed: Strategy = wineMapPath('placed', { hostImport: importFallback, direct: directFallback });

/** NtFreeVirtualMemory(MEM_RELEASE) of the window range Wine reserved for the map. */
function releaseReservation(ctx: StrategyContext, memory: VkMemory): void {
  const range = memory.windowRange;
  if (!range) return;
  wineUnmapArea(ctx.sim, range.start, range.size);
  memory.windowRange = undefined;
}

const placedAtText = (p: { driver: string; address: bigint }) =>
  `${p.driver} placed its map at ${formatHex(p.address)}`;
const unmapReserveText = (name: string) => `vkUnmapMemory2KHR(${name}, VK_MEMORY_UNMAP_RESERVE_BIT_EXT)`;

/** Wine's vkUnmapMemory2KHR with VK_MEMORY_UNMAP_RESERVE_BIT_EXT, noted with the driver's answer. */
function wineUnmapReserve(ctx: StrategyContext, memory: VkMemory): UnmapOutcome {
  const call = new CallSettledLater('wine', unmapReserveText, memory.name, '');
  ctx.sim.noteCall(call);
  const result = unplace(ctx, memory, true);
  if (!result.ok) call.settle(`= ${result.vkResult}`, false);
  return result;
}

/** vkMapMemory2KHR's text, formatted when a trace or hover reads it. */
function placedMapText(map: {
  name: string;
  address: bigint;
  offset: bigint;
  size: bigint | undefined;
}): string {
  return `vkMapMemory2KHR(${map.name}, PLACED, pPlacedAddress=${formatHex(map.address)}, offset=${formatHex(map.offset)}, size=${map.size === undefined ? 'VK_WHOLE_SIZE' : formatSize(map.size)})`;
}

/**
 * The driver's side of vkMapMemory2 with PLACED: checks the valid-usage rules, then maps the
 * whole page-rounded BO with MAP_FIXED at the address (H7), or fails when the BO is already
 * mapped elsewhere (H4: Turnip "Cannot remap BO to a different address").
 */
export function placeMap(
  ctx: StrategyContext,
  memory: VkMemory,
  address: bigint,
  /** `caller`: who calls vkMapMemory2KHR (Wine for its own placed path, else the step's actor). */
  o: {
    offset: bigint;
    size: bigint | undefined;
    caller: string;
    /**
     * When Wine makes the placed map (offset 0, VK_WHOLE_SIZE, its own reservation) for the
     * application's call: that call (vkMapMemory, glMapBufferRange). The rules it breaks are
     * then said to be Wine's.
     */
    forCall?: string;
  },
): MapOutcome {
  const driver = ctx.ops.model;
  const violations = mapViolations(
    memory,
    driver,
    { placed: true, placedAddress: address, offset: o.offset, size: o.size, legacyEntryPoint: false },
    ctx.appMapped,
  );
  for (let i = 0; i < violations.length; i++) {
    const { vuid, message } = violations[i]!;
    ctx.sim.finding(
      isWinesOwn09651(vuid, o.forCall) ? 'wine-placed-size-unaligned' : 'vulkan-valid-usage',
      `${vuid}: ${o.forCall !== undefined ? byWineText(vuid, message, o.forCall) : message}`,
    );
  }
  // Noted before the driver's own calls, settled when the driver has answered (facts §1.1: a map
  // that cannot be placed leaves the object unmapped and returns VK_ERROR_MEMORY_MAP_FAILED).
  const call = new CallSettledLater(
    o.caller,
    placedMapText,
    { name: memory.name, address, offset: o.offset, size: o.size },
    '',
  );
  call.ok = violations.length === 0;
  ctx.sim.noteCall(call);
  // The application's own call that breaks a core rule is not simulated further, as a plain map
  // is not (VulkanLayer.reportMapRules): the driver is not blamed for what the call did.
  const core = o.forCall === undefined ? violations.find((v) => isCoreMapRule(v.vuid)) : undefined;
  const outcome: MapOutcome = core
    ? { ok: false, vkResult: 'VK_ERROR_MEMORY_MAP_FAILED', reason: `the call breaks ${core.vuid}` }
    : placeDriverMap(ctx, memory, address, rangePlacedLength(ctx, memory, o));
  if (outcome.ok) call.settle('= VK_SUCCESS', call.ok);
  else call.settle(`= ${outcome.vkResult}`, false);
  return outcome;
}

/**
 * How much of the object a `range-placed` driver maps for a placed map of part of it from its
 * start: its `size` rounded up to the placed alignment (the spec replaces only the maps in
 * [pPlacedAddress, pPlacedAddress + size), vulkan-wine §1.1). Undefined when the whole object is
 * mapped: every other map, and one at a nonzero offset, which drvmap does not model
 * (docs/language.md, Map ranges).
 */
function rangePlacedLength(
  ctx: StrategyContext,
  memory: VkMemory,
  o: { offset: bigint; size: bigint | undefined },
): bigint | undefined {
  const placed = ctx.ops.model.placed;
  if (!placed.rangePlaced || o.offset !== 0n || o.size === undefined) return undefined;
  const alignment = maxBig(ctx.sim.pageSize, placed.alignment);
  const length = alignUp(o.size, alignment);
  return length < alignUp(memory.allocationSize, alignment) ? length : undefined;
}

/**
 * The driver's answer to a placed vkMapMemory2, after the valid-usage checks. `length`: a
 * range-placed map of part of the object (rangePlacedLength).
 */
function placeDriverMap(
  ctx: StrategyContext,
  memory: VkMemory,
  address: bigint,
  length: bigint | undefined,
): MapOutcome {
  const driver = ctx.ops.model;
  if (!driver.placed.supported)
    return {
      ok: false,
      vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
      reason: `${driver.name} has no VK_EXT_map_memory_placed`,
    };
  // Imported host memory (09575, already reported): the driver has no mapping of its own to place.
  if (isHostImport(memory))
    return {
      ok: false,
      vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
      reason: `${memory.name} is imported host memory: the driver returns its pointer and cannot place it`,
    };
  // A pointer the driver kept past vkUnmapMemory (caches-pointer) refuses a placed map at any
  // address, its own included: RADV's placed path asserts `!bo->cpu_map` with no exception for
  // the same address (radv_amdgpu_winsys_bo_map), and the facts' rule is "placed map on a BO that
  // is already mapped = FAIL" (vulkan-wine §4 H4). Turnip's exception (tu_bo_map returns the map
  // it has when it is at the placed address) is kept for a mapping still current: one made at
  // allocation, or kept by a RESERVE unmap that failed.
  // An import of the driver's own export is the exporter's BO, with its mapping (self-import.ts).
  ctx.ops.adoptSharedMapping(memory);
  const twin = ctx.ops.sharedMappingOf(memory);
  const shared = sharesBo(memory);
  const kept =
    memory.driverPointer !== undefined &&
    keepsPointer(driver, shared) &&
    !mapsAtAllocation(driver, memory.properties, shared, memory.importedFrom !== undefined);
  if (memory.driverPointer !== undefined && (memory.driverPointer !== address || kept)) {
    const why = memory.inPool
      ? `it is a suballocation of a pool mapped at step ${(memory.driverMapStep ?? 0) + 1}`
      : twin !== undefined && twin.driverPointer === memory.driverPointer
        ? `${memory.name} imports ${driver.name}'s own export of ${twin.name}, so it is ${twin.name}'s buffer object (msm_bo_init_dmabuf finds the same GEM handle and tu_bo), already mapped at ${formatHex(memory.driverPointer)}: Turnip's tu_bo_map answers "Cannot remap BO to a different address"`
        : hasFixedMapping(driver, shared)
          ? `${driver.name} mapped it at ${formatHex(memory.driverPointer)} at allocation, and that address is its GPU address for the object's life (fixed-mapping, H6: Turnip's tu_bo_map answers "Cannot remap BO to a different address")`
          : `${driver.name} already mapped it at ${formatHex(memory.driverPointer)}${mapsAtAllocation(driver, memory.properties, shared, memory.importedFrom !== undefined) ? ' at allocation (H3)' : keepsPointer(driver, shared) ? ` and keeps that mapping after vkUnmapMemory (${deviceIsCpu(driver) ? 'it has no GPU: its CPU rasterizer reaches the memory through it' : 'caches-pointer; `caches-pointer no` models a driver that drops it'})${danglingText(ctx, memory, memory.driverPointer)}` : ''}`;
    const made = memory.driverMapStep !== undefined ? ctx.sim.stepRange(memory.driverMapStep) : undefined;
    ctx.sim.finding(
      'placed-map-failed',
      `the placed map fails with VK_ERROR_MEMORY_MAP_FAILED: ${why}, and a mapped BO cannot be re-placed (H4)`,
      made ? [{ range: made, message: 'already mapped here' }] : [],
      undefined,
      false,
      [memory.driverPointer],
    );
    return {
      ok: false,
      vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
      reason: 'the BO is already mapped at another address (H4)',
    };
  }
  // Drivers map the page-rounded BO, never less and never more (H7: RADV, ANV `align64(size,
  // 4096)`, the CTS exact_size tests; Appendix A.1's spill check): past a smaller reservation it spills.
  // NVK maps an imported object at the kernel's size of it, whatever allocationSize says.
  const imported = length === undefined ? importedBoLength(driver, memory, ctx.sim.pageSize) : undefined;
  const mapSize = length ?? imported ?? alignUp(memory.allocationSize, ctx.sim.pageSize);
  // Judged on the space as it is before the map, reported only if the map is made: a MAP_FIXED
  // mmap that fails (an unaligned address, EINVAL before any unmap, linux-mm §1.1) replaces nothing.
  const spill = memory.windowRange
    ? address + mapSize > memory.windowRange.start + memory.windowRange.size
      ? `the driver maps ${formatSize(mapSize)} (${length !== undefined ? 'the range rounded up to the placed alignment' : imported !== undefined ? `the whole imported buffer object, the kernel's size of it: ${driver.name} does not map allocationSize` : 'the BO rounded up to whole pages'}), past the ${formatSize(memory.windowRange.size)} reserved at ${formatHex(memory.windowRange.start)} (H7)`
      : undefined
    : spillText(ctx, memory, address, mapSize);
  const result = ctx.ops.mapOwnPointer(memory, { address, fixed: true, length });
  if (!result.ok)
    return {
      ok: false,
      vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
      reason: `the driver's mmap failed with ${result.errno}`,
    };
  if (spill !== undefined)
    ctx.sim.finding(
      'fixed-clobber',
      typeof spill === 'string' ? spill : spill.text,
      [
        ...(typeof spill === 'string' ? [] : spill.related),
        {
          range: memory.node,
          message: `${memory.name} allocated here (${formatSize(memory.allocationSize)})`,
        },
      ],
      undefined,
      false,
      [address],
    );
  memory.history.push(new FormattedEvent(ctx.sim.stepIndex, placedAtText, { driver: driver.name, address }));
  return { ok: true, pointer: address };
}

/**
 * When the kept mapping is no longer there (Wine freed the range it was placed in): said, so the
 * finding does not read as if the BO were still mapped at its pointer.
 */
function danglingText(ctx: StrategyContext, memory: VkMemory, pointer: bigint): string {
  const vma = ctx.sim.space.vmaAt(ctx.sim.pageOf(pointer));
  const object = memory.driverObject;
  if (
    vma !== undefined &&
    object !== undefined &&
    (vma.object.id === object.id || vma.anon?.id === object.id)
  )
    return '';
  return `; its pages there are gone (${vma === undefined ? 'nothing is mapped' : `${vma.label ?? 'a mapping'} of ${vma.owner} is`} at ${formatHex(pointer)} now), but it still holds the pointer`;
}

/** Where each memory was first placed into a reservation, and where that reservation ended (spillText). */
const placedInto = new WeakMap<
  VkMemory,
  {
    readonly address: bigint;
    readonly endPage: number;
    readonly owner: string;
    readonly label: string | undefined;
  }
>();

/**
 * H7 for the application's own placed map: the driver maps the page-rounded BO with MAP_FIXED, so
 * a reservation smaller than that is overrun, and whatever lies past it (another reservation, which
 * fixed-clobber does not report on its own) is silently replaced (vulkan-wine §4 H7, Appendix A.1).
 * Only a map into a reservation is judged: one placed anywhere else has no reservation to spill.
 * The finding's text and where the reservations it spills from and into were made, or undefined
 * when nothing spills.
 */
function spillText(
  ctx: StrategyContext,
  memory: VkMemory,
  address: bigint,
  mapSize: bigint,
): { readonly text: string; readonly related: RelatedInformation[] } | undefined {
  const sim = ctx.sim;
  const first = sim.space.vmaAt(sim.pageOf(address));
  if (!first || !isReservation(first)) return undefined;
  const endPage = sim.pageOf(address + mapSize - 1n) + 1;
  // The reservation: the VMAs from `first` on with its owner and label, without a gap.
  let reservedEnd = first.endPage;
  for (const vma of sim.space.overlapping(first.endPage, endPage)) {
    if (vma.startPage !== reservedEnd || vma.owner !== first.owner || vma.label !== first.label) break;
    reservedEnd = vma.endPage;
  }
  // A memory placed here before keeps the reservation it was placed into: a range-placed map of
  // part of it left only that part reserved by the driver at its unmap (UNMAP_RESERVE), next to
  // the rest of the same reservation.
  // Only as far as that reservation is still there: the same owner's and label's reservation
  // VMAs, without a gap (a munmap or another actor's reservation since ends it).
  const before = placedInto.get(memory);
  if (before !== undefined && before.address === address) {
    for (const vma of sim.space.overlapping(reservedEnd, Math.min(before.endPage, endPage))) {
      if (vma.startPage !== reservedEnd || !isReservation(vma)) break;
      if (vma.owner !== before.owner || vma.label !== before.label) break;
      reservedEnd = vma.endPage;
    }
  } else placedInto.set(memory, { address, endPage: reservedEnd, owner: first.owner, label: first.label });
  const past = reservedEnd < endPage ? [...sim.space.overlapping(reservedEnd, endPage)] : [];
  if (reservedEnd >= endPage) return undefined;
  // Another actor's ordinary mapping replaced is fixed-clobber's own finding, after the run; this
  // one says what that rule leaves out: reservations, and space nobody reserved.
  const reservations = past.filter(isReservation);
  let covered = 0;
  for (const v of past) covered += Math.min(v.endPage, endPage) - Math.max(v.startPage, reservedEnd);
  const free = covered < endPage - reservedEnd;
  if (reservations.length === 0 && !free) return undefined;
  const over = [
    ...(reservations.length
      ? [`it replaces ${reservations.map((v) => `${v.label ?? 'a reservation'} of ${v.owner}`).join(', ')}`]
      : []),
    ...(free ? ['it maps over space nobody reserved, where the next reservation may land'] : []),
  ].join('; ');
  return {
    text: `the driver maps ${formatSize(mapSize)} with MAP_FIXED at ${formatHex(address)} (the BO rounded up to whole pages), ${formatSize(sim.addressOfPage(endPage) - sim.addressOfPage(reservedEnd))} past the reservation ${first.label ?? ''} that ends at ${formatHex(sim.addressOfPage(reservedEnd))}: ${over} (H7)`,
    related: [first, ...reservations].flatMap((v) =>
      sim.madeAt(v, `${v.label ?? 'a reservation'} reserved here`),
    ),
  };
}

/**
 * 09651 broken by Wine's own WHOLE_SIZE map of an unaligned allocation: a warning of its own code
 * (rules/wine-placed-size-unaligned.ts), not an error, because the application is valid and the
 * driver that maps the page-rounded BO is not harmed (vulkan-wine §3.3 [inference], §4 H7). A map
 * that would do harm, past Wine's reservation, is `fixed-clobber`'s error (spillText). The
 * application's own placed call breaking it stays `vulkan-valid-usage`.
 */
function isWinesOwn09651(vuid: string, forCall: string | undefined): boolean {
  return forCall !== undefined && vuid.endsWith('-09651');
}

/**
 * A rule broken by the map Wine makes for the application's vkMapMemory (offset 0, VK_WHOLE_SIZE,
 * its own reservation), not by anything the application wrote: said so, and for 09651 why it
 * happens and where it does no harm (vulkan-wine §3.3).
 */
function byWineText(vuid: string, message: string, forCall: string): string {
  const text = `Wine's placed map for this ${forCall} (vkMapMemory2KHR, offset 0, VK_WHOLE_SIZE) breaks it: ${message}`;
  return vuid.endsWith('-09651')
    ? `${text}. Wine does not round allocationSize up to the alignment; a driver that maps the page-rounded BO (every Mesa driver, H7) is not harmed, and the validation layers report it`
    : text;
}

/** vkUnmapMemory2's answer: VK_SUCCESS, or VK_ERROR_MEMORY_MAP_FAILED with the object still mapped. */
export type UnmapOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly vkResult: 'VK_ERROR_MEMORY_MAP_FAILED'; readonly reason: string };

const UNMAPPED: UnmapOutcome = { ok: true };

/**
 * vkUnmapMemory2, with or without VK_MEMORY_UNMAP_RESERVE_BIT_EXT. `mappedSize`: what the driver
 * mapped, when it was not a placed map (its page-rounded BO).
 *
 * A RESERVE unmap maps PROT_NONE over the mapping with MAP_FIXED, and that mmap can fail (a sealed
 * VMA: EPERM). The spec then keeps the object host-mapped and returns VK_ERROR_MEMORY_MAP_FAILED
 * (vulkan-wine §1.1), and so do NVK, ANV and Turnip, which forget their map only on success; RADV
 * ignores the failure and forgets it anyway (DriverTraits.unmapReserveFailure). A plain munmap's
 * result every Mesa driver ignores (RADV, ANV, NVK and Turnip call munmap and return VK_SUCCESS).
 */
export function unplace(
  ctx: StrategyContext,
  memory: VkMemory,
  reserve: boolean,
  mappedSize?: bigint,
): UnmapOutcome {
  const pointer = memory.driverPointer;
  if (pointer === undefined) return UNMAPPED;
  const driver = ctx.ops.model;
  // A driver that caches its pointer (H2) keeps its mapping at vkUnmapMemory2, placed or not, as
  // at vkUnmapMemory (DriverOps.unmapOwnPointer): RADV's winsys keeps `bo->cpu_map` for a layer
  // that skips unmaps ("Safeguard for the Quantic Dream layer skipping unmaps",
  // radv_amdgpu_winsys_bo_map), the amdgpu winsys unmaps `cpu_ptr` only at destroy (facts
  // vulkan-wine §4 H2). So neither the munmap nor RESERVE's PROT_NONE mmap is made: whoever frees
  // the range next (Wine's NtFreeVirtualMemory) leaves the pointer dangling, and the next placed
  // map meets it (placeDriverMap, H4).
  // A fixed mapping (H6) is kept the same way, as the object's GPU address: tu_bo_unmap returns
  // VK_SUCCESS for a `never_unmap` BO before it maps anything over it (tu_knl.cc).
  const shared = sharesBo(memory);
  if (keepsPointer(driver, shared)) {
    const why = hasFixedMapping(driver, shared)
      ? "fixed-mapping: it is the object's GPU address"
      : 'caches-pointer';
    ctx.sim.note(
      driver.name,
      `keep the mapping of ${memory.name} at ${formatHex(pointer)} (${why}: no ${reserve && driver.placed.unmapReserve ? 'PROT_NONE mmap' : 'munmap'})`,
      '',
      true,
    );
    return UNMAPPED;
  }
  // What the placed map mapped (the page-rounded BO, or a range-placed map's part): a RESERVE
  // over more would replace whatever lies past the BO (vulkan-wine §2 note 1: PROT_NONE over it).
  const size = mappedSize ?? driverMappingLength(memory, ctx.sim.pageSize);
  if (reserve && driver.placed.unmapReserve) {
    const result = ctx.ops.reserveOver(pointer, size);
    if (!result.ok && driver.unmapReserveFailure === 'returned')
      return {
        ok: false,
        vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
        reason: `${driver.name}'s PROT_NONE mmap over its mapping failed with ${result.errno}: ${memory.name} stays mapped at ${formatHex(pointer)}`,
      };
  } else ctx.sim.munmap(ctx.ops.name, pointer, size);
  memory.driverPointer = undefined;
  memory.driverMapLength = undefined;
  setDriverObject(memory, undefined);
  ctx.ops.forgetSharedMapping(memory, pointer);
  return UNMAPPED;
}
