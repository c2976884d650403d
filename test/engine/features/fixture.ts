// Fixtures for the feature tests: scenarios with a cursor marker `⟨|⟩`, analysed as the editor
// would analyse them.
import assert from 'node:assert/strict';
import { analyseDocument, type DocumentAnalysis } from '../../../server/src/engine/analysis';
import { hoverAt } from '../../../server/src/engine/features/hover';

export const CURSOR = '⟨|⟩';

export interface Cursored {
  readonly text: string;
  readonly offset: number;
  readonly analysis: DocumentAnalysis;
}

/** Removes the cursor marker and analyses the text. */
export function at(textWithCursor: string): Cursored {
  const offset = textWithCursor.indexOf(CURSOR);
  assert.ok(offset >= 0, 'the fixture has no cursor marker ⟨|⟩');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + CURSOR.length);
  return { text, offset, analysis: analyseDocument(text) };
}

export function hoverOf(textWithCursor: string): string | undefined {
  const c = at(textWithCursor);
  return hoverAt(c.analysis, c.offset)?.markdown;
}

/** The hover at the cursor contains every fragment (strings or patterns). */
export function expectHover(textWithCursor: string, ...fragments: (string | RegExp)[]): string {
  const markdown = hoverOf(textWithCursor);
  assert.ok(markdown, 'no hover');
  for (const f of fragments) {
    if (typeof f === 'string')
      assert.ok(markdown.includes(f), `hover lacks ${JSON.stringify(f)}:\n${markdown}`);
    else assert.match(markdown, f);
  }
  return markdown;
}

export function codes(analysis: DocumentAnalysis): string[] {
  return analysis.diagnostics.map((d) => d.code);
}

/** The offset of the n-th occurrence (0-based) of a needle. */
export function offsetOf(text: string, needle: string, occurrence = 0): number {
  let from = -1;
  for (let i = 0; i <= occurrence; i++) {
    from = text.indexOf(needle, from + 1);
    assert.ok(from >= 0, `${JSON.stringify(needle)} occurs fewer than ${occurrence + 1} times`);
  }
  return from;
}
