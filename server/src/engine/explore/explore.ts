// "Is this strategy safe for every driver?" — a small model checker over driver behaviours.
//
// A scenario whose driver is left open (`maps any`, or an `any` line for every trait) is run
// under every combination of the open traits' values (docs/explore.md), optionally on every
// kernel version that changes a rule. Each combination is classified `safe`, `refused` (the
// kernel or the driver says no: the call fails loudly) or `unsafe` (it goes wrong silently: the
// first error of the unsafe family). The results are summarised: counts, the smallest set of
// traits that decides safety, a condition for "safe", and one counterexample per failing class
// with its expanded syscall trace.
//
// Pruning is exact. Every run records which traits it consulted (a Proxy over the driver model
// notes each trait field read), in the order it first read them. A run is deterministic, so any
// behaviour that agrees with it on the traits it read runs identically: the whole "cube" of such
// behaviours shares its verdict. The search branches only on consulted traits, in the order they
// were read, so the cubes partition the space and the verdicts equal those of exhaustive runs
// (test/engine/explore/pruning.test.ts checks it against `exhaustive: true`).
import { parse } from '../syntax/parser';
import type { ScenarioNode, SyntaxDiagnostic } from '../syntax/ast';
import { LineIndex, type TextRange } from '../syntax/text-range';
import { runScenario, type RunOptions, type ScenarioRun } from '../sim/run';
import { isDriverCannotShare } from './driver-cannot-share';
import type { PlatformDefaults } from '../sim/platform';
import type { StrategyName } from '../sim/platform';
import { rulesKernel } from '../sim/platform';
import { RULE_BY_CODE, RULES } from '../rules/registry';
import type { Severity } from '../diagnostics';
import { DEFAULT_TRAITS, isTraitOpen, type DriverModel, type DriverTraits } from '../model/driver';
import { kernelDecidedNote } from './kernel-decided';
import type { KernelVersion } from '../kernel/types';
import { formatKernelVersion, parseKernelVersion } from '../kernel/config';
import { formatHex, formatSize } from '../numbers';
import { canExcuseEarlierStep, intendedFailures, withIntendedFailures } from '../intended-failures';
import { DiagnosticsAbove } from '../expected-diagnostics';
import { reserveHighTopPlacement } from '../model/window-text';
import { expectationsByStep, ownCalls } from '../sim/own-calls';
import {
  DRIVER_SPACE,
  fieldsOf,
  matchesCondition,
  traitsHaveValue,
  type DriverSpace,
  type ImpossibleCombination,
  type TraitDimension,
} from './driver-space';

/** Kernel versions on either side of every rule change the simulator knows (DONTUNMAP: 5.7, 5.13; multi-VMA mremap: 6.17). */
export const RULE_CHANGING_KERNELS: readonly string[] = ['5.6', '5.10', '5.15', '6.18'];

/**
 * The most driver behaviours one exploration takes on, counted before impossible combinations
 * are left out. Every behaviour is listed in the answer (the panel draws a row for each), and the
 * space multiplies per open driver: 216 combinations for one with every trait open (432 under
 * the placed, external-memory-host and mmap32 strategies), 46,656 for two (186,624), 10 million for
 * three. Two drivers take about a second; three would take hours and gigabytes.
 */
export const MAX_BEHAVIOURS = 50_000;

export type Verdict = 'safe' | 'refused' | 'unsafe';

/** Codes whose first occurrence means the call was refused (it fails loudly), not that it went wrong silently. */
export const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'kernel-refused',
  'placed-map-failed',
  'vulkan-valid-usage',
  // GL calls that fail loudly: a persistent map on the copy path returns NULL (Wine's FIXME),
  // no room in the client pointer ranges is GL_OUT_OF_MEMORY.
  'gl-persistent-copy',
  'gl-client-range-too-small',
]);

export interface ExploreOptions {
  /** A scenario by 1-based index or by name; default: every scenario with an open driver trait. */
  readonly scenario?: number | string;
  /** Also explore kernels: `true` for RULE_CHANGING_KERNELS, or a list of versions. */
  readonly kernels?: boolean | readonly string[];
  /** The behaviour space (default DRIVER_SPACE). */
  readonly space?: DriverSpace;
  /** Open every trait of every driver, whatever the driver blocks say (`drvmap explore --all`). */
  readonly openAll?: boolean;
  /** Run every combination (no pruning): for tests that prove the pruning exact. */
  readonly exhaustive?: boolean;
  /** Explore this strategy instead of the scenario's. */
  readonly strategy?: StrategyName;
  /**
   * Give up when `Date.now()` passes this (the editor's code lens has a time budget): explore
   * throws {@link ExploreBudgetExceeded}. A run is never interrupted; the check is between runs.
   */
  readonly deadline?: number;
  /**
   * The kernel and window of scenarios that do not set them: the editor's `drvmap.defaultKernel`
   * and `drvmap.defaultWindow`, the CLI's --kernel, as the analysis uses them.
   */
  readonly defaults?: PlatformDefaults;
  /**
   * The file's name as the CLI shows it (`a.drvmap`, `<stdin>`): an error outside every scenario
   * is then said as `drvmap check` and `drvmap trace` say one, `FILE:LINE:COLUMN: error [CODE]`,
   * which terminals and editors open at the place. Without it (the editor), `line N`.
   */
  readonly source?: string;
}

/** Thrown by {@link explore} when its `deadline` passed. */
export class ExploreBudgetExceeded extends Error {
  constructor() {
    super('exploration stopped: over its time budget');
  }
}

export interface ExploreDimension {
  /** `maps`, or `mesa.maps` when several drivers are open; `kernel` for kernel versions. */
  readonly key: string;
  readonly driver: string | undefined;
  readonly trait: string;
  readonly values: readonly string[];
}

export interface BehaviourResult {
  /** Dimension key → value label. */
  readonly values: Readonly<Record<string, string>>;
  readonly verdict: Verdict;
  /** The deciding diagnostic's code (undefined when safe). */
  readonly hazard: string | undefined;
}

export interface TraceCall {
  readonly actor: string;
  readonly text: string;
  readonly result: string;
  readonly ok: boolean;
}

export interface TraceStep {
  /** 1-based step number; 0 for the set-up before the first step. */
  readonly step: number;
  /** 1-based line. */
  readonly line: number;
  readonly text: string;
  readonly result: string;
  readonly calls: readonly TraceCall[];
  /** An `expect` line whose check made calls (a read that faulted pages in), after step `step`. */
  readonly expectation?: true;
  /**
   * The drivers' device creation, run after step `step` (the last leading `reserve … preloaded`
   * step, sim/device-creation-point.ts) rather than at set-up.
   */
  readonly deviceCreation?: true;
}

/** How a trace entry is named where it is printed: `set-up`, `3.`, `device creation`, or blank for an expectation. */
export function traceStepLabel(step: TraceStep): string {
  if (step.expectation) return '  ';
  if (step.deviceCreation) return 'device creation';
  return step.step === 0 ? 'set-up' : `${step.step}.`;
}

export interface Counterexample {
  /** The behaviour: dimension key → value label. */
  readonly behaviour: Readonly<Record<string, string>>;
  /** Every trait of each driver as it ran (driver name → trait keyword → value). */
  readonly traits: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly kernel: string;
  /** The kernel whose rules ran: `kernel`, or the newest drvmap models when it is later (7.2: 6.19). */
  readonly rulesKernel: string;
  readonly hazard: {
    readonly code: string;
    readonly severity: Severity;
    readonly message: string;
    readonly line: number;
  };
  /** Where it breaks: the step (1-based) or expectation line. */
  readonly breaksAt: { readonly step: number | undefined; readonly line: number; readonly text: string };
  /** The expanded trace up to and including the breaking step. */
  readonly trace: readonly TraceStep[];
}

export interface FailureClass {
  readonly verdict: Exclude<Verdict, 'safe'>;
  readonly hazard: string;
  readonly count: number;
  /** The smallest set of dimensions that decides membership of this class. */
  readonly deciding: readonly string[];
  /** A short condition (a disjunction of trait conditions) that holds exactly for this class. */
  readonly when: string;
  readonly counterexample: Counterexample;
}

export interface ScenarioExploration {
  /** 1-based. */
  readonly index: number;
  readonly name: string;
  /** 1-based line of `scenario`. */
  readonly line: number;
  readonly strategy: StrategyName;
  readonly dimensions: readonly ExploreDimension[];
  /** Possible behaviours explored (kernel versions included). */
  readonly total: number;
  /** Combinations left out as impossible, and why. */
  readonly impossible: {
    readonly count: number;
    /** The rules that left out at least one of them (none when `count` is 0). */
    readonly rules: readonly { readonly when: string; readonly why: string }[];
  };
  readonly counts: Readonly<Record<Verdict, number>>;
  /** Simulations actually run (after pruning). */
  readonly runs: number;
  /** The smallest set of dimensions that decides safe vs not safe. */
  readonly deciding: readonly string[];
  /** A condition that holds exactly for the safe behaviours ('never', 'always' at the ends). */
  readonly safeWhen: string;
  readonly classes: readonly FailureClass[];
  readonly behaviours: readonly BehaviourResult[];
  /** One line: `remap-dontunmap: unsafe under 34 of 48 driver behaviours; safe only when …`. */
  readonly summary: string;
  readonly notes: readonly string[];
}

export interface ExploreResult {
  readonly scenarios: readonly ScenarioExploration[];
  /** Why nothing (or not everything asked for) was explored. */
  readonly problems: readonly string[];
}

// ---------------------------------------------------------------------------------------------

interface Dim extends ExploreDimension {
  /** For a trait dimension: the trait's definition. */
  readonly def: TraitDimension | undefined;
  readonly kernels: readonly KernelVersion[] | undefined;
}

interface Outcome {
  readonly verdict: Verdict;
  readonly hazard: string | undefined;
  /**
   * The deciding hazard is reserve-high's placement at the top of the 32-bit space, past the
   * window's end (reserveHighTopPlacement): whether the application's mapping lands there depends
   * on the order of the scenario's mmaps, not on the driver.
   */
  readonly byPlacement?: true;
}

export interface ScenarioDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly range: TextRange;
  readonly message: string;
}

export function explore(text: string, options: ExploreOptions = {}): ExploreResult {
  const file = parse(text);
  const lines = new LineIndex(text);
  const problems: string[] = [];
  const space = options.space ?? DRIVER_SPACE;
  const selected = selectScenarios(file.scenarios, options.scenario, problems);
  // A syntax error outside every scenario (`scenaro "b" {`) can hide a whole scenario: said, as
  // `trace` says it, unless one scenario was asked for (that one is whole whatever lies outside).
  if (options.scenario === undefined) {
    const outside = file.errors.find(
      (e) => !file.scenarios.some((n) => e.start >= n.start && e.start <= n.end),
    );
    if (outside) {
      const at = lines.position(outside.start);
      const where =
        options.source === undefined
          ? `line ${at.line + 1}:`
          : `${options.source}:${at.line + 1}:${at.character + 1}: error [${outside.code ?? 'syntax-error'}]`;
      problems.push(
        `${where} ${outside.message} (outside every scenario: a scenario may be missing from the exploration)`,
      );
    }
  }
  const scenarios: ScenarioExploration[] = [];
  for (const { node, index } of selected) {
    const explored = exploreScenario(
      node,
      index,
      text,
      lines,
      space,
      options,
      problems,
      options.scenario !== undefined,
      file.errors.filter((e) => e.start >= node.start && e.start <= node.end),
    );
    if (explored) scenarios.push(explored);
  }
  if (scenarios.length === 0 && problems.length === 0) {
    problems.push(
      'no scenario leaves its driver open: write `maps any` (or an `any` line) in a driver block, or explore with every trait open (--all)',
    );
  }
  return { scenarios, problems };
}

/**
 * For the editor's code lens over a scenario: `safe for 12/48 — explore`, or undefined when the
 * scenario leaves no driver trait open. `scenarioIndex` is 0-based (the analysis' order).
 */
export function exploreSummaryForLens(
  text: string,
  scenarioIndex: number,
  options: { readonly deadline?: number; readonly defaults?: PlatformDefaults } = {},
):
  | { readonly title: string; readonly safe: number; readonly total: number; readonly summary: string }
  | undefined {
  const result = explore(text, {
    scenario: scenarioIndex + 1,
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.defaults ? { defaults: options.defaults } : {}),
  });
  const scenario = result.scenarios[0];
  if (!scenario) return undefined;
  return {
    title: `safe for ${scenario.counts.safe}/${scenario.total} — explore`,
    safe: scenario.counts.safe,
    total: scenario.total,
    summary: scenario.summary,
  };
}

function selectScenarios(
  scenarios: readonly ScenarioNode[],
  wanted: number | string | undefined,
  problems: string[],
): { node: ScenarioNode; index: number }[] {
  const all = scenarios.map((node, i) => ({ node, index: i + 1 }));
  if (wanted === undefined) return all;
  const byIndex =
    typeof wanted === 'number' ? all[wanted - 1] : /^\d+$/.test(wanted) ? all[Number(wanted) - 1] : undefined;
  const found = byIndex ?? all.find((s) => s.node.name?.value === wanted);
  if (!found) {
    problems.push(
      `no scenario ${typeof wanted === 'number' || /^\d+$/.test(wanted) ? `#${wanted}` : `"${wanted}"`} (the file has ${all.length})`,
    );
    return [];
  }
  return [found];
}

function exploreScenario(
  node: ScenarioNode,
  index: number,
  text: string,
  lines: LineIndex,
  space: DriverSpace,
  options: ExploreOptions,
  problems: string[],
  asked: boolean,
  syntaxErrors: readonly SyntaxDiagnostic[],
): ScenarioExploration | undefined {
  const name = node.name?.value ?? `scenario ${index}`;
  const notes: string[] = [];
  const base = runScenario(node, text, {
    ...options.defaults,
    ...(options.strategy ? { strategyOverride: options.strategy } : {}),
  });
  const baseDiagnostics = scenarioDiagnostics(base);
  const languageErrors = languageErrorsOf(syntaxErrors, baseDiagnostics);
  if (languageErrors.length > 0) {
    const first = languageErrors[0]!;
    problems.push(
      `"${name}" has language errors (line ${lines.position(first.range.start).line + 1}: ${first.message}); fix them first`,
    );
    return undefined;
  }
  // A kernel past the rules (`kernel 7.2`, --kernel 7.2) is simulated as the newest they know (a
  // Wine past the model too: `wine-unmodelled`), and
  // a Linux-only call on `platform macos` as Linux's: the same note `check` gives, so no verdict
  // looks checked against 7.2, or against macOS.
  for (const d of baseDiagnostics)
    if (d.code === 'kernel-unmodelled' || d.code === 'wine-unmodelled') notes.push(d.message);

  // The dimensions: each open trait of each driver, then the kernel.
  const dims: Dim[] = [];
  const drivers = [...base.drivers.values()];
  const openDrivers = drivers.filter((d) => options.openAll || (d.openTraits?.size ?? 0) > 0);
  const strategyName = base.simulation.platform.strategy;
  const kernelLine = node.body.find((s) => s.kind === 'setting' && s.keyword.name === 'kernel');
  const kernelVaries = Boolean(options.kernels) && !kernelLine;
  const kernelNotes: string[] = [];
  for (const driver of openDrivers) {
    const open = driver.openTraits ?? new Set<string>();
    const varies = {
      kernel: kernelVaries,
      backing:
        space.traits.some((t) => t.trait === 'backing') &&
        (options.openAll || isTraitOpen(driver, 'backing')),
    };
    for (const def of space.traits) {
      if (!options.openAll && !isTraitOpen(driver, def.trait)) continue;
      const trait = def.trait;
      const decided = kernelDecidedNote(driver, trait, base.simulation.platform.kernel.version, varies);
      if (decided !== undefined) {
        if (open.has(trait)) kernelNotes.push(decided);
        continue;
      }
      if (def.onlyWith && !def.onlyWith.includes(strategyName)) {
        if (open.has(trait))
          notes.push(
            `${driver.name}: \`${trait} any\` is not explored — only the ${def.onlyWith.slice(0, -1).join(', ')}${def.onlyWith.length > 1 ? ' and ' : ''}${def.onlyWith.at(-1)} strategies read it, and this scenario's is ${strategyName}`,
          );
        continue;
      }
      dims.push({
        key: openDrivers.length > 1 ? `${driver.name}.${trait}` : trait,
        driver: driver.name,
        trait,
        values: def.values.map((v) => v.label),
        def,
        kernels: undefined,
      });
    }
    for (const trait of open) {
      if (trait !== '*' && !trait.startsWith('!') && !space.traits.some((t) => t.trait === trait)) {
        notes.push(
          `${driver.name}: \`${trait} any\` is not explored — the driver space has no values for it; the scenario's value is used`,
        );
      }
    }
  }
  notes.push(...kernelNotes);
  if (dims.length === 0) {
    // The scenario did open a trait: say why nothing is left to explore, not that nothing was open.
    if (kernelNotes.length > 0) problems.push(`"${name}" has nothing to explore: ${kernelNotes.join('; ')}`);
    else if (asked)
      problems.push(
        `"${name}" leaves no driver trait open: write \`maps any\` (or an \`any\` line) in its driver block, or explore with --all`,
      );
    return undefined;
  }
  const baseKernel = formatKernelVersion(base.simulation.platform.kernel.version);
  if (options.kernels) {
    const wanted = options.kernels === true ? RULE_CHANGING_KERNELS : options.kernels;
    if (kernelLine) {
      notes.push(
        `--kernels not applied: kernel ${baseKernel} is fixed by the scenario (line ${lines.position(kernelLine.start).line + 1}); kernels are explored only where a scenario leaves the kernel open`,
      );
    } else {
      const versions = wanted
        .map((v) => parseKernelVersion(v))
        .filter((v): v is KernelVersion => v !== undefined);
      dims.push({
        key: 'kernel',
        driver: undefined,
        trait: 'kernel',
        values: versions.map(formatKernelVersion),
        def: undefined,
        kernels: versions,
      });
    }
  }

  const combinations = dims.reduce((n, d) => n * d.values.length, 1);
  if (combinations > MAX_BEHAVIOURS) {
    const traits = dims.filter((d) => d.kernels === undefined).length;
    const kernels = dims.find((d) => d.kernels !== undefined)?.values.length;
    problems.push(
      `"${name}" opens ${combinations.toLocaleString('en-US')} behaviours (${traits} open driver traits${openDrivers.length > 1 ? ` over ${openDrivers.length} drivers` : ''}${kernels ? ` × ${kernels} kernels` : ''}), more than drvmap explores at once (${MAX_BEHAVIOURS.toLocaleString('en-US')}): leave fewer traits \`any\`, open one driver at a time${kernels ? ', or explore without --kernels' : ''}`,
    );
    return undefined;
  }
  const baseTraits = new Map<string, DriverTraits>(drivers.map((d) => [d.name, pickTraits(d)]));
  const checker = new Checker(space, dims, baseTraits);
  const strategy = base.simulation.platform.strategy;
  const kernelDim = dims.findIndex((d) => d.kernels !== undefined);

  // ---- one run ----
  // Per driver: DriverTraits field → the dimension it belongs to.
  const fieldDim = new Map<string, Map<string, number>>();
  dims.forEach((dim, i) => {
    if (!dim.def || dim.driver === undefined) return;
    const fields = fieldDim.get(dim.driver) ?? new Map<string, number>();
    for (const field of fieldsOf(dim.def)) fields.set(field, i);
    fieldDim.set(dim.driver, fields);
  });
  const cubes: { assign: Int8Array; outcome: Outcome }[] = [];
  const classRuns = new Map<string, { cost: number; example: Counterexample }>();
  const defaultKernel = kernelDim >= 0 ? dims[kernelDim]!.values.indexOf(baseKernel) : -1;
  const distanceFromDefault = (assign: Int8Array): number =>
    dims.reduce(
      (n, _, i) => n + (i === kernelDim ? (assign[i] === defaultKernel ? 0 : 1) : assign[i]! > 0 ? 1 : 0),
      0,
    );
  const stepCount = node.body.filter((s) => s.kind === 'step').length;
  const excusingExpectStarts = node.body
    .filter((s) => s.kind === 'expect' && canExcuseEarlierStep(s.expectation))
    .map((s) => s.start);
  const runOne = (assign: Int8Array, track: boolean): { outcome: Outcome; reads: number[] } => {
    if (options.deadline !== undefined && Date.now() > options.deadline) throw new ExploreBudgetExceeded();
    const overrides = new Map<string, DriverTraits>();
    for (const driver of openDrivers) {
      let traits: DriverTraits = baseTraits.get(driver.name)!;
      dims.forEach((dim, i) => {
        if (dim.driver === driver.name && dim.def) traits = { ...traits, ...dim.def.values[assign[i]!]!.set };
      });
      overrides.set(driver.name, traits);
    }
    const reads: number[] = kernelDim >= 0 ? [kernelDim] : [];
    const seen = new Set<number>(reads);
    let recording = false;
    const runOptions: RunOptions = {
      ...options.defaults,
      driverOverrides: overrides,
      ...(options.strategy ? { strategyOverride: options.strategy } : {}),
      ...(kernelDim >= 0 ? { kernel: dims[kernelDim]!.kernels![assign[kernelDim]!]! } : {}),
      ...(track
        ? {
            observeDriver: (model: DriverModel) => {
              const fields = fieldDim.get(model.name);
              if (!fields) return model;
              return new Proxy(model, {
                get(target, property, receiver) {
                  if (recording && typeof property === 'string') {
                    const dim = fields.get(property);
                    if (dim !== undefined && !seen.has(dim)) {
                      seen.add(dim);
                      reads.push(dim);
                    }
                  }
                  return Reflect.get(target, property, receiver) as unknown;
                },
              });
            },
          }
        : {}),
    };
    // Iterative deepening: a prefix that already shows an error decides the verdict (the first
    // error of the whole run is in it: every diagnostic sits on the step or line that caused it,
    // and later steps cannot change earlier ones), so failing behaviours rarely run to the end.
    // Later expectations can, by making an earlier failure expected: with one of those past the
    // prefix, the run goes on (prefixDecides).
    let run: ScenarioRun;
    let classified: ReturnType<typeof classify>;
    for (let limit = FIRST_PREFIX; ; limit *= PREFIX_GROWTH) {
      const whole = limit >= stepCount;
      reads.length = kernelDim >= 0 ? 1 : 0;
      seen.clear();
      for (const d of reads) seen.add(d);
      recording = true;
      run = runScenarioRecording(
        node,
        text,
        whole ? runOptions : { ...runOptions, maxSteps: limit },
        () => (recording = false),
      );
      classified = classify(run);
      if (whole || (classified.error && prefixDecides(run, excusingExpectStarts))) break;
    }
    const outcome: Outcome = {
      verdict: classified.verdict,
      hazard: classified.first?.code,
      ...(classified.first && isPlacementAccident(run, classified.first)
        ? { byPlacement: true as const }
        : {}),
    };
    if (classified.first && outcome.verdict !== 'safe') {
      // Keep, per class, the counterexample closest to the default driver (and kernel).
      const key = classKey(outcome);
      const cost = distanceFromDefault(assign);
      const best = classRuns.get(key);
      if (!best || cost < best.cost)
        classRuns.set(key, {
          cost,
          example: counterexample(run, classified.first, assign, dims, lines, text),
        });
    }
    return { outcome, reads };
  };

  // ---- the search ----
  const D = dims.length;
  if (options.exhaustive) {
    checker.forEachCompletion(new Int8Array(D).fill(-1), (assign) => {
      const { outcome } = runOne(assign, false);
      cubes.push({ assign: assign.slice(), outcome });
    });
  } else {
    const search = (fixed: Int8Array): void => {
      const full = checker.firstCompletion(fixed);
      if (!full) return;
      const { outcome, reads } = runOne(full, true);
      // The cube: the fixed values and every value the run read; the rest is free.
      const cube = fixed.slice();
      for (const d of reads) cube[d] = full[d]!;
      cubes.push({ assign: cube, outcome });
      const prefix = fixed.slice();
      for (const d of reads) {
        if (fixed[d] !== -1) continue;
        for (let v = 0; v < dims[d]!.values.length; v++) {
          if (v === full[d]) continue;
          const branch = prefix.slice();
          branch[d] = v;
          search(branch);
        }
        prefix[d] = full[d]!;
      }
    };
    search(new Int8Array(D).fill(-1));
  }

  // ---- every possible behaviour, with the verdict of its cube ----
  const points: { assign: Int8Array; outcome: Outcome }[] = [];
  for (const cube of cubes)
    checker.forEachCompletion(cube.assign, (assign) =>
      points.push({ assign: assign.slice(), outcome: cube.outcome }),
    );
  const totalCombinations = dims.reduce((n, d) => n * d.values.length, 1);
  const counts: Record<Verdict, number> = { safe: 0, refused: 0, unsafe: 0 };
  for (const p of points) counts[p.outcome.verdict]++;

  const isSafe = points.map((p) => p.outcome.verdict === 'safe');
  const deciding = smallestDecidingSet(dims, points, isSafe);
  const safeWhen = describeCondition(dims, points, isSafe, deciding);
  const classes: FailureClass[] = [];
  for (const [key, { example }] of classRuns) {
    const [verdict, hazard, byPlacement] = key.split('\u0000') as [Exclude<Verdict, 'safe'>, string, string];
    const member = points.map((p) => classKey(p.outcome) === key);
    const count = member.filter(Boolean).length;
    const classDeciding = smallestDecidingSet(dims, points, member);
    const when = describeCondition(dims, points, member, classDeciding);
    classes.push({
      verdict,
      hazard,
      count,
      deciding: classDeciding.map((d) => dims[d]!.key),
      when: byPlacement ? `${when} (an accident of this scenario's mmap order, not a driver trait)` : when,
      counterexample: example,
    });
  }
  const failing = points.filter((p) => p.outcome.verdict !== 'safe');
  const placement = failing.filter((p) => p.outcome.byPlacement).length;
  const window = base.simulation.platform.window;
  const placementText = `with reserve-high the kernel hands out the top of the 32-bit space first, ${formatHex(window.end)}..0x1_0000_0000 (past the window's end) included, and whether the application's mapping lands there depends on the order and sizes of the scenario's mmaps, not on the driver`;
  if (placement > 0)
    notes.push(
      `${placement === failing.length ? 'every failing behaviour fails' : `${placement} of the ${failing.length} failing behaviours fail`} by placement: ${placementText}. The trait condition only says which order this scenario makes: reordering its allocations changes the condition, not the hazard`,
    );
  classes.sort((a, b) => b.count - a.count || a.hazard.localeCompare(b.hazard));

  const behaviours: BehaviourResult[] = points.map((p) => ({
    values: labelsOf(p.assign, dims),
    verdict: p.outcome.verdict,
    hazard: p.outcome.hazard,
  }));
  const appliedRules = space.impossible.filter((rule) => checker.leavesOut(rule));
  return {
    index,
    name,
    line: lines.position(node.start).line + 1,
    strategy,
    dimensions: dims.map(({ key, driver, trait, values }) => ({ key, driver, trait, values })),
    total: points.length,
    impossible: {
      count: totalCombinations - points.length,
      rules: appliedRules.map((r) => ({
        when: [
          ...(r.fixed ? [r.fixed.said] : []),
          ...Object.entries(r.when).map(([t, v]) =>
            v.startsWith('!') ? `${t} other than ${v.slice(1)}` : `${t} ${v}`,
          ),
        ].join(' with '),
        why: r.why,
      })),
    },
    counts,
    runs: cubes.length,
    deciding: deciding.map((d) => dims[d]!.key),
    safeWhen,
    classes,
    behaviours,
    summary:
      placement > 0 && placement === failing.length
        ? `${summaryLine(strategy, counts, points.length, safeWhen).split(';')[0]}; not a driver trait: ${placementText}`
        : summaryLine(strategy, counts, points.length, safeWhen),
    notes,
  };
}

/**
 * The scenario's errors of the language, in text order: the parser's (`@ p = …`, a missing `}`),
 * which the run never sees since it runs what could be read, then the run's own (an unknown word
 * or name). With one the scenario is not what its text says: check fails it, explore refuses it.
 */
function languageErrorsOf(
  syntaxErrors: readonly SyntaxDiagnostic[],
  diagnostics: readonly ScenarioDiagnostic[],
): { readonly range: TextRange; readonly message: string }[] {
  return [
    ...syntaxErrors.map((e) => ({ range: e, message: e.message })),
    ...diagnostics.filter((d) => d.severity === 'error' && RULE_BY_CODE.get(d.code)?.family === 'language'),
  ].sort((a, b) => a.range.start - b.range.start);
}

/** A failure class: verdict, hazard, and whether it is reserve-high's placement (Outcome.byPlacement). */
function classKey(outcome: Outcome): string {
  return `${outcome.verdict}\u0000${outcome.hazard}\u0000${outcome.byPlacement ? 'placement' : ''}`;
}

/**
 * Whether the deciding diagnostic is a pointer-outside-window that reserve-high's placement at the
 * top of the 32-bit space explains (reserveHighTopPlacement): the finding's first address is the
 * pointer or address 32-bit code got.
 */
function isPlacementAccident(run: ScenarioRun, first: ScenarioDiagnostic): boolean {
  if (first.code !== 'pointer-outside-window') return false;
  const finding = run.simulation.findings.find(
    (f) => f.code === first.code && f.range.start === first.range.start && f.range.end === first.range.end,
  );
  const pointer = finding?.addresses?.[0];
  return pointer !== undefined && reserveHighTopPlacement(run.simulation.platform, pointer);
}

/** The first prefix run's length, and the factor each next one grows by (a safe run costs ~3% more). */
const FIRST_PREFIX = 32;
const PREFIX_GROWTH = 32;

/**
 * Whether the first error of a prefix run is the whole run's. An expectation past the prefix can
 * still make any error in it expected (`expect NAME == FAILURE` names the failure of a step however
 * far up, `expect diagnostic CODE` the step above it or an expect line between them): the prefix decides only when none follows.
 */
function prefixDecides(run: ScenarioRun, excusingExpectStarts: readonly number[]): boolean {
  const last = run.simulation.records[run.simulation.records.length - 1];
  const end = last ? last.node.end : 0;
  return !excusingExpectStarts.some((start) => start > end);
}

/** Runs the scenario; `done` is called as soon as the run returns (before classification reads the models). */
function runScenarioRecording(
  node: ScenarioNode,
  text: string,
  options: RunOptions,
  done: () => void,
): ScenarioRun {
  try {
    return runScenario(node, text, options);
  } finally {
    done();
  }
}

/** A driver model's traits alone (what a driver block sets). */
export function pickTraits(model: DriverModel): DriverTraits {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_TRAITS)) out[key] = model[key as keyof DriverTraits];
  return out as unknown as DriverTraits;
}

function labelsOf(assign: Int8Array, dims: readonly Dim[]): Record<string, string> {
  const out: Record<string, string> = {};
  dims.forEach((d, i) => (out[d.key] = d.values[assign[i]!] ?? '?'));
  return out;
}

// ---- possible combinations ----

/** Which (partial) assignments are possible, per the space's impossible combinations. */
class Checker {
  /** Per rule and open driver: the (dimension, value) pairs that must all hold, or undefined when a fixed trait already rules it out. */
  private readonly constraints: { dim: number; values: ReadonlySet<number> }[][] = [];
  /** The rules with a constraint: each matches some combination of the dimensions, which is left out. */
  private readonly applied = new Set<ImpossibleCombination>();

  constructor(
    space: DriverSpace,
    private readonly dims: readonly Dim[],
    baseTraits: ReadonlyMap<string, DriverTraits>,
  ) {
    const driverNames = [...new Set(dims.filter((d) => d.driver !== undefined).map((d) => d.driver!))];
    for (const rule of space.impossible) {
      for (const driver of driverNames) {
        const pairs: { dim: number; values: ReadonlySet<number> }[] = [];
        let applies = rule.fixed?.holds(baseTraits.get(driver) ?? DEFAULT_TRAITS) ?? true;
        for (const [trait, condition] of Object.entries(rule.when)) {
          const def = space.traits.find((t) => t.trait === trait);
          const matching = new Set(
            (def?.values ?? []).flatMap((v, i) => (matchesCondition(v.label, condition) ? [i] : [])),
          );
          const dim = dims.findIndex((d) => d.driver === driver && d.trait === trait);
          if (dim >= 0) {
            pairs.push({ dim, values: matching });
            continue;
          }
          const fixed = baseTraits.get(driver) ?? DEFAULT_TRAITS;
          if (!def || ![...matching].some((i) => traitsHaveValue(fixed, def.values[i]!))) applies = false;
        }
        if (applies && pairs.length > 0 && pairs.every((p) => p.values.size > 0)) {
          this.constraints.push(pairs);
          this.applied.add(rule);
        }
      }
    }
  }

  /**
   * Whether the rule left out a combination: it names an open trait, and the driver's fixed
   * traits meet the rest of it. A rule over an open `caches-pointer` and a fixed `backing device`
   * leaves out nothing, and is not listed.
   */
  leavesOut(rule: ImpossibleCombination): boolean {
    return this.applied.has(rule);
  }

  /** False when some impossible combination is fully assigned and holds. */
  possible(assign: Int8Array): boolean {
    for (const pairs of this.constraints) {
      if (pairs.every((p) => p.values.has(assign[p.dim]!))) return false;
    }
    return true;
  }

  /** The first possible completion, dimensions and values in order (defaults first). */
  firstCompletion(fixed: Int8Array): Int8Array | undefined {
    let found: Int8Array | undefined;
    this.walk(fixed.slice(), 0, (a) => {
      found = a.slice();
      return true;
    });
    return found;
  }

  forEachCompletion(fixed: Int8Array, visit: (assign: Int8Array) => void): void {
    this.walk(fixed.slice(), 0, (a) => {
      visit(a);
      return false;
    });
  }

  /** Depth-first over the unassigned dimensions; `visit` returns true to stop. */
  private walk(assign: Int8Array, d: number, visit: (assign: Int8Array) => boolean): boolean {
    if (!this.possible(assign)) return false;
    if (d === this.dims.length) return visit(assign);
    if (assign[d] !== -1) return this.walk(assign, d + 1, visit);
    for (let v = 0; v < this.dims[d]!.values.length; v++) {
      assign[d] = v;
      if (this.walk(assign, d + 1, visit)) return true;
    }
    assign[d] = -1;
    return false;
  }
}

// ---- classification ----

/** The scenario's diagnostics as analyseDocument gives them (default severities), in text order. */
export function scenarioDiagnostics(run: ScenarioRun): ScenarioDiagnostic[] {
  const found: ScenarioDiagnostic[] = [];
  const make = (code: string, range: TextRange, message: string): ScenarioDiagnostic => ({
    code,
    severity: RULE_BY_CODE.get(code)?.severity ?? 'error',
    range: { start: range.start, end: range.end },
    message,
  });
  for (const p of run.problems) found.push(make(p.code, p.range, p.message));
  for (const f of run.simulation.findings) found.push(make(f.code, f.range, f.message));
  for (const rule of RULES)
    rule.check?.(run, (range, message) => found.push(make(rule.code, range, message)));
  // A failure or fault an expectation names is expected, as `drvmap check` says (analysis.ts).
  const out = [...withIntendedFailures(run, found)];
  // `expect diagnostic CODE` makes the diagnostic on the step above expected, or on an expect
  // line between it and the step (analysis.ts).
  const expects = run.simulation.expects;
  const above = new DiagnosticsAbove(run.simulation.records, expects, [...out]);
  for (let at = 0; at < expects.length; at++) {
    const expectation = expects[at]!;
    const form = expectation.node.expectation;
    if (form.form !== 'diagnostic' || !form.code) continue;
    const code = form.code.name;
    const matches = above.matching(at, code);
    for (const i of matches) out[i] = { ...out[i]!, severity: 'info' };
    if (matches.length === 0)
      out.push(
        make(
          'expectation-failed',
          expectation.node,
          `expectation failed: step ${expectation.afterStep + 1} has no \`${code}\` diagnostic`,
        ),
      );
  }
  out.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return out;
}

/**
 * safe: no error; refused: the first error is a refusal (or a Vulkan call failed, one no
 * expectation names, or the driver cannot export or import the memory); unsafe: the first error
 * is anything else.
 */
export function classify(run: ScenarioRun): {
  verdict: Verdict;
  /** What decides it: the first error, or the first failed Vulkan call. */
  first: ScenarioDiagnostic | undefined;
  /** The first error-severity diagnostic, if any. */
  error: ScenarioDiagnostic | undefined;
} {
  const diagnostics = scenarioDiagnostics(run);
  // What set-up found (on a driver block or the strategy line) happened before every step,
  // wherever the block is written: it comes first, then the rest in text order.
  const first =
    diagnostics.find((d) => d.severity === 'error' && isSetupDiagnostic(d, run)) ??
    diagnostics.find((d) => d.severity === 'error');
  // A failure an expectation names (`expect p == VK_ERROR_…`) is what the scenario asserts, not a
  // refusal: check passes it, its explanation shown as expected.
  const intended = intendedFailures(run);
  const failed = run.simulation.records.find(
    (r) => r.outcome.kind === 'vk' && r.outcome.result !== 'VK_SUCCESS' && !intended.has(r.index),
  );
  // A Vulkan call that failed decides when no error follows, or when the first error is its
  // consequence: its result used, or memory it never mapped unmapped. An unrelated later error
  // still decides by itself.
  if (
    failed &&
    failed.outcome.kind === 'vk' &&
    (!first || (failed.node.end <= first.range.start && isConsequenceOfFailure(first)))
  ) {
    const node = failed.node;
    // The warning that explains the failure on its own step (placed-unsupported), when there is one.
    const explaining = diagnostics.find(
      (d) => d.severity === 'warning' && d.range.start >= node.start && d.range.end <= node.end,
    );
    return {
      verdict: 'refused',
      first: explaining ?? {
        code: failed.outcome.result,
        severity: 'error',
        range: node,
        message: `${node.verb.name} returns ${failed.outcome.result}: ${failed.outcome.reason}`,
      },
      error: first,
    };
  }
  if (first) {
    const refused = REFUSAL_CODES.has(first.code) || isDriverCannotShare(first, run);
    return { verdict: refused ? 'refused' : 'unsafe', first, error: first };
  }
  return { verdict: 'safe', first: undefined, error: undefined };
}

/** A diagnostic on a driver block or a setting line: about the set-up, before step 1. */
function isSetupDiagnostic(d: ScenarioDiagnostic, run: ScenarioRun): boolean {
  for (const statement of run.node.body)
    if (
      (statement.kind === 'driver' || statement.kind === 'setting') &&
      d.range.start >= statement.start &&
      d.range.end <= statement.end
    )
      return true;
  return false;
}

/**
 * An error that a failed map call brings with it: an expectation that could not be checked for
 * lack of its result, or the unmap of what it did not map. (Using the result itself is a
 * warning, use-of-failed-result, and never the first error.)
 */
function isConsequenceOfFailure(d: ScenarioDiagnostic): boolean {
  return (
    (d.code === 'expectation-failed' && d.message.startsWith('expectation failed: not checked:')) ||
    (d.code === 'vulkan-valid-usage' &&
      (d.message.startsWith('VUID-vkUnmapMemory-memory-00689') ||
        d.message.startsWith('VUID-VkMemoryUnmapInfo-memory-07964')))
  );
}

function counterexample(
  run: ScenarioRun,
  first: ScenarioDiagnostic,
  assign: Int8Array,
  dims: readonly Dim[],
  lines: LineIndex,
  text: string,
): Counterexample {
  const { hazard, breaksAt, ...rest } = runTrace(run, first, lines, text);
  if (!hazard || !breaksAt) throw new Error('a counterexample has a deciding diagnostic');
  return { behaviour: labelsOf(assign, dims), ...rest, hazard, breaksAt };
}

/**
 * What a run did, for a report: every driver's traits, the kernel, and the expanded trace up to
 * the step where `first` (the deciding diagnostic) sits — the whole run when there is none.
 */
export function runTrace(
  run: ScenarioRun,
  first: ScenarioDiagnostic | undefined,
  lines: LineIndex,
  text: string,
): Omit<Counterexample, 'behaviour' | 'hazard' | 'breaksAt'> & {
  readonly hazard: Counterexample['hazard'] | undefined;
  readonly breaksAt: Counterexample['breaksAt'] | undefined;
} {
  const lineOf = (offset: number) => lines.position(offset).line + 1;
  const lineText = (offset: number) => {
    const line = lines.position(offset).line;
    const all = text.split(/\r\n|\r|\n/);
    return (all[line] ?? '').trim();
  };
  const records = run.simulation.records;
  const breakRecord = first
    ? records.find((r) => first.range.start >= r.node.start && first.range.start <= r.node.end)
    : undefined;
  const expectation =
    breakRecord || !first
      ? undefined
      : run.simulation.expects.find(
          (e) => first.range.start >= e.node.start && first.range.start <= e.node.end,
        );
  const lastStep = breakRecord ? breakRecord.index : expectation ? expectation.afterStep : records.length - 1;
  const trace: TraceStep[] = [];
  const checkedAfter = expectationsByStep(run.simulation.expects);
  // The expectations after the last step listed stop at the one that broke, if one did.
  const listedAfter = (step: number) =>
    (checkedAfter.get(step) ?? []).filter(
      (e) =>
        e.calls.length > 0 &&
        (step < lastStep || (expectation !== undefined && e.node.start <= expectation.node.start)),
    );
  const pushExpectations = (step: number) => {
    for (const e of listedAfter(step))
      trace.push({
        step: step + 1,
        line: lineOf(e.node.start),
        text: text.slice(e.node.start, e.node.end).trim(),
        result: e.passed === false ? 'failed' : e.passed ? 'passed' : '',
        calls: e.calls.map(traceCall),
        expectation: true,
      });
  };
  const setup = ownCalls(run.simulation, -1, run.vulkan.setupCalls);
  // Device creation runs at set-up unless the scenario starts with `reserve … preloaded` steps:
  // then after the last of them, and it is listed there, as the CLI trace and kernel-refused say it.
  const devicesLater = run.vulkan.devicesCreatedAfter;
  if (setup.length > 0)
    trace.push({
      step: 0,
      line: lineOf(run.node.start),
      text: devicesLater
        ? `(set-up: the layer; device creation runs after step ${devicesLater.step + 1})`
        : '(set-up: the layer and device creation)',
      result: '',
      calls: setup.map(traceCall),
    });
  pushExpectations(-1);
  for (const record of records.slice(0, lastStep + 1)) {
    trace.push({
      step: record.index + 1,
      line: lineOf(record.node.start),
      text: text.slice(record.node.start, record.node.end).trim(),
      result: record.resultText,
      calls: ownCalls(run.simulation, record.index, record.calls).map(traceCall),
    });
    if (devicesLater?.step === record.index && devicesLater.calls.length > 0)
      trace.push({
        step: record.index + 1,
        line: lineOf(record.node.start),
        text: `(after step ${record.index + 1}: the drivers' set-up, after the leading \`reserve … preloaded\` steps)`,
        result: '',
        calls: devicesLater.calls.map(traceCall),
        deviceCreation: true,
      });
    pushExpectations(record.index);
  }
  // fromEntries defines each driver name as an own key: assigned into `{}`, a driver named
  // `__proto__` would replace the object's prototype and vanish from the trace.
  const traits = Object.fromEntries([...run.drivers].map(([name, model]) => [name, describeTraits(model)]));
  return {
    traits,
    kernel: formatKernelVersion(run.simulation.platform.kernel.version),
    rulesKernel: formatKernelVersion(rulesKernel(run.simulation.platform.kernel.version)),
    hazard: first
      ? {
          code: first.code,
          severity: first.severity,
          message: first.message,
          line: lineOf(first.range.start),
        }
      : undefined,
    breaksAt: first
      ? {
          step: breakRecord ? breakRecord.index + 1 : undefined,
          line: lineOf(first.range.start),
          text: lineText(first.range.start),
        }
      : undefined,
    trace,
  };
}

function traceCall(call: { actor: string; text: string; result: string; ok: boolean }): TraceCall {
  return { actor: call.actor, text: call.text, result: call.result, ok: call.ok };
}

/** A driver's traits in the words of a driver block. */
export function describeTraits(t: DriverTraits): Record<string, string> {
  return {
    maps: t.maps,
    backing: t.backing,
    'caches-pointer': t.cachesPointer ? 'yes' : 'no',
    reuses: t.reuses,
    'placed-map': t.placed.supported
      ? `${formatSize(t.placed.alignment).replace(' ', '')}${t.placed.rangePlaced ? ' range-placed' : ''}${t.placed.unmapReserve ? '' : ' no-unmap-reserve'}`
      : 'none',
    'mmap-via': t.mmapVia,
    'external-memory-host': t.externalMemoryHost ? 'yes' : 'no',
    alignment: formatSize(t.alignment).replace(' ', ''),
    'pool-size': formatSize(t.poolSize).replace(' ', ''),
    'internal-mappings': formatSize(t.internalMappings).replace(' ', ''),
  };
}

// ---- what decides it ----

/** The smallest set of dimensions whose values decide `predicate` over the possible behaviours. */
function smallestDecidingSet(
  dims: readonly Dim[],
  points: readonly { assign: Int8Array }[],
  predicate: readonly boolean[],
): number[] {
  const D = dims.length;
  const subsets: number[][] = [];
  for (let mask = 0; mask < 1 << D; mask++) {
    const set: number[] = [];
    for (let d = 0; d < D; d++) if (mask & (1 << d)) set.push(d);
    subsets.push(set);
  }
  subsets.sort((a, b) => a.length - b.length);
  for (const set of subsets) {
    const seen = new Map<string, boolean>();
    let decides = true;
    for (let i = 0; i < points.length && decides; i++) {
      const key = set.map((d) => points[i]!.assign[d]).join(',');
      const value = predicate[i]!;
      const before = seen.get(key);
      if (before === undefined) seen.set(key, value);
      else if (before !== value) decides = false;
    }
    if (decides) return set;
  }
  return [...Array(D).keys()];
}

/**
 * A short condition over the deciding dimensions that holds exactly where `predicate` holds: a
 * greedy cover of the true projections by the most general terms (each dimension free, one
 * value, all but one value, or a set) that cover no false projection.
 */
function describeCondition(
  dims: readonly Dim[],
  points: readonly { assign: Int8Array }[],
  predicate: readonly boolean[],
  deciding: readonly number[],
): string {
  const positives = new Map<string, number[]>();
  const negatives = new Map<string, number[]>();
  points.forEach((p, i) => {
    const projection = deciding.map((d) => p.assign[d]!);
    (predicate[i] ? positives : negatives).set(projection.join(','), projection);
  });
  if (positives.size === 0) return 'never';
  if (negatives.size === 0) return 'always';
  // Per dimension, the value sets a term may require: all (free) first, then larger sets first.
  const choices = deciding.map((d) => {
    const n = dims[d]!.values.length;
    const sets: number[] = [];
    for (let mask = (1 << n) - 1; mask > 0; mask--) sets.push(mask);
    return sets.sort((a, b) => popcount(b) - popcount(a));
  });
  const combos = choices.reduce((n, c) => n * c.length, 1);
  const terms: { masks: number[]; cost: number }[] = [];
  if (combos <= 200_000) {
    const masks: number[] = [];
    const build = (i: number): void => {
      if (i === deciding.length) {
        const matches = (projection: number[]) => projection.every((v, j) => (masks[j]! >> v) & 1);
        if ([...negatives.values()].some(matches)) return;
        if (![...positives.values()].some(matches)) return;
        // Fewer conditions first; then `=`/`≠` before `∈ {…}`.
        const cost = masks.reduce((c, m, j) => {
          const n = dims[deciding[j]!]!.values.length;
          const k = popcount(m);
          return c + (k === n ? 0 : k === 1 || k === n - 1 ? 10 : 11);
        }, 0);
        terms.push({ masks: [...masks], cost });
        return;
      }
      for (const m of choices[i]!) {
        masks[i] = m;
        build(i + 1);
      }
    };
    build(0);
  }
  if (terms.length === 0)
    for (const p of positives.values()) terms.push({ masks: p.map((v) => 1 << v), cost: p.length * 10 });
  const uncovered = new Map(positives);
  const chosen: { masks: number[]; cost: number }[] = [];
  while (uncovered.size > 0) {
    let best: { term: (typeof terms)[number]; covers: string[] } | undefined;
    for (const term of terms) {
      const covers = [...uncovered]
        .filter(([, p]) => p.every((v, j) => (term.masks[j]! >> v) & 1))
        .map(([k]) => k);
      if (covers.length === 0) continue;
      if (
        !best ||
        covers.length > best.covers.length ||
        (covers.length === best.covers.length && term.cost < best.term.cost)
      )
        best = { term, covers };
    }
    if (!best) break;
    chosen.push(best.term);
    for (const k of best.covers) uncovered.delete(k);
  }
  return chosen
    .map((term) => {
      const parts = term.masks
        .map((mask, j) => literal(dims[deciding[j]!]!, mask))
        .filter((s): s is string => s !== undefined);
      return parts.length === 0 ? 'always' : parts.join(' and ');
    })
    .join('; or ');
}

function literal(dim: Dim, mask: number): string | undefined {
  const n = dim.values.length;
  const inSet = dim.values.filter((_, v) => (mask >> v) & 1);
  if (inSet.length === n) return undefined;
  if (inSet.length === 1) return `${dim.key} = ${inSet[0]}`;
  const out = dim.values.filter((_, v) => !((mask >> v) & 1));
  if (out.length === 1) return `${dim.key} ≠ ${out[0]}`;
  return `${dim.key} ∈ {${inSet.join(', ')}}`;
}

function popcount(n: number): number {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
}

function summaryLine(
  strategy: string,
  counts: Readonly<Record<Verdict, number>>,
  total: number,
  safeWhen: string,
): string {
  const behaviours = `${total} driver behaviour${total === 1 ? '' : 's'}`;
  // Safe means no step of this scenario met a hazard: what it does not do is not tested.
  if (counts.safe === total)
    return `${strategy}: safe under all ${behaviours} (for the steps this scenario makes)`;
  const failing =
    counts.refused === 0
      ? `unsafe under ${counts.unsafe} of ${behaviours}`
      : counts.unsafe === 0
        ? `refused under ${counts.refused} of ${behaviours}`
        : `unsafe under ${counts.unsafe} and refused under ${counts.refused} of ${behaviours}`;
  return `${strategy}: ${failing}; ${counts.safe === 0 ? 'never safe' : `safe only when ${safeWhen}`}`;
}
