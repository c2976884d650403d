// `missing-argument`: A command lacks a value it needs.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const missingArgument: Rule = {
  code: 'missing-argument',
  family: 'language',
  severity: 'error',
  title: 'A command lacks a value it needs.',
};
