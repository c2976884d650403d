// What a step or expectation works with while the scenario runs. Passed explicitly to each
// step module so that none of them needs the runner.
import type { DriverModel } from '../model/driver';
import type { GlLayer } from '../model/gl/gl-layer';
import type { VulkanLayer } from '../model/vulkan-layer';
import type { NameScope } from './names';
import type { ProblemSink } from './problems';
import type { Simulation } from './simulation';

export interface StepContext {
  /** The simulated process: its address space, records and symbols. */
  readonly sim: Simulation;
  /** The names bound so far. */
  readonly scope: NameScope;
  readonly drivers: ReadonlyMap<string, DriverModel>;
  /** The actors declared or built in (drivers are in `drivers`). */
  readonly actors: ReadonlySet<string>;
  readonly vulkan: VulkanLayer;
  readonly gl: GlLayer;
  readonly problems: ProblemSink;
}
