// Which driver an allocation goes to: the one named by `driver NAME`, else the only (or first)
// declared one. Shared by Vulkan allocations and GL buffers.
import type { StepNode } from '../syntax/ast';
import type { Simulation } from '../sim/simulation';
import type { DriverModel } from './driver';
import { didYouMean } from '../language/closest-word';

export function allocatingDriver(
  sim: Simulation,
  drivers: ReadonlyMap<string, DriverModel>,
  step: StepNode,
  /** Report a missing `driver NAME` when several drivers could take the allocation. */
  requireNameWhenSeveral: boolean,
): DriverModel | undefined {
  const option = step.options.find((o) => o.keyword.name === 'driver');
  if (option?.value?.kind === 'name') {
    const named = drivers.get(option.value.name);
    if (named) {
      sim.symbols.reference(named.name, option.value);
      return named;
    }
    sim.problems.push({
      code: 'unknown-name',
      range: option.value,
      message: `unknown driver \`${option.value.name}\`${didYouMean(option.value.name, drivers.keys(), { twoLetters: true })}`,
    });
  } else if (requireNameWhenSeveral && drivers.size > 1) {
    sim.problems.push({
      code: 'missing-argument',
      range: step.verb,
      message: `several drivers are declared; say which one allocates: \`driver ${[...drivers.keys()][0]}\``,
    });
  }
  return [...drivers.values()][0];
}
