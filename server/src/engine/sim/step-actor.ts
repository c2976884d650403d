// Who performs a step: `wine writes …`, `… by driver`, or the default for its verb.
import type { BindingKind, VerbSpec } from '../language/vocabulary';
import type { StepNode } from '../syntax/ast';
import type { ProblemSink } from './problems';
import type { Simulation } from './simulation';
import { optionNamed } from './step-arguments';
import { truncate32 } from '../numbers';
import { DEVICE_ACTOR } from '../model/device-access';
import { closestWord, didYouMeanText } from '../language/closest-word';

/** An actor's name where the text names it. */
interface NamedActor {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export interface ActorContext {
  readonly sim: Simulation;
  readonly drivers: ReadonlyMap<string, unknown>;
  readonly actors: ReadonlySet<string>;
  readonly problems: ProblemSink;
}

/** `spec` is the step's verb (after `writes` → `write`), undefined when it is not a command. */
export function stepActor(context: ActorContext, step: StepNode, spec: VerbSpec | undefined): string {
  const { sim, drivers, problems } = context;
  const by = step.options.length === 0 ? undefined : optionNamed(step, 'by');
  const named =
    step.actor ??
    (by?.value?.kind === 'name'
      ? { name: by.value.name, start: by.value.start, end: by.value.end }
      : undefined);
  if (by && by.value && by.value.kind !== 'name')
    problems.report('wrong-kind', by.value, '`by` takes an actor name: app, wine, or a driver');
  else if (step.actor && by?.value?.kind === 'name' && by.value.name !== step.actor.name)
    // `device writes mem, 4 by app`: two actors for one access. The line's own actor runs it; the
    // other is not silently dropped.
    problems.report(
      'wrong-kind',
      by,
      `\`by ${by.value.name}\` would be a second actor: this line is already \`${step.actor.name}\`'s (\`${step.actor.name} ${step.verb.name} …\`); name the actor once, before the verb or with \`by\``,
    );
  // Raw syscalls and plain reads/writes are 64-bit host code unless an actor is named; only
  // `app` is held to the 32-bit window.
  if (!named) return spec?.family === 'vulkan' ? 'app' : 'host';
  if (named.name === 'driver' && !drivers.has('driver')) {
    // `driver writes …` means the scenario's driver when there is one.
    const only = [...drivers.keys()];
    return only.length === 1 ? (only[0] ?? 'driver') : 'driver';
  }
  const place: ActorPlace = step.actor ? { verb: step.verb.name, expectation: false } : 'by';
  if (reportUnknownActor(context, named, place)) return named.name;
  sim.symbols.reference(named.name, named);
  if (named.name === DEVICE_ACTOR && spec !== undefined && spec.verb !== 'write' && spec.verb !== 'read') {
    // The GPU makes no syscalls and no API calls: the step runs as it would without the actor.
    problems.report(
      'wrong-kind',
      named,
      `\`device\` is the GPU: it only reads and writes memory objects (\`device writes mem + 0x200, 64\`), it does not call \`${spec.verb}\``,
    );
    return spec.family === 'vulkan' ? 'app' : 'host';
  }
  return named.name;
}

/**
 * Whether `named` is no actor of this scenario, reported where it is named: a step's leading
 * actor, its `by`, or the reader of an `expect … reads` line (a misspelt reader there would
 * leave the expectation silently unchecked). `driver` is always one: the scenario's driver.
 */
export function reportUnknownActor(context: ActorContext, named: NamedActor, place: ActorPlace): boolean {
  const { actors, drivers, problems } = context;
  if (named.name === 'driver' || actors.has(named.name) || drivers.has(named.name)) return false;
  // `expect p reads 4` or `p writes …`: the name is what the access reaches, and the actor was left out.
  const value = context.sim.symbols.symbolNamed(named.name);
  const text =
    value !== undefined && value.kind !== 'driver' && value.kind !== 'actor'
      ? valueNotActorText(named.name, value.kind, place)
      : unknownActorText(named.name, [...actors], [...drivers.keys()]);
  problems.report('unknown-name', named, text);
  return true;
}

/** Where an actor is named: before a step's verb or an expectation's `reads`, or after `by`. */
export type ActorPlace = { readonly verb: string; readonly expectation: boolean } | 'by';

/** A step result where an actor goes: what it is, and the line written as it was meant. */
function valueNotActorText(name: string, kind: BindingKind, place: ActorPlace): string {
  const what =
    kind === 'memory'
      ? 'a memory object'
      : kind === 'file'
        ? 'a file'
        : kind === 'data'
          ? "a write's data"
          : 'an address';
  const head = `\`${name}\` is ${what}, not an actor`;
  if (place === 'by') return `${head}: \`by\` names who makes the call (app, wine, host or a driver)`;
  if (kind === 'memory') {
    // Only the GPU and the owning driver reach a memory object (device-access.ts).
    const line = place.expectation
      ? `expect device reads ${name}, 4 == VALUE`
      : `device ${place.verb} ${name}, 4`;
    return `${head}: the GPU (\`device\`) or its driver reaches it, named before the verb: \`${line}\``;
  }
  if (kind === 'file' || kind === 'data')
    return `${head}: an access names its actor before the verb (app, wine, host, device or a driver) and an address after it`;
  const line = place.expectation
    ? `expect app reads ${name}, 4 == VALUE\`, or the host's read \`expect read ${name}, 4 == VALUE`
    : `app ${place.verb} ${name}, 4`;
  return `${head}: the address goes after the verb and the actor before it: \`${line}\``;
}

/**
 * The address an access by `actor` reaches. `app` is 32-bit code: a pointer it holds has only
 * 32 bits, so an address above 4 GiB (handed over by a thunk that truncates, as the
 * pointer-outside-window diagnostic says) reaches its low 32 bits. Every other actor is 64-bit.
 */
export function addressReached(actor: string, address: bigint): bigint {
  return actor === 'app' && address > 0xffff_ffffn ? truncate32(address) : address;
}

/**
 * A misspelt actor (`devce writes`) gets "did you mean" first, which the code actions offer as a
 * quick fix. Otherwise drivers are the actors most often misnamed (`mesa writes mem`): say how to
 * declare one, and the name of the scenario's implicit driver, before the plain `actor`
 * declaration. A declared driver is in both `actors` and `drivers`: it is listed once.
 */
function unknownActorText(name: string, actors: readonly string[], drivers: readonly string[]): string {
  const names = [...new Set([...actors, ...drivers])];
  const known = names.map((a) => `\`${a}\``).join(', ');
  // `driver` names the scenario's only driver whatever it is called (stepActor, above).
  const similar = closestWord(name, [...names, 'driver'], { twoLetters: true });
  if (similar !== undefined)
    return `unknown actor \`${name}\`: ${didYouMeanText(similar)} (the actors here are ${known})`;
  const implicit = drivers.length === 0 ? " (without one, the scenario's driver is `driver`)" : '';
  return `unknown actor \`${name}\`: a driver is declared with a \`driver ${name} { … }\` block${implicit}, any other actor with \`actor ${name}\`; the actors here are ${known}`;
}
