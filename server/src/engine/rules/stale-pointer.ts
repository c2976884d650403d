// `stale-pointer`: A driver uses a pointer it cached, but the mapping there was moved, emptied by MREMAP_DONTUNMAP or replaced (H2, H11).
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const stalePointer: Rule = {
  code: 'stale-pointer',
  family: 'unsafe',
  severity: 'error',
  title:
    'A driver uses a pointer it cached, but the mapping there was moved, emptied by MREMAP_DONTUNMAP or replaced (H2, H11).',
};
