// The other half of "Run on This Kernel": what the harness reported for a scenario's program
// (syscall-program.ts), compared step by step with what the simulation did. Pure; the harness's
// JSON comes from outside and is checked here.
//
// What is compared: the outcome (success, which errno, which signal) of every step, and for
// addresses what the caller can rely on — a fixed address is that address, a hint is taken or
// not, an mremap stays in place or moves. Where the kernel puts a NULL-hint mapping is not: the
// harness runs the program in an arena of its own, the simulator in the scenario's layout.
import type { Outcome } from '../sim/records';
import { formatHex } from '../numbers';
import type { HarnessAddr, PlannedStep, SyscallProgram } from './syscall-program';

/** One step of the harness's JSON output (harness.c, `run_step`). */
export interface HarnessStepOutput {
  readonly op: string;
  readonly ok: boolean;
  readonly v?: number;
  readonly rel?: boolean;
  readonly errno?: string;
  readonly signal?: 'SIGSEGV' | 'SIGBUS';
  readonly bytes?: readonly (readonly [number, number])[];
}

/** One program's line of harness output. */
export interface HarnessOutput {
  readonly arenaBase: number;
  readonly steps: readonly HarnessStepOutput[];
  readonly crash?: number;
}

export type StepStatus = 'agree' | 'differ' | 'not-run';

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
    steps.push({
      op: x['op'],
      ok: x['ok'],
      ...(typeof x['v'] === 'number' ? { v: x['v'] } : {}),
      ...(typeof x['rel'] === 'boolean' ? { rel: x['rel'] } : {}),
      ...(typeof x['errno'] === 'string' ? { errno: x['errno'] } : {}),
      ...(x['signal'] === 'SIGSEGV' || x['signal'] === 'SIGBUS' ? { signal: x['signal'] } : {}),
      ...(Array.isArray(x['bytes']) ? { bytes: x['bytes'] as [number, number][] } : {}),
    });
  }
  return {
    arenaBase: r['arenaBase'],
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

type Side =
  | { readonly kind: 'ok'; readonly value: bigint | undefined }
  | { readonly kind: 'errno'; readonly errno: string }
  | { readonly kind: 'signal'; readonly signal: string };

function kernelSide(out: HarnessStepOutput, arenaBase: bigint): Side {
  if (out.signal) return { kind: 'signal', signal: out.signal };
  if (!out.ok) return { kind: 'errno', errno: out.errno ?? 'EUNKNOWN' };
  if (out.v === undefined) return { kind: 'ok', value: undefined };
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

function describe(side: Side, bytes?: HarnessStepOutput['bytes']): string {
  switch (side.kind) {
    case 'ok': {
      const read = bytes
        ? ` (read ${bytes.map(([b, n]) => `${n}×0x${b.toString(16).padStart(2, '0')}`).join(', ')})`
        : '';
      return side.value === undefined ? `ok${read}` : `→ ${formatHex(side.value)}`;
    }
    case 'errno':
      return `fails with ${side.errno}`;
    case 'signal':
      return side.signal;
  }
}

/** The absolute address an operand stands for on one side, given that side's earlier results. */
function resolve(
  a: HarnessAddr,
  arenaBase: bigint,
  results: readonly (bigint | undefined)[],
): bigint | undefined {
  if (a === null) return 0n;
  if (typeof a === 'number') return arenaBase + BigInt(a);
  const base = results[a.ref];
  return base === undefined ? undefined : base + BigInt(a.plus ?? 0);
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
  program.steps.forEach((planned, i) => {
    const out = output.steps[i];
    const sim = simSide(planned.simulated);
    if (!out || !sim) {
      kernelResults.push(undefined);
      simResults.push(undefined);
      compared.set(planned.stepIndex, {
        ...where(planned),
        status: 'not-run',
        kernel: out ? describe(kernelSide(out, arenaBase), out.bytes) : '—',
        simulation: sim ? describe(sim) : '—',
        detail: output.crash !== undefined ? `the harness child died (signal ${output.crash})` : 'no result',
      });
      return;
    }
    const kernel = kernelSide(out, arenaBase);
    kernelResults.push(kernel.kind === 'ok' ? (kernel.value ?? 0n) : 0n);
    simResults.push(sim.kind === 'ok' ? (sim.value ?? 0n) : 0n);
    const detail = differs(planned, kernel, sim, arenaBase, kernelResults, simResults);
    compared.set(planned.stepIndex, {
      ...where(planned),
      status: detail === undefined ? 'agree' : 'differ',
      kernel: describe(kernel, out.bytes),
      simulation: describe(sim),
      detail: detail ?? agreement(planned, kernel),
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

function where(p: PlannedStep): Pick<StepComparison, 'stepIndex' | 'start' | 'end' | 'text'> {
  return { stepIndex: p.stepIndex, start: p.start, end: p.end, text: p.text };
}

function agreement(planned: PlannedStep, kernel: Side): string {
  if (kernel.kind !== 'ok') return 'both fail the same way';
  if (planned.check === 'placement')
    return 'both succeed; the address the kernel picked is not compared (the harness runs in an arena of its own)';
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
