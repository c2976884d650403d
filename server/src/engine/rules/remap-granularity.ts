// `remap-granularity`: mremap moves whole pages, so remapping a suballocation drags its neighbours (H1).
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const remapGranularity: Rule = {
  code: 'remap-granularity',
  family: 'unsafe',
  severity: 'warning',
  title: 'mremap moves whole pages, so remapping a suballocation drags its neighbours (H1).',
};
