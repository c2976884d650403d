// `memory-type-lost`: external-memory-host cannot import DEVICE_LOCAL host-visible memory: the application gets a slower type.
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const memoryTypeLost: Rule = {
  code: 'memory-type-lost',
  family: 'unsafe',
  severity: 'info',
  title:
    'external-memory-host cannot import DEVICE_LOCAL host-visible memory: the application gets a slower type.',
};
