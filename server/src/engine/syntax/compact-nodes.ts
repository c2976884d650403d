// The small AST nodes a step is made of (names, words, sums), as classes that hold only what they
// cannot recompute. Node runs without pointer compression: every field is 8 bytes after a 24-byte
// header, and 100k steps make ~600k nodes that live as long as the document. So `kind` is one
// constant on the prototype rather than a field per node, and an identifier's end is its start
// plus its name's length (the name is the token's text, or the vocabulary's equal string).
// Consumers still read the fields of ast.ts; nothing spreads or serialises nodes (ranges are
// copied field by field before they leave the engine).
import type { BinaryExpression, Expression, Identifier, NameExpression, Word } from './ast';

/** The one empty list of nodes: steps without args, words or options share it (frozen). */
export const EMPTY: readonly never[] = Object.freeze([]);

/** Puts the node kind on the class's prototype: a constant load for `node.kind`, no field. */
export function kindOnPrototype(nodeClass: { prototype: object }, kind: string): void {
  Object.defineProperty(nodeClass.prototype, 'kind', { value: kind });
}

export class IdentifierNode implements Identifier {
  declare readonly kind: 'ident';

  constructor(
    readonly name: string,
    readonly start: number,
  ) {}

  get end(): number {
    return this.start + this.name.length;
  }
}
kindOnPrototype(IdentifierNode, 'ident');

export class WordNode implements Word {
  declare readonly kind: 'word';

  constructor(
    readonly name: string,
    readonly start: number,
  ) {}

  get end(): number {
    return this.start + this.name.length;
  }
}
kindOnPrototype(WordNode, 'word');

export class NameNode implements NameExpression {
  declare readonly kind: 'name';

  constructor(
    readonly name: string,
    readonly start: number,
  ) {}

  get end(): number {
    return this.start + this.name.length;
  }
}
kindOnPrototype(NameNode, 'name');

/** `a + b`: starts where its left operand starts. */
export class BinaryNode implements BinaryExpression {
  declare readonly kind: 'binary';

  constructor(
    readonly op: '+' | '-' | '*',
    readonly left: Expression,
    readonly right: Expression | undefined,
    readonly end: number,
  ) {}

  get start(): number {
    return this.left.start;
  }
}
kindOnPrototype(BinaryNode, 'binary');
