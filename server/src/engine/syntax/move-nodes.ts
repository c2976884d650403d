// Moves nodes of an earlier parse past an edit (incremental-parse.ts): their offsets shift by
// the edit's change in length. (The text they read moves with one write for the whole tree:
// source-nodes.ts SourceText.) Nodes are changed in place: reusing them is the point, and the
// earlier parse they belonged to is not read again.
import type { Argument, ExpectForm, Expression, Option, Statement, StepNode, Word } from './ast';

/** The fields this module writes, which ast.ts declares read-only to everything else. */
interface Movable {
  start: number;
  end: number;
}

interface MovableStep {
  end: number;
  verbStart: number;
  heldWords: string | readonly Word[];
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Moves a statement and every node under it `delta` characters. */
export function moveStatement(statement: Statement, delta: number): void {
  if (statement.kind === 'step') {
    moveStep(statement, delta);
    return;
  }
  // Every other statement is a range that starts with its keyword.
  moveRange(statement, delta);
  moveRange(statement.keyword, delta);
  switch (statement.kind) {
    case 'setting':
      moveArgumentsAndWords(statement, delta);
      if (statement.rangeEnd) moveExpression(statement.rangeEnd, delta);
      return;
    case 'driver':
      if (statement.name) moveRange(statement.name, delta);
      for (const trait of statement.traits) {
        moveRange(trait, delta);
        moveRange(trait.keyword, delta);
        moveArgumentsAndWords(trait, delta);
      }
      return;
    case 'actor':
      if (statement.name) moveRange(statement.name, delta);
      return;
    case 'expect':
      moveExpectation(statement.expectation, delta);
      return;
  }
}

/** Shifts a plain range (an identifier, a word, a string, a scenario's parts). */
export function moveRange(node: { readonly start: number; readonly end: number }, delta: number): void {
  if (delta === 0) return;
  const movable = node as Movable;
  movable.start += delta;
  movable.end += delta;
}

function moveRanges(nodes: readonly Movable[] | readonly Word[], delta: number): void {
  if (delta === 0) return;
  for (let i = 0; i < nodes.length; i++) moveRange(nodes[i]!, delta);
}

function moveStep(step: StepNode, delta: number): void {
  // A step's start is read from its first part (source-nodes.ts): it moves with them.
  const held = step as unknown as MovableStep;
  held.end += delta;
  held.verbStart += delta;
  // Packed words are offsets from the verb; words kept as nodes (unusual ones) hold their own.
  if (typeof held.heldWords !== 'string') moveRanges(held.heldWords, delta);
  if (step.binding) moveRange(step.binding, delta);
  if (step.actor) moveRange(step.actor, delta);
  moveArguments(step.args, delta);
  const options: readonly Option[] = step.options;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    moveRange(option, delta);
    moveRange(option.keyword, delta);
    if (option.value) moveArgument(option.value, delta);
  }
}

/** A setting's or a driver trait's values after its keyword. */
function moveArgumentsAndWords(
  node: { readonly args: readonly Argument[]; readonly words: readonly Word[] },
  delta: number,
): void {
  moveArguments(node.args, delta);
  moveRanges(node.words, delta);
}

function moveExpectation(form: ExpectForm, delta: number): void {
  switch (form.form) {
    case 'value':
      if (form.subject) moveExpression(form.subject, delta);
      if (form.value) moveArgument(form.value, delta);
      return;
    case 'read':
      if (form.actor) moveRange(form.actor, delta);
      if (form.address) moveExpression(form.address, delta);
      if (form.length) moveExpression(form.length, delta);
      if (form.value) moveArgument(form.value, delta);
      return;
    case 'mapped':
      if (form.address) moveExpression(form.address, delta);
      if (form.length) moveExpression(form.length, delta);
      return;
    case 'diagnostic':
      if (form.code) moveRange(form.code, delta);
      return;
  }
}

function moveArguments(args: readonly Argument[], delta: number): void {
  for (let i = 0; i < args.length; i++) moveArgument(args[i]!, delta);
}

function moveArgument(arg: Argument, delta: number): void {
  if (arg.kind === 'string') moveRange(arg, delta);
  else moveExpression(arg, delta);
}

function moveExpression(expression: Expression, delta: number): void {
  switch (expression.kind) {
    case 'number':
      // Its end, unit and error are read from the text at its start (source-nodes.ts), but a
      // version (`kernel 6.6`) holds its end.
      if (hasOwn.call(expression, 'end')) moveRange(expression, delta);
      else (expression as { start: number }).start += delta;
      return;
    case 'name':
      moveRange(expression, delta);
      return;
    case 'binary':
      moveRange(expression, delta);
      moveExpression(expression.left, delta);
      if (expression.right) moveExpression(expression.right, delta);
      return;
    case 'negate':
      moveRange(expression, delta);
      if (expression.operand) moveExpression(expression.operand, delta);
      return;
    case 'paren':
      moveRange(expression, delta);
      if (expression.inner) moveExpression(expression.inner, delta);
      return;
  }
}
