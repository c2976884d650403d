// `use-of-failed-result`: A step uses the name of an earlier step that failed, or a memory object's
// driver mapping that does not exist (`uffd mem`, `madvise mem, … by DRIVER`), so it cannot run.
// Reported by the parser, the resolver or the simulator while reading the scenario.
import type { Rule } from './rule';

export const useOfFailedResult: Rule = {
  code: 'use-of-failed-result',
  family: 'language',
  severity: 'warning',
  title:
    "A step uses the name of an earlier step that failed, or a memory object's driver mapping that does not exist, so it cannot run.",
};
