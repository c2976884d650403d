// Offsets ↔ LSP positions, through the analysis's LineIndex so every feature converts alike.
import type { Position, Range } from 'vscode-languageserver/node';
import type { DocumentAnalysis } from '../engine/analysis';
import type { TextRange } from '../engine/syntax/text-range';

export function toRange(analysis: DocumentAnalysis, range: TextRange): Range {
  return { start: analysis.lines.position(range.start), end: analysis.lines.position(range.end) };
}

export function toPosition(analysis: DocumentAnalysis, offset: number): Position {
  return analysis.lines.position(offset);
}

export function toOffset(analysis: DocumentAnalysis, position: Position): number {
  return analysis.lines.offset(position);
}

export function toTextRange(analysis: DocumentAnalysis, range: Range): TextRange {
  return { start: toOffset(analysis, range.start), end: toOffset(analysis, range.end) };
}
