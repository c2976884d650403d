// A text edit in offsets, and applying a set of them: what rename, formatting and quick fixes
// return, and what the tests apply to check the result.
import { countLines, type TextRange } from '../syntax/text-range';

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

/**
 * How many lines the edits that end at or before `offset` add (a negative count: remove) in
 * front of it: the line of what stood at `offset` in the edited text is its line in `text` plus this.
 */
export function linesAddedBefore(text: string, edits: readonly TextEdit[], offset: number): number {
  let n = 0;
  // Both counts are one more than the line breaks, which cancels.
  for (const e of edits)
    if (e.range.end <= offset)
      n += countLines(e.newText) - countLines(text.slice(e.range.start, e.range.end));
  return n;
}
