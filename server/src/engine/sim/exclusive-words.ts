// Some word groups allow one word per step (one protection, one file kind), and an option is
// given once: a second is an error at the second, not a silent override.
import type { VerbSpec, WordGroup } from '../language/vocabulary';
import type { StepNode } from '../syntax/ast';
import type { ProblemSink } from './problems';
import { optionNamed } from './step-arguments';

export function checkExclusiveWords(problems: ProblemSink, step: StepNode, spec: VerbSpec): void {
  // A uffd step's options are its handlers, which model/uffd-step.ts checks as a group.
  if (spec.verb !== 'uffd') checkRepeatedOptions(problems, step);
  // Every step passes here: plain loops, no per-step arrays or closures, and word names read
  // without Word nodes (made only for a word to report).
  const count = step.wordCount;
  if (count < 2) return;
  const groups = spec.wordGroups;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    if (!group.one) continue;
    let first: string | undefined;
    for (let i = 0; i < count; i++) {
      const name = step.wordNameAt(i);
      if (!inGroup(group, name)) continue;
      if (first === undefined) first = name;
      else
        // An error, as a second value on a setting or trait line is: which one the user meant
        // cannot be told, and a step that ran with either would answer for a line not written.
        problems.report(
          'syntax-error',
          step.words[i]!,
          `only one ${group.group} word is allowed; \`${first}\` is already given`,
        );
    }
  }
}

function inGroup(group: WordGroup, name: string): boolean {
  const words = group.words;
  for (let i = 0; i < words.length; i++) if (words[i]!.name === name) return true;
  return false;
}

/**
 * An option given twice (`size 4KiB size 8KiB`, `at A at B`), or `size` with `whole`, which is
 * VK_WHOLE_SIZE: the step reads one of them, and which one was meant cannot be told.
 */
function checkRepeatedOptions(problems: ProblemSink, step: StepNode): void {
  const options = step.options;
  if (options.length === 0) return;
  for (let i = 1; i < options.length; i++) {
    const name = options[i]!.keyword.name;
    for (let j = 0; j < i; j++)
      if (options[j]!.keyword.name === name) {
        problems.report('syntax-error', options[i]!.keyword, `\`${name}\` is given twice; a step takes one`);
        break;
      }
  }
  if (step.wordCount === 0) return;
  const size = optionNamed(step, 'size');
  if (size === undefined) return;
  for (let i = 0; i < step.wordCount; i++)
    if (step.wordNameAt(i) === 'whole')
      problems.report(
        'syntax-error',
        step.words[i]!,
        '`whole` is VK_WHOLE_SIZE, and `size` gives a size too: give one of them',
      );
}
