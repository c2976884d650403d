// Replaying one driver behaviour of an exploration in the editor: the driver traits it stands for
// (for the address map, through RunOptions.driverOverrides) and its expanded syscall trace (for a
// read-only document). Behaviours travel as words — driver → trait keyword → value label, as in
// the exploration's dimensions — and become DriverTraits here, through the same DRIVER_SPACE.
import { parse } from '../syntax/parser';
import { LineIndex } from '../syntax/text-range';
import { runScenario, type RunOptions, type ScenarioRun } from '../sim/run';
import type { DriverTraits } from '../model/driver';
import { DRIVER_SPACE, type DriverSpace } from './driver-space';
import { classify, pickTraits, runTrace, traceStepLabel, type TraceStep, type Verdict } from './explore';

/** Driver name → trait keyword → value label: `{ gpu: { maps: 'at-alloc', backing: 'anon' } }`. */
export type TraitLabels = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * The DriverTraits of each named driver of a run with the labelled values applied over the
 * traits the scenario gives it. Unknown drivers, traits and labels are reported in `unknown`.
 */
export function driverOverridesFor(
  run: ScenarioRun,
  labels: TraitLabels,
  space: DriverSpace = DRIVER_SPACE,
): { overrides: Map<string, DriverTraits>; unknown: string[] } {
  const overrides = new Map<string, DriverTraits>();
  const unknown: string[] = [];
  for (const [driver, traits] of Object.entries(labels)) {
    const model = run.drivers.get(driver);
    if (!model) {
      unknown.push(`no driver \`${driver}\``);
      continue;
    }
    let merged = pickTraits(model);
    for (const [trait, label] of Object.entries(traits)) {
      const value = space.traits.find((t) => t.trait === trait)?.values.find((v) => v.label === label);
      if (!value) unknown.push(`${driver}: no value \`${label}\` for \`${trait}\``);
      else merged = { ...merged, ...value.set };
    }
    overrides.set(driver, merged);
  }
  return { overrides, unknown };
}

/** `gpu: maps at-alloc, backing anon` — a behaviour in one line. */
export function describeLabels(labels: TraitLabels): string {
  const drivers = Object.entries(labels);
  return drivers
    .map(([driver, traits]) => {
      const words = Object.entries(traits)
        .map(([t, v]) => `${t} ${v}`)
        .join(', ');
      return drivers.length > 1 || driver !== 'driver' ? `${driver}: ${words}` : words;
    })
    .join('; ');
}

export interface Replay {
  readonly scenario: string;
  readonly behaviour: string;
  readonly verdict: Verdict;
  /** 1-based line of the deciding diagnostic, if any. */
  readonly breaksAtLine: number | undefined;
  readonly text: string;
}

/**
 * Runs scenario `scenarioIndex` (0-based) under the labelled behaviour and writes its trace as
 * text: the behaviour, every driver's traits, the verdict and where it breaks, then each step
 * with the calls it expanded to. Undefined when there is no such scenario.
 */
export function replayBehaviour(
  text: string,
  scenarioIndex: number,
  labels: TraitLabels,
  options: RunOptions = {},
): Replay | undefined {
  const file = parse(text);
  const node = file.scenarios[scenarioIndex];
  if (!node) return undefined;
  const lines = new LineIndex(text);
  const base = runScenario(node, text, options);
  const { overrides, unknown } = driverOverridesFor(base, labels);
  const run = runScenario(node, text, { ...options, driverOverrides: overrides });
  const { verdict, first } = classify(run);
  const trace = runTrace(run, first, lines, text);
  const name = node.name?.value ?? `scenario ${scenarioIndex + 1}`;
  const behaviour = describeLabels(labels);
  const out: string[] = [];
  out.push(`# ${name} — ${behaviour}`);
  out.push(`# strategy ${run.simulation.platform.strategy}, kernel ${trace.kernel}`);
  for (const [driver, traits] of Object.entries(trace.traits))
    out.push(
      `# driver ${driver}: ${Object.entries(traits)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  for (const u of unknown) out.push(`# ignored: ${u}`);
  if (trace.hazard && trace.breaksAt) {
    out.push(
      `# ${verdict}: breaks at line ${trace.breaksAt.line}${trace.breaksAt.step !== undefined ? ` (step ${trace.breaksAt.step})` : ''}: ${trace.breaksAt.text}`,
    );
    out.push(`#   ${trace.hazard.code}: ${trace.hazard.message}`);
  } else out.push('# safe: no error under this behaviour');
  out.push('');
  out.push(...traceLines(trace.trace));
  return {
    scenario: name,
    behaviour,
    verdict,
    breaksAtLine: trace.breaksAt?.line,
    text: out.join('\n') + '\n',
  };
}

/** A trace as the CLI prints it: `3. line 12: p = vkMapMemory mem  → 0x…` then one call a line. */
export function traceLines(trace: readonly TraceStep[]): string[] {
  const out: string[] = [];
  for (const step of trace) {
    const label = traceStepLabel(step);
    out.push(`${label} line ${step.line}: ${step.text}${step.result ? `  ${step.result}` : ''}`);
    for (const call of step.calls)
      out.push(
        `    ${call.ok ? ' ' : '!'} ${call.actor}: ${call.text}${call.result ? ` ${call.result}` : ''}`,
      );
  }
  return out;
}
