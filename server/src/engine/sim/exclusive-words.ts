// Some word groups allow one word per step (one protection, one file kind): a second is an
// error at the second word, not a silent override.
import { VERB_BY_NAME } from '../language/vocabulary';
import type { StepNode } from '../syntax/ast';
import type { ProblemSink } from './problems';

export function checkExclusiveWords(problems: ProblemSink, step: StepNode, verb: string): void {
  const spec = VERB_BY_NAME.get(verb);
  if (!spec) return;
  for (const group of spec.wordGroups) {
    if (!group.one) continue;
    const used = step.words.filter((w) => group.words.some((g) => g.name === w.name));
    for (const extra of used.slice(1))
      problems.report(
        'duplicate-setting',
        extra,
        `only one ${group.group} word is allowed; \`${used[0]?.name}\` is already given`,
      );
  }
}
