// A setting or trait line holds one value: `kernel 6.6 7`, `strategy none junk` or
// `non-coherent-atom 64 128` would otherwise keep the first and drop what the user meant by
// the rest. A step's extra arguments have their own report (step-arguments.ts), which knows
// the verb's words.
import type { Argument, Word } from '../syntax/ast';
import type { LanguageProblem } from './problems';

/**
 * Reports each of `extra`: a word as `unknown-word`, a number as `syntax-error`; `takes` says
 * what the line takes (``` `kernel` takes one value ```).
 */
export function reportExtraLineValues(
  extra: readonly (Word | Argument)[],
  takes: string,
  problems: LanguageProblem[],
): void {
  for (const value of extra) {
    const text = value.kind === 'word' || value.kind === 'name' ? value.name : undefined;
    problems.push(
      text === undefined
        ? { code: 'syntax-error', range: value, message: `${takes}; this one is extra` }
        : { code: 'unknown-word', range: value, message: `\`${text}\` is extra: ${takes}` },
    );
  }
}
