// A text edit in offsets, and applying a set of them: what rename, formatting and quick fixes
// return, and what the tests apply to check the result.
import type { TextRange } from '../syntax/text-range';

export interface TextEdit {
  readonly range: TextRange;
  readonly newText: string;
}

/** Applies non-overlapping edits (any order) to the text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}
