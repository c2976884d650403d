// `reserved-name`: A step binds a word of the language as its name.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const reservedName: Rule = {
  code: 'reserved-name',
  family: 'language',
  severity: 'error',
  title: 'A step binds a word of the language as its name.',
};
