// The small AST nodes a step is made of (names, words, sums) and how every node is allocated.
//
// Nodes are object literals, not class instances. A 100k-step document makes ~600k nodes that
// live as long as the document; V8 tracks an allocation site per literal and, seeing nearly all
// of a site's objects survive, allocates them straight in the old generation. Class instances
// have no allocation site, so every node used to be copied twice by the young-generation
// collector: that was half of the parse's time. The small nodes are plain literals with `kind`
// and `end` as fields (a literal with a prototype costs a runtime call to set it, ~45 ns a node,
// more than the two fields cost); nodes with lazy getters (source-nodes.ts) take that call.
// Consumers read the fields of ast.ts; nothing spreads or serialises nodes (ranges are copied
// field by field before they leave the engine).
import type { BinaryExpression, Expression, Identifier, NameExpression, Word } from './ast';

/** The one empty list of nodes: steps without args, words or options share it (frozen). */
export const EMPTY: readonly never[] = Object.freeze([]);

/** A prototype for literal nodes: the constant `kind`, and the getters in `members`. */
export function nodePrototype<T extends object>(kind: string, members: T): T {
  Object.defineProperty(members, 'kind', { value: kind });
  return members;
}

export function identifierNode(name: string, start: number): Identifier {
  return { kind: 'ident', name, start, end: start + name.length };
}

export function wordNode(name: string, start: number): Word {
  return { kind: 'word', name, start, end: start + name.length };
}

/**
 * The same nodes, made when a getter is read (a step's verb, its unpacked words) and dropped
 * soon after: their own literal is their own allocation site, which stays in the young
 * generation, where short-lived objects cost nearly nothing. Made at the parser's site, they
 * would be allocated in the old generation with the tree and fill it with garbage.
 */
export function transientIdentifier(name: string, start: number): Identifier {
  return { kind: 'ident', name, start, end: start + name.length };
}

export function transientWord(name: string, start: number): Word {
  return { kind: 'word', name, start, end: start + name.length };
}

export function nameNode(name: string, start: number): NameExpression {
  return { kind: 'name', name, start, end: start + name.length };
}

/** `a + b`: starts where its left operand starts. */
export function binaryNode(
  op: '+' | '-' | '*',
  left: Expression,
  right: Expression | undefined,
  end: number,
): BinaryExpression {
  return { kind: 'binary', op, left, right, start: left.start, end };
}
