// Wine's reserved areas exist before anything else in the process: the preloader maps them
// (wine-mirror/wine loader/preloader.c wld_start, "reserve memory that Wine needs") before it
// jumps to ld.so, and ntdll's virtual_init hands them to mmap_add_reserved_area before any view is
// made (dlls/ntdll/unix/virtual.c, read at 01aa909c). A `reserve … preloaded` written below a step
// that mapped in its range describes a process that cannot exist: run, its MAP_FIXED would erase
// that mapping as no preloader ever does, so the step is reported and not run instead, and the
// mapping stays.
import type { Vma } from '../kernel/types';
import { alignUp, formatHex } from '../numbers';
import type { StepNode } from '../syntax/ast';
import type { Outcome } from './records';
import type { Simulation } from './simulation';
import type { StepContext } from './step-context';
import { isWineReservedPlaceholder } from './wine-reserved-areas';

/**
 * The first mapping a step made in [start, start + length) (page-rounded, as the placeholder
 * would be), other than a reserved area's placeholder: another preloaded range there, or
 * box64's prereserve, is merged with it as mmap_add_reserved_area merges them. What set-up made
 * (a driver's device, a strategy's reservation) has no step to move below, so it is left out.
 */
function mappingBeforePreloaded(sim: Simulation, start: bigint, length: bigint): Vma | undefined {
  const end = alignUp(start + length, sim.pageSize);
  if (end <= start) return undefined;
  for (const vma of sim.space.overlapping(sim.pageOf(start), Number(end / sim.pageSize)))
    if (vma.createdStep >= 0 && !isWineReservedPlaceholder(vma)) return vma;
  return undefined;
}

/**
 * The outcome of a `reserve … preloaded` step written below a step that mapped in its range
 * (reported as `used-before-defined`, with that step's verb as the related location), or
 * undefined when nothing a step made lies there and the area can be mapped. The verb, not the
 * whole step: navigation reads a related location at a binding as a name's early use
 * (features/navigation.ts earlyUses), and a rename of `res` must not rewrite this step.
 */
export function preloadedAfterMapping(
  context: StepContext,
  step: StepNode,
  start: bigint,
  length: bigint,
): Outcome | undefined {
  const { sim } = context;
  const earlier = mappingBeforePreloaded(sim, start, length);
  if (!earlier) return undefined;
  const from = formatHex(sim.addressOfPage(earlier.startPage));
  const to = formatHex(sim.addressOfPage(earlier.endPage));
  const node = sim.records[earlier.createdStep]?.node;
  context.problems.report(
    'used-before-defined',
    step.verb,
    `Wine's reserved areas exist before anything else runs: state \`reserve … preloaded\` above the steps that map in its range (step ${earlier.createdStep + 1} mapped ${from}..${to}); this step is not run`,
    node
      ? [
          {
            range: { start: node.verb.start, end: node.verb.end },
            message: `maps ${from}..${to} before the area is stated`,
          },
        ]
      : undefined,
  );
  return { kind: 'skipped', reason: 'it is stated below a step that maps in its range' };
}
