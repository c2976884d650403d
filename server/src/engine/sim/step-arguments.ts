// A step's numeric arguments: its positional values (`mremap old, size, new`) and its keyword
// options (`at 0x7000_0000`), each evaluated in the name scope.
import { VERB_BY_NAME } from '../language/vocabulary';
import type { StepNode } from '../syntax/ast';
import type { StepContext } from './step-context';

type ArgumentContext = Pick<StepContext, 'scope' | 'problems'>;

/**
 * The positional values a verb takes, in order; a name ending in `?` is optional. Text and
 * extra values are reported; a missing value is undefined.
 */
export function positionalValues(
  context: ArgumentContext,
  step: StepNode,
  names: readonly string[],
): (bigint | undefined)[] {
  const { scope, problems } = context;
  const out: (bigint | undefined)[] = [];
  let position = 0;
  for (const arg of step.args) {
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
    position++;
    out.push(scope.evaluate(arg));
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
    out.push(undefined);
  }
  return out;
}

/** The value of `KEYWORD VALUE` among the step's options, when given. */
export function optionValue(context: ArgumentContext, step: StepNode, keyword: string): bigint | undefined {
  const option = step.options.find((o) => o.keyword.name === keyword);
  if (!option?.value) return undefined;
  if (option.value.kind === 'string') {
    context.problems.report('wrong-kind', option.value, `\`${keyword}\` takes a number or an address`);
    return undefined;
  }
  return context.scope.evaluate(option.value);
}
