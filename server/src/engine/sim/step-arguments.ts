// A step's numeric arguments: its positional values (`mremap old, size, new`) and its keyword
// options (`at 0x7000_0000`), each evaluated in the name scope. Every step reads them, so they
// are plain loops: a `find` with an arrow makes a closure per call.
import { canonicalVerb, VERB_BY_NAME, verbOptions, verbWords } from '../language/vocabulary';
import type { Argument, Option, StepNode } from '../syntax/ast';
import { syscallAddress } from './driver-address';
import { wordHint } from '../language/word-hint';
import { closestWord, didYouMeanText } from '../language/closest-word';
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
  context: StepContext,
  step: StepNode,
  names: readonly string[],
  /** The step's values to read (all of them unless the caller took some apart). */
  args: readonly Argument[] = step.args,
  /**
   * The step's actor when the first value is the address a syscall acts on: a memory object there
   * is that actor's (a driver's) own address of it (sim/driver-address.ts).
   */
  addressActor?: string,
): readonly (bigint | undefined)[] {
  const { scope, problems } = context;
  const out = scratchOf(names.length);
  let position = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.kind === 'string') {
      problems.report('syntax-error', arg, `${step.verb.name} takes no text`);
      continue;
    }
    if (position >= names.length) {
      reportExtraArgument(context, step, arg, `${names.length} ${names.length === 1 ? 'value' : 'values'}`);
      continue;
    }
    out[position] =
      position === 0 && addressActor !== undefined
        ? syscallAddress(context, step, arg, addressActor)
        : scope.evaluate(arg);
    position++;
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

/**
 * An argument past the last a verb takes. A bare word that names nothing is most likely a flag
 * the verb does not know (`mmap 4KiB rw privat anon`): say that, with the verb's words.
 */
export function reportExtraArgument(
  context: ArgumentContext,
  step: StepNode,
  arg: Argument,
  takes: string,
): void {
  const verb = step.verb.name;
  if (arg.kind === 'name' && !context.scope.has(arg.name)) {
    const spec = VERB_BY_NAME.get(canonicalVerb(verb));
    const known = spec ? [...verbWords(spec), ...verbOptions(spec)] : [];
    const hint = wordHint(arg.name, known);
    const similar = hint === undefined ? closestWord(arg.name, known) : undefined;
    context.problems.report(
      'unknown-word',
      arg,
      `\`${arg.name}\` is not a word ${verb} knows${hint ? `; ${hint}` : similar ? `; ${didYouMeanText(similar)}` : known.length ? ` (it knows: ${known.join(', ')})` : ''}`,
    );
    return;
  }
  context.problems.report('syntax-error', arg, `${verb} takes ${takes}; this one is extra`);
}

/**
 * Whether a bare word that names nothing follows the step's first `count` values: reportExtraArgument
 * has reported it as a word the verb does not know. For a verb with one group of words
 * (mprotect's protection, madvise's advice) it stands where that word goes, so the word was written,
 * misspelt, and is not also missing.
 */
export function hasUnknownWordAfter(context: ArgumentContext, step: StepNode, count: number): boolean {
  const args = step.args;
  for (let i = count; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.kind === 'name' && !context.scope.has(arg.name)) return true;
  }
  return false;
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
