// `unknown-word`: A command, flag, trait or setting value that the language does not know.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const unknownWord: Rule = {
  code: 'unknown-word',
  family: 'language',
  severity: 'error',
  title: 'A command, flag, trait or setting value that the language does not know.',
};
