// Which positional argument of a step the cursor is at, read from the tokens typed after the verb.
// It walks them the way the parser reads a step (syntax/parser.ts parseStep): commas and `|` only
// separate, a verb's words and options may come anywhere, and an expression ends where no operator
// joins the next operand to it — so `vkGetMemoryFdKHR m m` is two arguments, one too many. A unit
// written apart from its number (`4 KiB`, `2 pages`) is part of that number, as parsePrimary reads it.
import { verbOptions, verbWords, type VerbSpec } from '../language/vocabulary';
import { isUnit } from '../syntax/number-literal';
import type { Token } from '../syntax/tokens';

export interface ArgumentSlot {
  /** Positional arguments begun so far (the one being typed counts once it has an operand). */
  readonly given: number;
  /** The last token is an operator: the next token is an operand of that same expression. */
  readonly midExpression: boolean;
}

export function argumentSlot(spec: VerbSpec, rest: readonly Token[]): ArgumentSlot {
  const words = verbWords(spec);
  const options = verbOptions(spec);
  let given = 0;
  /** none: between values; operand: after one; operator: after `+`, `-` or `*`. */
  let state: 'none' | 'operand' | 'operator' = 'none';
  /** The next expression is an option's value (`at ADDR`), not a positional argument. */
  let optionValue = false;
  let depth = 0;
  let afterNumber = false;
  for (const t of rest) {
    const unitOfNumber = afterNumber && t.kind === 'ident' && isUnit(t.text);
    afterNumber = depth === 0 && t.kind === 'number';
    if (unitOfNumber) continue;
    if (depth > 0) {
      if (t.kind === 'lparen') depth++;
      else if (t.kind === 'rparen' && --depth === 0) state = 'operand';
      continue;
    }
    switch (t.kind) {
      case 'comma':
      case 'pipe':
        state = 'none';
        optionValue = false;
        continue;
      case 'plus':
      case 'star':
        state = 'operator';
        continue;
      case 'minus':
        // A leading `-` starts an expression; after an operand it joins the next one.
        if (state !== 'operand') startExpression();
        state = 'operator';
        continue;
      case 'ident':
        if (options.has(t.text)) {
          state = 'none';
          optionValue = true;
          continue;
        }
        if (words.has(t.text)) {
          state = 'none';
          optionValue = false;
          continue;
        }
        break;
      case 'number':
      case 'string':
      case 'lparen':
        break;
      default:
        continue;
    }
    if (state !== 'operator') startExpression();
    state = 'operand';
    if (t.kind === 'lparen') depth = 1;
  }
  return { given, midExpression: state === 'operator' };

  function startExpression(): void {
    if (optionValue) optionValue = false;
    else given++;
  }
}

/** How many positional arguments the verb needs. */
export function requiredArguments(spec: VerbSpec): number {
  return spec.args.filter((a) => !a.optional).length;
}
