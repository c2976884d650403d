// What a quick fix's run found that the scenario did not have: the judgement that keeps back a
// fix trading its diagnostic for another problem (code-actions.ts). A problem is a code where it
// stands, counted: the scenario's before the edit, each moved to its line in the edited text, and
// the fix's run after it. Compared by code alone, a new instance of a code the scenario already
// has somewhere passed as old: switching the strategy to placed while an unrelated `munmap` was
// refused put the placed map where a later `mmap … fixed-noreplace` asked for its range, and that
// step's new EEXIST (`kernel-refused`, mm/mmap.c do_mmap) went unseen.
import type { DocumentAnalysis } from '../analysis';
import type { EngineDiagnostic } from '../diagnostics';
import { linesAddedBefore, type TextEdit } from './edits';
import type { VerificationRun } from './fix-verification';

type Found = VerificationRun['diagnostics'][number];

/**
 * Whether the run has a diagnostic that `filter` keeps on some line more times than the
 * diagnostics before the edit have there (`before`: of the unedited text; lines shifted by what
 * the edits insert above them). `line`, when given, limits both to that line of the edited text.
 */
export function bringsNewProblem(
  analysis: DocumentAnalysis,
  edits: readonly TextEdit[],
  before: readonly EngineDiagnostic[],
  after: VerificationRun,
  filter: (d: { readonly code: string; readonly severity: string }) => boolean,
  line?: number,
): boolean {
  const counts = new Map<string, number>();
  const key = (at: number, code: string) => `${at}:${code}`;
  for (const d of before) {
    if (!filter(d)) continue;
    const at =
      analysis.lines.position(d.range.start).line + linesAddedBefore(analysis.text, edits, d.range.start);
    if (line !== undefined && at !== line) continue;
    const k = key(at, d.code);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return after.diagnostics.some((d: Found) => {
    if (!filter(d) || (line !== undefined && d.line !== line)) return false;
    const k = key(d.line, d.code);
    const left = (counts.get(k) ?? 0) - 1;
    counts.set(k, left);
    return left < 0;
  });
}
