// Exact evaluation of address expressions. Results must stay within 0 .. 2^64-1: an overflow
// or a negative value is a diagnostic at the expression, never a wrapped or rounded number.
import type { Expression, NameExpression } from '../syntax/ast';
import { formatHex, U64_MAX } from '../numbers';
import type { LanguageProblem } from './problems';

export type NameValue = (node: NameExpression) => bigint | undefined;

export function evaluateConstant(expression: Expression, problems: LanguageProblem[]): bigint | undefined {
  return evaluate(
    expression,
    (node) => {
      problems.push({
        code: 'unknown-name',
        range: node,
        message: `\`${node.name}\` is not a number; names cannot be used here`,
      });
      return undefined;
    },
    problems,
  );
}

export function evaluate(
  expression: Expression,
  nameValue: NameValue,
  problems: LanguageProblem[],
): bigint | undefined {
  const value = evaluateInner(expression, nameValue, problems);
  if (value === undefined) return undefined;
  if (value < 0n) {
    problems.push({
      code: 'number-out-of-range',
      range: expression,
      message: `this is negative (${formatHex(value)}); addresses and sizes are unsigned`,
    });
    return undefined;
  }
  if (value > U64_MAX) {
    problems.push({
      code: 'number-out-of-range',
      range: expression,
      message: `this overflows 64 bits: ${formatHex(value)} > 0xffff_ffff_ffff_ffff`,
    });
    return undefined;
  }
  return value;
}

function evaluateInner(
  expression: Expression,
  nameValue: NameValue,
  problems: LanguageProblem[],
): bigint | undefined {
  switch (expression.kind) {
    case 'number':
      return expression.value;
    case 'name':
      return nameValue(expression);
    case 'paren':
      return expression.inner ? evaluateInner(expression.inner, nameValue, problems) : undefined;
    case 'negate': {
      const operand = expression.operand ? evaluateInner(expression.operand, nameValue, problems) : undefined;
      return operand === undefined ? undefined : -operand;
    }
    case 'binary': {
      const left = evaluateInner(expression.left, nameValue, problems);
      const right = expression.right ? evaluateInner(expression.right, nameValue, problems) : undefined;
      if (left === undefined || right === undefined) return undefined;
      const result =
        expression.op === '+' ? left + right : expression.op === '-' ? left - right : left * right;
      // Intermediate values may be negative (`(p - q) + r`), but never beyond 2^64 in magnitude:
      // bigint would not overflow, the kernel's size_t would.
      if (result > U64_MAX || result < -U64_MAX) {
        problems.push({
          code: 'number-out-of-range',
          range: expression,
          message: `this overflows 64 bits (${formatHex(result)})`,
        });
        return undefined;
      }
      return result;
    }
  }
}
