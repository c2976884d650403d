// Formatting: two spaces of indentation per open block, single spaces between tokens, no space
// before `,` or inside `( )`, comments kept. It works on tokens, never on characters, so the
// token stream — and with it the meaning — cannot change: the only spaces removed are next to
// punctuation that cannot glue onto its neighbour. One place reads characters, not tokens: a
// setting's values (`kernel 6.1-rc3`, `6.8.0-45-generic` as `uname -r` prints them, the range
// `6.8..6.9`, `strategy remap-dontunmap(x)`), where what is glued together is one value and what
// is apart is another (parser.ts parseSetting, platform.ts `apart`). There the tokens keep the
// spacing they were written with — glued stays glued, apart stays apart (one space) — and only
// a comment gets its space. Lines with a token the lexer did not understand are only re-indented.
// Idempotent. A document whose braces do not pair up is left as it is: its indentation would
// follow a block structure the author has not finished writing (a `{` inside an unterminated
// name, a block missing its `}`), as prettier refuses a file that does not parse.
import type { DocumentAnalysis } from '../analysis';
import type { Expression, Statement } from '../syntax/ast';
import { expectationOperands } from '../syntax/expectation-operands';
import { tokenize } from '../syntax/lexer';
import type { TextRange } from '../syntax/text-range';
import type { Token } from '../syntax/tokens';
import type { TextEdit } from './edits';

export interface FormattingOptions {
  /** Spaces per level; the language's style is 2. */
  readonly indentSize?: number;
}

export function formatDocument(
  analysis: DocumentAnalysis,
  options: FormattingOptions = {},
  range?: TextRange,
): TextEdit[] {
  const { text, lines } = analysis;
  const tokens = tokenize(text);
  if (!bracesPairUp(tokens)) return [];
  const unary = unaryMinusOffsets(analysis);
  const asWritten = spacedAsWritten(analysis, tokens);
  const unit = ' '.repeat(options.indentSize ?? 2);
  const edits: TextEdit[] = [];
  let depth = 0;
  let lineTokens: Token[] = [];
  const flush = (lineIndex: number) => {
    const lineStart = lines.lineStart(lineIndex);
    const lineEnd = lineEndOffset(text, lineStart);
    let formatted = '';
    if (lineTokens.length > 0) {
      const first = lineTokens[0]!;
      if (first.kind === 'ident' && first.text === 'scenario') depth = 0;
      const indentDepth = first.kind === 'rbrace' ? Math.max(0, depth - 1) : depth;
      // Kept as written: a line the lexer cannot read, and a scenario header whose name is not
      // quoted (`scenario my-test {`: spacing its `-` would change the name the fix quotes).
      const verbatim =
        lineTokens.some((t) => t.kind === 'invalid') ||
        (first.kind === 'ident' && first.text === 'scenario' && lineTokens[1]?.kind !== 'string');
      const body = verbatim
        ? text.slice(first.start, lineTokens[lineTokens.length - 1]!.end)
        : renderLine(lineTokens, unary, asWritten);
      formatted = unit.repeat(indentDepth) + body;
      for (const t of lineTokens) {
        if (t.kind === 'lbrace') depth++;
        else if (t.kind === 'rbrace') depth = Math.max(0, depth - 1);
      }
    }
    const original = text.slice(lineStart, lineEnd);
    // Emptying a blank line between a lone CR and an LF would make them one CRLF line end: a line
    // less, and every later line's number shifts. Such a line keeps its spaces.
    const joinsLineEnds =
      formatted === '' && text.charCodeAt(lineStart - 1) === 13 && text.charCodeAt(lineEnd) === 10;
    if (formatted !== original && !joinsLineEnds && (!range || inRange(range, lineStart, lineEnd))) {
      edits.push({ range: { start: lineStart, end: lineEnd }, newText: formatted });
    }
    lineTokens = [];
  };
  let line = 0;
  for (const token of tokens) {
    if (token.kind === 'newline') {
      flush(line);
      line++;
      continue;
    }
    if (token.kind === 'eof') break;
    lineTokens.push(token);
  }
  flush(line);
  return edits;
}

/**
 * Whether the line [lineStart, lineEnd] is in the range to format. A selection that ends at the
 * start of a line (a whole line selected by its number, or with Shift+Down) holds nothing of that
 * line; an empty range (a cursor) formats its own line.
 */
function inRange(range: TextRange, lineStart: number, lineEnd: number): boolean {
  if (lineEnd < range.start) return false;
  return range.end > range.start ? lineStart < range.end : lineStart <= range.end;
}

/**
 * Every `{` closed by a `}` before the next `scenario` line and the end, no `}` without its `{`,
 * and no brace inside a token the lexer could not read (an unterminated name swallows its `{`).
 */
function bracesPairUp(tokens: readonly Token[]): boolean {
  let depth = 0;
  let lineStart = true;
  for (const t of tokens) {
    if (t.kind === 'newline') {
      lineStart = true;
      continue;
    }
    if (lineStart && t.kind === 'ident' && t.text === 'scenario' && depth !== 0) return false;
    lineStart = false;
    if (t.kind === 'lbrace') depth++;
    else if (t.kind === 'rbrace' && --depth < 0) return false;
    else if (t.kind === 'invalid' && /[{}]/.test(t.text)) return false;
  }
  return depth === 0;
}

function lineEndOffset(text: string, lineStart: number): number {
  let i = lineStart;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i;
}

/**
 * Tokens that never glue onto a neighbour, so the space next to them can go; a token in
 * `asWritten` is glued to the one before it if it was written so, one space after it if not.
 */
function renderLine(
  tokens: readonly Token[],
  unary: ReadonlySet<number>,
  asWritten: ReadonlySet<number>,
): string {
  let out = '';
  let previous: Token | undefined;
  for (const t of tokens) {
    if (previous) {
      const noSpace = asWritten.has(t.start)
        ? t.start === previous.end
        : t.kind === 'comma' ||
          t.kind === 'rparen' ||
          previous.kind === 'lparen' ||
          (previous.kind === 'minus' && unary.has(previous.start) && t.kind !== 'comment');
      out += noSpace ? '' : ' ';
    }
    out += t.text;
    previous = t;
  }
  return out;
}

/**
 * The tokens (by start) whose spacing from the token before them is kept as written: those after
 * a token of a setting (from its keyword to the end of what it read), a comment aside. The parser
 * takes a version with all that is glued to it (`kernel 6.1-rc3`: spaced, `- rc3` is an extra
 * value), and a setting's value glued to the one before it is part of it (`strategy k-`, not an
 * extra `-`); a space removed next to `)` would glue one on (`kernel 6.6 )`).
 */
function spacedAsWritten(analysis: DocumentAnalysis, tokens: readonly Token[]): Set<number> {
  const settings = analysis.file.scenarios
    .flatMap((scenario) => scenario.body)
    .filter((s) => s.kind === 'setting')
    .sort((a, b) => a.start - b.start);
  const out = new Set<number>();
  let next = 0;
  let previous: Token | undefined;
  for (const t of tokens) {
    if (t.kind === 'newline' || t.kind === 'eof') {
      previous = undefined;
      continue;
    }
    if (previous && t.kind !== 'comment') {
      while (next < settings.length && settings[next]!.end <= previous.start) next++;
      const setting = settings[next];
      if (setting && setting.start <= previous.start && previous.end <= setting.end) out.add(t.start);
    }
    previous = t;
  }
  return out;
}

function unaryMinusOffsets(analysis: DocumentAnalysis): Set<number> {
  const out = new Set<number>();
  const visit = (e: Expression | { kind: 'string' } | undefined): void => {
    if (!e) return;
    switch (e.kind) {
      case 'negate':
        out.add(e.start);
        visit(e.operand);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'paren':
        visit(e.inner);
        return;
      default:
        return;
    }
  };
  const statement = (s: Statement) => {
    switch (s.kind) {
      case 'step':
        s.args.forEach(visit);
        s.options.forEach((o) => visit(o.value));
        return;
      case 'setting':
        s.args.forEach(visit);
        visit(s.rangeEnd);
        return;
      case 'driver':
        s.traits.forEach((t) => t.args.forEach(visit));
        return;
      case 'actor':
        return;
      case 'expect':
        expectationOperands(s.expectation).forEach(visit);
    }
  };
  for (const scenario of analysis.file.scenarios) scenario.body.forEach(statement);
  return out;
}
