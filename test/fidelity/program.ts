/**
 * Syscall programs for differential testing: the same program runs on the real kernel (the C
 * harness, `kernel-runner.ts`) and on the simulator (`sim-runner.ts`), and `compare.ts` checks that
 * both tell the same story.
 *
 * Format (JSON-friendly; every number is a JS safe integer):
 * - Addresses are **byte offsets relative to the arena**, a 64 GiB region that is free when a
 *   program starts (the harness reserves it at a fixed, 1 GiB-aligned address; the simulator puts it
 *   at {@link SIM_ARENA_BASE}). `null` is an absolute 0: a NULL hint for mmap, the "no new address"
 *   of mremap. `{ ref: i, plus: d }` is the value step i returned (0 if it failed) plus d: the way
 *   to use an address the kernel chose (a NULL-hint mmap, a mremap move).
 * - Lengths, offsets, sizes: bytes. A negative number stands for its 64-bit two's complement
 *   (`length: -1` is 0xffff_ffff_ffff_ffff), so overflow cases can be written.
 * - `prot`, `flags`: Linux's numeric values (see server/src/engine/kernel/types.ts).
 * - `fdRef`: the index of an earlier `memfd` step's file (0 = the first memfd created), or -1 for
 *   none. A ref that names no memfd becomes a closed fd (EBADF).
 * - `write` fills `length` bytes with `byte` (1..255); `read` returns the bytes run-length encoded.
 *
 * Results ({@link RunResult}): per step the outcome (a value, an errno name or a signal), for reads
 * the bytes read (up to a fault), and the mappings inside the arena after the step, merged the way
 * /proc/PID/maps shows them, with arena-relative start/end.
 */

// The step format is defined once, by the engine that also emits it for "Run on This Kernel".
import { MADVISE_NAMES } from '../../server/src/engine/kernel/madvise';
import type {
  HarnessAddr,
  HarnessStep,
  HarnessStepRef,
} from '../../server/src/engine/export/syscall-program';

/** The value an earlier step of the same program returned (0 if it failed), plus `plus` bytes. */
export type StepRef = HarnessStepRef;

export type Addr = HarnessAddr;

export type Step = HarnessStep;

export interface Program {
  readonly steps: readonly Step[];
}

export const PAGE = 4096;
/** Size of the arena, in bytes; the harness uses the same value (ARENA_SIZE in harness.c). */
export const ARENA_SIZE = 64 * 2 ** 30;
/** Where the simulator places the arena: 1 GiB aligned, like the harness's. */
export const SIM_ARENA_BASE = 0x7f00_0000_0000n;
/** Longest read or write the harness accepts (MAX_READ in harness.c). */
export const MAX_ACCESS = 64 * 2 ** 20;

/** `[start, end, perms, offset, name]` of one /proc/PID/maps line, start/end arena-relative. */
export interface MapLine {
  readonly start: number;
  readonly end: number;
  /** `rw-p`, `r--s`, ... */
  readonly perms: string;
  /** File offset in bytes (0 for anonymous private memory). */
  readonly offset: number;
  /** `''`, `/dev/zero (deleted)`, `/memfd:NAME (deleted)`. */
  readonly name: string;
}

export type Outcome =
  /** `rel`: the value is an address inside the arena, given relative to it. */
  | { readonly kind: 'ok'; readonly value: number; readonly rel: boolean }
  | { readonly kind: 'errno'; readonly errno: string }
  /** A read or write faulted; `at` is the first byte of the access inside the faulting page. */
  | {
      readonly kind: 'signal';
      readonly signal: 'SIGSEGV' | 'SIGBUS';
      readonly at: number;
      readonly rel: boolean;
    };

/** Run-length encoded bytes: `[byte, count]` pairs, adjacent pairs never share a byte. */
export type Rle = readonly (readonly [number, number])[];

export interface StepResult {
  readonly op: Step['op'];
  readonly outcome: Outcome;
  /** For reads: the bytes read before any fault. */
  readonly bytes?: Rle;
  /** The arena's mappings after this step (absent in `final`/`bench` runs). */
  readonly maps?: readonly MapLine[];
}

export interface RunResult {
  readonly steps: readonly StepResult[];
  /** The arena's mappings after the last step. */
  readonly finalMaps: readonly MapLine[];
  /** Time spent in the step loop, in nanoseconds (harness: measured inside the child). */
  readonly ns: number;
  /** The harness child died from this signal (a harness bug, or a program that hit the harness). */
  readonly crash?: number;
  /** For a crash: what was thrown (simulator) or the signal name. */
  readonly crashMessage?: string;
}

export function stepToString(s: Step): string {
  const a = (x: Addr): string =>
    x === null
      ? 'NULL'
      : typeof x === 'number'
        ? hexRel(x)
        : `#${x.ref}${x.plus ? hexLen(x.plus).replace(/^0x/, '+0x') : ''}`;
  switch (s.op) {
    case 'mmap':
      return `mmap(${a(s.addr)}, ${hexLen(s.length)}, ${protName(s.prot)}, ${mmapFlagsName(s.flags)}, fd#${s.fdRef}, ${hexLen(s.offset)})`;
    case 'munmap':
      return `munmap(${a(s.addr)}, ${hexLen(s.length)})`;
    case 'mremap':
      return `mremap(${a(s.old)}, ${hexLen(s.oldSize)}, ${hexLen(s.newSize)}, ${mremapFlagsName(s.flags)}, ${a(s.newAddr)})`;
    case 'mprotect':
      return `mprotect(${a(s.addr)}, ${hexLen(s.length)}, ${protName(s.prot)})`;
    case 'madvise':
      return `madvise(${a(s.addr)}, ${hexLen(s.length)}, ${MADVISE_NAMES.get(s.advice) ?? s.advice})`;
    case 'mseal':
      return `mseal(${a(s.addr)}, ${hexLen(s.length)}, 0)`;
    case 'write':
      return `write(${a(s.addr)}, ${hexLen(s.length)}, 0x${s.byte.toString(16)})`;
    case 'read':
      return `read(${a(s.addr)}, ${hexLen(s.length)})`;
    case 'memfd':
      return `memfd("${s.name}", ${hexLen(s.size)})`;
  }
}

function hexRel(x: number): string {
  return x < 0 ? `A-0x${(-x).toString(16)}` : `A+0x${x.toString(16)}`;
}

function hexLen(x: number): string {
  return x < 0 ? `-0x${(-x).toString(16)}` : `0x${x.toString(16)}`;
}

export function protName(p: number): string {
  if (p === 0) return 'PROT_NONE';
  const names: string[] = [];
  if (p & 1) names.push('R');
  if (p & 2) names.push('W');
  if (p & 4) names.push('X');
  const rest = p & ~7;
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

const MMAP_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [0x10, 'FIXED'],
  [0x20, 'ANON'],
  [0x4000, 'NORESERVE'],
  [0x100000, 'FIXED_NOREPLACE'],
];

export function mmapFlagsName(f: number): string {
  const type = f & 0x0f;
  const names = [
    type === 1 ? 'SHARED' : type === 2 ? 'PRIVATE' : type === 3 ? 'SHARED_VALIDATE' : `type=${type}`,
  ];
  let rest = f & ~0x0f;
  for (const [bit, name] of MMAP_FLAG_NAMES) {
    if (rest & bit) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

export function mremapFlagsName(f: number): string {
  if (f === 0) return '0';
  const names: string[] = [];
  if (f & 1) names.push('MAYMOVE');
  if (f & 2) names.push('FIXED');
  if (f & 4) names.push('DONTUNMAP');
  const rest = f & ~7;
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

export function programToString(p: Program): string {
  return p.steps.map((s, i) => `${String(i).padStart(3)}: ${stepToString(s)}`).join('\n');
}

/** Builds an RLE from (byte, count) runs, merging neighbours with the same byte and dropping empty runs. */
export function rleNormalise(runs: Iterable<readonly [number, number]>): Rle {
  const out: [number, number][] = [];
  for (const [b, n] of runs) {
    if (n <= 0) continue;
    const last = out[out.length - 1];
    if (last && last[0] === b) last[1] += n;
    else out.push([b, n]);
  }
  return out;
}
