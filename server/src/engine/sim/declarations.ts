// Who takes part in a scenario: its `driver` blocks and `actor` lines, the built-in actors, and
// the driver behaviours an exploration substitutes without editing the text.
import { DEVICE_ACTOR } from '../model/device-access';
import { layerActors } from '../model/layer-actors';
import {
  defaultDriver,
  onKernel,
  onPageSize,
  readDriver,
  type DriverModel,
  type DriverTraits,
} from '../model/driver';
import { isReservedWord } from '../language/vocabulary';
import type { DriverNode, Identifier, ScenarioNode, Statement } from '../syntax/ast';
import type { ProblemSink } from './problems';
import type { Simulation } from './simulation';
import type { KernelVersion } from '../kernel/types';

/** Actors every scenario has without declaring them. */
export const BUILTIN_ACTORS = ['app', 'wine', 'host', DEVICE_ACTOR];

export interface DriverOptions {
  /**
   * Replace drivers' traits by name (`*` for every driver, including the implicit one): how
   * exploration runs one workload under many driver behaviours without editing the text.
   */
  readonly driverOverrides?: ReadonlyMap<string, DriverTraits>;
  /**
   * Called once per driver with its final model (after overrides); the run uses what it returns.
   * Exploration wraps the model to record which traits the run reads.
   */
  readonly observeDriver?: (model: DriverModel) => DriverModel;
}

export interface Participants {
  readonly drivers: Map<string, DriverModel>;
  readonly actors: ReadonlySet<string>;
}

/** The driver of a scenario without a driver block (docs/language.md, Drivers). */
const IMPLICIT_DRIVER = 'driver';

/**
 * `declarations`: the scenario's `driver` and `actor` statements in order, when the caller has
 * already found them (any statements will do: the others are skipped).
 *
 * Declares the scenario's drivers and actors as symbols, then applies the driver options. A
 * scenario without a driver block gets one named `driver`.
 */
export function declareParticipants(
  node: ScenarioNode,
  sim: Simulation,
  problems: ProblemSink,
  options: DriverOptions,
  declarations: readonly Statement[] = node.body,
): Participants {
  const drivers = new Map<string, DriverModel>();
  const actors = new Set<string>(BUILTIN_ACTORS);
  // The layer's own actor (`fex` under reserve-high, model/layer-actors.ts): an actor without a
  // declaration, which one `actor` line may still declare (it was an ordinary name before).
  const implicit = new Set(layerActors(sim.platform.strategy).map((a) => a.name));
  for (const name of implicit) actors.add(name);
  // Indexed: this runs once, in the interpreter, where `for…of` makes an iterator result per statement.
  for (let i = 0; i < declarations.length; i++) {
    const statement = declarations[i]!;
    if (statement.kind === 'driver') declareDriver(statement, { sim, problems, drivers, actors });
    else if (statement.kind === 'actor' && statement.name && implicit.delete(statement.name.name))
      sim.symbols.define(statement.name.name, 'actor', statement.name, statement.name, undefined);
    else if (statement.kind === 'actor' && statement.name)
      declareActor(statement.name, { sim, problems, actors });
  }
  // `driver driver { … }` is the implicit driver's block only as the scenario's one driver: beside
  // another, `driver` is no longer what a scenario without a block gets, and the name is reserved.
  const named = drivers.get(IMPLICIT_DRIVER);
  if (named?.node?.name && drivers.size > 1) reportReservedName(named.node.name, problems);
  if (drivers.size === 0) drivers.set(IMPLICIT_DRIVER, defaultDriver(IMPLICIT_DRIVER));
  const pageSize = sim.platform.kernel.pageSize;
  const version = sim.platform.kernel.version;
  for (const [name, model] of drivers) drivers.set(name, onPageSize(model, pageSize));
  applyDriverOptions(drivers, options, version);
  return { drivers, actors };
}

interface Declaring {
  readonly sim: Simulation;
  readonly problems: ProblemSink;
  readonly drivers: Map<string, DriverModel>;
  readonly actors: Set<string>;
}

function declareDriver(statement: DriverNode, declaring: Declaring): void {
  const { sim, problems, drivers, actors } = declaring;
  const model = readDriver(statement, problems.list);
  if (!statement.name) return;
  const layer = layerActors(sim.platform.strategy).some((a) => a.name === model.name);
  // `actors` holds the built-in actors, the layer's and every `actor` line and driver above: a
  // driver is an actor too, so `actor gpu` then `driver gpu` is one name defined twice, as the
  // reverse order is.
  if (actors.has(model.name) || layer) {
    const first = sim.symbols.symbolIfDefined(model.name)?.definition;
    problems.list.push({
      code: 'duplicate-name',
      range: statement.name,
      message: `\`${model.name}\` is already an actor${layer ? ` (the layer's, under \`strategy ${sim.platform.strategy}\`)` : ''}`,
      ...(first ? { related: [{ range: first, message: 'first defined here' }] } : {}),
    });
    return;
  }
  // A block for the driver a scenario without one gets (`driver driver { … }`) keeps its
  // documented `driver writes …` lines: that name already means the driver there (unless another
  // driver is declared: declareParticipants).
  if (model.name !== IMPLICIT_DRIVER) reportReservedName(statement.name, problems);
  drivers.set(model.name, model);
  actors.add(model.name);
  sim.symbols.define(model.name, 'driver', statement.name, statement, undefined);
}

function declareActor(name: Identifier, declaring: Omit<Declaring, 'drivers'>): void {
  const { sim, problems, actors } = declaring;
  if (actors.has(name.name)) {
    problems.list.push({
      code: 'duplicate-name',
      range: name,
      message: `\`${name.name}\` is already an actor`,
    });
    return;
  }
  reportReservedName(name, problems);
  actors.add(name.name);
  sim.symbols.define(name.name, 'actor', name, name, undefined);
}

/**
 * An actor or driver named with a word of the language (`actor expect`, `driver mmap`) reads as
 * that word where it stands first on a line (`expect writes a, 1` is an expectation). It is still
 * declared, as a step with a reserved name still binds it (bind-step.ts), so its uses resolve.
 */
function reportReservedName(name: Identifier, problems: ProblemSink): void {
  if (isReservedWord(name.name))
    problems.report('reserved-name', name, `\`${name.name}\` is a word of the language; choose another name`);
}

function applyDriverOptions(
  drivers: Map<string, DriverModel>,
  options: DriverOptions,
  version: KernelVersion,
): void {
  const overrides = options.driverOverrides;
  if (overrides) {
    for (const [name, model] of drivers) {
      const traits = overrides.get(name) ?? overrides.get('*');
      if (traits) drivers.set(name, { ...model, ...traits });
    }
  }
  // After exploration's values: one the kernel rules out (ANV's placed maps or libc mmap before
  // Linux 5.6) is not a behaviour that driver can have there, whatever the dimension says.
  for (const [name, model] of drivers) drivers.set(name, onKernel(model, version));
  const observe = options.observeDriver;
  if (observe) for (const [name, model] of drivers) drivers.set(name, observe(model));
}
