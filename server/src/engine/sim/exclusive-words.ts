// Some word groups allow one word per step (one protection, one file kind): a second is an
// error at the second word, not a silent override.
import type { VerbSpec, WordGroup } from '../language/vocabulary';
import type { StepNode, Word } from '../syntax/ast';
import type { ProblemSink } from './problems';

export function checkExclusiveWords(problems: ProblemSink, step: StepNode, spec: VerbSpec): void {
  // Every step passes here: plain loops, no per-step arrays or closures.
  if (step.words.length < 2) return;
  const groups = spec.wordGroups;
  let words: readonly Word[] | undefined;
  // Indexed loops: `for…of` leaves an iterator result per item where V8 does not optimise it away.
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    if (!group.one) continue;
    words ??= step.words;
    let first: string | undefined;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
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
  const words = group.words;
  for (let i = 0; i < words.length; i++) if (words[i]!.name === name) return true;
  return false;
}
