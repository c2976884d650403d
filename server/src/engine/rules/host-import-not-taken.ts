// `host-import-not-taken`: `strategy external-memory-host` under a Wine with placed maps (9.4 and
// later) on a driver with VK_EXT_map_memory_placed and memoryUnmapReserve. Wine chooses its path
// per physical device and takes the placed one there: init_physical_device sets
// external_memory_align only `if (zero_bits && has_VK_EXT_external_memory_host &&
// !map_placed_align)` (dlls/winevulkan/vulkan.c from 9.4, dlls/win32u/vulkan.c from 10.15; facts
// vulkan-wine §3.2), so no allocation is imported. The mirror of `placed-unsupported` under
// `wine 9.3`: a warning naming the version, and the simulation follows what Wine does. On a driver
// without VK_EXT_external_memory_host the message says that no Wine imports there at all.
// Found by the simulator at each allocation Wine would have imported (see
// server/src/engine/model/strategies/external-memory-host.ts).
import type { Rule } from './rule';

export const hostImportNotTaken: Rule = {
  code: 'host-import-not-taken',
  family: 'unsafe',
  severity: 'warning',
  title:
    'The external-memory-host strategy under Wine ≥ 9.4 on a driver with placed maps and memoryUnmapReserve: Wine places maps there and never imports host memory.',
};
