// A madvise step whose advice is one the model does not take: a number (`102`, as strace -X raw
// prints it), a C name (`MADV_GUARD_INSTALL`) or the word the name would be (`guard-install`).
// The kernel accepts more advice than the model (kernel/madvise.ts UNMODELLED_ADVICE), and
// answering for it would be a guess, so the step is not run and a `kernel-unmodelled` note at the
// advice names it and what the kernel would have done, rather than a missing advice and an extra
// value, which would point away from what was written. An advice the scenario's kernel does not
// have (guard regions before 6.13, advice added later, a number no kernel knows) is no guess:
// madvise_behavior_valid() refuses it with EINVAL, so that step runs and the kernel model answers.
import { kernelHasAdvice } from '../kernel/advice-since';
import { formatKernelVersion } from '../kernel/config';
import { MADVISE_NAMES, UNMODELLED_ADVICE } from '../kernel/madvise';
import type { Argument, StepNode } from '../syntax/ast';
import type { StepContext } from './step-context';
import { MADVISE_BY_WORD } from './words';

/** The values madvise takes before its advice: ADDRESS, LENGTH. */
const VALUES_BEFORE_ADVICE = 2;

/**
 * What the kernel does with the advice the scenario cannot show, on a kernel that has it (guard
 * regions: 6.13's "mm: madvise: implement lightweight guard page mechanism", 662df3e5c376).
 */
const KERNEL_DOES: ReadonlyMap<number, string> = new Map([
  [
    102,
    "the kernel zaps the range's pages (their contents are lost) and puts guard markers in its page tables, so a read or write there faults (SIGSEGV) until MADV_GUARD_REMOVE (K:mm/madvise.c madvise_guard_install)",
  ],
  [
    103,
    "the kernel removes the range's guard markers, and the pages they replaced read zero (K:mm/madvise.c madvise_guard_remove)",
  ],
]);

const MODELLED_WORDS = [...MADVISE_BY_WORD.keys()].join(', ');

/** By C name and by the word it would be (`MADV_GUARD_INSTALL`, `guard-install`). */
const UNMODELLED_BY_NAME: ReadonlyMap<string, number> = new Map(
  [...UNMODELLED_ADVICE].flatMap(([number, name]) => [
    [name, number],
    [name.slice('MADV_'.length).toLowerCase().replace(/_/g, '-'), number],
  ]),
);

/**
 * The step's advice when it is not a modelled word: `skipped` with why (reported once at the
 * advice), or `run` with the number for the kernel model to refuse. `values`: the step's values
 * without the advice, for positionalValues.
 */
export type UnmodelledAdvice =
  | { readonly kind: 'skipped'; readonly values: readonly Argument[]; readonly reason: string }
  | { readonly kind: 'run'; readonly values: readonly Argument[]; readonly advice: number };

/** The step's advice when it is not a modelled word (UnmodelledAdvice). */
export function unmodelledAdvice(context: StepContext, step: StepNode): UnmodelledAdvice | undefined {
  const args = step.args;
  for (let i = VALUES_BEFORE_ADVICE; i < args.length; i++) {
    const arg = args[i]!;
    const found = adviceOf(context, arg);
    if (found === undefined) continue;
    const values = args.filter((_, j) => j !== i);
    if ('advice' in found) return { kind: 'run', values, advice: found.advice };
    context.problems.report(found.code, arg, found.message);
    return { kind: 'skipped', values, reason: found.message };
  }
  return undefined;
}

function adviceOf(
  context: StepContext,
  arg: Argument,
): { code: 'kernel-unmodelled' | 'syntax-error'; message: string } | { advice: number } | undefined {
  let number: number | undefined;
  let written = '';
  if (arg.kind === 'number' && arg.unit === undefined && arg.value !== undefined) {
    // madvise's advice is an int: a larger number is no advice.
    number = arg.value <= 0x7fff_ffffn ? Number(arg.value) : -1;
    written = arg.text;
  } else if (arg.kind === 'name' && !context.scope.has(arg.name)) {
    number = UNMODELLED_BY_NAME.get(arg.name);
    written = arg.name;
  }
  if (number === undefined) return undefined;
  const modelled = MADVISE_NAMES.get(number);
  if (modelled !== undefined) {
    const word = [...MADVISE_BY_WORD].find(([, n]) => n === number)?.[0] ?? '';
    return {
      code: 'syntax-error',
      message: `madvise takes its advice as a word: \`${written}\` is ${modelled}, written \`${word}\``,
    };
  }
  const name = UNMODELLED_ADVICE.get(number);
  const version = context.sim.space.config.version;
  if (name === undefined || !kernelHasAdvice(number, version)) return { advice: number };
  const skipped = `the step is not run, so the scenario cannot show it (drvmap models ${MODELLED_WORDS})`;
  const what = KERNEL_DOES.get(number) ?? 'madvise_behavior_valid accepts it';
  const as = written === name ? name : `\`${written}\` is ${name},`;
  return {
    code: 'kernel-unmodelled',
    message: `${as} an advice drvmap does not model: ${what}; Linux ${formatKernelVersion(version)} has it, and ${skipped}`,
  };
}
