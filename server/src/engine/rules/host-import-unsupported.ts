// `host-import-unsupported`: The external-memory-host strategy (Wine 9.0) on a driver without VK_EXT_external_memory_host: Wine falls back to a direct map.
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const hostImportUnsupported: Rule = {
  code: 'host-import-unsupported',
  family: 'unsafe',
  severity: 'warning',
  title:
    'The external-memory-host strategy (Wine 9.0) on a driver without VK_EXT_external_memory_host: Wine falls back to a direct map.',
};
