// `alias-exposes-neighbours`: mach_vm_remap aliases whole pages, so other suballocations in the
// pages of a mapped range become readable and writable from 32-bit code (CrossOver 32on64).
// Found by the alias strategy on macOS (server/src/engine/model/strategies/mach-alias.ts).
import type { Rule } from './rule';

export const aliasExposesNeighbours: Rule = {
  code: 'alias-exposes-neighbours',
  family: 'unsafe',
  severity: 'warning',
  title:
    'A page-granular alias (mach_vm_remap) also exposes the other memory objects that share its pages to 32-bit code.',
};
