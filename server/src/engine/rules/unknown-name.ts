// `unknown-name`: A name, actor or driver that is not defined.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const unknownName: Rule = {
  code: 'unknown-name',
  family: 'language',
  severity: 'error',
  title: 'A name, actor or driver that is not defined.',
};
