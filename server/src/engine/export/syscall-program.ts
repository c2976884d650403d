// A scenario's raw-syscall steps as a program for the kernel harness ("drvmap: Run on This
// Kernel", issue 6). The program format is the differential tests' (test/fidelity/program.ts,
// docs/fidelity.md): addresses relative to the harness's arena, `{ ref, plus }` for a value an
// earlier step returned, `null` for NULL. Pure: the run itself happens outside the engine.
//
// Names bound by mmap/mremap/reserve become references, so the program means on the kernel what
// the scenario means (the kernel places mappings elsewhere than the simulator). Absolute numbers
// become arena-relative through `arenaBase`, where the harness put its arena (a probe run tells).
// The program stops at the first step it cannot express — a Vulkan call, a file or device open,
// an address computed from two names — and says why.
import type { Expression, NameExpression, ScenarioNode, StepNode } from '../syntax/ast';
import { nameExpressionsIn } from '../syntax/name-uses';
import type { ScenarioRun } from '../sim/run';
import type { Outcome } from '../sim/records';
import type { Segment } from '../kernel/types';
import { addressReached } from '../sim/step-actor';
import { simulatedMapLines, type MapLine } from './kernel-maps';
import { evaluate } from '../sim/evaluate';
import type { LanguageProblem } from '../sim/problems';
import { canonicalVerb } from '../language/vocabulary';
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MREMAP_FIXED,
  PROT_NONE,
} from '../kernel/types';
import { flagsOf, MADVISE_BY_WORD, MMAP_FLAG_BY_WORD, protOf, stepWordValue } from '../sim/words';
import { mremapArguments } from '../sim/raw-steps';
import { MEMFD_NAME_MAX_BYTES } from '../sim/open-step';
import { formatSize } from '../numbers';

/** The value step `ref` of the program returned (0 if it failed), plus `plus` bytes. */
export interface HarnessStepRef {
  readonly ref: number;
  readonly plus?: number;
}

/** Arena-relative bytes, NULL, or an earlier result (program.ts's `Addr`). */
export type HarnessAddr = number | null | HarnessStepRef;

/** One step of a harness program: structurally program.ts's `Step`. */
export type HarnessStep =
  | {
      readonly op: 'mmap';
      readonly addr: HarnessAddr;
      readonly length: number;
      readonly prot: number;
      readonly flags: number;
      readonly fdRef: number;
      readonly offset: number;
    }
  | { readonly op: 'munmap'; readonly addr: HarnessAddr; readonly length: number }
  | {
      readonly op: 'mremap';
      readonly old: HarnessAddr;
      readonly oldSize: number;
      readonly newSize: number;
      readonly flags: number;
      readonly newAddr: HarnessAddr;
    }
  | { readonly op: 'mprotect'; readonly addr: HarnessAddr; readonly length: number; readonly prot: number }
  /** madvise(2); `advice` is the kernel's MADV_* number. */
  | { readonly op: 'madvise'; readonly addr: HarnessAddr; readonly length: number; readonly advice: number }
  /** mseal(2) with flags 0. */
  | { readonly op: 'mseal'; readonly addr: HarnessAddr; readonly length: number }
  | { readonly op: 'write'; readonly addr: HarnessAddr; readonly length: number; readonly byte: number }
  | { readonly op: 'read'; readonly addr: HarnessAddr; readonly length: number }
  | { readonly op: 'memfd'; readonly name: string; readonly size: number };

/** How a successful result is compared: an address the kernel chose is not (the arenas differ). */
export type ResultCheck =
  /** Not an address (munmap, mprotect, madvise, mseal, write, read, memfd): the outcome alone. */
  | 'outcome'
  /** An address the kernel picks (NULL or a hint it may ignore): whether the hint was taken. */
  | 'placement'
  /** An address the caller fixed: it must be that address. */
  | 'fixed'
  /** mremap without a fixed target: in place or moved. */
  | 'remap';

/** A program step and the scenario step it came from. */
export interface PlannedStep {
  /** The scenario step (0-based, the timeline's index). */
  readonly stepIndex: number;
  /** The step's source range (offsets). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly step: HarnessStep;
  readonly check: ResultCheck;
  /** For `placement`/`fixed`: the requested address; for `remap`: the old address. */
  readonly anchor: HarnessAddr;
  /** What the simulation did. */
  readonly simulated: Outcome;
  /**
   * For a read: the bytes the simulation's read returned (up to a fault), as the harness reports
   * them; tagged data as the byte its write sent (`tagBytes`). Absent when a byte has no value
   * the kernel would see.
   */
  readonly readBytes?: ByteRuns;
}

/** `[[byte, count], …]`: bytes run-length encoded, as the harness prints a read. */
export type ByteRuns = readonly (readonly [number, number])[];

/** The longest read or write the harness does (MAX_READ in native/harness.c). */
const HARNESS_MAX_ACCESS = 64 * 2 ** 20;

export interface SyscallProgram {
  readonly steps: readonly PlannedStep[];
  /** The scenario step where the program stops (and why), if it stops early. */
  readonly stoppedAt:
    { readonly stepIndex: number; readonly start: number; readonly reason: string } | undefined;
  /** Write values standing for tagged data (no value given): datum → byte written. */
  readonly tagBytes: ReadonlyMap<number, number>;
  /**
   * The simulation's mappings after a scenario step, as /proc/self/maps would list them; computed
   * when asked (only a comparison with a kernel run reads them). Undefined when the scenario's
   * pages are not the harness's 4 KiB.
   */
  readonly simulatedMapsAfter: (stepIndex: number) => readonly MapLine[] | undefined;
}

class Unsupported extends Error {}

const SAFE = Number.MAX_SAFE_INTEGER;

/** The scenario's raw-syscall prefix as a harness program. */
export function syscallProgram(run: ScenarioRun, arenaBase: bigint): SyscallProgram {
  const node: ScenarioNode = run.node;
  const records = run.simulation.records;
  /** Binding name → program step index (for results that are addresses or memfds). */
  const programStepOf = new Map<string, number>();
  /** Binding name → the address the simulation's step returned (what the scenario's name means). */
  const simAddressOf = new Map<string, bigint>();
  const memfdOf = new Map<string, number>();
  const tagBytes = new Map<number, number>();
  let memfds = 0;
  const steps: PlannedStep[] = [];
  const pageSize = run.simulation.pageSize;
  const simulatedMapsAfter = (stepIndex: number): readonly MapLine[] | undefined =>
    pageSize === 4096n ? simulatedMapLines(run.simulation.space.vmasAt(stepIndex), pageSize) : undefined;
  const stepNodes = node.body.filter((s): s is StepNode => s.kind === 'step');
  const machine = harnessMachineMismatch(run);
  if (machine !== undefined) {
    const first = records[0];
    return {
      steps,
      stoppedAt: first
        ? { stepIndex: first.index, start: (stepNodes[first.index] ?? first.node).start, reason: machine }
        : undefined,
      tagBytes,
      simulatedMapsAfter,
    };
  }
  for (const record of records) {
    const step = stepNodes[record.index] ?? record.node;
    const stop = (reason: string): SyscallProgram => ({
      steps,
      stoppedAt: { stepIndex: record.index, start: step.start, reason },
      tagBytes,
      simulatedMapsAfter,
    });
    if (record.outcome.kind === 'skipped')
      return stop(`step ${record.index + 1} did not run in the simulation (${record.outcome.reason})`);
    const verb = canonicalVerb(step.verb.name);
    const num = (e: Expression | undefined, what: string): number => constant(e, what);
    const addr = (e: Expression | undefined): HarnessAddr => address(e, programStepOf, arenaBase);
    // `app` is 32-bit code: its access reaches the low 32 bits of an address above 4 GiB
    // (step-actor.ts). The kernel gets that address, absolute, as the simulation used it.
    const accessAddress = (e: Expression | undefined, actor: string): HarnessAddr => {
      const value = e && evaluateSigned(e, (n) => simAddressOf.get(n.name));
      if (value === undefined || value < 0n) return addr(e);
      const reached = addressReached(actor, value);
      return reached === value ? addr(e) : addr(big(reached));
    };
    let planned: Omit<PlannedStep, 'stepIndex' | 'start' | 'end' | 'text' | 'simulated'>;
    try {
      const exprs = step.args.filter((a): a is Expression => a.kind !== 'string');
      const option = (keyword: string): Expression | undefined => {
        const value = step.options.find((o) => o.keyword.name === keyword)?.value;
        if (value?.kind === 'string') throw new Unsupported(`\`${keyword}\` takes a number`);
        return value;
      };
      switch (verb) {
        case 'mmap': {
          const flags = flagsOf(step.words, MMAP_FLAG_BY_WORD);
          const at = option('at');
          const fdValue = option('fd');
          let fdRef = -1;
          if (fdValue) {
            if (fdValue.kind !== 'name' || !memfdOf.has(fdValue.name))
              throw new Unsupported('only files from `open memfd` can be mapped on the kernel');
            fdRef = memfdOf.get(fdValue.name)!;
          }
          const request = at ? addr(at) : null;
          planned = {
            step: {
              op: 'mmap',
              addr: request,
              length: num(exprs[0], 'length'),
              prot: protOf(step.words)?.prot ?? PROT_NONE,
              flags,
              fdRef,
              offset: option('offset') ? num(option('offset'), 'offset') : 0,
            },
            check: flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) ? 'fixed' : 'placement',
            anchor: request,
          };
          break;
        }
        case 'reserve': {
          const at = option('at');
          const request = at ? addr(at) : null;
          // A preloaded area is the preloader's MAP_FIXED placeholder (sim/wine-reserved-placeholder.ts).
          const fixed = step.words.some((w) => w.name === 'preloaded') ? MAP_FIXED : MAP_FIXED_NOREPLACE;
          planned = {
            step: {
              op: 'mmap',
              addr: request,
              length: num(exprs[0], 'length'),
              prot: PROT_NONE,
              flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (at ? fixed : 0),
              fdRef: -1,
              offset: 0,
            },
            check: at ? 'fixed' : 'placement',
            anchor: request,
          };
          break;
        }
        case 'munmap':
          planned = {
            step: { op: 'munmap', addr: addr(exprs[0]), length: num(exprs[1], 'length') },
            check: 'outcome',
            anchor: null,
          };
          break;
        case 'mprotect':
          planned = {
            step: {
              op: 'mprotect',
              addr: addr(exprs[0]),
              length: num(exprs[1], 'length'),
              prot: protOf(step.words)?.prot ?? PROT_NONE,
            },
            check: 'outcome',
            anchor: null,
          };
          break;
        case 'madvise': {
          const advice = stepWordValue(step, MADVISE_BY_WORD);
          if (advice === undefined) throw new Unsupported('madvise needs an advice');
          planned = {
            step: { op: 'madvise', addr: addr(exprs[0]), length: num(exprs[1], 'length'), advice },
            check: 'outcome',
            anchor: null,
          };
          break;
        }
        case 'mremap': {
          // The simulator's reading of the arguments: a number fourth value is FLAGS.
          const { values, flags } = mremapArguments(step);
          const [oldValue, oldSize, newSize, newAddress] = values.filter(
            (a): a is Expression => a.kind !== 'string',
          );
          const old = addr(oldValue);
          planned = {
            step: {
              op: 'mremap',
              old,
              oldSize: num(oldSize, 'old size'),
              newSize: num(newSize, 'new size'),
              flags,
              newAddr: newAddress ? addr(newAddress) : null,
            },
            check: flags & MREMAP_FIXED ? 'fixed' : 'remap',
            anchor: flags & MREMAP_FIXED && newAddress ? addr(newAddress) : old,
          };
          break;
        }
        case 'open': {
          if (!step.words.some((w) => w.name === 'memfd'))
            throw new Unsupported('only `open memfd` runs on the kernel (files and devices are not opened)');
          const label = step.args.find((a) => a.kind === 'string');
          // The harness gets a short safe name: a name the kernel would refuse cannot be asked.
          if (label?.kind === 'string' && new TextEncoder().encode(label.value).length > MEMFD_NAME_MAX_BYTES)
            throw new Unsupported(
              `a memfd name over ${MEMFD_NAME_MAX_BYTES} bytes (memfd_create refuses it) is not run on the kernel`,
            );
          const name = (label?.kind === 'string' ? label.value : (step.binding?.name ?? 'file'))
            .replace(/[^A-Za-z0-9_.-]/g, '_')
            .slice(0, 40);
          planned = {
            step: { op: 'memfd', name: name || 'file', size: num(exprs[0], 'size') },
            check: 'outcome',
            anchor: null,
          };
          if (step.binding) memfdOf.set(step.binding.name, memfds);
          memfds++;
          break;
        }
        case 'write':
        case 'read': {
          const at = accessAddress(exprs[0], record.actor);
          // The length as the access takes it, unsigned: `num` would give 2^63 and more as a
          // negative number, which the harness reads as unsigned and refuses on its own.
          const asked =
            exprs[1] && names(exprs[1]).length === 0 ? evaluateSigned(exprs[1], () => undefined) : undefined;
          if (asked !== undefined && BigInt.asUintN(64, asked) > BigInt(HARNESS_MAX_ACCESS))
            throw new Unsupported('the harness reads and writes at most 64 MiB at a time');
          const length = num(exprs[1], 'length');
          if (verb === 'read') {
            const segments = readSegments(record.outcome, length);
            const bytes = segments && byteRuns(segments, tagBytes);
            planned = {
              step: { op: 'read', addr: at, length },
              check: 'outcome',
              anchor: null,
              ...(bytes ? { readBytes: bytes } : {}),
            };
            break;
          }
          let byte: number;
          if (exprs[2]) byte = num(exprs[2], 'value') & 0xff;
          else {
            // Tagged data: a distinct byte per write, so reads can tell them apart.
            const datum = run.simulation.tagOfStep.get(record.index);
            byte = 0x11 * ((tagBytes.size % 15) + 1);
            if (datum !== undefined) tagBytes.set(datum, byte);
          }
          planned = {
            step: { op: 'write', addr: at, length, byte },
            check: 'outcome',
            anchor: null,
          };
          break;
        }
        case 'mseal':
          // The seal lasts until the program's child process exits, which is all it has to last.
          planned = {
            step: { op: 'mseal', addr: addr(exprs[0]), length: num(exprs[1], 'length') },
            check: 'outcome',
            anchor: null,
          };
          break;
        default:
          throw new Unsupported(`\`${step.verb.name}\` is not a raw syscall`);
      }
    } catch (error) {
      if (error instanceof Unsupported)
        return stop(`step ${record.index + 1} cannot run on the kernel: ${error.message}`);
      throw error;
    }
    if (step.binding && (verb === 'mmap' || verb === 'mremap' || verb === 'reserve')) {
      programStepOf.set(step.binding.name, steps.length);
      if (record.outcome.kind === 'address') simAddressOf.set(step.binding.name, record.outcome.value);
      else simAddressOf.delete(step.binding.name);
    }
    steps.push({
      stepIndex: record.index,
      start: step.start,
      end: step.end,
      text: step.text.replace(/\s+/g, ' ').trim(),
      simulated: record.outcome,
      ...planned,
    });
  }
  return { steps, stoppedAt: undefined, tagBytes, simulatedMapsAfter };
}

/**
 * Why the harness's machine is not the scenario's, or undefined. The harness runs only on x86-64
 * (src/harness.ts harnessUnavailable), whose pages are 4 KiB (native/harness.c PG): a scenario
 * that models arm64 or 16/64 KiB pages would be compared with rules it does not model (an
 * mprotect of 4 KiB inside a 16 KiB page is EINVAL there, fine on x86-64).
 */
function harnessMachineMismatch(run: ScenarioRun): string | undefined {
  const { arch, pageSize } = run.simulation.platform.kernel;
  if (arch === 'x86_64' && pageSize === 4096n) return undefined;
  return `the scenario models ${arch} with ${formatSize(pageSize)} pages, and Run on This Kernel runs on x86-64 with 4 KiB pages: no step runs on this kernel`;
}

/**
 * What the simulated read saw: its segments, or one run of the byte a shared one-byte outcome
 * names (`0x00`: every read of a fresh page).
 */
function readSegments(outcome: Outcome, length: number): readonly Segment[] | undefined {
  if (outcome.kind !== 'data') return undefined;
  if (outcome.segments) return outcome.segments;
  const byte = /^0x([0-9a-f]{2})$/.exec(outcome.summary)?.[1];
  return byte === undefined ? undefined : [{ offset: 0n, length: BigInt(length), datum: parseInt(byte, 16) }];
}

/** A read's segments as the harness's byte runs, or undefined when a datum has no byte. */
function byteRuns(segments: readonly Segment[], tagBytes: ReadonlyMap<number, number>): ByteRuns | undefined {
  const runs: [number, number][] = [];
  let next = 0n;
  for (const segment of [...segments].sort((a, b) =>
    a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0,
  )) {
    if (segment.offset !== next) return undefined;
    next += segment.length;
    const byte = segment.datum < 256 ? segment.datum : tagBytes.get(segment.datum);
    if (byte === undefined) return undefined;
    const last = runs[runs.length - 1];
    if (last && last[0] === byte) last[1] += Number(segment.length);
    else if (segment.length > 0n) runs.push([byte, Number(segment.length)]);
  }
  return runs;
}

/** The names an expression uses (`a + 0x10` → `a`). */
function names(e: Expression | undefined): string[] {
  return nameExpressionsIn(e, [] as NameExpression[]).map((n) => n.name);
}

function valueWith(e: Expression, name: string | undefined, value: bigint): bigint | undefined {
  return evaluateSigned(e, (n) => (n.name === name ? value : undefined));
}

/** Evaluates allowing negative results (an offset below a mapping). */
function evaluateSigned(
  e: Expression,
  nameValue: (n: { name: string }) => bigint | undefined,
): bigint | undefined {
  const problems: LanguageProblem[] = [];
  const direct = evaluate(e, nameValue, problems);
  if (direct !== undefined) return direct;
  // `evaluate` refuses negative results: evaluate `e + 2^63` and take it back.
  const shifted = evaluate(
    { kind: 'binary', op: '+', left: e, right: big(1n << 63n), start: e.start, end: e.end },
    nameValue,
    problems,
  );
  return shifted === undefined ? undefined : shifted - (1n << 63n);
}

function big(value: bigint): Expression {
  return { kind: 'number', text: '', value, unit: undefined, error: undefined, start: 0, end: 0 };
}

function constant(e: Expression | undefined, what: string): number {
  if (!e) throw new Unsupported(`the ${what} is missing`);
  if (names(e).length > 0) throw new Unsupported(`the ${what} depends on a name`);
  const v = evaluateSigned(e, () => undefined);
  if (v === undefined) throw new Unsupported(`the ${what} is not a number`);
  // program.ts: a negative number stands for its 64-bit two's complement.
  const signed = BigInt.asIntN(64, v);
  if (signed > BigInt(SAFE) || signed < -BigInt(SAFE))
    throw new Unsupported(`the ${what} ${v} is too large for the harness`);
  return Number(signed);
}

function address(
  e: Expression | undefined,
  programStepOf: ReadonlyMap<string, number>,
  arenaBase: bigint,
): HarnessAddr {
  if (!e) throw new Unsupported('an address is missing');
  const used = names(e);
  if (used.length === 0) {
    const v = evaluateSigned(e, () => undefined);
    if (v === undefined) throw new Unsupported('the address is not a number');
    if (v === 0n) return null;
    const relative = v - arenaBase;
    if (relative > BigInt(SAFE) || relative < -BigInt(SAFE))
      throw new Unsupported('the address is too far from the harness arena');
    return Number(relative);
  }
  const name = used[0]!;
  if (used.length > 1) throw new Unsupported('an address computed from more than one name');
  const ref = programStepOf.get(name);
  if (ref === undefined)
    throw new Unsupported(`\`${name}\` is not the result of an mmap or mremap of this program`);
  const at0 = valueWith(e, name, 0n);
  const at1 = valueWith(e, name, 1n);
  if (at0 === undefined || at1 === undefined || at1 - at0 !== 1n)
    throw new Unsupported(`the address is not \`${name}\` plus or minus a number`);
  if (at0 > BigInt(SAFE) || at0 < -BigInt(SAFE)) throw new Unsupported('the offset is too large');
  return at0 === 0n ? { ref } : { ref, plus: Number(at0) };
}
