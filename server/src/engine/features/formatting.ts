// Formatting: two spaces of indentation per open block, single spaces between tokens, no space
// before `,` or inside `( )`, comments kept. It works on tokens, never on characters, so the
// token stream — and with it the meaning — cannot change: the only spaces removed are next to
// punctuation that cannot glue onto its neighbour. Lines with a token the lexer did not
// understand are only re-indented. Idempotent.
import type { DocumentAnalysis } from '../analysis';
import type { Expression, Statement } from '../syntax/ast';
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
  const unary = unaryMinusOffsets(analysis);
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
        : renderLine(lineTokens, unary);
      formatted = unit.repeat(indentDepth) + body;
      for (const t of lineTokens) {
        if (t.kind === 'lbrace') depth++;
        else if (t.kind === 'rbrace') depth = Math.max(0, depth - 1);
      }
    }
    const original = text.slice(lineStart, lineEnd);
    if (formatted !== original && (!range || (lineEnd >= range.start && lineStart <= range.end))) {
      edits.push({ range: { start: lineStart, end: lineEnd }, newText: formatted });
    }
    lineTokens = [];
  };
  let line = 0;
  for (const token of tokenize(text)) {
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

function lineEndOffset(text: string, lineStart: number): number {
  let i = lineStart;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i;
}

/** Tokens that never glue onto a neighbour, so the space next to them can go. */
function renderLine(tokens: readonly Token[], unary: ReadonlySet<number>): string {
  let out = '';
  let previous: Token | undefined;
  for (const t of tokens) {
    if (previous) {
      const noSpace =
        t.kind === 'comma' ||
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
      case 'expect': {
        const e = s.expectation;
        if (e.form === 'value') {
          visit(e.subject);
          visit(e.value);
        } else if (e.form === 'read') {
          visit(e.address);
          visit(e.length);
          visit(e.value);
        } else if (e.form === 'mapped') {
          visit(e.address);
          visit(e.length);
        }
      }
    }
  };
  for (const scenario of analysis.file.scenarios) scenario.body.forEach(statement);
  return out;
}
