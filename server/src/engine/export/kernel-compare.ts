// The other half of "Run on This Kernel": what the harness reported for a scenario's program
// (syscall-program.ts), compared step by step with what the simulation did. Pure; the harness's
// JSON comes from outside and is checked here.
//
// What is compared: the outcome (success, which errno, which signal) of every step, the bytes
// every read returns, the mappings over the ranges a step changed (kernel-maps.ts), and for
// addresses what the caller can rely on — a fixed address is that address, a hint is taken or
// not, an mremap stays in place or moves. Where the kernel puts a NULL-hint mapping is not: the
// harness runs the program in an arena of its own, the simulator in the scenario's layout.
//
// A difference the two layouts explain (layout-cause.ts: a range that reaches above the harness's
// arena, an absolute number naming a mapping each side placed elsewhere) is `not-comparable`, not
// the kernel's: the harness's fillers and libraries are not what the scenario's process has there.
import type { Outcome } from '../sim/records';
import { formatHex } from '../numbers';
import type { ByteRuns, HarnessAddr, PlannedStep, SyscallProgram } from './syscall-program';
import { kernelMapLines, rangeMapsDiffer, type HarnessMapLine } from './kernel-maps';
import { HARNESS_ARENA_SIZE, layoutCause, placedElsewhere, resolveAddress as resolve } from './layout-cause';

/** One step of the harness's JSON output (harness.c, `run_step`). */
export interface HarnessStepOutput {
  readonly op: string;
  readonly ok: boolean;
  readonly v?: number;
  readonly rel?: boolean;
  readonly errno?: string;
  readonly signal?: 'SIGSEGV' | 'SIGBUS';
  readonly bytes?: ByteRuns;
  /** The maps after the step (the harness's `all` mode): every line, arena-relative. */
  readonly maps?: readonly HarnessMapLine[];
  /**
   * `harness`: the step would have reached the harness's own memory (its code, data or stack), so
   * the harness did not run it and stopped the program there (harness.c, `step_reaches_harness`).
   * `length`: a read or write over the harness's 64 MiB; its errno is the harness's, not the kernel's.
   */
  readonly refused?: 'harness' | 'length';
}

/** One program's line of harness output. */
export interface HarnessOutput {
  readonly arenaBase: number;
  /** ARENA_SIZE (harness.c prints it). */
  readonly arenaSize?: number;
  readonly steps: readonly HarnessStepOutput[];
  /** The program's child died (its signal, or minus its exit status); `steps` are those it finished. */
  readonly crash?: number;
}

/** `not-comparable`: both ran, but the harness's layout, not the kernel's rules, decides the step. */
export type StepStatus = 'agree' | 'differ' | 'not-run' | 'not-comparable';

/** The detail of the step the harness refused (harness.c `step_reaches_harness`). */
export const HARNESS_REFUSED_DETAIL =
  "not run: it reaches the harness's own memory (its code, data or stack), which no step may change or read; the program stopped here";

/** The detail of a read or write the harness refused as too long (harness.c MAX_READ). */
export const HARNESS_TOO_LONG_DETAIL = 'not run: the harness reads and writes at most 64 MiB at a time';

export interface StepComparison {
  readonly stepIndex: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly status: StepStatus;
  readonly kernel: string;
  readonly simulation: string;
  readonly detail: string;
}

/** Checks that a value parsed from JSON has the harness output's shape. */
export function parseHarnessOutput(raw: unknown): HarnessOutput | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r['arenaBase'] !== 'number' || !Array.isArray(r['steps'])) return undefined;
  const steps: HarnessStepOutput[] = [];
  for (const s of r['steps'] as unknown[]) {
    if (!s || typeof s !== 'object') return undefined;
    const x = s as Record<string, unknown>;
    if (typeof x['op'] !== 'string' || typeof x['ok'] !== 'boolean') return undefined;
    // The harness's own output, but read as untrusted: a malformed entry is a malformed run.
    if (x['v'] !== undefined && (typeof x['v'] !== 'number' || !Number.isFinite(x['v']))) return undefined;
    if (x['bytes'] !== undefined && !isByteRuns(x['bytes'])) return undefined;
    if (x['maps'] !== undefined && !isMapLines(x['maps'])) return undefined;
    steps.push({
      op: x['op'],
      ok: x['ok'],
      ...(typeof x['v'] === 'number' ? { v: x['v'] } : {}),
      ...(typeof x['rel'] === 'boolean' ? { rel: x['rel'] } : {}),
      ...(typeof x['errno'] === 'string' ? { errno: x['errno'] } : {}),
      ...(x['signal'] === 'SIGSEGV' || x['signal'] === 'SIGBUS' ? { signal: x['signal'] } : {}),
      ...(Array.isArray(x['bytes']) ? { bytes: x['bytes'] as [number, number][] } : {}),
      ...(Array.isArray(x['maps']) ? { maps: x['maps'] as HarnessMapLine[] } : {}),
      ...(x['refused'] === 'harness' || x['refused'] === 'length' ? { refused: x['refused'] } : {}),
    });
  }
  return {
    arenaBase: r['arenaBase'],
    ...(typeof r['arenaSize'] === 'number' && Number.isSafeInteger(r['arenaSize']) && r['arenaSize'] > 0
      ? { arenaSize: r['arenaSize'] }
      : {}),
    steps,
    ...(typeof r['crash'] === 'number' ? { crash: r['crash'] } : {}),
  };
}

/** `[[byte, count], …]`: what a read saw, as the harness prints it. */
function isByteRuns(value: unknown): value is [number, number][] {
  return (
    Array.isArray(value) &&
    value.every(
      (run) =>
        Array.isArray(run) &&
        run.length === 2 &&
        Number.isInteger(run[0]) &&
        run[0] >= 0 &&
        run[0] <= 255 &&
        Number.isInteger(run[1]) &&
        run[1] >= 0,
    )
  );
}

/** `[[start, end, perms, offset, name], …]`: /proc/self/maps lines, as the harness prints them. */
function isMapLines(value: unknown): value is HarnessMapLine[] {
  return (
    Array.isArray(value) &&
    value.every(
      (line) =>
        Array.isArray(line) &&
        line.length === 5 &&
        Number.isSafeInteger(line[0]) &&
        Number.isSafeInteger(line[1]) &&
        typeof line[2] === 'string' &&
        /^[r-][w-][x-][ps]$/.test(line[2]) &&
        Number.isSafeInteger(line[3]) &&
        line[3] >= 0 &&
        typeof line[4] === 'string',
    )
  );
}

type Side =
  | { readonly kind: 'ok'; readonly value: bigint | undefined }
  | { readonly kind: 'errno'; readonly errno: string }
  | { readonly kind: 'signal'; readonly signal: string };

function kernelSide(out: HarnessStepOutput, arenaBase: bigint, planned: PlannedStep): Side {
  if (out.signal) return { kind: 'signal', signal: out.signal };
  if (!out.ok) return { kind: 'errno', errno: out.errno ?? 'EUNKNOWN' };
  // munmap's 0, a memfd's fd reference: not addresses, and the simulation shows `ok` for them.
  if (out.v === undefined || planned.check === 'outcome') return { kind: 'ok', value: undefined };
  return { kind: 'ok', value: (out.rel ? arenaBase : 0n) + BigInt(Math.trunc(out.v)) };
}

function simSide(outcome: Outcome): Side | undefined {
  switch (outcome.kind) {
    case 'address':
      return { kind: 'ok', value: outcome.value };
    case 'ok':
    case 'data':
      return { kind: 'ok', value: undefined };
    case 'errno':
      return { kind: 'errno', errno: outcome.errno };
    case 'fault':
      return { kind: 'signal', signal: outcome.signal };
    default:
      return undefined;
  }
}

function describe(side: Side, bytes?: ByteRuns): string {
  switch (side.kind) {
    case 'ok': {
      const read = bytes ? ` (read ${bytesText(bytes)})` : '';
      return side.value === undefined ? `ok${read}` : `→ ${formatHex(side.value)}`;
    }
    case 'errno':
      return `fails with ${side.errno}`;
    case 'signal':
      return side.signal;
  }
}

/** `4096×0x00`, `1×0xab, 4095×0x00`. */
function bytesText(bytes: ByteRuns): string {
  return bytes.length === 0
    ? 'nothing'
    : bytes.map(([b, n]) => `${n}×0x${b.toString(16).padStart(2, '0')}`).join(', ');
}

/** Runs with neighbours of the same byte merged and empty runs dropped (the harness never splits one). */
function normalised(bytes: ByteRuns): ByteRuns {
  const out: [number, number][] = [];
  for (const [b, n] of bytes) {
    const last = out[out.length - 1];
    if (n === 0) continue;
    if (last && last[0] === b) last[1] += n;
    else out.push([b, n]);
  }
  return out;
}

/**
 * A read whose outcome agreed but whose bytes did not (docs/fidelity.md: the same bytes for
 * every read) — DONTUNMAP's emptied range reading zeros is the usual question.
 */
function bytesDiffer(planned: PlannedStep, out: HarnessStepOutput): string | undefined {
  if (planned.step.op !== 'read' || !planned.readBytes || !out.bytes) return undefined;
  const kernel = normalised(out.bytes);
  const sim = normalised(planned.readBytes);
  const same =
    kernel.length === sim.length && kernel.every(([b, n], i) => sim[i]![0] === b && sim[i]![1] === n);
  return same
    ? undefined
    : `the kernel's read returns ${bytesText(kernel)}, the simulation's ${bytesText(sim)}`;
}

/** The ranges a step changed, whose mappings are compared after it (`result`: what it returned). */
function rangesOf(step: PlannedStep['step']): { what: string; at: HarnessAddr | 'result'; length: number }[] {
  switch (step.op) {
    case 'mmap':
      return [{ what: 'the new mapping', at: 'result', length: step.length }];
    case 'mremap':
      return [
        { what: 'the new range', at: 'result', length: step.newSize },
        { what: 'the old range', at: step.old, length: step.oldSize },
      ];
    case 'munmap':
    case 'mprotect':
    case 'madvise':
    case 'mseal':
      return [{ what: 'the range', at: step.addr, length: step.length }];
    default:
      return [];
  }
}

/**
 * After a step both sides did, how /proc/self/maps differs over the ranges it changed (each
 * side's own addresses: the arenas differ), or undefined. Needs the maps the harness prints in
 * its `all` mode.
 */
function mapsDiffer(
  program: SyscallProgram,
  planned: PlannedStep,
  out: HarnessStepOutput,
  arenaBase: bigint,
  kernelValue: bigint | undefined,
  simValue: bigint | undefined,
  kernelResults: readonly (bigint | undefined)[],
  simResults: readonly (bigint | undefined)[],
): string | undefined {
  if (!out.maps) return undefined;
  const ranges = rangesOf(planned.step).filter((r) => r.length > 0);
  if (ranges.length === 0) return undefined;
  const simLines = program.simulatedMapsAfter(planned.stepIndex);
  if (!simLines) return undefined;
  const kernelLines = kernelMapLines(out.maps, arenaBase);
  for (const range of ranges) {
    const kStart = range.at === 'result' ? kernelValue : resolve(range.at, arenaBase, kernelResults);
    const sStart = range.at === 'result' ? simValue : resolve(range.at, arenaBase, simResults);
    if (kStart === undefined || sStart === undefined) continue;
    const differ = rangeMapsDiffer(
      { lines: kernelLines, start: kStart },
      { lines: simLines, start: sStart },
      BigInt(range.length),
    );
    if (differ) return `after the step, ${range.what} maps differently: ${differ}`;
  }
  return undefined;
}

/**
 * Compares the harness's output with the simulation, step by step. Steps after the program's end
 * (or after the harness stopped) are `not-run`, with the reason.
 */
export function compareKernelRun(
  program: SyscallProgram,
  output: HarnessOutput,
  allSteps: readonly {
    readonly stepIndex: number;
    readonly start: number;
    readonly end: number;
    readonly text: string;
  }[],
): StepComparison[] {
  const arenaBase = BigInt(Math.trunc(output.arenaBase));
  const kernelResults: (bigint | undefined)[] = [];
  const simResults: (bigint | undefined)[] = [];
  const compared = new Map<number, StepComparison>();
  const arenaTop =
    arenaBase + (output.arenaSize === undefined ? HARNESS_ARENA_SIZE : BigInt(output.arenaSize));
  const layout = { arenaBase, arenaTop, program: program.steps, kernelResults, simResults };
  /** The scenario step the harness refused to run (it would reach the harness's own memory). */
  let refusedAt: number | undefined;
  /** The scenario step where the program's child died. */
  let diedAt: number | undefined;
  /** The first step the layouts decided: later differences may follow from it. */
  let layoutAt: number | undefined;
  program.steps.forEach((planned, i) => {
    const out = output.steps[i];
    const sim = simSide(planned.simulated);
    if (out?.refused === 'harness' || refusedAt !== undefined) {
      refusedAt ??= planned.stepIndex;
      // Often an address the scenario's trace showed for one of its own mappings: say so.
      const elsewhere = refusedAt === planned.stepIndex ? placedElsewhere(i, layout) : undefined;
      kernelResults.push(undefined);
      simResults.push(undefined);
      compared.set(planned.stepIndex, {
        ...where(planned),
        status: 'not-run',
        kernel: '—',
        simulation: sim ? describe(sim, planned.readBytes) : '—',
        detail:
          refusedAt === planned.stepIndex
            ? HARNESS_REFUSED_DETAIL + (elsewhere ? `; ${elsewhere}` : '')
            : `not run: the program stopped at step ${refusedAt + 1}`,
      });
      return;
    }
    if (out?.refused === 'length' || !out || !sim) {
      // A read or write: no step refers to its result.
      kernelResults.push(undefined);
      simResults.push(undefined);
      if (!out && output.crash !== undefined) diedAt ??= planned.stepIndex;
      compared.set(planned.stepIndex, {
        ...where(planned),
        status: 'not-run',
        kernel: out && !out.refused ? describe(kernelSide(out, arenaBase, planned), out.bytes) : '—',
        simulation: sim ? describe(sim, planned.readBytes) : '—',
        detail: out?.refused
          ? HARNESS_TOO_LONG_DETAIL
          : diedAt === planned.stepIndex
            ? `not run to the end: the harness child died (${crashText(output.crash!)}) in this step`
            : diedAt !== undefined
              ? `not run: the harness child died at step ${diedAt + 1}`
              : 'no result',
      });
      return;
    }
    const kernel = kernelSide(out, arenaBase, planned);
    kernelResults.push(kernel.kind === 'ok' ? (kernel.value ?? 0n) : 0n);
    simResults.push(sim.kind === 'ok' ? (sim.value ?? 0n) : 0n);
    const detail =
      differs(planned, kernel, sim, arenaBase, kernelResults, simResults) ??
      bytesDiffer(planned, out) ??
      (kernel.kind === 'ok' && sim.kind === 'ok'
        ? mapsDiffer(program, planned, out, arenaBase, kernel.value, sim.value, kernelResults, simResults)
        : undefined);
    const cause = detail === undefined ? undefined : layoutCause(i, layout);
    if (cause !== undefined) layoutAt ??= planned.stepIndex;
    const notComparable =
      cause !== undefined
        ? `not comparable: ${cause} (${detail})`
        : detail !== undefined && layoutAt !== undefined
          ? `not comparable: it may follow from step ${layoutAt + 1}, which the harness's layout decided (${detail})`
          : undefined;
    compared.set(planned.stepIndex, {
      ...where(planned),
      status: notComparable ? 'not-comparable' : detail === undefined ? 'agree' : 'differ',
      kernel: describe(kernel, out.bytes),
      simulation: describe(sim, planned.readBytes),
      detail: notComparable ?? detail ?? agreement(planned, kernel, out),
    });
  });
  const stop = program.stoppedAt;
  return allSteps.map(
    (s) =>
      compared.get(s.stepIndex) ?? {
        ...s,
        status: 'not-run',
        kernel: '—',
        simulation: '—',
        detail:
          stop && s.stepIndex >= stop.stepIndex
            ? s.stepIndex === stop.stepIndex
              ? stop.reason
              : `not run: the program stopped at step ${stop.stepIndex + 1}`
            : 'not run',
      },
  );
}

/** A child's end as harness.c reports it: a signal number, or minus an exit status. */
function crashText(crash: number): string {
  return crash >= 0 ? `signal ${crash}` : `exit status ${-crash}`;
}

function where(p: PlannedStep): Pick<StepComparison, 'stepIndex' | 'start' | 'end' | 'text'> {
  return { stepIndex: p.stepIndex, start: p.start, end: p.end, text: p.text };
}

function agreement(planned: PlannedStep, kernel: Side, out: HarnessStepOutput): string {
  if (kernel.kind !== 'ok') return 'both fail the same way';
  const maps = out.maps && rangesOf(planned.step).some((r) => r.length > 0);
  if (maps)
    return planned.check === 'placement'
      ? 'both succeed and map the same; where the kernel put it is not compared (the harness runs in an arena of its own)'
      : 'both succeed and map the same';
  if (planned.check === 'placement')
    return 'both succeed; the address the kernel picked is not compared (the harness runs in an arena of its own)';
  if (planned.step.op === 'read')
    return planned.readBytes
      ? 'both succeed and read the same bytes'
      : 'both succeed; the bytes are not compared (the simulation read data the kernel run has no byte for)';
  return 'both succeed';
}

/** Why the two sides differ, or undefined when they agree. */
function differs(
  planned: PlannedStep,
  kernel: Side,
  sim: Side,
  arenaBase: bigint,
  kernelResults: readonly (bigint | undefined)[],
  simResults: readonly (bigint | undefined)[],
): string | undefined {
  if (kernel.kind !== sim.kind) return `the kernel ${describe(kernel)}, the simulation ${describe(sim)}`;
  if (kernel.kind === 'errno' && sim.kind === 'errno')
    return kernel.errno === sim.errno
      ? undefined
      : `the kernel fails with ${kernel.errno}, the simulation with ${sim.errno}`;
  if (kernel.kind === 'signal' && sim.kind === 'signal')
    return kernel.signal === sim.signal
      ? undefined
      : `the kernel raises ${kernel.signal}, the simulation ${sim.signal}`;
  if (kernel.kind !== 'ok' || sim.kind !== 'ok' || planned.check === 'outcome') return undefined;
  // Earlier results only: the anchor never refers to this step.
  const kAnchor = resolve(planned.anchor, arenaBase, kernelResults);
  const sAnchor = resolve(planned.anchor, arenaBase, simResults);
  if (kAnchor === undefined || sAnchor === undefined || kernel.value === undefined || sim.value === undefined)
    return undefined;
  const kAt = kernel.value === kAnchor;
  const sAt = sim.value === sAnchor;
  switch (planned.check) {
    case 'fixed':
      return kAt && sAt
        ? undefined
        : `asked for ${formatHex(sAnchor)}: the kernel returned ${formatHex(kernel.value)}, the simulation ${formatHex(sim.value)}`;
    case 'remap':
      return kAt === sAt
        ? undefined
        : `the kernel ${kAt ? 'resizes in place' : 'moves the mapping'}, the simulation ${sAt ? 'resizes in place' : 'moves it'}`;
    case 'placement':
      return planned.anchor === null || kAt === sAt
        ? undefined
        : `the kernel ${kAt ? 'takes' : 'ignores'} the hint, the simulation ${sAt ? 'takes' : 'ignores'} it`;
  }
}
