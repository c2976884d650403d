// Wine's host-memory import (VK_EXT_external_memory_host), the path of Wine 9.0 to 9.3 and of any
// later Wine on a driver without placed maps (vulkan-wine §3.2): every HOST_VISIBLE allocation is
// low host memory imported into the driver; map returns it without calling the driver. The window
// is consumed from allocation to free (winevulkan frees it there; win32u, Wine ≥ 10.15, never does:
// sim/wine-version.ts), and DEVICE_LOCAL host-visible types are lost on a driver whose host
// pointers get no DEVICE_LOCAL type (facts §3.4; DriverTraits.hostImportDeviceLocal). Only for a
// driver with the extension: the strategies that use it (placed.ts's wineMapPath) choose it.
import { alignUp, formatHex, formatSize } from '../../numbers';
import { allocateInWindow, recordLeakedImport, windowFailureReason } from './window-allocation';
import { passThrough, type Strategy } from './strategy';
import { setDriverObject } from '../memories-by-object';
import type { Platform } from '../../sim/platform';
import type { VkMemory } from '../vk-memory';
import { wineFreesImports, wineImportIsVmMap, wineText } from '../../sim/wine-version';
import { wineUnmapArea } from '../../sim/wine-fixed-area';

export const hostImport: Strategy = {
  ...passThrough,
  name: 'external-memory-host',
  allocate(ctx, memory) {
    if (!wineImports(memory)) return passThrough.allocate(ctx, memory);
    // Only where the driver offers no DEVICE_LOCAL type for a host pointer (DriverTraits.hostImportDeviceLocal).
    if (memory.properties.has('device-local') && !memory.driver.hostImportDeviceLocal) {
      ctx.sim.finding('memory-type-lost', memoryTypeLostText(ctx.sim.platform, memory.name));
    }
    const length = alignUp(memory.allocationSize, ctx.sim.pageSize);
    const low = allocateInWindow(ctx.sim, length, 'commit', `${memory.name} (host import)`);
    // Wine gives up on the allocation when NtAllocateVirtualMemory fails (§3.4 step 1: the host
    // memory comes first); the driver is never asked.
    if (typeof low !== 'bigint')
      return {
        vkResult: 'VK_ERROR_OUT_OF_HOST_MEMORY',
        reason: windowFailureReason(
          low,
          `NtAllocateVirtualMemory found no ${formatSize(length)} below the 32-bit limit for the host import`,
        ),
      };
    // Wine asks which types can import the pointer, then imports it (§3.4 steps 2 and 4).
    ctx.sim.note(
      'wine',
      `vkGetMemoryHostPointerPropertiesEXT(HOST_ALLOCATION, ${formatHex(low)})`,
      '= VK_SUCCESS',
      true,
    );
    ctx.sim.note(
      'wine',
      `vkAllocateMemory(${memory.name}, VkImportMemoryHostPointerInfoEXT{pHostPointer=${formatHex(low)}})`,
      '= VK_SUCCESS',
      true,
    );
    memory.windowRange = { start: low, size: length };
    memory.importedByLayer = true;
    memory.driverPointer = low;
    setDriverObject(memory, ctx.sim.space.vmaAt(ctx.sim.pageOf(low))?.object);
    memory.driverMapStep = ctx.sim.stepIndex;
    return undefined;
  },
  map(ctx, memory, offset, size) {
    if (!memory.windowRange) return passThrough.map(ctx, memory, offset, size);
    return { ok: true, pointer: memory.windowRange.start + offset };
  },
  // A second map of mapped memory: Wine's map entry point returns `vm_map + offset` with
  // VK_SUCCESS before calling the driver whenever vm_map is set (wine_vkMapMemory2KHR: `if
  // (memory->mapping)` in Wine 9.0's dlls/winevulkan/vulkan.c, ea890c47, `if (memory->vm_map)`
  // from 9.4). Up to Wine 10.14 an import's vm_map is its address from vkAllocateMemory on. From
  // 10.15 (dlls/win32u) it stays NULL (sim/wine-version.ts), so the call reaches the driver.
  mapAgain(ctx, memory, offset) {
    if (!memory.windowRange || !wineImportIsVmMap(ctx.sim.platform.wine)) return undefined;
    return memory.windowRange.start + offset;
  },
  unmap(ctx, memory) {
    if (!memory.windowRange) passThrough.unmap(ctx, memory);
  },
  free(ctx, memory) {
    if (!memory.windowRange) return passThrough.free(ctx, memory);
    const { wine, wineSource } = ctx.sim.platform;
    if (wineFreesImports(wine)) wineUnmapArea(ctx.sim, memory.windowRange.start, memory.windowRange.size);
    else {
      // win32u_vkFreeMemory frees the range only `if (memory->vm_map)`, which an import never
      // set (sim/wine-version.ts): the range stays committed, Wine's, until the process ends.
      ctx.sim.note(
        'wine',
        `vkFreeMemory(${memory.name}): no NtFreeVirtualMemory of ${formatHex(memory.windowRange.start)} (${formatSize(memory.windowRange.size)}): vm_map is NULL (${wineText(wine, wineSource)}, dlls/win32u)`,
        '',
        false,
      );
      recordLeakedImport(ctx.sim, memory.name, memory.windowRange.start, memory.windowRange.size);
    }
    memory.windowRange = undefined;
    memory.driverPointer = undefined;
    memory.driverMapLength = undefined;
  },
};

/**
 * Whether Wine imports host memory for this allocation on its import path: a HOST_VISIBLE one
 * "without a user import" (§3.4 step 1); a memory the application imports from an fd is the
 * driver's as usual. An `imported-host` allocation already chains the application's
 * VkImportMemoryHostPointerInfoEXT, and Wine leaves it alone: wine_vkAllocateMemory imports only
 * `if (... && !find_next_struct(alloc_info->pNext,
 * VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT))` (dlls/winevulkan/vulkan.c, ea890c47, to
 * Wine 10.14), win32u_vkAllocateMemory only `if (... && !pointer_info &&
 * allocate_external_host_memory(...))` (dlls/win32u/vulkan.c, 10.15 on). Its vm_map stays NULL, so
 * Wine neither returns a range of its own from vkMapMemory nor frees the application's memory.
 */
export function wineImports(memory: VkMemory): boolean {
  return (
    memory.properties.has('host-visible') &&
    memory.importedFrom === undefined &&
    !memory.properties.has('imported-host')
  );
}

/**
 * memory-type-lost's message: what Wine does with a DEVICE_LOCAL host-visible allocation it cannot
 * import, and, for a driver without a compatible importable type, what the scenario's Wine does
 * after FIXME "Not found compatible memory type" (docs/rules.md, memory-type-lost): winevulkan
 * (before 10.15) keeps the address NtFreeVirtualMemory wrote back into `mapping` as vm_map;
 * win32u's allocate_external_host_memory (10.15 on) leaves vm_map NULL and the map goes to the
 * driver, whose pointer above 4 GiB win32u_vkMapMemory2KHR refuses.
 */
function memoryTypeLostText(platform: Platform, name: string): string {
  const wine = wineText(platform.wine, platform.wineSource);
  const after = wineFreesImports(platform.wine)
    ? `${wine} still returns that released address from vkMapMemory and releases it again at vkFreeMemory (dlls/winevulkan, before Wine 10.15: NtFreeVirtualMemory writes the base back into \`mapping\`, which becomes vm_map); from Wine 10.15 (dlls/win32u) the map goes to the driver instead`
    : `${wine} maps it through the driver, and a pointer above 4 GiB fails with VK_ERROR_OUT_OF_HOST_MEMORY (dlls/win32u, from Wine 10.15: vm_map stays NULL); before 10.15 (dlls/winevulkan) vkMapMemory returned the released address instead`;
  return `${name} asks for DEVICE_LOCAL host-visible memory; on this driver imported host memory is never device-local (vkGetMemoryHostPointerPropertiesEXT offers no DEVICE_LOCAL type), so Wine imports it into another type that has its other flags (on RADV its first cached GTT type, when that has them: system memory, not VRAM), as drvmap models. On a driver with no such type Wine logs FIXME "Not found compatible memory type", releases the low range and allocates ${name} without an import, which drvmap does not model: ${after}`;
}
