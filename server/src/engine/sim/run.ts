// Runs one scenario: reads its platform and drivers, resolves names in order, executes each
// step against the simulated kernel (through the Vulkan layer for API steps), and checks each
// expectation where it stands. This file holds the loop and the dispatch by verb; each kind of
// step lives in its own module and gets what it needs through a StepContext.
import type { ScenarioNode, SettingNode, Statement, StepNode } from '../syntax/ast';
import { canonicalVerb, SETTING_BY_NAME, VERB_BY_NAME, type VerbSpec } from '../language/vocabulary';
import { closestWord, didYouMean, didYouMeanText } from '../language/closest-word';
import type { DriverModel } from '../model/driver';
import { VulkanLayer } from '../model/vulkan-layer';
import { GlLayer } from '../model/gl/gl-layer';
import { afterUffdStep } from '../model/uffd-step';
import { accessStep } from './access-steps';
import { bindStepResult } from './bind-step';
import { declareParticipants, type DriverOptions } from './declarations';
import { deviceCreationPoint } from './device-creation-point';
import { checkExclusiveWords } from './exclusive-words';
import { checkExpectation } from './expectations';
import { reportExtraArgument } from './step-arguments';
import { NameScope } from './names';
import { openStep } from './open-step';
import { BoundStepRecord, RecordedStep } from './outcome';
import { readPlatform, type PlatformDefaults, type StrategyName } from './platform';
import { ProblemSink, type LanguageProblem } from './problems';
import {
  machVmRemapStep,
  mmapStep,
  mprotectStep,
  madviseStep,
  msealStep,
  mremapStep,
  munmapStep,
  reserveStep,
  uffdRegisterStep,
} from './raw-steps';
import { noteLinuxOnlyCall } from './linux-only';
import type { CallRecord, ExpectRecord, Outcome, StepRecord } from './records';
import { Simulation } from './simulation';
import { stepActor, type ActorContext } from './step-actor';
import type { StepContext } from './step-context';

export interface ScenarioRun {
  readonly node: ScenarioNode;
  readonly simulation: Simulation;
  readonly drivers: ReadonlyMap<string, DriverModel>;
  readonly vulkan: VulkanLayer;
  /** The OpenGL buffers and maps (model/gl/). */
  readonly gl: GlLayer;
  readonly problems: readonly LanguageProblem[];
  /** Step record index for each step node start offset. */
  readonly stepByOffset: StepIndexByOffset;
  /** The document text, for fixes that reuse what the user wrote. */
  readonly sourceText: string;
}

/** `driverOverrides` and `observeDriver` (see DriverOptions) are how exploration varies drivers. */
export interface RunOptions extends PlatformDefaults, DriverOptions {
  /** Stop simulating after this many steps (huge files); the rest is still parsed and resolved. */
  readonly maxSteps?: number;
  /** Override the scenario's strategy (exploration compares strategies on one workload). */
  readonly strategyOverride?: StrategyName;
}

/** The outcome of every step whose verb is not a command (outcomes are read-only). */
const NOT_A_COMMAND: Outcome = { kind: 'skipped', reason: 'not a command' };
/** A step the parser could not read (`b = $`, a word drvmap cannot read): its error says why. */
const UNREAD: Outcome = { kind: 'skipped', reason: 'its line has a syntax error' };

export function runScenario(node: ScenarioNode, sourceText: string, options: RunOptions = {}): ScenarioRun {
  return new ScenarioRunner(node, sourceText, options).run();
}

/**
 * Finds a step's record by where its step starts. Records are in text order, so a binary search
 * answers without a map entry per step.
 */
export class StepIndexByOffset {
  constructor(private readonly records: readonly StepRecord[]) {}

  get(offset: number): number | undefined {
    let low = 0;
    let high = this.records.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const start = this.records[middle]!.node.start;
      if (start === offset) return middle;
      if (start < offset) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}

class ScenarioRunner {
  private readonly problems = new ProblemSink();
  private readonly context: StepContext;
  private readonly actorContext: ActorContext;

  constructor(
    private readonly node: ScenarioNode,
    private readonly sourceText: string,
    private readonly options: RunOptions,
  ) {
    const { settings, declarations } = settingsAndDeclarations(node.body);
    const read = readPlatform(node, this.problems.list, options, settings, sourceText);
    const platform = options.strategyOverride ? { ...read, strategy: options.strategyOverride } : read;
    const sim = new Simulation(platform, this.problems.list);
    const { drivers, actors } = declareParticipants(node, sim, this.problems, options, declarations);
    this.context = {
      sim,
      scope: new NameScope(sim, this.problems),
      drivers,
      actors,
      vulkan: new VulkanLayer(sim, drivers),
      gl: new GlLayer(sim, drivers),
      problems: this.problems,
    };
    this.actorContext = { sim, drivers, actors, problems: this.problems };
  }

  run(): ScenarioRun {
    const { sim, scope, vulkan } = this.context;
    scope.noteBindings(this.node.body);
    // A page a read faulted in before a userfaultfd registration raises no fault: recorded only
    // when a `uffd` step may register one later.
    if (hasUffdStep(this.node.body)) sim.space.trackFaultedPages();
    const maxSteps = this.options.maxSteps ?? Number.POSITIVE_INFINITY;
    const body = this.node.body;
    // 0: at set-up, as the rest of it; else after the leading `reserve … preloaded` steps.
    const devicesAt = deviceCreationPoint(body);
    vulkan.start(this.node, devicesAt > 0);
    sim.space.markStep(-1);
    // Indexed: this loop starts in the interpreter, where `for…of` makes an iterator result per statement.
    let i = 0;
    for (; i < body.length; i++) {
      const statement = body[i]!;
      // Before the maxSteps check: device creation belongs to the last step run, as the
      // expectations checked after it do.
      if (i === devicesAt && devicesAt > 0) this.createDevicesLater();
      if (statement.kind === 'step') {
        if (sim.records.length >= maxSteps) break;
        this.executeStep(statement);
      } else if (statement.kind === 'expect') {
        this.keepCallsOfExpectation(checkExpectation(this.context, statement));
      }
    }
    // Nothing but the leading steps: device creation after the last of them, unless a cut stopped them.
    if (i === body.length && devicesAt === body.length && devicesAt > 0) this.createDevicesLater();
    sim.space.markStep(sim.records.length - 1);
    return {
      node: this.node,
      simulation: sim,
      drivers: this.context.drivers,
      vulkan,
      gl: this.context.gl,
      problems: this.problems.list,
      stepByOffset: new StepIndexByOffset(sim.records),
      sourceText: this.sourceText,
    };
  }

  private executeStep(step: StepNode): void {
    const { sim } = this.context;
    const index = sim.records.length;
    sim.stepIndex = index;
    sim.stepNode = step;
    // `step.verb` is made when read (the tree keeps only its name and start): read the name
    // alone where the node offers it (SourceStep), else the verb once.
    const written = step.verbName;
    const verbName = canonicalVerb(written);
    const spec = VERB_BY_NAME.get(verbName);
    const actor = stepActor(this.actorContext, step, spec);
    let outcome: Outcome;
    if (!spec) {
      if (written) reportUnknownVerb(this.problems, step);
      outcome = written ? NOT_A_COMMAND : UNREAD;
    } else {
      checkExclusiveWords(this.problems, step, spec);
      sim.userfaultfd.step = index;
      outcome = this.dispatch(step, verbName, spec, actor);
      afterUffdStep(sim);
    }
    const calls = sim.takeCalls();
    // A bound step's record is also its name's symbol (bindStepResult makes it).
    const record = step.binding
      ? bindStepResult(this.context, step, spec?.binds ?? 'result', outcome, index, actor, calls)
      : new RecordedStep(index, step, actor, calls, outcome);
    if (outcome.kind === 'fault') sim.stepsWith.fault.push(index);
    sim.records.push(record);
    sim.space.markStep(index);
  }

  /**
   * Device creation after the leading `reserve … preloaded` steps (sim/device-creation-point.ts).
   * Its calls join the last step's record, after the step's own (no step made them: own-calls.ts),
   * and that step's state is marked again with what they mapped: the timeline shows each state
   * as the simulation had it, the set-up one without the pools and the step's with them, and
   * trace and the panel list the calls where they ran.
   */
  private createDevicesLater(): void {
    const { sim, vulkan } = this.context;
    this.keepCallsAfterLastStep(vulkan.createDevicesLater(this.node));
    sim.space.markStep(sim.records.length - 1);
  }

  /**
   * Calls an expectation made (a read that faults pages in through a userfaultfd handler) are its
   * own (ExpectRecord.calls), and are kept on the step before it too, or the set-up before the
   * first step: the timeline of the memory, which the panel and rules walk, runs through steps.
   */
  private keepCallsOfExpectation(expectation: ExpectRecord): void {
    this.keepCallsAfterLastStep(expectation.calls);
  }

  /**
   * Calls made after the last step run (or before step 1) join its record (or set-up's), after
   * its own: how many those are is kept once, at the first such join, so that every reader of
   * the step's own doing leaves the later ones out (sim/own-calls.ts).
   */
  private keepCallsAfterLastStep(calls: readonly CallRecord[]): void {
    const { sim, vulkan } = this.context;
    if (calls.length === 0) return;
    const step = sim.records.length - 1;
    const last = sim.records[step];
    const made = last ? last.calls.length : vulkan.setupCalls.length;
    if (!sim.ownCallCounts.has(step)) sim.ownCallCounts.set(step, made);
    if (last instanceof RecordedStep || last instanceof BoundStepRecord) last.addCalls(calls);
    else vulkan.setupCalls = vulkan.setupCalls.concat(calls);
  }

  private dispatch(step: StepNode, verb: string, spec: VerbSpec, actor: string): Outcome {
    const context = this.context;
    if (context.sim.platform.os === 'macos') noteLinuxOnlyCall(context.problems, verb, step);
    switch (verb) {
      case 'mmap':
        return mmapStep(context, step, actor);
      case 'reserve':
        return reserveStep(context, step, actor);
      case 'munmap':
        return munmapStep(context, step, actor);
      case 'mprotect':
        return mprotectStep(context, step, actor);
      case 'madvise':
        return madviseStep(context, step, actor);
      case 'mseal':
        return msealStep(context, step, actor);
      case 'mremap':
        return mremapStep(context, step, actor);
      case 'open':
        return openStep(context, step, actor);
      case 'uffd':
        return uffdRegisterStep(context, step, actor);
      case 'mach_vm_remap':
        return machVmRemapStep(context, step, actor);
      case 'write':
      case 'read':
        return accessStep(context, step, verb, actor);
      default: {
        // Every other verb is an API call: OpenGL's start with `gl`, the rest are Vulkan's. The
        // layers read the values they take; a word they do not know parses as one more value
        // (`vkMapMemory2 m placd`) and is reported here rather than silently dropped.
        reportExtraValues(context, step, spec);
        const { scope } = context;
        if (verb.startsWith('gl'))
          return context.gl.execute(step, verb, actor, scope.evaluate, scope.memoryNamed);
        return context.vulkan.execute(step, verb, actor, scope.evaluate, scope.memoryNamed, scope.fileNamed);
      }
    }
  }
}

/**
 * The scenario's settings and its driver and actor declarations, each in order, found in one
 * pass: each pass over a long scenario's statements is a cache miss per statement.
 */
function settingsAndDeclarations(body: readonly Statement[]): {
  settings: SettingNode[];
  declarations: Statement[];
} {
  const settings: SettingNode[] = [];
  const declarations: Statement[] = [];
  for (let i = 0; i < body.length; i++) {
    const statement = body[i]!;
    const kind = statement.kind;
    if (kind === 'setting') settings.push(statement);
    else if (kind === 'driver' || kind === 'actor') declarations.push(statement);
  }
  return { settings, declarations };
}

/** The values after the last one an API verb takes: each is reported (a misspelt word, most likely). */
function reportExtraValues(context: StepContext, step: StepNode, spec: VerbSpec): void {
  if (step.args.length <= spec.args.length) return;
  const takes = spec.args.length;
  for (let i = takes; i < step.args.length; i++)
    reportExtraArgument(context, step, step.args[i]!, `${takes} ${takes === 1 ? 'value' : 'values'}`);
}

/**
 * Apart from executeStep: an arrow there capturing the step would make V8 allocate a context
 * on every step, not only for an unknown verb.
 */
function reportUnknownVerb(problems: ProblemSink, step: StepNode): void {
  // `app wrtes p, 4`: the actor is right and the access verb misspelt; say so at the verb.
  const next = nextWordAfterVerb(step);
  const access = next && closestWord(next.name, ACCESS_VERBS);
  if (next && access) {
    problems.report(
      'unknown-word',
      next,
      `\`${next.name}\` is not an access; ${didYouMeanText(access)} (\`ACTOR reads|writes ADDRESS, LENGTH\`)`,
    );
    return;
  }
  // Settings and blocks are lines too (`kernal 6.6` is a misspelt `kernel`).
  problems.report(
    'unknown-word',
    step.verb,
    `unknown command \`${step.verb.name}\`${didYouMean(step.verb.name, [...VERB_BY_NAME.keys(), ...LINE_KEYWORDS])}`,
  );
}

/** Indexed: it runs once per run, in the interpreter, where `for…of` makes an iterator result each. */
function hasUffdStep(body: readonly Statement[]): boolean {
  for (let i = 0; i < body.length; i++) {
    const s = body[i]!;
    if (s.kind === 'step' && s.verb.name === 'uffd') return true;
  }
  return false;
}

const ACCESS_VERBS = ['reads', 'writes'];
const LINE_KEYWORDS = [...SETTING_BY_NAME.keys(), 'driver', 'actor', 'expect'];

/** The name or word written right after the verb, if any. */
function nextWordAfterVerb(
  step: StepNode,
): { readonly name: string; readonly start: number; readonly end: number } | undefined {
  const word = step.words[0];
  const arg = step.args[0];
  const name = arg?.kind === 'name' ? arg : undefined;
  if (word && (!name || word.start < name.start)) return word;
  return name;
}

// Kept importable from here for existing importers.
export { describeSegments, outcomeText, syscallOutcome } from './outcome';
export type { Errno } from '../kernel/types';
export type { Word } from '../syntax/ast';
export { PROT_READ, PROT_WRITE } from '../kernel/types';
