// What a step came to (`Outcome`), and how it reads in hints, hovers and expectations.
import type { AccessResult, Segment, SyscallResult } from '../kernel/types';
import { formatHex } from '../numbers';
import type { Identifier, StepNode } from '../syntax/ast';
import type { CallRecord, Outcome, StepRecord } from './records';
import { listOf, type OneOrList } from './calls';
import type { Simulation } from './simulation';
import { DefinedSymbol, type SymbolKind } from './symbols';

/** A step's record; its result text is formatted when read (hover and hints ask for few). */
export class RecordedStep implements StepRecord {
  constructor(
    readonly index: number,
    readonly node: StepNode,
    readonly actor: string,
    private callsMade: OneOrList<CallRecord>,
    readonly outcome: Outcome,
  ) {}

  get calls(): readonly CallRecord[] {
    return listOf(this.callsMade);
  }

  get resultText(): string {
    return outcomeText(this.outcome);
  }

  /** Calls made after the step: by the expectations that follow it, or device creation (run.ts). */
  addCalls(calls: readonly CallRecord[]): void {
    this.callsMade = listOf(this.callsMade).concat(calls);
  }
}

/**
 * A bound step's record (`p = mmap …`) is also its name's symbol: the symbol's definition,
 * statement and step index are the record's binding, node and index, so one object serves
 * both instead of a record and a symbol per bound step for the collector to copy.
 */
export class BoundStepRecord extends DefinedSymbol implements StepRecord {
  constructor(
    readonly index: number,
    readonly node: StepNode & { readonly binding: Identifier },
    readonly actor: string,
    private callsMade: OneOrList<CallRecord>,
    readonly outcome: Outcome,
    readonly kind: SymbolKind,
  ) {
    super();
  }

  get calls(): readonly CallRecord[] {
    return listOf(this.callsMade);
  }

  get resultText(): string {
    return outcomeText(this.outcome);
  }

  /** Calls made after the step: by the expectations that follow it, or device creation (run.ts). */
  addCalls(calls: readonly CallRecord[]): void {
    this.callsMade = listOf(this.callsMade).concat(calls);
  }

  get name(): string {
    return this.node.binding.name;
  }

  get definition(): Identifier {
    return this.node.binding;
  }

  get statement(): StepNode {
    return this.node;
  }

  get stepIndex(): number {
    return this.index;
  }
}

/** Outcomes are read-only: the common fixed ones are shared rather than made per step. */
export const OK_OUTCOME: Outcome = { kind: 'ok' };
const SKIPPED_FOR_ARGUMENTS: Outcome = {
  kind: 'skipped',
  reason: 'an argument is missing or has no value',
};

/** A step not run because an argument was missing or invalid (already reported). */
export function skippedForArguments(): Outcome {
  return SKIPPED_FOR_ARGUMENTS;
}

/**
 * An address outcome that also carries the step that returned it: it is then the value of the
 * step's name as well (a RuntimeValue), and binding the name costs no second object. The extra
 * field is not part of `Outcome`, so nothing that reads outcomes sees it.
 */
export type AddressOutcome = Extract<Outcome, { kind: 'address' }> & { readonly step: number };

export function addressOutcome(value: bigint, step: number): AddressOutcome {
  return { kind: 'address', value, step };
}

/** `step` is the step that made the call (see AddressOutcome). */
export function syscallOutcome(result: SyscallResult, step: number, returnsAddress = true): Outcome {
  if (!result.ok) return { kind: 'errno', errno: result.errno, reason: result.reason };
  return returnsAddress ? addressOutcome(result.value, step) : OK_OUTCOME;
}

export function accessOutcome(result: AccessResult, summary: string): Outcome {
  if (!result.ok)
    return { kind: 'fault', signal: result.signal, address: result.address, reason: result.reason };
  return { kind: 'data', summary, segments: result.segments };
}

/** The inlay-hint text: `→ 0x7f3a_c000_0000`, `→ EINVAL`, or nothing for a skipped step. */
export function outcomeText(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'address':
      return `→ ${formatHex(outcome.value)}`;
    case 'ok':
      return '→ ok';
    case 'errno':
      return `→ ${outcome.errno}`;
    case 'vk':
      return `→ ${outcome.result}`;
    case 'data':
      return outcome.summary ? `→ ${outcome.summary}` : '';
    case 'fault':
      return `→ ${outcome.signal}`;
    case 'skipped':
      return '';
  }
}

/**
 * Keeps, on a Vulkan memory object or a GL buffer, the step of a map attempt that failed (cleared
 * by one that succeeds, and by an unmap), for failedMapNote. Returns the outcome.
 */
export function noteMapAttempt(
  target: { mapFailedStep: number | undefined },
  outcome: Outcome,
  step: number,
): Outcome {
  target.mapFailedStep = isFailedOutcome(outcome) ? step : undefined;
  return outcome;
}

/**
 * ` (its map at step N failed)` after a "not mapped" error whose object's last map failed: the
 * error follows from that failure, which the user should fix first.
 */
export function failedMapNote(step: number | undefined): string {
  return step === undefined ? '' : ` (its map at step ${step + 1} failed)`;
}

/** The step failed: an errno, a fault, or a Vulkan or GL error. */
export function isFailedOutcome(outcome: Outcome): boolean {
  return (
    outcome.kind === 'errno' ||
    outcome.kind === 'fault' ||
    (outcome.kind === 'vk' && outcome.result !== 'VK_SUCCESS')
  );
}

/** The word an expectation compares with: `ok`, an errno, a VkResult or a signal. */
export function outcomeName(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'errno':
      return outcome.errno;
    case 'vk':
      return outcome.result === 'VK_SUCCESS' ? 'ok' : outcome.result;
    case 'fault':
      return outcome.signal;
    case 'skipped':
      return 'skipped';
    default:
      return 'ok';
  }
}

/** `0x00` … `0xff`: made once, since most reads see one byte value. */
const BYTE_TEXTS: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => `0x${b.toString(16).padStart(2, '0')}`,
);

/** A read that saw one byte value throughout (`→ 0x00`): one shared outcome per value. */
const BYTE_READ_OUTCOMES: readonly Outcome[] = BYTE_TEXTS.map((summary) => ({ kind: 'data', summary }));

/** The shared outcome of a read that saw one byte value, or undefined for any other read. */
export function byteReadOutcome(result: AccessResult): Outcome | undefined {
  if (!result.ok || result.segments.length !== 1) return undefined;
  return BYTE_READ_OUTCOMES[result.segments[0]!.datum];
}

/** What a read saw: each run of bytes as its byte value or the label of the write that left it. */
export function describeSegments(result: AccessResult, sim: Simulation): string {
  if (!result.ok) return result.signal;
  const segments = result.segments;
  if (segments.length === 1) return datumText(segments[0]!.datum, sim);
  return runsText(segments, sim);
}

/** Apart from describeSegments, so that its arrow (capturing `sim`) costs only for several runs. */
export function runsText(segments: readonly Segment[], sim: Simulation): string {
  return segments.map((s) => `${datumText(s.datum, sim)}×${s.length}`).join(', ');
}

function datumText(datum: number, sim: Simulation): string {
  if (datum < 256) return BYTE_TEXTS[datum] ?? `0x${datum.toString(16).padStart(2, '0')}`;
  return sim.tags.get(datum)?.label ?? `data#${datum}`;
}
