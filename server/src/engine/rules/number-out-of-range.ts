// `number-out-of-range`: A number that overflows 64 bits, is negative, or is outside what the setting allows.
// Reported by the parser, the resolver or the simulator while reading the scenario; a TASK_SIZE or
// mmap_base no kernel has by sim/address-space-settings.ts.
import type { Rule } from './rule';

export const numberOutOfRange: Rule = {
  code: 'number-out-of-range',
  family: 'language',
  severity: 'error',
  title: 'A number that overflows 64 bits, is negative, or is outside what the setting allows.',
};
