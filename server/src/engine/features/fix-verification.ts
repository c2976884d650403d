// The run that verifies a quick fix: its scenario analysed again with the fix applied
// (code-actions.ts decides what to run and judges the result). VS Code asks for code actions on
// every cursor move and once per diagnostic of a selection, and the same edited text comes back
// each time: switching the strategy is one edit whichever diagnostic it is offered for. So the
// runs are kept per analysed version and per options, by what was edited (the scenario and the
// edits, which make the edited text; the text itself is only built for a run), and a request on
// the same version answers from them; a new version (a new DocumentAnalysis) starts afresh.
import { analyseDocument, type AnalysisOptions, type DocumentAnalysis } from '../analysis';
import type { Severity } from '../diagnostics';

/** What a fix's run found, by line: all the judgement needs, and not the edited tree. */
export interface VerificationRun {
  readonly diagnostics: readonly {
    readonly code: string;
    readonly severity: Severity;
    readonly line: number;
  }[];
}

/**
 * The work verification did, for tests: scenarios analysed and steps simulated. A run answered
 * from the kept ones adds nothing.
 */
export const verificationWork = { analyses: 0, steps: 0 };

/** Edits kept per analysed version (a whole selection verifies at most 8 diagnostics). */
const KEPT_EDITS = 16;

interface Kept {
  readonly options: AnalysisOptions;
  readonly byEdit: Map<string, Map<number, VerificationRun>>;
}

const kept = new WeakMap<DocumentAnalysis, Kept>();

/**
 * The edited text analysed with the steps simulated up to `maxSteps`, or the kept result of that.
 * `edit` names the edit within `analysis` (the same name, the same text); `edited` builds the text.
 */
export function verificationRun(
  analysis: DocumentAnalysis,
  edit: string,
  edited: () => string,
  maxSteps: number,
  options: AnalysisOptions,
): VerificationRun {
  let mine = kept.get(analysis);
  if (mine?.options !== options) kept.set(analysis, (mine = { options, byEdit: new Map() }));
  let byLimit = mine.byEdit.get(edit);
  if (!byLimit) {
    if (mine.byEdit.size >= KEPT_EDITS) mine.byEdit.delete(mine.byEdit.keys().next().value!);
    mine.byEdit.set(edit, (byLimit = new Map()));
  }
  const known = byLimit.get(maxSteps);
  if (known) return known;
  const after = analyseDocument(edited(), { ...options, maxSteps });
  verificationWork.analyses++;
  for (const s of after.scenarios) verificationWork.steps += s.run.simulation.records.length;
  const run: VerificationRun = {
    diagnostics: after.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      line: after.lines.position(d.range.start).line,
    })),
  };
  byLimit.set(maxSteps, run);
  return run;
}
