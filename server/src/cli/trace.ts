// `drvmap trace`: the step-by-step timeline of a scenario as plain data (every number a string,
// so the JSON form is exact for 64-bit addresses), which formats/text and formats/json render.
import { lastStepStartingAtOrBefore } from '../engine/diagnostics-by-step';
import { describeReadError, InputError, readInputText } from './read-input';
import { resolve } from 'node:path';
import {
  analyseDocument,
  expectationHeld,
  type AnalysisOptions,
  type DocumentAnalysis,
  type ScenarioAnalysis,
} from '../engine/analysis';
import type { EngineDiagnostic, Severity } from '../engine/diagnostics';
import { formatKernelVersion } from '../engine/kernel/config';
import { mapsNameOf, mapsPgoffOf } from '../engine/kernel/vma';
import { RULE_BY_CODE } from '../engine/rules/registry';
import { rulesKernel } from '../engine/sim/platform';
import type { Errno, Segment, Vma } from '../engine/kernel/types';
import { formatHex } from '../engine/numbers';
import { droppedPagesNote } from '../engine/features/dropped-pages';
import { forkFlagNames } from '../engine/features/fork-flags-since';
import { vmaPermsText } from '../engine/kernel/prot-text';
import { isFailedOutcome } from '../engine/sim/outcome';
import { expectationsByStep, ownCalls } from '../engine/sim/own-calls';
import type { CallRecord, ExpectRecord, Outcome } from '../engine/sim/records';
import type { LineIndex } from '../engine/syntax/text-range';
import { UsageError, type MapsShown, type TraceCommand } from './args';
import { analysisOptions, displayPath } from './check';
import { formatWineVersion } from '../engine/sim/wine-version';
import type { CliIo } from './io';
import { printable } from '../engine/printable';
import { checkCommandFor } from './shell-command';
import { formatTraceJson } from './formats/json';
import { formatTraceText } from './formats/text';
import { folded } from './formats/wrap';

export interface TraceMapping {
  /** `0x7fff_f7c0_0000`, as the language writes addresses. */
  readonly start: string;
  readonly end: string;
  /** `7ffff7c00000`, as /proc/PID/maps prints them. */
  readonly startPlain: string;
  readonly endPlain: string;
  readonly sizeBytes: string;
  /** `rw-p`, `r--s`. */
  readonly perms: string;
  /** The file offset as /proc/PID/maps prints it (8 hex digits at least; 0 for anonymous memory). */
  readonly offsetPlain: string;
  /** What /proc/PID/maps shows: `/dev/zero (deleted)`, `/memfd:buf (deleted)`, or `[anon:LABEL]` for a named anonymous mapping. */
  readonly name: string;
  /** The scenario's name for the mapping (`a`, `reservation`), or null. */
  readonly label: string | null;
  /** A mapping of an exported fd: whose buffer object it shows (`m's buffer object through dma-buf fd buf`), else null. */
  readonly through: string | null;
  readonly kind: string;
  readonly owner: string;
  /** The step that made it, 1-based. */
  readonly createdStep: number;
  /**
   * The kernel merged it with the mapping listed just before (one VMA, one /proc/PID/maps line);
   * drvmap lists them apart because different actors or names made them (or the backing object
   * of their pages differs).
   */
  readonly mergedWithPrevious: boolean;
  /** The fork flags madvise set on it (`VM_DONTCOPY`, `VM_WIPEONFORK`): what split it from its neighbours. */
  readonly forkFlags: readonly string[];
}

export interface TraceCall {
  readonly actor: string;
  readonly text: string;
  readonly result: string;
  readonly ok: boolean;
  /** Only on failed calls. */
  readonly errno?: Errno;
  readonly reason?: string;
}

export interface TraceDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
}

export interface TraceExpectation {
  readonly line: number;
  readonly text: string;
  /** null: could not be checked (a step before it failed to run). */
  readonly passed: boolean | null;
  readonly detail: string;
  /** Calls the check made: a read that faulted pages in through a userfaultfd handler. */
  readonly calls: readonly TraceCall[];
}

/** A read's run of one byte value, as JSON can hold it: offset and length as hex strings. */
export interface TraceSegment {
  readonly offset: string;
  readonly length: string;
  readonly datum: number;
}

/**
 * The step's outcome with bigint values as hex strings (a read's segments too: JSON.stringify
 * throws on a bigint): derived, so a new outcome kind follows.
 */
export type TraceOutcome = Outcome extends infer Each
  ? Each extends unknown
    ? {
        readonly [K in keyof Each]: Each[K] extends bigint
          ? string
          : Each[K] extends readonly Segment[] | undefined
            ? readonly TraceSegment[] | undefined
            : Each[K];
      }
    : never
  : never;

export interface TraceStep {
  /** 1-based step number (execution order). */
  readonly step: number;
  /** 1-based line and column of the step. */
  readonly line: number;
  readonly column: number;
  readonly text: string;
  readonly actor: string;
  readonly calls: readonly TraceCall[];
  readonly outcome: TraceOutcome;
  /** `0x7fff_f7c0_0000`, `EINVAL`, `ok`, `SIGSEGV`, or empty when skipped. */
  readonly result: string;
  /** The step failed: an errno, a fault, a Vulkan error, or a call that did not succeed. */
  readonly failed: boolean;
  readonly diagnostics: readonly TraceDiagnostic[];
  /** The `expect` lines checked after this step (before the next one). */
  readonly expectations: readonly TraceExpectation[];
  /**
   * The drivers' device creation, when it ran right after this step (the last of the leading
   * `reserve … preloaded` steps, sim/device-creation-point.ts): its calls, none of them the step's.
   */
  readonly deviceCreation?: readonly TraceCall[];
  /**
   * The mappings after the step: all of them, or with `--maps changed` only those the step
   * added (new or changed); empty with `--maps none`.
   */
  readonly mappings: readonly TraceMapping[];
  /** With `--maps changed`: the mappings the step removed (or changed: listed again in `mappings`). */
  readonly removedMappings?: readonly TraceMapping[];
  /** The kernel's VMA count after the step (mm->map_count): the listing less the merged records. */
  readonly kernelVmas: number;
}

export interface ScenarioTrace {
  /** 1-based. */
  readonly index: number;
  readonly name: string | null;
  readonly line: number;
  readonly kernel: string;
  /**
   * The kernel whose rules are simulated: `kernel` itself, or the newest drvmap models when
   * `kernel` is later (`kernel-unmodelled`: 7.2 is simulated as 6.19).
   */
  readonly rulesKernel: string;
  /** `x86_64` or `arm64` (the `arch` setting, or implied by a 16/64 KiB page size). */
  readonly arch: string;
  /** The page size in bytes (`4096`, `16384`): every alignment and rounding depends on it. */
  readonly pageSize: string;
  readonly window: { readonly start: string; readonly end: string };
  /** The Wine release whose WOW64 mapping applies (`wine 10.15`, `--wine`, or the default). */
  readonly wine: string;
  readonly strategy: string;
  /**
   * Diagnostics on no step: a setting (`kernel v5.10`, `kernel 5.25`), a driver block, the
   * scenario line. They change every step, so they come first. Those on an `expect` line are its
   * ✓/✗ and are not repeated here.
   */
  readonly diagnostics: readonly TraceDiagnostic[];
  /**
   * The errors of the language (syntax, unknown words and names, values out of range) anywhere
   * in the scenario: the trace is then not of what the file says, and `drvmap trace` exits 1.
   */
  readonly languageErrors: number;
  readonly expectationsBeforeSteps: readonly TraceExpectation[];
  /**
   * What is mapped before step 1: the driver's device-creation mappings (`internal-mappings`),
   * reserve-high's reservation. Empty for most scenarios (and with `--maps none`).
   */
  readonly setupMappings: readonly TraceMapping[];
  /**
   * The calls made before step 1: the layer and the driver at device creation (the strategy's
   * hook, a reservation, internal pools), as explore's counterexamples list them.
   */
  readonly setupCalls: readonly TraceCall[];
  readonly steps: readonly TraceStep[];
  /** Simulation stopped early (maxSteps). */
  readonly truncated: boolean;
}

export interface Trace {
  readonly path: string;
  readonly scenarios: readonly ScenarioTrace[];
  /**
   * Errors of the language outside every scenario (a mistyped `scenaro "b" {`, a stray line
   * between two): a scenario may be missing from the trace. Listed when every scenario is traced
   * (no --scenario), and `drvmap trace` then exits 1 (2 when no scenario is left to trace).
   */
  readonly outsideScenarios: readonly TraceDiagnostic[];
}

export interface TraceOptions {
  readonly scenario?: string;
  readonly maps?: MapsShown;
  /** The output format, for the size limit of a `--maps all` listing (MAX_LISTED_MAPPINGS). */
  readonly format?: 'text' | 'json';
  readonly analysis?: AnalysisOptions;
}

const plainHex = (value: bigint) => value.toString(16);

/** The step whose text contains `offset` (a zero-length step its own start). */
function stepStartingIn(
  records: readonly { readonly index: number; readonly node: { start: number; end: number } }[],
  offset: number,
): { readonly index: number } | undefined {
  const record = lastStepStartingAtOrBefore(records, offset);
  return record && offset < Math.max(record.node.end, record.node.start + 1) ? record : undefined;
}

export function traceMapping(vma: Vma, pageSize: bigint): TraceMapping {
  const start = BigInt(vma.startPage) * pageSize;
  const end = BigInt(vma.endPage) * pageSize;
  // /proc/PID/maps shows vm_pgoff only for mappings with a file (shared anonymous has /dev/zero).
  const offset = vma.object.kind === 'anon' ? 0n : BigInt(mapsPgoffOf(vma)) * pageSize;
  const name = mapsNameOf(vma) || (vma.label ? `[anon:${vma.label}]` : '');
  return {
    start: formatHex(start),
    end: formatHex(end),
    startPlain: plainHex(start),
    endPlain: plainHex(end),
    sizeBytes: (end - start).toString(),
    perms: vmaPermsText(vma),
    offsetPlain: plainHex(offset).padStart(8, '0'),
    name,
    label: vma.label ?? null,
    through: vma.viaExport?.describes ?? null,
    kind: vma.object.kind,
    owner: vma.owner,
    createdStep: vma.createdStep + 1,
    mergedWithPrevious: vma.joinsPrev === true,
    forkFlags: forkFlagNames(vma),
  };
}

export function traceOutcome(outcome: Outcome): TraceOutcome {
  switch (outcome.kind) {
    case 'address':
      return { kind: 'address', value: formatHex(outcome.value) };
    case 'fault':
      return {
        kind: 'fault',
        signal: outcome.signal,
        address: formatHex(outcome.address),
        reason: outcome.reason,
      };
    case 'data':
      return outcome.segments === undefined
        ? { kind: 'data', summary: outcome.summary }
        : {
            kind: 'data',
            summary: outcome.summary,
            segments: outcome.segments.map((g) => ({
              offset: formatHex(g.offset),
              length: formatHex(g.length),
              datum: g.datum,
            })),
          };
    default:
      return outcome;
  }
}

function traceCall(c: CallRecord): TraceCall {
  return {
    actor: c.actor,
    text: c.text,
    result: c.result,
    ok: c.ok,
    ...(c.errno !== undefined ? { errno: c.errno } : {}),
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
  };
}

function expectation(
  record: ExpectRecord,
  scenario: ScenarioAnalysis,
  text: string,
  lines: LineIndex,
): TraceExpectation {
  return {
    line: lines.position(record.node.start).line + 1,
    text: text.slice(record.node.start, record.node.end),
    passed: expectationHeld(scenario, record) ?? null,
    detail: record.detail,
    calls: record.calls.map(traceCall),
  };
}

/** Picks scenarios by name (exact) or by 1-based number; undefined selects all. */
export function selectScenarios(
  scenarios: readonly ScenarioAnalysis[],
  selector: string | undefined,
): { analysis: ScenarioAnalysis; index: number }[] {
  const all = scenarios.map((analysis, i) => ({ analysis, index: i + 1 }));
  if (selector === undefined) return all;
  const byName = all.filter((s) => s.analysis.node.name?.value === selector);
  if (byName.length === 1) return byName;
  // A name given twice (a duplicate-name error) picks no one scenario: its number does.
  if (byName.length > 1) {
    const numbers = byName.map((s) => String(s.index));
    throw new UsageError(
      `${byName.length} scenarios are called "${selector}" (${listed(numbers, 'and')}): give its number, ${listed(
        numbers.map((n) => `--scenario ${n}`),
        'or',
      )}`,
      'trace',
    );
  }
  if (/^\d+$/.test(selector)) {
    const n = Number(selector);
    const found = all[n - 1];
    if (found) return [found];
    throw new UsageError(
      `there is no scenario ${n}: the file has ${plural(all.length, 'scenario')}`,
      'trace',
    );
  }
  const names = all.map((s) => s.analysis.node.name?.value).filter((n): n is string => n !== undefined);
  throw new UsageError(
    `no scenario is called "${selector}"${names.length ? `; the scenarios are: ${names.map((n) => `"${n}"`).join(', ')}` : ''}`,
    'trace',
  );
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[], last: 'and' | 'or'): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
}

/**
 * The document's diagnostics that are in no scenario's own list: the parser's errors (a syntax
 * error, a number out of range, a scenario without its closing `}`) and a scenario name given
 * twice. The editor shows them from the document's list; a trace gives each to the scenario whose
 * text it starts in (the scenario `check` names for it), so that an error of the language there
 * is counted and shown with the scenario. One outside every scenario is no scenario's.
 */
export function documentDiagnosticsByScenario(analysis: DocumentAnalysis): {
  readonly byScenario: Map<ScenarioAnalysis, EngineDiagnostic[]>;
  /** Those that start in no scenario. */
  readonly outside: EngineDiagnostic[];
} {
  const own = new Set(analysis.scenarios.flatMap((s) => s.diagnostics));
  const byScenario = new Map<ScenarioAnalysis, EngineDiagnostic[]>();
  const outside: EngineDiagnostic[] = [];
  for (const d of analysis.diagnostics) {
    if (own.has(d)) continue;
    // A closed scenario ends after its `}`: what starts there (`}*`) is outside it, as it is once
    // formatted (`} *`). An unclosed one ends at the end of the text, where its "missing `}`" is.
    const scenario = analysis.scenarios.find(
      (s) =>
        d.range.start >= s.node.start &&
        (d.range.start < s.node.end || (d.range.start === s.node.end && !s.node.closed)),
    );
    if (scenario === undefined) {
      outside.push(d);
      continue;
    }
    const list = byScenario.get(scenario) ?? [];
    list.push(d);
    byScenario.set(scenario, list);
  }
  return { byScenario, outside };
}

/** A language error's place and words, as the trace lists it. */
function traceDiagnostic(d: EngineDiagnostic, lines: LineIndex): TraceDiagnostic {
  const p = lines.position(d.range.start);
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    line: p.line + 1,
    column: p.character + 1,
  };
}

function isLanguageError(d: EngineDiagnostic): boolean {
  return d.severity === 'error' && RULE_BY_CODE.get(d.code)?.family === 'language';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function traceScenario(
  scenario: ScenarioAnalysis,
  index: number,
  text: string,
  lines: LineIndex,
  options: TraceOptions = {},
  /** The document's diagnostics in this scenario that its run did not find (documentDiagnosticsByScenario). */
  documentDiagnostics: readonly EngineDiagnostic[] = [],
): ScenarioTrace {
  const { run } = scenario;
  const sim = run.simulation;
  const maps = options.maps ?? 'all';
  const shown = (list: readonly Vma[]) => list.map((v) => traceMapping(v, sim.pageSize));
  // Steps are listed in order: the timeline is walked once, each step's change read from its
  // log, not found by comparing two copies of the whole set (quadratic in a long trace).
  const walk = sim.space.walkTimeline();
  /** What step `index` lists, and the kernel's VMA count after it. */
  const listedMappings = (index: number): Pick<TraceStep, 'mappings' | 'removedMappings' | 'kernelVmas'> => {
    const change = walk.after(index);
    if (maps === 'none') return { mappings: [], kernelVmas: change.kernelVmas };
    if (maps === 'all') return { mappings: shown(sim.space.vmasAt(index)), kernelVmas: change.kernelVmas };
    // Mappings are immutable records, so a change is a new object. A new record that lists the
    // same as an old one (only a field the listing leaves out changed, such as the anon_vma a
    // first write fault attaches) is no change to show.
    const added = shown(change.added);
    const removed = shown(change.removed);
    // What the listing prints: the merge mark is not shown with --maps changed, so a mapping
    // whose only change is that mark is no change here.
    const key = (m: TraceMapping) => JSON.stringify({ ...m, mergedWithPrevious: undefined });
    const removedKeys = new Set(removed.map(key));
    const addedKeys = new Set(added.map(key));
    return {
      mappings: added.filter((m) => !removedKeys.has(key(m))),
      removedMappings: removed.filter((m) => !addedKeys.has(key(m))),
      kernelVmas: change.kernelVmas,
    };
  };
  // Each diagnostic with the step whose text it starts in (a search per diagnostic, not a scan
  // of every diagnostic per step); one on no step is the scenario's, unless an `expect` line's.
  const diagnosticsOf = new Map<number, TraceDiagnostic[]>();
  const onNoStep: TraceDiagnostic[] = [];
  let languageErrors = 0;
  for (const d of [...scenario.diagnostics, ...documentDiagnostics]) {
    if (isLanguageError(d)) languageErrors++;
    const shown = traceDiagnostic(d, lines);
    const record = stepStartingIn(sim.records, d.range.start);
    if (record !== undefined) {
      const list = diagnosticsOf.get(record.index) ?? [];
      list.push(shown);
      diagnosticsOf.set(record.index, list);
    } else {
      // Expectations are in text order and do not overlap: a search, not a scan per diagnostic.
      const last = lastStepStartingAtOrBefore(sim.expects, d.range.start);
      const on = last !== undefined && d.range.start < last.node.end ? last : undefined;
      // An expectation's own verdict is its ✓/✗ line; anything else on the line (a stale pointer
      // it read through) is listed with the step it is checked after.
      // Before the first step there is no step: below the scenario header, as a setting's.
      if (on === undefined) onNoStep.push(shown);
      else if (d.code !== 'expectation-failed') {
        if (on.afterStep < 0) onNoStep.push(shown);
        else {
          const list = diagnosticsOf.get(on.afterStep) ?? [];
          list.push(shown);
          diagnosticsOf.set(on.afterStep, list);
        }
      }
    }
  }
  const checkedAfter = expectationsByStep(sim.expects);
  const expectsAfter = new Map<number, TraceExpectation[]>();
  for (const [after, list] of checkedAfter)
    expectsAfter.set(
      after,
      list.map((e) => expectation(e, scenario, text, lines)),
    );
  const devicesAfter = run.vulkan.devicesCreatedAfter;
  const steps: TraceStep[] = sim.records.map((record) => {
    const at = lines.position(record.node.start);
    const diagnostics = diagnosticsOf.get(record.index) ?? [];
    return {
      step: record.index + 1,
      line: at.line + 1,
      column: at.character + 1,
      text: record.node.text,
      actor: record.actor,
      // The calls an expectation after the step made are listed with it, not as the step's.
      calls: ownCalls(sim, record.index, record.calls).map(traceCall),
      outcome: traceOutcome(record.outcome),
      // As the panel's timeline: a dontneed's dropped range, a free's lazily freed pages (no mapping line shows them).
      result: record.resultText.replace(/^→\s*/, '') + droppedPagesNote(run, record),
      failed: isFailedOutcome(record.outcome),
      diagnostics,
      expectations: expectsAfter.get(record.index) ?? [],
      ...(devicesAfter?.step === record.index && devicesAfter.calls.length > 0
        ? { deviceCreation: devicesAfter.calls.map(traceCall) }
        : {}),
      ...listedMappings(record.index),
    };
  });
  const stepCount = run.node.body.filter((s) => s.kind === 'step').length;
  const platform = sim.platform;
  return {
    index,
    name: scenario.node.name?.value ?? null,
    line: lines.position(scenario.node.start).line + 1,
    kernel: formatKernelVersion(platform.kernel.version),
    rulesKernel: formatKernelVersion(rulesKernel(platform.kernel.version)),
    arch: platform.kernel.arch,
    pageSize: sim.pageSize.toString(),
    window: { start: formatHex(platform.window.start), end: formatHex(platform.window.end) },
    wine: formatWineVersion(platform.wine),
    strategy: platform.strategy,
    diagnostics: onNoStep,
    languageErrors,
    expectationsBeforeSteps: expectsAfter.get(-1) ?? [],
    setupMappings: maps === 'none' ? [] : shown(sim.space.vmasAt(-1)),
    setupCalls: ownCalls(sim, -1, run.vulkan.setupCalls).map(traceCall),
    steps,
    truncated: steps.length < stepCount,
  };
}

/**
 * The most mappings a `--maps all` trace lists (every mapping after every step: steps ×
 * mappings lines). The listing is built whole before it is written: 2 million mappings took
 * 2.7 GB and 9 s as text (207 MB), 4.5 million ran out of heap, and a JSON string past 512 MB
 * cannot be made at all. Past the limit the trace is refused with the count and what to do
 * instead. About 100 bytes a mapping as text, twice that as JSON.
 */
export const MAX_LISTED_MAPPINGS = { text: 1_000_000, json: 1_000_000 };

/** What `--maps all` would list for these scenarios, counted without listing it. */
function listedByAll(selected: readonly { analysis: ScenarioAnalysis }[]): number {
  let total = 0;
  for (const { analysis } of selected) {
    const sim = analysis.run.simulation;
    const walk = sim.space.walkTimeline();
    total += sim.space.vmasAt(-1).length;
    for (const record of sim.records) total += walk.after(record.index).records;
  }
  return total;
}

export function buildTrace(path: string, text: string, options: TraceOptions = {}): Trace {
  const analysis = analyseDocument(text, options.analysis ?? {});
  const selected = selectScenarios(analysis.scenarios, options.scenario);
  if ((options.maps ?? 'all') === 'all') {
    const listed = listedByAll(selected);
    const limit = MAX_LISTED_MAPPINGS[options.format ?? 'text'];
    if (listed > limit)
      throw new InputError(
        `the trace would list ${listed.toLocaleString('en-US')} mappings (every mapping after every step; at most ${limit.toLocaleString('en-US')}): use --maps changed (what each step changed) or --maps none, or --scenario N for one scenario`,
      );
  }
  const { byScenario, outside } = documentDiagnosticsByScenario(analysis);
  return {
    path,
    scenarios: selected.map((s) =>
      traceScenario(s.analysis, s.index, text, analysis.lines, options, byScenario.get(s.analysis)),
    ),
    // With --scenario the one traced is whole whatever lies outside it.
    outsideScenarios:
      options.scenario === undefined
        ? outside.filter(isLanguageError).map((d) => traceDiagnostic(d, analysis.lines))
        : [],
  };
}

export function runTrace(command: TraceCommand, io: CliIo): number {
  const path = displayPath(io.cwd, command.file);
  let text: string;
  try {
    text = command.file === '-' ? io.readStdin() : readInputText(resolve(io.cwd, command.file));
  } catch (error) {
    io.error(printable(`drvmap: cannot read ${path}: ${describeReadError(error)}\n`));
    return 2;
  }
  let trace: Trace;
  try {
    trace = buildTrace(path, text, {
      scenario: command.scenario,
      maps: command.maps,
      format: command.format,
      analysis: analysisOptions(command),
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.error(printable(`drvmap: ${path}: ${error.message}\n`));
    return 2;
  }
  const traced = trace.scenarios.length > 0;
  // JSON is a document whatever was traced: with no scenario it still has `scenarios: []` and
  // the `outsideScenarios` that may explain why (a mistyped `scenaro "b" {`). Text has nothing
  // to print then: what there is to say goes to standard error.
  if (traced || command.format === 'json') {
    const out =
      command.format === 'json'
        ? formatTraceJson(trace)
        : folded(
            formatTraceText(trace, {
              color: io.useColor(command.color, command.output !== undefined),
              maps: command.maps,
            }),
            command.width,
          );
    io.emit(out, command.output, [
      { path: command.file === '-' ? '-' : resolve(io.cwd, command.file), shown: path },
    ]);
  }
  // Traced, but not as the file says: a setting or step drvmap could not read (`kernel v5.10` is
  // traced under the default kernel). The errors are in the trace; this says so on every format.
  const unread = trace.scenarios.filter((s) => s.languageErrors > 0);
  const check = checkCommandFor(command.file, path);
  for (const s of unread)
    io.error(
      printable(
        `drvmap: ${path}: scenario ${s.index}${s.name !== null ? ` "${s.name}"` : ''} has ${s.languageErrors} language error${s.languageErrors === 1 ? '' : 's'}: it was traced, but not as written (${check} lists them)\n`,
      ),
    );
  for (const d of trace.outsideScenarios)
    io.error(
      printable(
        `drvmap: ${path}:${d.line}:${d.column}: ${d.severity} [${d.code}] ${d.message} (outside every scenario: a scenario may be missing from the trace)\n`,
      ),
    );
  // Nothing traced is no trace (exit 2, before 1), even when the errors above say why.
  if (!traced) {
    const hiding = trace.outsideScenarios.length;
    const why = hiding === 0 ? '' : ` (the error${hiding === 1 ? '' : 's'} above may have hidden one)`;
    io.error(printable(`drvmap: ${path} has no scenario${why}\n`));
    return 2;
  }
  return unread.length > 0 || trace.outsideScenarios.length > 0 ? 1 : 0;
}
