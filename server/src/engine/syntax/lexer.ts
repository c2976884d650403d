// The lexer never fails: anything it does not understand becomes an `invalid` token that the
// parser reports, so one stray character cannot hide the rest of the file.
import type { Token, TokenKind } from './tokens';

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; /* _ */
/** Letters, digits and `_`, by character code (ASCII only: other characters are never in words). */
const WORD_CHAR = new Uint8Array(128).map((_, c) => (isAlpha(c) || isDigit(c) ? 1 : 0));
const isWordChar = (c: number) => c < 128 && WORD_CHAR[c] === 1;
const isBinaryDigit = (c: number) => c === 48 || c === 49;
const isHexDigit = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/**
 * A word with a letter outside ASCII (`größe`, `测试`), from where the regex is set to start: names
 * are ASCII (the TextMate grammar and the editor's wordPattern read them so), but such a word is
 * one invalid token, reported once as a whole, rather than `gr`, `ö`, `ß` and `e` apart.
 */
const UNICODE_WORD = /(?:[\p{L}\p{M}\p{N}_]|-(?=[\p{L}_]))+/uy;
const UNICODE_LETTER = /[\p{L}\p{M}]/uy;

/** Where the word at `i` ends, read with letters outside ASCII too. */
function unicodeWordEnd(text: string, i: number): number {
  UNICODE_WORD.lastIndex = i;
  return UNICODE_WORD.test(text) ? UNICODE_WORD.lastIndex : i;
}

/** Whether a letter outside ASCII starts at `i`. */
function isUnicodeLetterAt(text: string, i: number): boolean {
  if (text.charCodeAt(i) < 128) return false;
  UNICODE_LETTER.lastIndex = i;
  return UNICODE_LETTER.test(text);
}

const PUNCTUATION_TEXT: Readonly<Record<TokenKind, string>> = {
  ident: '',
  number: '',
  string: '',
  newline: '\n',
  comment: '',
  lbrace: '{',
  rbrace: '}',
  lparen: '(',
  rparen: ')',
  comma: ',',
  colon: ':',
  assign: '=',
  eq: '==',
  neq: '!=',
  plus: '+',
  minus: '-',
  star: '*',
  pipe: '|',
  dotdot: '..',
  invalid: '',
  eof: '',
};

/** A token's text: a constant for punctuation, a slice of the source otherwise. */
export function textOf(kind: TokenKind, source: string, start: number, end: number): string {
  switch (kind) {
    case 'ident':
    case 'number':
    case 'string':
    case 'comment':
    case 'invalid':
      return source.slice(start, end);
    default:
      return PUNCTUATION_TEXT[kind];
  }
}

/**
 * Where the number token starting at `i` (a digit) ends. Hex (0x…), binary (0b…) or decimal
 * with `_` separators; a unit glued on (`16MiB`) is part of the token so that `16MiB` and
 * `16 MiB` both read naturally. A `.digits` tail allows versions (`6.6`) and exact fractional
 * sizes (`1.5GiB`). Also used to find a number literal's end again (source-nodes.ts).
 */
export function numberTokenEnd(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  const second = text.charCodeAt(i + 1);
  if (c === 48 && (second === 120 /* x */ || second === 88) /* X */) {
    i += 2;
    while (i < n && (isHexDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
  } else if (
    c === 48 &&
    (second === 98 /* b */ || second === 66) /* B */ &&
    isBinaryDigit(text.charCodeAt(i + 2))
  ) {
    i += 2;
    while (i < n && (isBinaryDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
  } else {
    while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
    if (text.charCodeAt(i) === 46 /* . */ && isDigit(text.charCodeAt(i + 1))) {
      i++;
      while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
    }
  }
  while (i < n && isWordChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Where the word starting at `i` (a letter or `_`) ends. Words may contain `-` between
 * letters/digits (`fixed-noreplace`, `host-visible`); `p-0x100` still lexes as `p - 0x100`
 * because a `-` must be followed by a letter.
 */
export function wordTokenEnd(text: string, i: number): number {
  const n = text.length;
  i++;
  while (i < n) {
    const d = text.charCodeAt(i);
    if (isWordChar(d)) i++;
    else if (d === 45 /* - */ && isAlpha(text.charCodeAt(i + 1))) i += 2;
    else break;
  }
  return i;
}

/** A letter or `_`: what a word starts with. */
export function isWordStart(c: number): boolean {
  return isAlpha(c);
}

/** All tokens at once (comments included), for features that scan the whole text. */
export function tokenize(text: string): Token[] {
  const lexer = new Lexer(text);
  const tokens: Token[] = [];
  for (let t = lexer.next(); ; t = lexer.next()) {
    tokens.push(t);
    if (t.kind === 'eof') return tokens;
  }
}

/**
 * A cursor over the tokens: `advance()` moves to the next one and leaves its kind and range in
 * fields, with no object and no text slice per token (the parser asks for the text of the few
 * tokens it keeps or compares). Comments are tokens too; the parser sets them aside.
 */
export class Lexer {
  /** The current token. Before the first `advance()` and after the end of the text: `eof`. */
  kind: TokenKind = 'eof';
  start = 0;
  end = 0;
  private i: number;

  /** `start`: where to begin, at a line start (a reparse of a few lines, incremental-parse.ts). */
  constructor(
    private readonly text: string,
    start = 0,
  ) {
    this.i = start;
  }

  /** The next token as an object, for callers that keep tokens (`tokenize`). */
  next(): Token {
    const kind = this.advance();
    return { kind, start: this.start, end: this.end, text: this.tokenText() };
  }

  /** The current token's text: a constant for punctuation, a slice of the source otherwise. */
  tokenText(): string {
    return textOf(this.kind, this.text, this.start, this.end);
  }

  /** Moves to the next token and returns its kind. */
  advance(): TokenKind {
    const text = this.text;
    const n = text.length;
    let i = this.i;
    while (i < n) {
      const c = text.charCodeAt(i);
      const start = i;
      if (c === 32 || c === 9 || c === 0xfeff) {
        i++;
        continue;
      }
      if (c === 10 || c === 13) {
        i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
        return this.found('newline', start, i);
      }
      if (c === 35 /* # */ || (c === 47 /* / */ && text.charCodeAt(i + 1) === 47)) {
        while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        return this.found('comment', start, i);
      }
      if (isDigit(c)) {
        i = numberTokenEnd(text, i);
        // `32bit` (MAP_32BIT) is the one word that starts with a digit.
        return this.found(i - start === 5 && text.startsWith('32bit', start) ? 'ident' : 'number', start, i);
      }
      if (isAlpha(c)) {
        const end = wordTokenEnd(text, i);
        const glued = text.charCodeAt(end) === 45 /* - */ ? end + 1 : end;
        if (isUnicodeLetterAt(text, glued)) return this.found('invalid', start, unicodeWordEnd(text, start));
        return this.found('ident', start, end);
      }
      if (c >= 128 && isUnicodeLetterAt(text, i))
        return this.found('invalid', start, unicodeWordEnd(text, i));
      if (c === 34 /* " */) {
        i++;
        while (i < n && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) {
          // `\` escapes the next character, but never a line end (`\n` or `\r`: CRLF and lone-CR
          // documents end lines with `\r`, and a string never runs onto the next line).
          if (text.charCodeAt(i) === 92 /* \ */ && i + 1 < n) {
            const next = text.charCodeAt(i + 1);
            if (next !== 10 && next !== 13) i++;
          }
          i++;
        }
        if (text.charCodeAt(i) === 34) {
          i++;
          return this.found('string', start, i);
        }
        return this.found('invalid', start, i); // unterminated: reported by the parser
      }
      // Punctuation: constant texts, no per-token tables or slices (the lexer runs per keystroke).
      const next = text.charCodeAt(i + 1);
      let kind: TokenKind;
      let width = 1;
      switch (c) {
        case 61 /* = */:
          kind = next === 61 ? 'eq' : 'assign';
          break;
        case 33 /* ! */:
          kind = next === 61 ? 'neq' : 'invalid';
          break;
        case 46 /* . */:
          kind = next === 46 ? 'dotdot' : 'invalid';
          break;
        case 123:
          kind = 'lbrace';
          break;
        case 125:
          kind = 'rbrace';
          break;
        case 40:
          kind = 'lparen';
          break;
        case 41:
          kind = 'rparen';
          break;
        case 44:
          kind = 'comma';
          break;
        case 58:
          kind = 'colon';
          break;
        case 43:
          kind = 'plus';
          break;
        case 45:
          kind = 'minus';
          break;
        case 42:
          kind = 'star';
          break;
        case 124:
          kind = 'pipe';
          break;
        default:
          kind = 'invalid';
          // A surrogate pair stays one invalid token; a lone high surrogate is one on its own
          // (taking the next unit with it swallowed a newline, and the line count with it).
          if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
            const low = text.charCodeAt(i + 1);
            if (low >= 0xdc00 && low <= 0xdfff) width = 2;
          }
      }
      if (kind === 'eq' || kind === 'neq' || kind === 'dotdot') width = 2;
      return this.found(kind, start, i + width);
    }
    return this.found('eof', n, n);
  }

  private found(kind: TokenKind, start: number, end: number): TokenKind {
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.i = end;
    return kind;
  }
}
