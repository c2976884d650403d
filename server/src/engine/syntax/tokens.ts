import type { TextRange } from './text-range';

export type TokenKind =
  | 'ident'
  | 'number'
  | 'string'
  | 'newline'
  | 'comment'
  | 'lbrace'
  | 'rbrace'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'colon'
  | 'assign'
  | 'eq'
  | 'neq'
  | 'plus'
  | 'minus'
  | 'star'
  | 'pipe'
  | 'dotdot'
  | 'invalid'
  | 'eof';

export interface Token extends TextRange {
  readonly kind: TokenKind;
  readonly text: string;
}
