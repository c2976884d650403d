// `strategy external-memory-host`: Wine's WOW64 map path where the scenario expects it to import
// host memory (Wine 9.0's path, host-import.ts). Wine does not take that path on request: it
// chooses it per physical device. init_physical_device (dlls/winevulkan/vulkan.c from Wine 9.4,
// dlls/win32u/vulkan.c from 10.15) sets map_placed_align for a driver with memoryMapPlaced and
// memoryUnmapReserve, and external_memory_align only `if (zero_bits &&
// has_VK_EXT_external_memory_host && !map_placed_align)`; vkAllocateMemory imports only when
// external_memory_align is set (vulkan-wine §3.2, §3.4). So this is the same path as `placed`
// (wineMapPath), told from the other side: where Wine would import, it imports; where it places
// maps, drvmap simulates the placed map Wine makes and says so (host-import-not-taken); where the
// driver has neither extension, Wine maps directly (host-import-unsupported, §3.5).
//
// Why simulate Wine's placed map rather than the import the line asks for: every other answer
// about Wine here is Wine's own choice for the scenario's `wine` and driver (`placed` under
// `wine 9.3` imports, `external-memory-host` on a driver without the extension maps directly), and
// an import Wine never makes would report its costs (window space held from allocation, leaked
// from Wine 10.15, memory-type-lost) for a process that cannot exist. The import stays one line
// away where Wine really makes it: `wine 9.3`, or a driver without placed maps.
import { formatSize } from '../../numbers';
import { hostImport, wineImports } from './host-import';
import { wineMapPath, wineTakesPlacedPath } from './placed';
import { passThrough, type Strategy, type StrategyContext } from './strategy';
import { wineDirectMap } from './wine-direct-map';
import type { VkMemory } from '../vk-memory';
import { wineText, wineVulkanSource } from '../../sim/wine-version';

/** Wine's direct map on a driver without VK_EXT_external_memory_host (§3.5). */
const directMap: Strategy = {
  ...passThrough,
  map: (ctx, memory, offset, size) =>
    wineDirectMap(
      ctx,
      memory,
      offset,
      size,
      'host-import-unsupported',
      `${ctx.ops.model.name} does not expose VK_EXT_external_memory_host`,
    ),
};

const path = wineMapPath('external-memory-host', { hostImport, direct: directMap });

export const externalMemoryHost: Strategy = {
  ...path,
  allocate(ctx, memory) {
    // Said where Wine would have imported: each allocation the import path takes.
    if (wineImports(memory) && wineTakesPlacedPath(ctx))
      ctx.sim.finding('host-import-not-taken', notTakenText(ctx, memory));
    return path.allocate(ctx, memory);
  },
};

/** host-import-not-taken's message: which Wine, which driver, where Wine decides, how to get the import. */
function notTakenText(ctx: StrategyContext, memory: VkMemory): string {
  const { wine, wineSource } = ctx.sim.platform;
  const driver = ctx.ops.model.name;
  // Without the extension no Wine imports on this driver: init_physical_device sets
  // external_memory_align only with has_VK_EXT_external_memory_host (winevulkan from ea890c47,
  // win32u from 10.15; vulkan-wine §3.2), so neither the placed path nor an older Wine is why, and
  // `wine 9.3` or `placed-map none` would give the direct map (host-import-unsupported), not an import.
  if (!ctx.ops.model.externalMemoryHost)
    return `${wineText(wine, wineSource)} imports no host memory for ${memory.name} (${formatSize(memory.allocationSize)}): ${driver} does not expose VK_EXT_external_memory_host, so init_physical_device (${wineVulkanSource(wine)}) never sets external_memory_align for it, in any Wine version, and vkAllocateMemory imports only with external_memory_align (vulkan-wine §3.2). ${driver} has VK_EXT_map_memory_placed with memoryUnmapReserve, so Wine places maps (map_placed_align); drvmap simulates that, the placed path of \`strategy placed\`: ${memory.name} holds window space only while it is mapped. Without placed maps (\`wine 9.3\`, \`placed-map none\`) Wine would map directly on ${driver} (host-import-unsupported); only a driver with the extension (\`external-memory-host yes\`) and without placed maps gets the import`;
  return `${wineText(wine, wineSource)} imports no host memory for ${memory.name} (${formatSize(memory.allocationSize)}): ${driver} has VK_EXT_map_memory_placed with memoryUnmapReserve, so init_physical_device (${wineVulkanSource(wine)}) sets map_placed_align and never external_memory_align (only \`if (zero_bits && has_VK_EXT_external_memory_host && !map_placed_align)\`), and vkAllocateMemory imports only with external_memory_align (vulkan-wine §3.2). drvmap simulates what Wine does, the placed path of \`strategy placed\`: ${memory.name} holds window space only while it is mapped. Wine imports host memory before Wine 9.4 (\`wine 9.3\`) or on a driver without placed maps (\`placed-map none\`, \`placed-map 4KiB no-unmap-reserve\`, \`preset lavapipe\`)`;
}
