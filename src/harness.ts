// The kernel harness (native/harness.c) from the extension: compiled once with the machine's C
// compiler into the extension's global storage (cached by source, compiler and its version), fed a program in its
// line format, its JSON output parsed. No `vscode` here: the command (kernel-run.ts) drives it.
// The line format is the one test/fidelity/kernel-runner.ts writes, documented in harness.c.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Why the harness cannot run on this machine, or undefined when it can. The limit is the harness's,
 * not the simulator's (which models arm64 too, `arch arm64`): native/harness.c is x86-64 code with
 * 4 KiB pages (`#define PG 4096UL`, x86-64's mseal number), docs/fidelity.md.
 */
export function harnessUnavailable(platform: string, arch: string): string | undefined {
  if (platform !== 'linux') return `drvmap runs scenarios on the kernel only on Linux (this is ${platform})`;
  if (arch !== 'x64')
    return `Run on This Kernel needs an x86-64 Linux machine: its harness (native/harness.c) assumes x86-64 and 4 KiB pages; this machine is ${arch}. The simulation itself models arm64 too (\`arch arm64\`, \`page-size 16KiB\`)`;
  return undefined;
}

interface Spawned {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error: Error | undefined;
}

/**
 * The most a run may print. The harness prints every mapping after every step, so its output grows
 * with the square of a scenario's length: a long one would fill the extension host's memory (and
 * pass what one string can hold) before any timeout.
 */
const MAX_OUTPUT_BYTES = 64 * 2 ** 20;

function run(
  command: string,
  args: readonly string[],
  input: string | undefined,
  timeoutMs: number,
): Promise<Spawned> {
  return new Promise((resolve) => {
    let child;
    try {
      // A process group of its own: the harness forks a child per program, and a timeout must
      // stop that child too (killing the harness alone left it running, holding the pipes open).
      child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: '', error: error as Error });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (result: Spawned) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const stop = (why: string) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already, or never was
      }
      finish({ code: null, stdout: '', stderr: '', error: new Error(why) });
    };
    const timer = setTimeout(() => stop(`${command} did not finish within ${timeoutMs} ms`), timeoutMs);
    const collect = (into: Buffer[]) => (d: Buffer) => {
      bytes += d.length;
      if (bytes > MAX_OUTPUT_BYTES)
        stop(
          `${command} printed more than ${MAX_OUTPUT_BYTES / 2 ** 20} MiB (every mapping after every step); try a shorter scenario`,
        );
      else into.push(d);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (e) => finish({ code: null, stdout: '', stderr: '', error: e }));
    child.on('close', (code) => {
      try {
        finish({
          code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          error: undefined,
        });
      } catch (error) {
        finish({ code, stdout: '', stderr: '', error: error as Error });
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** The compiler's `--version` first line, or undefined when there is no such compiler. */
export async function compilerVersion(cc: string): Promise<string | undefined> {
  const r = await run(cc, ['--version'], undefined, 10_000);
  if (r.error || r.code !== 0) return undefined;
  return r.stdout.split('\n')[0]?.trim() || cc;
}

export interface CompiledHarness {
  readonly bin: string;
  /** Compiled before, by the same compiler at the same version: no compiler ran this time. */
  readonly cached: boolean;
}

/**
 * Compiles the harness into `binDir` unless this source was compiled already by this compiler
 * (`cc` as the setting names it) at this version (its `--version` line): changing
 * drvmap.kernelRun.compiler, or upgrading the compiler, builds a new binary. `compiling` is
 * called only when the compiler runs.
 */
export async function compileHarness(
  source: string,
  binDir: string,
  cc: string,
  version: string,
  compiling?: () => void,
): Promise<CompiledHarness> {
  const text = await readFile(source);
  const hash = createHash('sha256')
    .update(text)
    .update('\0' + cc + '\0' + version)
    .digest('hex')
    .slice(0, 16);
  const bin = join(binDir, `harness-${hash}`);
  if (existsSync(bin)) return { bin, cached: true };
  compiling?.();
  await mkdir(binDir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  const r = await run(cc, ['-O2', '-std=gnu11', '-Wall', '-o', tmp, source], undefined, 120_000);
  if (r.error || r.code !== 0) {
    await rm(tmp, { force: true });
    throw new Error(`compiling the harness with ${cc} failed: ${r.error?.message ?? ''}${r.stderr}`);
  }
  await rename(tmp, bin);
  return { bin, cached: false };
}

const int = (x: unknown): string => {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`not a number: ${String(x)}`);
  return String(Math.trunc(x));
};

function address(a: unknown): string {
  if (a === null) return 'N';
  if (typeof a === 'number') return int(a);
  if (a && typeof a === 'object' && typeof (a as { ref?: unknown }).ref === 'number') {
    const r = a as { ref: number; plus?: unknown };
    return `S${int(r.ref)}:${int(r.plus ?? 0)}`;
  }
  throw new Error(`not an address: ${JSON.stringify(a)}`);
}

/** One program step (test/fidelity/program.ts's format, as JSON from the server) in harness lines. */
export function encodeHarnessStep(step: unknown): string {
  const s = step as Record<string, unknown>;
  switch (s['op']) {
    case 'mmap':
      return `M ${address(s['addr'])} ${int(s['length'])} ${int(s['prot'])} ${int(s['flags'])} ${int(s['fdRef'])} ${int(s['offset'])}`;
    case 'munmap':
      return `U ${address(s['addr'])} ${int(s['length'])}`;
    case 'mremap':
      return `R ${address(s['old'])} ${int(s['oldSize'])} ${int(s['newSize'])} ${int(s['flags'])} ${address(s['newAddr'])}`;
    case 'mprotect':
      return `X ${address(s['addr'])} ${int(s['length'])} ${int(s['prot'])}`;
    case 'madvise':
      return `A ${address(s['addr'])} ${int(s['length'])} ${int(s['advice'])}`;
    case 'mseal':
      return `L ${address(s['addr'])} ${int(s['length'])}`;
    case 'write':
      return `W ${address(s['addr'])} ${int(s['length'])} ${int(s['byte'])}`;
    case 'read':
      return `D ${address(s['addr'])} ${int(s['length'])}`;
    case 'memfd': {
      const name = String(s['name']);
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(name)) throw new Error(`memfd name not supported: ${name}`);
      return `F ${name} ${int(s['size'])}`;
    }
    default:
      throw new Error(`not a harness step: ${JSON.stringify(step)}`);
  }
}

/**
 * A whole input: one program, with every maps line after each step (`all`): the server compares
 * the ranges a step changed, which may lie outside the harness's arena (a fixed address).
 */
export function encodeHarnessInput(steps: readonly unknown[]): string {
  return ['H all', 'P', ...steps.map(encodeHarnessStep), 'E'].join('\n') + '\n';
}

/** Runs one program and returns its result line, parsed (checked by the server). */
export async function runHarness(
  bin: string,
  steps: readonly unknown[],
  timeoutMs = 30_000,
): Promise<unknown> {
  const r = await run(bin, [], encodeHarnessInput(steps), timeoutMs);
  if (r.error) throw r.error;
  if (r.code !== 0) throw new Error(`the harness exited with ${r.code}: ${r.stderr}`);
  // One line for the one program. When its child died while writing out a step too long to cut
  // back, harness.c follows the cut line with a complete one (no steps, `crash`): the last counts.
  const line = r.stdout
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .pop();
  if (!line) throw new Error(`the harness printed nothing: ${r.stderr}`);
  return JSON.parse(line) as unknown;
}

/** Where the harness puts its arena: an empty program's result says. */
export async function probeArenaBase(bin: string): Promise<bigint> {
  const result = (await runHarness(bin, [])) as { arenaBase?: unknown };
  if (typeof result.arenaBase !== 'number') throw new Error('the harness did not report its arena');
  return BigInt(result.arenaBase);
}
