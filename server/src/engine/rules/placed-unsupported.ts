// `placed-unsupported`: The placed strategy on a driver without VK_EXT_map_memory_placed (or without memoryUnmapReserve): Wine falls back to importing host memory, or to a direct map.
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const placedUnsupported: Rule = {
  code: 'placed-unsupported',
  family: 'unsafe',
  severity: 'warning',
  title:
    'The placed strategy on a driver without VK_EXT_map_memory_placed (or without memoryUnmapReserve): Wine falls back to importing host memory, or to a direct map.',
};
