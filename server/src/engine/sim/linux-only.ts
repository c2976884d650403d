// The calls and strategies macOS does not have, which `platform macos` still runs with Linux's
// rules: each gets a `kernel-unmodelled` note, so a result is not read as a macOS one (the
// reverse of mach_vm_remap on Linux, model/mach-step.ts, which fails: there drvmap knows the
// answer). What macOS has is xnu's bsd/sys/mman.h (apple-oss-distributions/xnu 8d741a5d): mmap's
// MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_NORESERVE, MAP_ANON and MAP_32BIT, madvise's
// MADV_DONTNEED and MADV_FREE among the advice; no mremap, mseal, userfaultfd or memfd_create.
import type { StepNode } from '../syntax/ast';
import type { LanguageProblem, ProblemSink } from './problems';
import type { StrategyName } from './platform';

const SIMULATED = "drvmap simulates it with Linux's rules, so this is not a macOS result";

/** mmap flag words of Linux only (bsd/sys/mman.h has none of them). */
const LINUX_ONLY_MMAP_WORDS: ReadonlySet<string> = new Set([
  'shared-validate',
  'fixed-noreplace',
  'above4g',
  'growsdown',
  'locked',
  'populate',
  'stack',
  'hugetlb',
  'uninitialized',
  'droppable',
]);

/** madvise advice of Linux only: macOS keeps a range out of a child with minherit instead. */
const LINUX_ONLY_ADVICE: ReadonlySet<string> = new Set(['dontfork', 'dofork', 'wipeonfork', 'keeponfork']);

/** Why a strategy is Linux's, or undefined when macOS has its mechanism. */
export function linuxOnlyStrategy(strategy: StrategyName): string | undefined {
  switch (strategy) {
    case 'remap-dontunmap':
    case 'remap-move':
      return `\`strategy ${strategy}\` is Linux's mremap: macOS has none (its remap is mach_vm_remap, \`strategy alias\` on \`platform macos\`); ${SIMULATED}`;
    case 'reserve-high':
      return `\`strategy reserve-high\` is FEX running an i386 Linux program, which runs on Linux only; ${SIMULATED}`;
    case 'mmap32':
      return `\`strategy mmap32\` is box64's BOX64_MMAP32, which runs on Linux only; ${SIMULATED}`;
    default:
      return undefined;
  }
}

/** Why a raw step is Linux's, or undefined when macOS has the call as written. */
export function linuxOnlyCall(verb: string, step: StepNode): string | undefined {
  switch (verb) {
    case 'mremap':
      return `macOS has no mremap (MREMAP_MAYMOVE, MREMAP_FIXED and MREMAP_DONTUNMAP are Linux's; its remap is \`mach_vm_remap\`); ${SIMULATED}`;
    case 'mseal':
      return `mseal is Linux's (6.10): macOS has none; ${SIMULATED}`;
    case 'uffd':
      return `userfaultfd is Linux's: macOS has none; ${SIMULATED}`;
    case 'open':
      return step.words.some((w) => w.name === 'memfd')
        ? `memfd_create is Linux's: macOS has none; ${SIMULATED}`
        : undefined;
    case 'mmap': {
      const word = step.words.find((w) => LINUX_ONLY_MMAP_WORDS.has(w.name));
      return word
        ? `${constantName('MAP_', word.name)} is Linux's: macOS's mmap has no such flag; ${SIMULATED}`
        : undefined;
    }
    case 'madvise': {
      const word = step.words.find((w) => LINUX_ONLY_ADVICE.has(w.name));
      return word
        ? `${constantName('MADV_', word.name)} is Linux's: macOS's madvise has no such advice; ${SIMULATED}`
        : undefined;
    }
    default:
      return undefined;
  }
}

/** On `platform macos`, the note for a Linux-only raw step, at its verb. */
export function noteLinuxOnlyCall(problems: ProblemSink, verb: string, step: StepNode): void {
  const reason = linuxOnlyCall(verb, step);
  if (reason) problems.report('kernel-unmodelled', step.verb, reason);
}

/** On `platform macos`, the note for a Linux-only strategy, at its value. */
export function linuxOnlyStrategyProblem(
  strategy: StrategyName,
  range: LanguageProblem['range'],
): LanguageProblem | undefined {
  const reason = linuxOnlyStrategy(strategy);
  return reason ? { code: 'kernel-unmodelled', range, message: reason } : undefined;
}

function constantName(prefix: string, word: string): string {
  return prefix + word.toUpperCase().replace(/-/g, '_');
}
