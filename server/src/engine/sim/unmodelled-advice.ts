// A madvise step whose advice is one the model does not take: a number (`102`, as strace -X raw
// prints it), a C name (`MADV_GUARD_INSTALL`) or the word the name would be (`guard-install`).
// The kernel accepts more advice than the model (kernel/madvise.ts UNMODELLED_ADVICE), and
// answering for it would be a guess, so the step is not run and a `kernel-unmodelled` note at the
// advice names it and what the kernel would have done, rather than a missing advice and an extra
// value, which would point away from what was written.
import { MADVISE_NAMES, UNMODELLED_ADVICE } from '../kernel/madvise';
import type { Argument, StepNode } from '../syntax/ast';
import type { StepContext } from './step-context';
import { MADVISE_BY_WORD } from './words';

/** The values madvise takes before its advice: ADDRESS, LENGTH. */
const VALUES_BEFORE_ADVICE = 2;

/**
 * What the kernel does with the advice the scenario cannot show. Guard regions are 6.13's
 * ("mm: madvise: implement lightweight guard page mechanism", 662df3e5c376); before it
 * madvise_behavior_valid() refuses 102 and 103 with EINVAL.
 */
const KERNEL_DOES: ReadonlyMap<number, string> = new Map([
  [
    102,
    "on Linux 6.13+ the kernel zaps the range's pages (their contents are lost) and puts guard markers in its page tables, so a read or write there faults (SIGSEGV) until MADV_GUARD_REMOVE (K:mm/madvise.c madvise_guard_install); older kernels refuse it with EINVAL",
  ],
  [
    103,
    "on Linux 6.13+ the kernel removes the range's guard markers, and the pages they replaced read zero (K:mm/madvise.c madvise_guard_remove); older kernels refuse it with EINVAL",
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

export interface UnmodelledAdvice {
  /** The step's values without the advice, for positionalValues. */
  readonly values: readonly Argument[];
  /** Why the step is not run. */
  readonly reason: string;
}

/** The step's advice when the model cannot run it, reported once at the advice. */
export function unmodelledAdvice(context: StepContext, step: StepNode): UnmodelledAdvice | undefined {
  const args = step.args;
  for (let i = VALUES_BEFORE_ADVICE; i < args.length; i++) {
    const arg = args[i]!;
    const found = adviceOf(context, arg);
    if (found === undefined) continue;
    context.problems.report(found.code, arg, found.message);
    return { values: args.filter((_, j) => j !== i), reason: found.message };
  }
  return undefined;
}

function adviceOf(
  context: StepContext,
  arg: Argument,
): { code: 'kernel-unmodelled' | 'syntax-error'; message: string } | undefined {
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
  const skipped = `the step is not run, so the scenario cannot show it (drvmap models ${MODELLED_WORDS})`;
  if (name === undefined)
    return {
      code: 'kernel-unmodelled',
      message: `\`${written}\` is not an advice drvmap models, nor one Linux 6.18 has (madvise_behavior_valid would refuse it with EINVAL); ${skipped}`,
    };
  const what = KERNEL_DOES.get(number) ?? 'madvise_behavior_valid accepts it';
  const as = written === name ? name : `\`${written}\` is ${name},`;
  return {
    code: 'kernel-unmodelled',
    message: `${as} an advice drvmap does not model: ${what}; ${skipped}`,
  };
}
