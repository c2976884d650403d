// The lexer never fails: anything it does not understand becomes an `invalid` token that the
// parser reports, so one stray character cannot hide the rest of the file.
import type { Token, TokenKind } from './tokens';

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; /* _ */
const isHexDigit = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number) =>
    tokens.push({ kind, start, end, text: text.slice(start, end) });

  while (i < n) {
    const c = text.charCodeAt(i);
    const start = i;
    if (c === 32 || c === 9 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 10 || c === 13) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      push('newline', start, i);
      continue;
    }
    if (c === 35 /* # */ || (c === 47 /* / */ && text.charCodeAt(i + 1) === 47)) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      push('comment', start, i);
      continue;
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
      push(text.slice(start, i) === '32bit' ? 'ident' : 'number', start, i);
      continue;
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
      push('ident', start, i);
      continue;
    }
    if (c === 34 /* " */) {
      i++;
      while (i < n && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) {
        if (text.charCodeAt(i) === 92 /* \ */ && i + 1 < n && text.charCodeAt(i + 1) !== 10) i++;
        i++;
      }
      if (text.charCodeAt(i) === 34) {
        i++;
        push('string', start, i);
      } else push('invalid', start, i); // unterminated: reported by the parser
      continue;
    }
    const two = text.slice(i, i + 2);
    const twoKinds: Record<string, TokenKind> = { '==': 'eq', '!=': 'neq', '..': 'dotdot' };
    const twoKind = twoKinds[two];
    if (twoKind) {
      i += 2;
      push(twoKind, start, i);
      continue;
    }
    const oneKinds: Record<string, TokenKind> = {
      '{': 'lbrace',
      '}': 'rbrace',
      '(': 'lparen',
      ')': 'rparen',
      ',': 'comma',
      ':': 'colon',
      '=': 'assign',
      '+': 'plus',
      '-': 'minus',
      '*': 'star',
      '|': 'pipe',
    };
    const oneKind = oneKinds[text[i] ?? ''];
    i++;
    // A lone surrogate pair stays one invalid token.
    if (!oneKind && c >= 0xd800 && c <= 0xdbff && i < n) i++;
    push(oneKind ?? 'invalid', start, i);
  }
  tokens.push({ kind: 'eof', start: n, end: n, text: '' });
  return tokens;
}
