// When a difference between the kernel and the simulation in "Run on This Kernel" comes from the
// two address-space layouts rather than from the kernel's rules: then the step is not comparable,
// and the kernel must not be blamed for it.
//
// The harness runs the program in an arena of its own (native/harness.c setup_arena): a NULL-hint
// mapping lands at the arena's top, and right above the top the harness keeps PROT_NONE fillers,
// then its libraries, the vdso and its stack. The simulator runs the scenario's layout, where
// the first mapping lands under mmap_base with nothing mapped above it. No free gap can be left
// above the arena to match: the kernel's top-down search (mm/mmap.c unmapped_area_topdown) takes
// the highest gap that fits, so NULL-hint mappings would land in that gap instead of the arena.
// Two things follow, and are what this module recognises:
//  - a range that reaches above the arena top meets the harness's fillers and libraries on the
//    kernel (a grow in place of the first mapping, mremap's vma_expandable, meets the filler;
//    a hint or a fixed map at the simulated process's top meets ld.so);
//  - an absolute number the scenario took from the trace (where the simulation placed a mapping)
//    names other memory on the kernel, which placed that mapping elsewhere, and the reverse.
import { formatHex } from '../numbers';
import { MREMAP_FIXED } from '../kernel/types';
import type { HarnessAddr, PlannedStep } from './syscall-program';

/** ARENA_SIZE in native/harness.c, for output that does not state its `arenaSize`. */
export const HARNESS_ARENA_SIZE = 64n << 30n;

/** What each side's earlier program steps returned (0 for a failure), by program step. */
export interface LayoutContext {
  readonly arenaBase: bigint;
  readonly arenaTop: bigint;
  readonly program: readonly PlannedStep[];
  readonly kernelResults: readonly (bigint | undefined)[];
  readonly simResults: readonly (bigint | undefined)[];
}

/** The absolute address an operand stands for on one side, given that side's earlier results. */
export function resolveAddress(
  a: HarnessAddr,
  arenaBase: bigint,
  results: readonly (bigint | undefined)[],
): bigint | undefined {
  if (a === null) return 0n;
  if (typeof a === 'number') return arenaBase + BigInt(a);
  const base = results[a.ref];
  return base === undefined ? undefined : base + BigInt(a.plus ?? 0);
}

/** A length as the kernel reads it (a negative number is its two's complement). */
const u64 = (n: number): bigint => BigInt.asUintN(64, BigInt(n));

/** The address ranges a step asks the kernel about, as operands (`from` + `offset`, `length`). */
function reach(
  step: PlannedStep['step'],
): { what: string; at: HarnessAddr; offset: bigint; length: bigint }[] {
  switch (step.op) {
    case 'mmap':
      return step.addr === null
        ? []
        : [{ what: 'the requested range', at: step.addr, offset: 0n, length: u64(step.length) }];
    case 'mremap': {
      const ranges = [{ what: 'the old range', at: step.old, offset: 0n, length: u64(step.oldSize) }];
      const oldSize = u64(step.oldSize);
      const newSize = u64(step.newSize);
      if (step.flags & MREMAP_FIXED && step.newAddr !== null)
        ranges.push({ what: 'the new range', at: step.newAddr, offset: 0n, length: newSize });
      // Grown in place (mm/mremap.c vma_expandable) the mapping takes the pages after the old range.
      else if (newSize > oldSize)
        ranges.push({
          what: 'its growth in place',
          at: step.old,
          offset: oldSize,
          length: newSize - oldSize,
        });
      return ranges;
    }
    case 'munmap':
    case 'mprotect':
    case 'madvise':
    case 'mseal':
    case 'write':
    case 'read':
      return [{ what: 'the range', at: step.addr, offset: 0n, length: u64(step.length) }];
    case 'memfd':
      return [];
  }
}

/** The length of the mapping an address-returning step made (mmap, mremap), or 0. */
function mappedLength(step: PlannedStep['step']): bigint {
  if (step.op === 'mmap') return u64(step.length);
  if (step.op === 'mremap') return u64(step.newSize);
  return 0n;
}

/** The absolute numbers among a step's address operands (the same address on both sides). */
function absoluteOperands(step: PlannedStep['step']): number[] {
  const operands: HarnessAddr[] =
    step.op === 'mremap' ? [step.old, step.newAddr] : step.op === 'memfd' ? [] : [step.addr];
  return operands.filter((a): a is number => typeof a === 'number');
}

/**
 * Why program step `index` may differ because of the layouts, not the kernel's rules — the
 * reason, worded to follow "not comparable: " — or undefined.
 */
export function layoutCause(index: number, context: LayoutContext): string | undefined {
  const { arenaBase, arenaTop, program, kernelResults } = context;
  const planned = program[index]!;
  for (const range of reach(planned.step)) {
    const start = resolveAddress(range.at, arenaBase, kernelResults);
    if (start === undefined || range.length === 0n) continue;
    const from = start + range.offset;
    if (from + range.length > arenaTop)
      return `on the kernel ${range.what} (${formatHex(from)}, ${formatHex(range.length)} bytes) reaches past the top of the harness's arena (${formatHex(arenaTop)}), where the harness keeps fillers, its libraries and its stack; the simulated process has its own layout there`;
  }
  return placedElsewhere(index, context);
}

/**
 * Whether an absolute address operand of program step `index` lies in a mapping the kernel and
 * the simulation each placed themselves, at different addresses: the number then names that
 * mapping on one side only. The reason, or undefined.
 */
export function placedElsewhere(index: number, context: LayoutContext): string | undefined {
  const { arenaBase, program, kernelResults, simResults } = context;
  for (const relative of absoluteOperands(program[index]!.step)) {
    const at = arenaBase + BigInt(relative);
    for (let j = 0; j < index; j++) {
      const earlier = program[j]!;
      if (earlier.check !== 'placement' && earlier.check !== 'remap') continue;
      const kernel = kernelResults[j];
      const sim = simResults[j];
      const length = mappedLength(earlier.step);
      if (!kernel || !sim || kernel === sim || length === 0n) continue;
      const step = earlier.stepIndex + 1;
      if (at >= sim && at - sim < length)
        return `${formatHex(at)} is in step ${step}'s mapping as the simulation placed it; the kernel placed that mapping at ${formatHex(kernel)} (in the harness's arena), so there the number names other memory`;
      if (at >= kernel && at - kernel < length)
        return `${formatHex(at)} is in step ${step}'s mapping as the kernel placed it (in the harness's arena); the simulation placed that mapping at ${formatHex(sim)}, so there the number names other memory`;
    }
  }
  return undefined;
}
