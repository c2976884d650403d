// `shadow-copy-coherent`: A shadow copy under a coherent (or persistent) mapping: writes cross only at flush and unmap.
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const shadowCopyCoherent: Rule = {
  code: 'shadow-copy-coherent',
  family: 'unsafe',
  severity: 'warning',
  title: 'A shadow copy under a coherent (or persistent) mapping: writes cross only at flush and unmap.',
};
