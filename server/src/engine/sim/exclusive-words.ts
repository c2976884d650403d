// Some word groups allow one word per step (one protection, one file kind): a second is an
// error at the second word, not a silent override.
import type { VerbSpec, WordGroup } from '../language/vocabulary';
import type { StepNode } from '../syntax/ast';
import type { ProblemSink } from './problems';

export function checkExclusiveWords(problems: ProblemSink, step: StepNode, spec: VerbSpec): void {
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
