// The message after "Check All Scenarios in the Workspace". Pure.

export interface CheckResult {
  /** Files checked. */
  readonly files: number;
  /** Files not analysed because they exceed drvmap.maxFileSizeKiB. */
  readonly skippedLarge: number;
  readonly unreadable: number;
  readonly errors: number;
  readonly warnings: number;
  readonly filesWithProblems: number;
  readonly cancelled: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function checkSummary(r: CheckResult): string {
  if (r.files === 0 && r.skippedLarge === 0 && r.unreadable === 0)
    return 'drvmap: no .drvmap files in the workspace.';
  const parts: string[] = [];
  parts.push(`${r.cancelled ? 'Stopped after checking' : 'Checked'} ${plural(r.files, 'scenario file')}`);
  if (r.errors === 0 && r.warnings === 0) parts.push('no problems');
  else
    parts.push(
      `${plural(r.errors, 'error')} and ${plural(r.warnings, 'warning')} in ${plural(r.filesWithProblems, 'file')}`,
    );
  const notes: string[] = [];
  if (r.skippedLarge > 0)
    notes.push(`${plural(r.skippedLarge, 'file')} skipped as larger than drvmap.maxFileSizeKiB`);
  if (r.unreadable > 0) notes.push(`${plural(r.unreadable, 'file')} could not be opened`);
  return `drvmap: ${parts.join(': ')}${notes.length ? ` (${notes.join('; ')})` : ''}.`;
}
