// Runs syscall programs on the real kernel through native/harness.c (shared with the extension's
// "Run on This Kernel", which ships it). The harness is compiled
// once with the machine's `cc` into test/fidelity/bin/ (git-ignored), cached by source hash.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Addr, MapLine, Outcome, Program, RunResult, Step, StepResult } from './program';
import { rleNormalise } from './program';

export type HarnessMode = 'maps' | 'final' | 'bench';

/** The repository root: the nearest ancestor of this file (bundled or not) holding harness.c. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'native', 'harness.c'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

let compiled: string | undefined;

/** Compiles the harness if needed and returns the binary's path. */
export function harnessBinary(): string {
  if (compiled) return compiled;
  const root = repoRoot();
  const source = join(root, 'native', 'harness.c');
  const text = readFileSync(source);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const binDir = join(root, 'test', 'fidelity', 'bin');
  const bin = join(binDir, `harness-${hash}`);
  if (!existsSync(bin)) {
    mkdirSync(binDir, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const cc = process.env.CC ?? 'cc';
    const r = spawnSync(cc, ['-O2', '-std=gnu11', '-Wall', '-o', tmp, source], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(
        `compiling the fidelity harness with ${cc} failed:\n${r.error?.message ?? ''}${r.stderr}`,
      );
    }
    renameSync(tmp, bin);
  }
  compiled = bin;
  return bin;
}

function addr(a: Addr): string {
  if (a === null) return 'N';
  if (typeof a === 'number') return String(Math.trunc(a));
  return `S${a.ref}:${Math.trunc(a.plus ?? 0)}`;
}

function n(x: number): string {
  return String(Math.trunc(x));
}

/** The harness's line format for one step (see the comment at the top of harness.c). */
export function encodeStep(s: Step): string {
  switch (s.op) {
    case 'mmap':
      return `M ${addr(s.addr)} ${n(s.length)} ${n(s.prot)} ${n(s.flags)} ${n(s.fdRef)} ${n(s.offset)}`;
    case 'munmap':
      return `U ${addr(s.addr)} ${n(s.length)}`;
    case 'mremap':
      return `R ${addr(s.old)} ${n(s.oldSize)} ${n(s.newSize)} ${n(s.flags)} ${addr(s.newAddr)}`;
    case 'mprotect':
      return `X ${addr(s.addr)} ${n(s.length)} ${n(s.prot)}`;
    case 'madvise':
      return `A ${addr(s.addr)} ${n(s.length)} ${n(s.advice)}`;
    case 'mseal':
      return `L ${addr(s.addr)} ${n(s.length)}`;
    case 'write':
      return `W ${addr(s.addr)} ${n(s.length)} ${n(s.byte)}`;
    case 'read':
      return `D ${addr(s.addr)} ${n(s.length)}`;
    case 'memfd':
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(s.name)) throw new Error(`memfd name not supported: ${s.name}`);
      return `F ${s.name} ${n(s.size)}`;
  }
}

export function encodePrograms(programs: readonly Program[], mode: HarnessMode): string {
  const lines = [`H ${mode}`];
  for (const p of programs) {
    lines.push('P');
    for (const s of p.steps) lines.push(encodeStep(s));
    lines.push('E');
  }
  return lines.join('\n') + '\n';
}

interface RawStep {
  op: string;
  ok: boolean;
  v?: number;
  rel?: boolean;
  errno?: string;
  signal?: 'SIGSEGV' | 'SIGBUS';
  bytes?: [number, number][];
  maps?: [number, number, string, number, string][];
}

interface RawProgram {
  arenaBase: number;
  steps: RawStep[];
  ns: number;
  maps: [number, number, string, number, string][] | null;
  crash?: number;
}

function mapLines(raw: [number, number, string, number, string][]): MapLine[] {
  return raw.map(([start, end, perms, offset, name]) => ({ start, end, perms, offset, name }));
}

function parseStep(raw: RawStep, step: Step): StepResult {
  let outcome: Outcome;
  if (raw.signal) outcome = { kind: 'signal', signal: raw.signal, at: raw.v ?? 0, rel: raw.rel ?? false };
  else if (!raw.ok) outcome = { kind: 'errno', errno: raw.errno ?? 'EUNKNOWN' };
  else if (step.op === 'write' || step.op === 'read') outcome = { kind: 'ok', value: 0, rel: false };
  else outcome = { kind: 'ok', value: raw.v ?? 0, rel: raw.rel ?? false };
  return {
    op: step.op,
    outcome,
    ...(raw.bytes ? { bytes: rleNormalise(raw.bytes) } : {}),
    ...(raw.maps ? { maps: mapLines(raw.maps) } : {}),
  };
}

export function parseOutput(stdout: string, programs: readonly Program[]): RunResult[] {
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== programs.length) {
    throw new Error(`harness printed ${lines.length} results for ${programs.length} programs`);
  }
  return lines.map((line, i) => {
    const raw = JSON.parse(line) as RawProgram;
    const program = programs[i]!;
    if (raw.crash !== undefined) return { steps: [], finalMaps: [], ns: 0, crash: raw.crash };
    const steps = raw.steps.map((s, j) => parseStep(s, program.steps[j]!));
    const last = steps[steps.length - 1];
    const finalMaps = raw.maps ? mapLines(raw.maps) : (last?.maps ?? []);
    return { steps, finalMaps, ns: raw.ns };
  });
}

/** Runs programs in one harness process (each program in its own forked child). */
export function runKernelBatch(
  programs: readonly Program[],
  mode: HarnessMode = 'maps',
): Promise<RunResult[]> {
  const bin = harnessBinary();
  const input = encodePrograms(programs, mode);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) {
        reject(new Error(`fidelity harness exited with ${code}: ${stderr}`));
        return;
      }
      try {
        resolve(parseOutput(Buffer.concat(out).toString('utf8'), programs));
      } catch (e) {
        reject(e instanceof Error ? new Error(`${e.message}\n${stderr}`) : e);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export async function runKernel(program: Program, mode: HarnessMode = 'maps'): Promise<RunResult> {
  const [r] = await runKernelBatch([program], mode);
  return r!;
}
