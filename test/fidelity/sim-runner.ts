// Runs syscall programs on the simulator, producing the same RunResult shape as the kernel runner.
// The arena sits at SIM_ARENA_BASE (1 GiB aligned, like the harness's), and the simulator's
// mmapBase is the arena top: the harness fills every gap between its arena top and the kernel's
// mmap_base, so top-down placement starts at the arena top on both sides (docs/fidelity.md).
import { release } from 'node:os';
import { AddressSpace } from '../../server/src/engine/kernel/address-space';
import { defaultKernelConfig, parseKernelVersion } from '../../server/src/engine/kernel/config';
import { readFaultPreparesAnonVma } from './kernel-quirks';
import type {
  AccessResult,
  KernelConfig,
  KernelVersion,
  SyscallResult,
  Vma,
} from '../../server/src/engine/kernel/types';
import { simulatedMapLines } from '../../server/src/engine/export/kernel-maps';
import type { Addr, MapLine, Outcome, Program, Rle, RunResult, Step, StepResult } from './program';
import { ARENA_SIZE, MAX_ACCESS, PAGE, SIM_ARENA_BASE, rleNormalise } from './program';

const BASE = Number(SIM_ARENA_BASE);
const TOP = BASE + ARENA_SIZE;

/** The running kernel's version, from `os.release()` ("6.18.44-..." → 6.18). */
export function runningKernelVersion(): KernelVersion {
  return parseKernelVersion(release()) ?? { major: 6, minor: 18 };
}

/**
 * The model of the process the harness runs natively, on this kernel: its own privileges decide
 * whether a map below vm.mmap_min_addr is EPERM (facts 1.1 row 12; root has CAP_SYS_RAWIO), and
 * the kernel's read faults whether a never-written VMA has an anon_vma (kernel-quirks.ts).
 */
export function simConfig(version: KernelVersion = runningKernelVersion()): KernelConfig {
  return {
    ...defaultKernelConfig(version),
    mmapBase: SIM_ARENA_BASE + BigInt(ARENA_SIZE),
    capSysRawio: process.geteuid?.() === 0,
    readFaultPreparesAnonVma: readFaultPreparesAnonVma(),
  };
}

const u64 = (x: number): bigint => BigInt.asUintN(64, BigInt(Math.trunc(x)));

function valueOutcome(v: bigint): Outcome {
  const n = Number(BigInt.asIntN(64, v));
  if (n >= BASE && n < TOP) return { kind: 'ok', value: n - BASE, rel: true };
  return { kind: 'ok', value: n, rel: false };
}

/**
 * The arena's VMAs as /proc/PID/maps lines, arena-relative: the product's own listing
 * (export/kernel-maps.ts simulatedMapLines, what `drvmap export`'s program compares), so this
 * differential test checks that text too.
 */
export function simMaps(vmas: readonly Vma[], pageSize = PAGE): MapLine[] {
  const out: MapLine[] = [];
  for (const line of simulatedMapLines(vmas, BigInt(pageSize))) {
    const start = Number(line.start);
    const end = Number(line.end);
    if (end <= BASE || start >= TOP) continue;
    out.push({
      start: start - BASE,
      end: end - BASE,
      perms: line.perms,
      offset: Number(line.offset),
      name: line.name,
    });
  }
  return out;
}

function accessRle(r: AccessResult): Rle {
  const segs = [...r.segments].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  return rleNormalise(segs.map((s) => [s.datum, Number(s.length)] as const));
}

export interface SimRunOptions {
  readonly config?: KernelConfig;
  /** Record maps after every step (default true); false records them only at the end. */
  readonly perStepMaps?: boolean;
}

/** Runs one program on a fresh simulated address space. */
export function runSim(program: Program, opts: SimRunOptions = {}): RunResult {
  const config = opts.config ?? simConfig();
  const perStep = opts.perStepMaps ?? true;
  const as = new AddressSpace(config);
  const memfds: number[] = [];
  const results: bigint[] = [];
  const steps: StepResult[] = [];
  const addr = (a: Addr): bigint => {
    if (a === null) return 0n;
    if (typeof a === 'number') return SIM_ARENA_BASE + BigInt(Math.trunc(a));
    return BigInt.asUintN(64, (results[a.ref] ?? 0n) + BigInt(Math.trunc(a.plus ?? 0)));
  };
  const started = process.hrtime.bigint();
  try {
    for (let i = 0; i < program.steps.length; i++) {
      const step = program.steps[i]!;
      const origin = { step: i, actor: 'fidelity' };
      const r = runStep(as, step, origin, addr, memfds);
      results[i] = r.outcome.kind === 'ok' ? r.raw : 0n;
      steps.push({
        op: step.op,
        outcome: r.outcome,
        ...(r.bytes ? { bytes: r.bytes } : {}),
        ...(perStep ? { maps: simMaps(normalisedVmas(as)) } : {}),
      });
    }
  } catch (e) {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    return {
      steps,
      finalMaps: [],
      ns: 0,
      crash: -1,
      crashMessage: `simulator threw at step ${steps.length}: ${message}`,
    };
  }
  const ns = Number(process.hrtime.bigint() - started);
  return { steps, finalMaps: simMaps(normalisedVmas(as)), ns };
}

/** The merged view /proc/PID/maps would show (the simulator's kernelView: owner/label ignored). */
export function normalisedVmas(as: AddressSpace): readonly Vma[] {
  return as.kernelView();
}

interface StepOut {
  readonly outcome: Outcome;
  readonly raw: bigint;
  readonly bytes?: Rle;
}

function syscallOut(r: SyscallResult, isAddress: boolean): StepOut {
  if (!r.ok) return { outcome: { kind: 'errno', errno: r.errno }, raw: 0n };
  return {
    outcome: isAddress ? valueOutcome(r.value) : { kind: 'ok', value: Number(r.value), rel: false },
    raw: r.value,
  };
}

function runStep(
  as: AddressSpace,
  step: Step,
  origin: { step: number; actor: string },
  addr: (a: Addr) => bigint,
  memfds: number[],
): StepOut {
  switch (step.op) {
    case 'mmap': {
      const fd = step.fdRef < 0 ? -1 : (memfds[step.fdRef] ?? 900 + step.fdRef);
      const r = as.mmap(
        {
          addr: addr(step.addr),
          length: u64(step.length),
          prot: step.prot,
          flags: step.flags,
          fd,
          offset: u64(step.offset),
        },
        origin,
      );
      return syscallOut(r, true);
    }
    case 'munmap':
      return syscallOut(as.munmap(addr(step.addr), u64(step.length), origin), false);
    case 'mremap': {
      const r = as.mremap(
        {
          oldAddress: addr(step.old),
          oldSize: u64(step.oldSize),
          newSize: u64(step.newSize),
          flags: step.flags,
          newAddress: addr(step.newAddr),
        },
        origin,
      );
      return syscallOut(r, true);
    }
    case 'mprotect':
      return syscallOut(as.mprotect(addr(step.addr), u64(step.length), step.prot, origin), false);
    case 'madvise':
      return syscallOut(as.madvise(addr(step.addr), u64(step.length), step.advice, origin), false);
    case 'mseal': {
      const r = as.mseal(addr(step.addr), u64(step.length), origin);
      return r.ok ? syscallOut(r, false) : { outcome: { kind: 'errno', errno: r.errno }, raw: 0n };
    }
    case 'write':
    case 'read': {
      if (step.length < 0 || step.length > MAX_ACCESS)
        return { outcome: { kind: 'errno', errno: 'EINVAL' }, raw: 0n };
      const at = addr(step.addr);
      const r =
        step.op === 'write'
          ? as.write(at, BigInt(step.length), step.byte & 0xff, origin)
          : as.read(at, BigInt(step.length), origin);
      const bytes = step.op === 'read' ? accessRle(r) : undefined;
      if (r.ok)
        return { outcome: { kind: 'ok', value: 0, rel: false }, raw: 0n, ...(bytes ? { bytes } : {}) };
      // Report the fault like the harness: at the first byte of the access inside the faulting page.
      const faultPage = r.address / BigInt(PAGE);
      const first = at > faultPage * BigInt(PAGE) ? at : faultPage * BigInt(PAGE);
      const n = Number(first);
      const rel = n >= BASE && n < TOP;
      return {
        outcome: { kind: 'signal', signal: r.signal, at: rel ? n - BASE : n, rel },
        raw: 0n,
        ...(bytes ? { bytes } : {}),
      };
    }
    case 'memfd': {
      const f = as.openFile({
        kind: 'memfd',
        name: step.name,
        sizeBytes: u64(step.size),
        readable: true,
        writable: true,
      });
      memfds.push(f.fd);
      return {
        outcome: { kind: 'ok', value: memfds.length - 1, rel: false },
        raw: BigInt(memfds.length - 1),
      };
    }
  }
}
