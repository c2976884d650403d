// `wrong-kind`: A name used as something it is not (a memory object as an address, a file as a number).
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const wrongKind: Rule = {
  code: 'wrong-kind',
  family: 'language',
  severity: 'error',
  title: 'A name used as something it is not (a memory object as an address, a file as a number).',
};
