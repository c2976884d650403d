// The lexer never fails: anything it does not understand becomes an `invalid` token that the
// parser reports, so one stray character cannot hide the rest of the file.
import type { Token, TokenKind } from './tokens';

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; /* _ */
const isHexDigit = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

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
 * A pull lexer: the parser asks for one token at a time, so tokens die young instead of a
 * whole-file array living through the parse (most of the parse's garbage-collection cost).
 */
export class Lexer {
  private i = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    const text = this.text;
    const n = text.length;
    let i = this.i;
    const make = (kind: TokenKind, start: number, end: number): Token => {
      this.i = end;
      return { kind, start, end, text: text.slice(start, end) };
    };
    while (i < n) {
      const c = text.charCodeAt(i);
      const start = i;
      if (c === 32 || c === 9 || c === 0xfeff) {
        i++;
        continue;
      }
      if (c === 10 || c === 13) {
        i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
        this.i = i;
        return { kind: 'newline', start, end: i, text: '\n' };
      }
      if (c === 35 /* # */ || (c === 47 /* / */ && text.charCodeAt(i + 1) === 47)) {
        while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        return make('comment', start, i);
      }
      if (isDigit(c)) {
        // Hex (0x…), binary (0b…) or decimal with `_` separators; a unit glued on (`16MiB`) is part
        // of the token so that `16MiB` and `16 MiB` both read naturally. A `.digits` tail allows
        // versions (`6.6`) and exact fractional sizes (`1.5GiB`).
        if (c === 48 && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
          i += 2;
          while (i < n && (isHexDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
        } else if (
          c === 48 &&
          (text[i + 1] === 'b' || text[i + 1] === 'B') &&
          (text[i + 2] === '0' || text[i + 2] === '1')
        ) {
          i += 2;
          while (i < n && (text[i] === '0' || text[i] === '1' || text[i] === '_')) i++;
        } else {
          while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
          if (text.charCodeAt(i) === 46 /* . */ && isDigit(text.charCodeAt(i + 1))) {
            i++;
            while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
          }
        }
        while (i < n && (isAlpha(text.charCodeAt(i)) || isDigit(text.charCodeAt(i)))) i++;
        // `32bit` (MAP_32BIT) is the one word that starts with a digit.
        return make(text.slice(start, i) === '32bit' ? 'ident' : 'number', start, i);
      }
      if (isAlpha(c)) {
        // Identifiers may contain `-` between letters/digits (`fixed-noreplace`, `host-visible`);
        // `p-0x100` still lexes as `p - 0x100` because a `-` must be followed by a letter.
        i++;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (isAlpha(d) || isDigit(d)) i++;
          else if (d === 45 /* - */ && isAlpha(text.charCodeAt(i + 1))) i += 2;
          else break;
        }
        return make('ident', start, i);
      }
      if (c === 34 /* " */) {
        i++;
        while (i < n && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) {
          if (text.charCodeAt(i) === 92 /* \ */ && i + 1 < n && text.charCodeAt(i + 1) !== 10) i++;
          i++;
        }
        if (text.charCodeAt(i) === 34) {
          i++;
          return make('string', start, i);
        }
        return make('invalid', start, i); // unterminated: reported by the parser
      }
      // Punctuation: constant texts, no per-token tables or slices (the lexer runs per keystroke).
      const next = text.charCodeAt(i + 1);
      let kind: TokenKind;
      let width = 1;
      switch (c) {
        case 61 /* = */:
          if (next === 61) [kind, width] = ['eq', 2];
          else kind = 'assign';
          break;
        case 33 /* ! */:
          if (next === 61) [kind, width] = ['neq', 2];
          else kind = 'invalid';
          break;
        case 46 /* . */:
          if (next === 46) [kind, width] = ['dotdot', 2];
          else kind = 'invalid';
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
          // A surrogate pair stays one invalid token.
          if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) width = 2;
      }
      i += width;
      this.i = i;
      return {
        kind,
        start,
        end: i,
        text: kind === 'invalid' ? text.slice(start, i) : PUNCTUATION_TEXT[kind],
      };
    }
    this.i = n;
    return { kind: 'eof', start: n, end: n, text: '' };
  }
}
