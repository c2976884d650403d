// `duplicate-name`: A name defined twice in one scenario.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const duplicateName: Rule = {
  code: 'duplicate-name',
  family: 'language',
  severity: 'error',
  title: 'A name defined twice in one scenario.',
};
