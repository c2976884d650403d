// `used-before-defined`: A name used on a line above the step that defines it, or one of Wine's
// reserved areas (`reserve … preloaded`) stated below a step that mapped in its range
// (sim/preloaded-order.ts). Reported by the parser, the resolver or the simulator while reading
// the scenario.
import type { Rule } from './rule';

export const usedBeforeDefined: Rule = {
  code: 'used-before-defined',
  family: 'language',
  severity: 'error',
  title:
    "A name used on a line above the step that defines it, or one of Wine's preloaded areas stated below a step that mapped in its range.",
};
