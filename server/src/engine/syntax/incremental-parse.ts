// Parsing a new version of a document by reusing the last version's tree: only the lines the
// edit touched are parsed again. A keystroke in a 10k-line scenario changes one line, and parsing
// the whole text again was a quarter of what the language server did per keystroke, and most
// of the old-generation garbage it left behind (the tree lives as long as the version).
//
// The language is line oriented (parser.ts): a scenario's body is a list of statements, one per
// line, and parsing a line does not depend on the lines around it. So when the edited lines lie
// inside one closed scenario's body and parse on their own as whole statements, the new tree is
// the old one with those statements replaced and the statements after them shifted by the
// change in length. Anything else (an edit of a scenario's header or closing brace, a block
// spanning the edited lines, a line that closes the body) is parsed in full. The result equals
// `parse(text)` field for field, which test/engine/syntax/incremental-parse.test.ts checks on
// random edits of every example.
import type { FileNode, ScenarioNode, Statement } from './ast';
import { moveRange, moveStatement } from './move-nodes';
import { parse, parseBodyLines, setSourceText, sourceTextOf, type BodyLines } from './parser';
import type { SourceText } from './source-nodes';

/** A version of a document and its tree. */
export interface ParsedVersion {
  readonly text: string;
  readonly file: FileNode;
}

/**
 * `parse(text)`, reusing `previous` where the edit did not reach. `previous.file` is consumed:
 * its nodes may now belong to the new tree and read the new text, so the caller must not read
 * it again (the language server drops the old analysis before it asks for the new one).
 */
export function reparse(previous: ParsedVersion, text: string): FileNode {
  const source = sourceTextOf(previous.file);
  const withinBound = source !== undefined && (source.reparses + 1) * text.length <= KEPT_VERSIONS_CHARS;
  return (withinBound && reparseEditedLines(previous, source, text)) || parse(text);
}

/**
 * Names, strings, comments and messages of 13 characters or more are views into the version
 * they were cut from (word-texts.ts), so a node kept across versions keeps its version alive: in
 * the worst case (long names edited on many different lines) every version since the last full
 * parse. A full parse once the versions since then add up to this many characters bounds that:
 * for a 10k-line scenario (300 KB) one keystroke in about 50 parses in full; for 100k steps
 * (3 MB), one in 5.
 */
const KEPT_VERSIONS_CHARS = 16 * 1024 * 1024;

/** Where two versions differ: `[start, oldEnd)` of the old text became `[start, newEnd)`. */
export interface TextChange {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** The shortest change that turns `before` into `after`: their common prefix and suffix apart. */
export function textChange(before: string, after: string): TextChange {
  const shorter = Math.min(before.length, after.length);
  // Whole blocks first: two slices compare natively. A character loop over a 10k-line document
  // took 1.06 ms a keystroke, blocks of 4096 take 0.065 ms.
  let start = 0;
  while (start + BLOCK <= shorter && sameSlice(before, after, start, start, BLOCK)) start += BLOCK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  const room = shorter - start;
  let common = 0;
  while (
    common + BLOCK <= room &&
    sameSlice(before, after, before.length - common - BLOCK, after.length - common - BLOCK, BLOCK)
  )
    common += BLOCK;
  while (
    common < room &&
    before.charCodeAt(before.length - 1 - common) === after.charCodeAt(after.length - 1 - common)
  )
    common++;
  return { start, oldEnd: before.length - common, newEnd: after.length - common };
}

const BLOCK = 4096;

function sameSlice(a: string, b: string, aStart: number, bStart: number, length: number): boolean {
  return a.slice(aStart, aStart + length) === b.slice(bStart, bStart + length);
}

function reparseEditedLines(previous: ParsedVersion, source: SourceText, text: string): FileNode | undefined {
  const old = previous.text;
  const change = textChange(old, text);
  if (change.start === 0) return undefined;
  const delta = text.length - old.length;
  // The edited lines in the old text: from the start of the first changed character's line to
  // the newline that ends the last changed character's line (in the common suffix, so the new
  // text has it too, `delta` further on).
  const linesStart = old.lastIndexOf('\n', change.start - 1) + 1;
  const newline = old.indexOf('\n', change.oldEnd);
  if (linesStart === 0 || newline < 0) return undefined;

  const scenarios = previous.file.scenarios;
  const index = scenarios.findIndex((s) => s.start < linesStart && newline < s.end);
  const scenario = scenarios[index];
  // Inside a closed body: after its `{`, before the line of its `}`.
  if (!scenario?.closed || !scenario.bodyRange || scenario.bodyRange.start >= linesStart) return undefined;
  if (newline >= scenario.end - 1) return undefined;

  const body = scenario.body;
  const first = firstAtOrAfter(body, linesStart);
  const after = firstAtOrAfter(body, newline + 1);
  // No statement may cross into the edited lines from outside (a driver block around them).
  if (first > 0 && body[first - 1]!.end >= linesStart) return undefined;
  if (after > first && body[after - 1]!.end > newline) return undefined;

  const errors = partition(previous.file.errors, linesStart, newline);
  const comments = partition(previous.file.comments, linesStart, newline);
  if (!errors || !comments) return undefined;

  // The old tree now reads the new text (the parser may read a new node's text back, e.g. a
  // negated number's end). Past this point a failed check leaves it inconsistent, which is why
  // the previous version is consumed whichever way the parse goes.
  source.text = text;
  source.reparses++;
  const lines = parseBodyLines(source, text, linesStart, newline + delta + 1);
  if (!lines) return undefined;
  const file = assemble(previous.file, text, delta, index, first, after, lines, errors, comments);
  setSourceText(file, source);
  return file;
}

/** The index of the first statement that starts at or after `offset` (statements are in text order). */
function firstAtOrAfter(body: readonly Statement[], offset: number): number {
  let low = 0;
  let high = body.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (body[middle]!.start < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A list in the parser's order (errors, comments) split around the edited lines: those before
 * them, on them, after them. Undefined when the order does not split that way, where a full
 * parse decides where the new items go.
 */
function partition<T extends { readonly start: number }>(
  items: readonly T[],
  linesStart: number,
  newline: number,
): { before: number; after: number } | undefined {
  let before = 0;
  while (before < items.length && items[before]!.start < linesStart) before++;
  let after = before;
  while (after < items.length && items[after]!.start <= newline) after++;
  for (let i = after; i < items.length; i++) if (items[i]!.start <= newline) return undefined;
  return { before, after };
}

function assemble(
  file: FileNode,
  text: string,
  delta: number,
  index: number,
  first: number,
  after: number,
  lines: BodyLines,
  errors: { before: number; after: number },
  comments: { before: number; after: number },
): FileNode {
  const scenarios = file.scenarios.map((scenario, i) => {
    if (i < index) return scenario;
    if (i > index) return moveScenario(scenario, delta);
    const body = scenario.body;
    if (delta !== 0) for (let s = after; s < body.length; s++) moveStatement(body[s]!, delta);
    const edited: ScenarioNode = {
      kind: 'scenario',
      start: scenario.start,
      end: scenario.end + delta,
      keyword: scenario.keyword,
      name: scenario.name,
      body: body.slice(0, first).concat(lines.statements, body.slice(after)),
      bodyRange: scenario.bodyRange && {
        start: scenario.bodyRange.start,
        end: scenario.bodyRange.end + delta,
      },
      closed: scenario.closed,
    };
    return edited;
  });
  return {
    kind: 'file',
    start: 0,
    end: text.length,
    scenarios,
    comments: [
      ...file.comments.slice(0, comments.before),
      ...lines.comments,
      ...file.comments.slice(comments.after).map((c) => moved(c, delta)),
    ],
    errors: [
      ...file.errors.slice(0, errors.before),
      ...lines.errors,
      ...file.errors.slice(errors.after).map((e) => moved(e, delta)),
    ],
  };
}

/** A scenario after the edited one: its nodes stay, moved by `delta`. */
function moveScenario(scenario: ScenarioNode, delta: number): ScenarioNode {
  if (delta === 0) return scenario;
  moveRange(scenario, delta);
  moveRange(scenario.keyword, delta);
  if (scenario.name) moveRange(scenario.name, delta);
  if (scenario.bodyRange) moveRange(scenario.bodyRange, delta);
  for (const statement of scenario.body) moveStatement(statement, delta);
  return scenario;
}

/** A comment or an error after the edit, as a new object: these lists are rebuilt anyway. */
function moved<T extends { readonly start: number; readonly end: number }>(item: T, delta: number): T {
  return delta === 0 ? item : { ...item, start: item.start + delta, end: item.end + delta };
}
