// The analysis of a file too large to simulate: parsed (so the outline, folding, formatting and
// syntax errors still work), not run, with one information diagnostic that says why.
import type { AnalysisOptions, DocumentAnalysis } from '../analysis';
import type { EngineDiagnostic } from '../diagnostics';
import { parse } from '../syntax/parser';
import { LineIndex } from '../syntax/text-range';
import { fileTooLarge } from '../rules/file-too-large';

export const FILE_TOO_LARGE = fileTooLarge.code;

export function parseOnlyAnalysis(
  text: string,
  reason: string,
  options: AnalysisOptions = {},
): DocumentAnalysis {
  const file = parse(text);
  const diagnostics: EngineDiagnostic[] = [];
  for (const e of file.errors) {
    const code = e.code ?? 'syntax-error';
    const severity = options.severities?.[code] ?? 'error';
    if (severity !== 'off')
      diagnostics.push({
        code,
        severity,
        range: { start: e.start, end: e.end },
        message: e.message,
        related: [],
      });
  }
  const firstLineEnd = Math.max(0, text.search(/\r|\n|$/));
  const severity = options.severities?.[FILE_TOO_LARGE] ?? fileTooLarge.severity;
  if (severity !== 'off')
    diagnostics.unshift({
      code: FILE_TOO_LARGE,
      severity,
      range: { start: 0, end: firstLineEnd },
      message: reason,
      related: [],
    });
  return { text, file, lines: new LineIndex(text), scenarios: [], diagnostics };
}
