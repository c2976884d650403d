// `alias-exposes-neighbours`: an alias is made of whole pages (mach_vm_remap on macOS, as
// CrossOver 32on64 does; mremap(old_size = 0) on Linux), so other suballocations in the pages of a
// mapped range become readable and writable from 32-bit code. Found by the alias strategy
// (server/src/engine/model/strategies/alias-neighbours.ts).
import type { Rule } from './rule';

export const aliasExposesNeighbours: Rule = {
  code: 'alias-exposes-neighbours',
  family: 'unsafe',
  severity: 'warning',
  title:
    'A page-granular alias (mach_vm_remap, or mremap(old_size = 0) on Linux) also exposes the other memory objects that share its pages to 32-bit code.',
};
