// A language problem found while reading a scenario (before or during simulation): its rule
// code decides severity and documentation through the rule registry.
import type { FixData, RelatedInformation } from '../diagnostics';
import type { TextRange } from '../syntax/text-range';

export interface LanguageProblem {
  readonly code: string;
  readonly range: TextRange;
  readonly message: string;
  readonly related?: readonly RelatedInformation[];
  readonly fix?: FixData;
}

/**
 * Where a scenario run reports its problems. `list` is shared with the platform reader, the
 * simulation and the evaluator, which push to it directly, so every problem keeps its order.
 */
export class ProblemSink {
  readonly list: LanguageProblem[] = [];

  report(
    code: string,
    range: TextRange,
    message: string,
    related?: LanguageProblem['related'],
    /** The edit that removes the problem, offered as a quick fix once re-simulation confirms it. */
    fix?: FixData,
  ): void {
    // Copy only the offsets: callers pass whole syntax nodes.
    const problem: LanguageProblem = related
      ? { code, range: { start: range.start, end: range.end }, message, related }
      : { code, range: { start: range.start, end: range.end }, message };
    this.list.push(fix ? { ...problem, fix } : problem);
  }
}
