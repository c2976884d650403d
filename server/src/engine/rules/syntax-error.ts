// `syntax-error`: The text does not parse: a missing brace, value or keyword.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const syntaxError: Rule = {
  code: 'syntax-error',
  family: 'language',
  severity: 'error',
  title: 'The text does not parse: a missing brace, value or keyword.',
};
