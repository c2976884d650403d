// A step's numeric arguments: its positional values (`mremap old, size, new`) and its keyword
// options (`at 0x7000_0000`), each evaluated in the name scope. Every step reads them, so they
// are plain loops: a `find` with an arrow makes a closure per call.
import { VERB_BY_NAME } from '../language/vocabulary';
import type { Option, StepNode } from '../syntax/ast';
import type { StepContext } from './step-context';

type ArgumentContext = Pick<StepContext, 'scope' | 'problems'>;

/**
 * The positional values a verb takes, in order; a name ending in `?` is optional. Text and
 * extra values are reported; a missing value is undefined.
 *
 * The answer is one array the module reuses (every raw step asks, and reads its values at once):
 * read it before the next call. Callers index it, since destructuring runs the iterator protocol.
 */
export function positionalValues(
  context: ArgumentContext,
  step: StepNode,
  names: readonly string[],
): readonly (bigint | undefined)[] {
  const { scope, problems } = context;
  const out = scratchOf(names.length);
  let position = 0;
  const args = step.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.kind === 'string') {
      problems.report('syntax-error', arg, `${step.verb.name} takes no text`);
      continue;
    }
    if (position >= names.length) {
      problems.report(
        'syntax-error',
        arg,
        `${step.verb.name} takes ${names.length} values; this one is extra`,
      );
      continue;
    }
    out[position++] = scope.evaluate(arg);
  }
  for (; position < names.length; position++) {
    const name = names[position] ?? '';
    if (!name.endsWith('?')) {
      problems.report(
        'missing-argument',
        step.verb,
        `${step.verb.name} needs ${name}: \`${VERB_BY_NAME.get(step.verb.name)?.example ?? ''}\``,
      );
    }
    out[position] = undefined;
  }
  return out;
}

/** One reused array per count of values (verbs take 1, 2 or 4), each of its exact size. */
const scratchArrays: (bigint | undefined)[][] = [];

function scratchOf(length: number): (bigint | undefined)[] {
  return (scratchArrays[length] ??= new Array<bigint | undefined>(length).fill(undefined));
}

/** The step's `KEYWORD …` option, when given. */
export function optionNamed(step: StepNode, keyword: string): Option | undefined {
  const options = step.options;
  for (let i = 0; i < options.length; i++) if (options[i]!.keyword.name === keyword) return options[i];
  return undefined;
}

/** The value of `KEYWORD VALUE` among the step's options, when given. */
export function optionValue(context: ArgumentContext, step: StepNode, keyword: string): bigint | undefined {
  const option = optionNamed(step, keyword);
  if (!option?.value) return undefined;
  if (option.value.kind === 'string') {
    context.problems.report('wrong-kind', option.value, `\`${keyword}\` takes a number or an address`);
    return undefined;
  }
  return context.scope.evaluate(option.value);
}
