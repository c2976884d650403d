// `used-before-defined`: A name used on a line above the step that defines it.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const usedBeforeDefined: Rule = {
  code: 'used-before-defined',
  family: 'language',
  severity: 'error',
  title: 'A name used on a line above the step that defines it.',
};
