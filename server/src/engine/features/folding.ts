// Folding: scenario bodies, driver blocks, runs of comment lines, and `# region` / `# endregion`
// marker pairs. VS Code reads the markers of language-configuration.json only for its own
// indentation folding, which it does not run when a language server provides folding ranges: the
// server must give them (the same patterns).
import type { DocumentAnalysis } from '../analysis';

export interface FoldingRegion {
  /** 0-based lines; `endLine` is the last folded line (the closing `}` stays visible). */
  readonly startLine: number;
  readonly endLine: number;
  readonly kind: 'region' | 'comment';
}

export function foldingRegions(analysis: DocumentAnalysis): FoldingRegion[] {
  const { lines, text } = analysis;
  const out: FoldingRegion[] = [];
  const block = (startOffset: number, endOffset: number, closed: boolean) => {
    const startLine = lines.position(startOffset).line;
    const endPosition = lines.position(endOffset);
    // A closed block's last line holds the `}`: fold up to the line before it.
    const endLine =
      closed && text.charCodeAt(endOffset - 1) === 125 /* } */ ? endPosition.line - 1 : endPosition.line;
    if (endLine > startLine) out.push({ startLine, endLine, kind: 'region' });
  };
  for (const scenario of analysis.file.scenarios) {
    block(scenario.bodyRange?.start ?? scenario.start, scenario.end, scenario.closed);
    for (const statement of scenario.body) {
      if (statement.kind === 'driver') block(statement.start, statement.end, statement.closed);
    }
  }
  // Comment runs: two or more consecutive lines holding only a comment.
  let runStart = -1;
  let runEnd = -1;
  for (const comment of analysis.file.comments) {
    const position = lines.position(comment.start);
    const onlyComment = text.slice(lines.lineStart(position.line), comment.start).trim() === '';
    if (!onlyComment) continue;
    if (runStart >= 0 && position.line === runEnd + 1) runEnd = position.line;
    else {
      if (runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: 'comment' });
      runStart = runEnd = position.line;
    }
  }
  if (runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: 'comment' });
  // Region markers nest; an end without a start, or a start never ended, folds nothing.
  const open: number[] = [];
  for (const comment of analysis.file.comments) {
    const line = lines.position(comment.start).line;
    const lineText = text.slice(lines.lineStart(line), comment.end);
    if (REGION_START.test(lineText)) open.push(line);
    else if (REGION_END.test(lineText)) {
      const startLine = open.pop();
      if (startLine !== undefined && line > startLine) out.push({ startLine, endLine: line, kind: 'region' });
    }
  }
  return out.sort((a, b) => a.startLine - b.startLine);
}

/** language-configuration.json's `folding.markers`. */
export const REGION_START = /^\s*(?:#|\/\/)\s*region\b/;
export const REGION_END = /^\s*(?:#|\/\/)\s*endregion\b/;
