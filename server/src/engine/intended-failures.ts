// A step whose failure an `expect NAME == FAILURE` line names, and that failed exactly so, failed
// on purpose: the scenario documents the refusal (a VK_ERROR_…, a GL error, an errno). The
// diagnostics that explain that failure (a refused syscall the layer made, the GL rule broken)
// are then shown as information, "(expected) …", as for `expect diagnostic`: the explanation stays
// in view and `drvmap check` passes. A raw syscall's own refusal says nothing the expectation does
// not, so kernel-refused leaves it out altogether.
import type { EngineDiagnostic } from './diagnostics';
import { diagnosticsByStep } from './diagnostics-by-step';
import type { ScenarioRun } from './sim/run';
import type { TextRange } from './syntax/text-range';
import type { ExpectForm, ExpectNode } from './syntax/ast';
import { isFailedOutcome, outcomeName } from './sim/outcome';

/** The codes that report a step's failure itself (not a hazard the failure leaves behind). */
const FAILURE_CODES: ReadonlySet<string> = new Set([
  'kernel-refused',
  'gl-error',
  'access-fault',
  // What makes an expected fault happen: a pointer used after its mapping ended or moved, or
  // held truncated by 32-bit code.
  'use-after-free',
  'stale-pointer',
  'pointer-outside-window',
  // Why a vkMapMemory fails: a BO that cannot be placed (H4), or Wine's direct map without the
  // extensions returning a pointer above 4 GiB (vulkan-wine §3.3 step 5).
  'placed-map-failed',
  'placed-unsupported',
  'host-import-unsupported',
  // Why Wine's own part of a call fails: no room in the 32-bit window (a host import at
  // vkAllocateMemory, a placed map's reservation).
  'window-exhausted',
  // Why a GL call with GL_MESA_map_buffer_client_pointer fails: no room in the registered ranges
  // (GL_OUT_OF_MEMORY), a range released while a buffer is mapped in it (GL_INVALID_OPERATION).
  'gl-client-range-too-small',
  'gl-client-range-busy',
]);

/** Indexes of the steps that failed as an expectation says they would. */
export function intendedFailures(run: ScenarioRun): Set<number> {
  const out = new Set<number>();
  const { expects, symbols, records } = run.simulation;
  const note = (expectation: ExpectForm) => {
    const x = outcomeExpectation(expectation);
    if (!x) return;
    const step = symbols.get(x.name)?.stepIndex;
    const record = step === undefined ? undefined : records[step];
    if (!record || !isFailedOutcome(record.outcome)) return;
    if (outcomeName(record.outcome) === x.outcome) out.add(record.index);
  };
  for (const e of expects) note(e.node.expectation);
  for (const expectation of unreachedExpectations(run)) note(expectation);
  return out;
}

/**
 * The expectations of a run cut short (RunOptions.maxSteps: a quick fix's verification, an
 * exploration prefix) that come after its last step, so were never checked. Whether `expect NAME
 * == FAILURE` holds is decided by the record of NAME's step alone, which a name's first binding
 * fixes and no later step changes: read from the scenario's text, such a line past the cut
 * excuses the failure of a step within it as the whole run would, and the cut run's diagnostics
 * for its steps stay those of the whole run. Empty for a run that ran every step.
 */
function unreachedExpectations(run: ScenarioRun): ExpectForm[] {
  const { body } = run.node;
  const last = run.simulation.records[run.simulation.records.length - 1]?.node.start ?? -1;
  // Backwards to the last step run: in a whole run that is the last step, a few statements.
  const after: ExpectNode[] = [];
  let firstNotRun = Number.POSITIVE_INFINITY;
  for (let i = body.length - 1; i >= 0; i--) {
    const statement = body[i]!;
    if (statement.kind === 'step') {
      if (statement.start <= last) break;
      firstNotRun = statement.start;
    } else if (statement.kind === 'expect') after.push(statement);
  }
  // Those between the last step run and the first not run were checked (run.ts stops at a step).
  return after.filter((e) => e.start > firstNotRun).map((e) => e.expectation);
}

/** `expect NAME == WORD`, the form that can name the failure of the step that bound NAME. */
function outcomeExpectation(x: ExpectForm): { readonly name: string; readonly outcome: string } | undefined {
  if (x.form !== 'value' || x.op !== '==' || x.subject?.kind !== 'name' || x.value?.kind !== 'name')
    return undefined;
  return { name: x.subject.name, outcome: x.value.name };
}

/**
 * Whether an expect line can make a diagnostic on a step above it expected: `expect NAME ==
 * FAILURE` (the step that bound NAME, however far up: intendedFailures) and `expect diagnostic
 * CODE` (the step just above, or an expect line between it and this one: expected-diagnostics.ts).
 * A read's expected fault excuses only the read's own line (intendedFaultReads), so it never
 * changes what an earlier step reports.
 */
export function canExcuseEarlierStep(expectation: ExpectForm): boolean {
  return expectation.form === 'diagnostic' || outcomeExpectation(expectation) !== undefined;
}

/**
 * `diagnostics`, those explaining a failure the scenario expects shown as expected (info): the
 * analysis's, and exploration's lighter ones (explore.ts scenarioDiagnostics), so that a verdict
 * and `drvmap check` agree.
 */
export function withIntendedFailures<
  D extends Pick<EngineDiagnostic, 'code' | 'severity' | 'range' | 'message'>,
>(run: ScenarioRun, diagnostics: readonly D[]): readonly D[] {
  const intended = intendedFailures(run);
  const faultsRead = intendedFaultReads(run);
  if (intended.size === 0 && faultsRead.length === 0) return diagnostics; // the caller copies what it changes
  const out = [...diagnostics];
  const markExpected = (i: number) => {
    const d = out[i]!;
    if (FAILURE_CODES.has(d.code))
      out[i] = { ...d, severity: 'info', message: `(expected) ${d.message}`, intended: true } as D;
  };
  if (intended.size > 0) {
    const byStep = diagnosticsByStep(run.simulation.records, diagnostics);
    for (const step of intended) for (const i of byStep.get(step) ?? []) markExpected(i);
  }
  // An `expect ACTOR reads P, N == SIGSEGV` that held: the read's own diagnostics (a stale or
  // freed pointer) explain the fault it asserts, as for a step whose fault an expectation names.
  for (const range of faultsRead)
    out.forEach((d, i) => {
      if (d.range.start >= range.start && d.range.end <= range.end) markExpected(i);
    });
  return out;
}

/** The `expect … reads … == SIGSEGV|SIGBUS` lines that held: the read faulted as they say. */
function intendedFaultReads(run: ScenarioRun): TextRange[] {
  const out: TextRange[] = [];
  for (const e of run.simulation.expects) {
    const x = e.node.expectation;
    if (x.form !== 'read' || x.op !== '==' || e.passed !== true || x.value?.kind !== 'name') continue;
    if (x.value.name === 'SIGSEGV' || x.value.name === 'SIGBUS') out.push(e.node);
  }
  return out;
}
