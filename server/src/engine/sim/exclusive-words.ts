// Some word groups allow one word per step (one protection, one file kind): a second is an
// error at the second word, not a silent override.
import type { VerbSpec, WordGroup } from '../language/vocabulary';
import type { StepNode } from '../syntax/ast';
import type { ProblemSink } from './problems';

export function checkExclusiveWords(problems: ProblemSink, step: StepNode, spec: VerbSpec): void {
  // Every step passes here: plain loops, no per-step arrays or closures.
  if (step.words.length < 2) return;
  for (const group of spec.wordGroups) {
    if (!group.one) continue;
    let first: string | undefined;
    for (const word of step.words) {
      if (!inGroup(group, word.name)) continue;
      if (first === undefined) first = word.name;
      else
        problems.report(
          'duplicate-setting',
          word,
          `only one ${group.group} word is allowed; \`${first}\` is already given`,
        );
    }
  }
}

function inGroup(group: WordGroup, name: string): boolean {
  for (const word of group.words) if (word.name === name) return true;
  return false;
}
