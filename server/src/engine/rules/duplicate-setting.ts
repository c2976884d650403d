// `duplicate-setting`: A setting, trait or one-of word given twice; the later one wins.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const duplicateSetting: Rule = {
  code: 'duplicate-setting',
  family: 'language',
  severity: 'warning',
  title: 'A setting, trait or one-of word given twice; the later one wins.',
};
