// The state of one scenario's run: the address space, the records so far, and the helpers every
// actor uses to make calls. Every syscall goes through here so that it is recorded with its
// actor, text and result — that record is what hover, the trace and the rules read.
import { AddressSpace } from '../kernel/address-space';
import type { AccessResult, Datum, Effect, MmapArgs, MremapArgs, SyscallResult, Vma } from '../kernel/types';
import type { StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import type { RelatedInformation } from '../diagnostics';
import { alignUp, formatHex, formatSize } from '../numbers';
import type { Platform } from './platform';
import type { CallRecord, ExpectRecord, Finding, StepRecord } from './records';
import type { LanguageProblem } from './problems';
import { SymbolTable } from './symbols';
import { mmapText, mprotectText, mremapText, munmapText, resultText } from './format-call';

const EMPTY_EFFECTS: readonly Effect[] = [];

/**
 * A call record whose text and result are formatted on first read. A class, so that every
 * record shares one hidden class and its getters live on the prototype (object literals with
 * accessors are slow to create, and runs make one per syscall).
 */
class LazyCall implements CallRecord {
  errno?: CallRecord['errno'];
  reason?: string;
  private textValue: string | undefined;
  private resultValue: string | undefined;

  constructor(
    readonly actor: string,
    private readonly describe: string | (() => string),
    private readonly describeResult: string | (() => string),
    readonly ok: boolean,
    readonly effects: readonly Effect[],
  ) {}

  get text(): string {
    return (this.textValue ??= typeof this.describe === 'string' ? this.describe : this.describe());
  }

  get result(): string {
    return (this.resultValue ??=
      typeof this.describeResult === 'string' ? this.describeResult : this.describeResult());
  }
}

function lazyCall(
  actor: string,
  text: string | (() => string),
  result: string | (() => string),
  ok: boolean,
  effects: readonly Effect[],
): LazyCall {
  return new LazyCall(actor, text, result, ok, effects);
}

export interface DataTag {
  readonly datum: Datum;
  readonly label: string;
  readonly actor: string;
  readonly step: number;
}

export class Simulation {
  readonly space: AddressSpace;
  readonly records: StepRecord[] = [];
  readonly expects: ExpectRecord[] = [];
  readonly findings: Finding[] = [];
  readonly symbols = new SymbolTable();
  readonly tags = new Map<Datum, DataTag>();
  private nextTag = 256;
  /** Calls made by the step being executed. */
  calls: CallRecord[] = [];
  stepIndex = -1;
  stepNode: StepNode | undefined;

  constructor(
    readonly platform: Platform,
    readonly problems: LanguageProblem[],
  ) {
    this.space = new AddressSpace(platform.kernel);
  }

  get pageSize(): bigint {
    return this.platform.kernel.pageSize;
  }

  pageOf(address: bigint): number {
    return Number(address / this.pageSize);
  }

  addressOfPage(page: number): bigint {
    return BigInt(page) * this.pageSize;
  }

  /** The datum of the last write a step tagged, for binding its name. */
  readonly tagOfStep = new Map<number, Datum>();

  newTag(label: string, actor: string): Datum {
    const datum = this.nextTag++;
    this.tags.set(datum, { datum, label, actor, step: this.stepIndex });
    this.tagOfStep.set(this.stepIndex, datum);
    return datum;
  }

  // ---- recorded kernel calls ----

  mmap(actor: string, args: MmapArgs, label?: string): SyscallResult {
    const result = this.space.mmap(args, { step: this.stepIndex, actor }, label);
    this.record(actor, () => mmapText(args), result, true);
    return result;
  }

  munmap(actor: string, address: bigint, length: bigint): SyscallResult {
    const result = this.space.munmap(address, length, { step: this.stepIndex, actor });
    this.record(actor, () => munmapText(address, length), result, false);
    return result;
  }

  mremap(actor: string, args: MremapArgs, label?: string): SyscallResult {
    const result = this.space.mremap(args, { step: this.stepIndex, actor }, label);
    this.record(actor, () => mremapText(args), result, true);
    return result;
  }

  mprotect(actor: string, address: bigint, length: bigint, prot: number): SyscallResult {
    const result = this.space.mprotect(address, length, prot, { step: this.stepIndex, actor });
    this.record(actor, () => mprotectText(address, length, prot), result, false);
    return result;
  }

  read(actor: string, address: bigint, length: bigint): AccessResult {
    return this.space.read(address, length, { step: this.stepIndex, actor });
  }

  write(actor: string, address: bigint, length: bigint, datum: Datum): AccessResult {
    return this.space.write(address, length, datum, { step: this.stepIndex, actor });
  }

  /** memcpy by an actor: reads the source, writes each run to the destination. */
  copy(actor: string, from: bigint, to: bigint, length: bigint): AccessResult {
    const source = this.read(actor, from, length);
    if (!source.ok) {
      this.note(
        actor,
        `memcpy(${formatHex(to)}, ${formatHex(from)}, ${length})`,
        `faults: ${source.signal} at ${formatHex(source.address)}`,
        false,
      );
      return source;
    }
    for (const segment of source.segments) {
      const written = this.write(actor, to + segment.offset, segment.length, segment.datum);
      if (!written.ok) {
        this.note(
          actor,
          `memcpy(${formatHex(to)}, ${formatHex(from)}, ${length})`,
          `faults: ${written.signal} at ${formatHex(written.address)}`,
          false,
        );
        return written;
      }
    }
    this.note(actor, () => `memcpy(${formatHex(to)}, ${formatHex(from)}, ${length})`, '', true);
    return source;
  }

  /**
   * A call that is not a syscall (a Vulkan entry point, a memcpy), for the trace. Text may be a
   * function: call records are read far less often than they are made, so formatting is lazy.
   */
  note(actor: string, text: string | (() => string), result: string | (() => string), ok: boolean): void {
    this.calls.push(lazyCall(actor, text, result, ok, EMPTY_EFFECTS));
  }

  private record(
    actor: string,
    describe: () => string,
    result: SyscallResult,
    returnsAddress: boolean,
  ): void {
    const call = lazyCall(
      actor,
      describe,
      () => resultText(result, returnsAddress),
      result.ok,
      result.effects,
    );
    if (!result.ok) Object.assign(call, { errno: result.errno, reason: result.reason });
    this.calls.push(call);
  }

  // ---- the 32-bit window ----

  /** Free gaps inside the window, in address order, as [start, end). */
  windowGaps(): [bigint, bigint][] {
    const { start, end } = this.platform.window;
    const gaps: [bigint, bigint][] = [];
    let cursor = start;
    // Only the VMAs inside the window: a full copy of the set per call made placed maps O(n²).
    for (const vma of this.space.overlapping(
      this.pageOf(start),
      Number((end + this.pageSize - 1n) / this.pageSize),
    )) {
      const vStart = this.addressOfPage(vma.startPage);
      const vEnd = this.addressOfPage(vma.endPage);
      if (vEnd <= cursor) continue;
      if (vStart >= end) break;
      if (vStart > cursor) gaps.push([cursor, vStart < end ? vStart : end]);
      cursor = vEnd;
      if (cursor >= end) break;
    }
    if (cursor < end) gaps.push([cursor, end]);
    return gaps;
  }

  /** The lowest address in the window where `size` bytes fit at `alignment` (Wine's allocation granularity). */
  findWindowSpace(size: bigint, alignment: bigint): bigint | undefined {
    for (const [gapStart, gapEnd] of this.windowGaps()) {
      const candidate = alignUp(gapStart, alignment);
      if (candidate + size <= gapEnd) return candidate;
    }
    return undefined;
  }

  windowStats(): { freeBytes: bigint; largestFree: bigint; sizeBytes: bigint } {
    let freeBytes = 0n;
    let largestFree = 0n;
    for (const [s, e] of this.windowGaps()) {
      freeBytes += e - s;
      if (e - s > largestFree) largestFree = e - s;
    }
    return { freeBytes, largestFree, sizeBytes: this.platform.window.end - this.platform.window.start };
  }

  /** Why `size` bytes found no room: exhausted, or fragmented (enough in total, no block big enough). */
  describeNoRoom(size: bigint): string {
    const stats = this.windowStats();
    const base = `no ${formatSize(size)} block is free in the 32-bit window ${formatHex(this.platform.window.start)}..${formatHex(this.platform.window.end)}`;
    if (stats.freeBytes >= size)
      return `${base}: ${formatSize(stats.freeBytes)} is free in total, but fragmented — the largest free block is ${formatSize(stats.largestFree)}`;
    return `${base}: only ${formatSize(stats.freeBytes)} is free (largest block ${formatSize(stats.largestFree)})`;
  }

  // ---- findings ----

  finding(
    code: string,
    message: string,
    related: readonly RelatedInformation[] = [],
    range?: TextRange,
  ): void {
    const at = range ?? this.stepNode;
    if (!at) return;
    this.findings.push({ code, range: { start: at.start, end: at.end }, message, related });
  }

  /** Related information pointing at the step that made a VMA. */
  madeAt(vma: Vma, what = 'mapped here'): RelatedInformation[] {
    const record = this.records[vma.createdStep];
    return record
      ? [{ range: record.node, message: `${what} (step ${vma.createdStep + 1}, by ${vma.owner})` }]
      : [];
  }

  /** The most recent call whose effect touched the page (moved away, emptied, replaced, unmapped). */
  lastChangeAt(page: number): { step: number; call: CallRecord; effect: Effect } | undefined {
    for (let i = this.records.length - 1; i >= -1; i--) {
      const calls = i === this.stepIndex ? this.calls : (this.records[i]?.calls ?? []);
      for (let c = calls.length - 1; c >= 0; c--) {
        const call = calls[c]!;
        for (const effect of call.effects) {
          const [from, to] =
            effect.kind === 'moved'
              ? [effect.fromPage, effect.fromPage + effect.pages]
              : effect.kind === 'mapped'
                ? [effect.vma.startPage, effect.vma.endPage]
                : [effect.startPage, effect.endPage];
          if (page >= from && page < to && effect.kind !== 'protected' && effect.kind !== 'aliased')
            return { step: i, call, effect };
        }
      }
      if (i === this.stepIndex) continue;
    }
    return undefined;
  }

  stepRange(step: number): TextRange | undefined {
    return this.records[step]?.node;
  }
}
