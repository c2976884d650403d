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
