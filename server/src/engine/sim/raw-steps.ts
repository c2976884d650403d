// The raw syscall steps: mmap, reserve, munmap, mprotect, madvise, mremap, uffd and mach_vm_remap, each
// turned into one call on the simulated kernel.
import { MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, MAP_NORESERVE, MAP_PRIVATE, PROT_NONE } from '../kernel/types';
import { machOutcome, machVmRemap } from '../model/mach-step';
import { uffdRangeOf, uffdStep } from '../model/uffd-step';
import type { Argument, StepNode } from '../syntax/ast';
import { skippedForArguments, syscallOutcome } from './outcome';
import type { Outcome } from './records';
import { driverRangePastEnd, reportDriverRangePastEnd } from './driver-address';
import { hasUnknownWordAfter, optionNamed, optionValue, positionalValues } from './step-arguments';
import type { StepContext } from './step-context';
import { wineMemReserve } from './wine-mem-reserve';
import { mapWineReservedArea } from './wine-reserved-placeholder';
import { preloadedAfterMapping } from './preloaded-order';
import { unmodelledAdvice } from './unmodelled-advice';
import {
  MADVISE_BY_WORD,
  MMAP_FLAG_BY_WORD,
  MREMAP_FLAG_BY_WORD,
  stepFlags,
  stepHasWord,
  stepProt,
  stepWordValue,
} from './words';

// The positional values of each verb (made once: an array literal is a new array per step).
const LENGTH = ['length'];
const ADDRESS_LENGTH = ['address', 'length'];
const MREMAP_VALUES = ['old_address', 'old_size', 'new_size', 'new_address?'];
const SOURCE_SIZE = ['source', 'size'];

/** `mmap LENGTH PROT FLAGS… [at ADDRESS] [fd FILE] [offset N]` */
export function mmapStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const { sim, scope, problems } = context;
  const length = positionalValues(context, step, LENGTH)[0];
  const prot = stepProt(step);
  if (prot === undefined)
    problems.report('missing-argument', step.verb, 'mmap needs a protection: none, r, rw, rx, wx or rwx');
  const flags = stepFlags(step, MMAP_FLAG_BY_WORD);
  const at = optionValue(context, step, 'at');
  const offset = optionValue(context, step, 'offset') ?? 0n;
  const fdOption = optionNamed(step, 'fd');
  let fd = -1;
  if (fdOption) {
    // A written fd that names no open file (unknown, failed, wrong kind, not yet typed) is
    // reported where it stands; the step is not run: the program never passes the kernel fd -1.
    const file = scope.fileNamed(fdOption.value);
    if (file === undefined) return skippedForArguments();
    fd = file.fd;
  } else if (!(flags & MAP_ANONYMOUS) && step.wordCount > 0) {
    // A file mapping without a file: the kernel answers EBADF for fd -1.
    problems.report(
      'missing-argument',
      step.verb,
      'a mapping without `anon` needs `fd NAME` (a file from `open`); the kernel would answer EBADF',
    );
  }
  if (length === undefined || prot === undefined) return skippedForArguments();
  return syscallOutcome(
    sim.mmap(actor, { addr: at ?? 0n, length, prot, flags, fd, offset }, step.binding?.name),
    sim.stepIndex,
  );
}

/**
 * `reserve LENGTH [at ADDRESS] [preloaded]`: inaccessible address space held for later fixed
 * mappings; with `preloaded`, one of Wine's reserved areas (sim/wine-reserved-placeholder.ts).
 */
export function reserveStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const length = positionalValues(context, step, LENGTH)[0];
  const at = optionValue(context, step, 'at');
  if (length === undefined) return skippedForArguments();
  if (stepHasWord(step, 'preloaded')) {
    // The preloader's (or box64's) range is fixed by its table, not found by a search: without an
    // address there is nothing it could be.
    if (at === undefined) {
      context.problems.report(
        'missing-argument',
        step.verb,
        "`reserve … preloaded` states one of Wine's reserved areas, which lie at fixed addresses: it needs `at ADDRESS`",
      );
      return skippedForArguments();
    }
    const tooLate = preloadedAfterMapping(context, step, at, length);
    if (tooLate) return tooLate;
    return syscallOutcome(mapWineReservedArea(context.sim, actor, at, length), context.sim.stepIndex);
  }
  const label = step.binding?.name ?? 'reservation';
  // Wine's reservation is an application's MEM_RESERVE (sim/wine-mem-reserve.ts); only Wine knows
  // its views and reserved areas, so another actor's call is the plain one. A zero length is
  // refused before any rounding (NtAllocateVirtualMemory: `if (!*size_ptr)`), as the kernel's EINVAL.
  if (actor === 'wine' && length !== 0n) return wineMemReserve(context.sim, at, length, label);
  const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (at !== undefined ? MAP_FIXED_NOREPLACE : 0);
  return syscallOutcome(
    context.sim.mmap(actor, { addr: at ?? 0n, length, prot: PROT_NONE, flags, fd: -1, offset: 0n }, label),
    context.sim.stepIndex,
  );
}

export function munmapStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const values = positionalValues(context, step, ADDRESS_LENGTH, step.args, actor);
  const address = values[0];
  const length = values[1];
  if (address === undefined || length === undefined) return skippedForArguments();
  const pastEnd = driverRangePastEnd(context, step, step.args[0], length);
  const result = context.sim.munmap(actor, address, length);
  reportDriverRangePastEnd(context, pastEnd, result);
  return syscallOutcome(result, context.sim.stepIndex, false);
}

export function mprotectStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const values = positionalValues(context, step, ADDRESS_LENGTH, step.args, actor);
  const address = values[0];
  const length = values[1];
  const prot = stepProt(step);
  if (prot === undefined && !hasUnknownWordAfter(context, step, ADDRESS_LENGTH.length))
    context.problems.report(
      'missing-argument',
      step.verb,
      'mprotect needs a protection: none, r, rw, rx, wx, rwx',
    );
  if (address === undefined || length === undefined || prot === undefined) return skippedForArguments();
  const pastEnd = driverRangePastEnd(context, step, step.args[0], length);
  const result = context.sim.mprotect(actor, address, length, prot);
  reportDriverRangePastEnd(context, pastEnd, result);
  return syscallOutcome(result, context.sim.stepIndex, false);
}

/** `mseal ADDRESS, LENGTH` (kernel/mseal.ts). */
export function msealStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const values = positionalValues(context, step, ADDRESS_LENGTH, step.args, actor);
  const address = values[0];
  const length = values[1];
  if (address === undefined || length === undefined) return skippedForArguments();
  return syscallOutcome(context.sim.mseal(actor, address, length), context.sim.stepIndex, false);
}

/** `madvise ADDRESS, LENGTH, ADVICE` (kernel/madvise.ts). */
export function madviseStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const unmodelled = unmodelledAdvice(context, step);
  const values = positionalValues(context, step, ADDRESS_LENGTH, unmodelled?.values ?? step.args, actor);
  const address = values[0];
  const length = values[1];
  // An advice the kernel does not have runs as its number: the kernel model refuses it (EINVAL).
  const advice = unmodelled?.kind === 'run' ? unmodelled.advice : stepWordValue(step, MADVISE_BY_WORD);
  if (
    advice === undefined &&
    unmodelled === undefined &&
    !hasUnknownWordAfter(context, step, ADDRESS_LENGTH.length)
  )
    context.problems.report(
      'missing-argument',
      step.verb,
      'madvise needs an advice: dontneed, free, dontfork, dofork, wipeonfork or keeponfork',
    );
  if (unmodelled?.kind === 'skipped') return { kind: 'skipped', reason: unmodelled.reason };
  if (address === undefined || length === undefined || advice === undefined) return skippedForArguments();
  const pastEnd = driverRangePastEnd(context, step, step.args[0], length);
  const result = context.sim.madvise(actor, address, length, advice);
  reportDriverRangePastEnd(context, pastEnd, result);
  return syscallOutcome(result, context.sim.stepIndex, false);
}

export function mremapStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const { values: args, flags } = mremapArguments(step);
  const values = positionalValues(context, step, MREMAP_VALUES, args, actor);
  const oldAddress = values[0];
  const oldSize = values[1];
  const newSize = values[2];
  const newAddress = values[3];
  if (oldAddress === undefined || oldSize === undefined || newSize === undefined)
    return skippedForArguments();
  const pastEnd = driverRangePastEnd(context, step, args[0], oldSize);
  const result = context.sim.mremap(
    actor,
    { oldAddress, oldSize, newSize, flags, newAddress: newAddress ?? 0n },
    step.binding?.name,
  );
  reportDriverRangePastEnd(context, pastEnd, result);
  return syscallOutcome(result, context.sim.stepIndex);
}

/**
 * How an mremap step's arguments read: `values` are OLD_ADDRESS, OLD_SIZE, NEW_SIZE and the
 * optional NEW_ADDRESS; `flags` the MREMAP_* bits. `mremap a, 4KiB, 8KiB, 1` or `mremap a, 4KiB,
 * 4KiB, 3, 0x4000_0000`: with no flag words, a number fourth is FLAGS (language.md: `FLAGS [,
 * NEW_ADDRESS]`), as strace -X raw prints it. Shared with "Run on This Kernel", which must send
 * the kernel the call the simulation made.
 */
export function mremapArguments(step: StepNode): { values: readonly Argument[]; flags: number } {
  const args = step.args;
  const numericFlags =
    (args.length === 4 || args.length === 5) && step.wordCount === 0 && args[3]!.kind === 'number'
      ? args[3]!.value
      : undefined;
  if (numericFlags === undefined) return { values: args, flags: stepFlags(step, MREMAP_FLAG_BY_WORD) };
  // Bits past 32 cannot be flags: kept as an undefined bit, which the kernel refuses (EINVAL).
  return {
    values: args.length === 5 ? [args[0]!, args[1]!, args[2]!, args[4]!] : [args[0]!, args[1]!, args[2]!],
    flags: numericFlags > 0xffff_ffffn ? 0x8000_0000 : Number(numericFlags),
  };
}

/** `uffd ADDRESS, LENGTH …` or `uffd MEMORY …` (its driver's mapping). */
export function uffdRegisterStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const { sim, scope, problems } = context;
  const first = step.args[0];
  const memory =
    first?.kind === 'name' && scope.get(first.name)?.kind === 'memory' ? scope.memoryNamed(first) : undefined;
  let range: { address: bigint; length: bigint } | undefined;
  if (memory) {
    range = uffdRangeOf(sim, memory);
    if (!range)
      problems.report('use-of-failed-result', first!, `${memory.name} has no driver mapping to register yet`);
  } else {
    const values = positionalValues(context, step, ADDRESS_LENGTH);
    const address = values[0];
    const length = values[1];
    if (address !== undefined && length !== undefined) range = { address, length };
  }
  if (!range) return skippedForArguments();
  return uffdStep(sim, step, actor, {
    ...range,
    memory,
    copyFrom: optionValue(context, step, 'copy-from'),
    mapMoved: optionValue(context, step, 'map-moved'),
  });
}

/** `mach_vm_remap SOURCE, SIZE [at TARGET] [fixed] [anywhere] [overwrite] [copy]` (the macOS alias). */
export function machVmRemapStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const values = positionalValues(context, step, SOURCE_SIZE, step.args, actor);
  const source = values[0];
  const size = values[1];
  if (source === undefined || size === undefined) return skippedForArguments();
  const has = (word: string) => step.words.some((w) => w.name === word);
  const args = {
    source,
    size,
    target: optionValue(context, step, 'at') ?? 0n,
    // VM_FLAGS_FIXED is 0 and VM_FLAGS_ANYWHERE 1 (<mach/vm_statistics.h>): "fixed" is only the
    // absence of ANYWHERE (facts linux-mm 7.5, "FALSE / VM_FLAGS_FIXED"), so a caller passing both gets ANYWHERE.
    fixed: has('fixed') && !has('anywhere'),
    overwrite: has('overwrite'),
    copy: has('copy'),
  };
  const pastEnd = driverRangePastEnd(context, step, step.args[0], size);
  const result = machVmRemap(context.sim, actor, args, step.binding?.name);
  reportDriverRangePastEnd(context, pastEnd, result);
  return machOutcome(result, context.sim.stepIndex);
}
