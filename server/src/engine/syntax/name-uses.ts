// Where a scenario uses a name (as a value or an actor), read from the syntax alone: what a rename
// must not capture. Settings and driver traits take words and literals, never names.
import { expectationOperands } from './expectation-operands';
import type { Argument, Expression, Identifier, NameExpression, Statement } from './ast';

/** The name expressions in an expression (`a + 0x10` → `a`). */
export function nameExpressionsIn<Out extends NameExpression[] | (NameExpression | Identifier)[]>(
  e: Argument | undefined,
  out: Out,
): Out {
  switch (e?.kind) {
    case 'name':
      out.push(e);
      break;
    case 'binary':
      nameExpressionsIn(e.left, out);
      nameExpressionsIn(e.right, out);
      break;
    case 'paren':
      nameExpressionsIn(e.inner, out);
      break;
    case 'negate':
      nameExpressionsIn(e.operand, out);
      break;
  }
  return out;
}

/**
 * Every use of a name in the statements: the values of steps (arguments, option values such as
 * `fd f`, `by wine`) and of expectations, and the actors that steps and read expectations name.
 * Not definitions (`a = …`, `actor gpu`), and not the words of the language (flags, rule codes).
 */
export function nameUses(statements: readonly Statement[]): (NameExpression | Identifier)[] {
  const out: (NameExpression | Identifier)[] = [];
  const value = (e: Argument | Expression | undefined): void => void nameExpressionsIn(e, out);
  for (const s of statements) {
    if (s.kind === 'step') {
      if (s.actor) out.push(s.actor);
      for (const arg of s.args) value(arg);
      for (const option of s.options) value(option.value);
    } else if (s.kind === 'expect') {
      const e = s.expectation;
      if (e.form === 'read' && e.actor) out.push(e.actor);
      for (const operand of expectationOperands(e)) value(operand);
    }
  }
  return out;
}
