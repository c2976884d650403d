// `placed-map-failed`: A placed map of a BO the driver already mapped elsewhere fails with VK_ERROR_MEMORY_MAP_FAILED (H4).
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const placedMapFailed: Rule = {
  code: 'placed-map-failed',
  family: 'unsafe',
  severity: 'error',
  title:
    'A placed map of a BO the driver already mapped elsewhere fails with VK_ERROR_MEMORY_MAP_FAILED (H4).',
};
