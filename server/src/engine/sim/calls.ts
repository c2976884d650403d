// The call records a run keeps: one per syscall, access or API call a step makes. A run makes
// one or more per step and keeps them all, while hover, the trace and the rules read the text of
// only a few: so each record keeps the data it was made from and formats its text on read. Each
// kind is a class (getters on the prototype, one hidden class per kind) that holds its data in
// fields, never in a closure: a closure per call also keeps a context object alive.
import type { Effect, Errno, MmapArgs, MremapArgs, SyscallResult } from '../kernel/types';
import { MAP_FIXED, MAP_FIXED_NOREPLACE, MREMAP_FIXED } from '../kernel/types';
import { formatHex } from '../numbers';
import { NO_EFFECTS, type Failure } from '../kernel/result';
import {
  madviseText,
  mmapText,
  mprotectText,
  mremapText,
  msealText,
  munmapText,
  resultText,
} from './format-call';
import type { CallRecord } from './records';

/** Shared by every step without calls (most of them). */
export const NO_CALLS: readonly CallRecord[] = [];

/**
 * One item, or a list of several. Records keep a lone call (or effect) without an array around
 * it: most steps make one call, and most calls have at most one effect.
 */
export type OneOrList<T extends object> = T | readonly T[];

/** The items as a list: a new one-item array for a lone item (cheap: it dies young). */
export function listOf<T extends object>(items: OneOrList<T>): readonly T[] {
  return Array.isArray(items) ? (items as readonly T[]) : [items as T];
}

/**
 * A raw syscall on the simulated kernel: its arguments and the kernel's answer. The answer's
 * effects are kept alone or in an array of their exact size (the kernel grows its list by push).
 * One subclass per syscall holds that syscall's arguments as its own fields (a range is two
 * fields, not an object beside the record), and the answer is one field: what a successful call
 * returned, or why it failed.
 */
export abstract class SyscallCall implements CallRecord {
  private readonly effectData: OneOrList<Effect>;
  private readonly answer: bigint | Failure;

  constructor(
    readonly actor: string,
    answer: SyscallResult,
  ) {
    const effects = answer.effects;
    this.effectData =
      effects.length === 1 ? effects[0]! : effects.length === 0 ? NO_EFFECTS : effects.slice();
    this.answer = answer.ok ? answer.value : answer;
  }

  abstract get text(): string;

  /** mmap and mremap return an address, munmap and mprotect 0. */
  protected abstract get returnsAddress(): boolean;

  get effects(): readonly Effect[] {
    return listOf(this.effectData);
  }

  get ok(): boolean {
    return typeof this.answer === 'bigint';
  }

  get errno(): Errno | undefined {
    return typeof this.answer === 'bigint' ? undefined : this.answer.errno;
  }

  get reason(): string | undefined {
    return typeof this.answer === 'bigint' ? undefined : this.answer.reason;
  }

  /** madvise: where a VMA refused part-way (the VMAs before it were advised); otherwise undefined. */
  get refusedAtPage(): number | undefined {
    return typeof this.answer === 'bigint' ? undefined : this.answer.refusedAtPage;
  }

  get result(): string {
    const answer =
      typeof this.answer === 'bigint'
        ? { ok: true as const, value: this.answer, effects: this.effects }
        : this.answer;
    return resultText(answer, this.returnsAddress);
  }
}

/**
 * The arguments are the record's own fields (it is an MmapArgs itself): an arguments object
 * beside each kept record was one more object per call for the collector to copy.
 */
export class MmapCall extends SyscallCall implements MmapArgs {
  readonly addr: bigint;
  readonly length: bigint;
  readonly prot: number;
  readonly flags: number;
  readonly fd: number;
  readonly offset: bigint;

  constructor(actor: string, args: MmapArgs, answer: SyscallResult) {
    super(actor, answer);
    this.addr = args.addr;
    this.length = args.length;
    this.prot = args.prot;
    this.flags = args.flags;
    this.fd = args.fd;
    this.offset = args.offset;
  }

  get text(): string {
    return mmapText(this);
  }

  /** Only a fixed address names a mapping: a hint is where the search starts. */
  get addresses(): readonly bigint[] {
    return (this.flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0 ? [this.addr] : [];
  }

  protected get returnsAddress(): boolean {
    return true;
  }
}

/** An mmap on arm64: the x86-only flag bits printed as numbers, as strace there prints them. */
export class Arm64MmapCall extends MmapCall {
  override get text(): string {
    return mmapText(this, 'arm64');
  }
}

/** As MmapCall: the arguments are the record's own fields. */
export class MremapCall extends SyscallCall implements MremapArgs {
  readonly oldAddress: bigint;
  readonly oldSize: bigint;
  readonly newSize: bigint;
  readonly flags: number;
  readonly newAddress: bigint;

  constructor(actor: string, args: MremapArgs, answer: SyscallResult) {
    super(actor, answer);
    this.oldAddress = args.oldAddress;
    this.oldSize = args.oldSize;
    this.newSize = args.newSize;
    this.flags = args.flags;
    this.newAddress = args.newAddress;
  }

  get text(): string {
    return mremapText(this);
  }

  get addresses(): readonly bigint[] {
    return (this.flags & MREMAP_FIXED) !== 0 ? [this.oldAddress, this.newAddress] : [this.oldAddress];
  }

  protected get returnsAddress(): boolean {
    return true;
  }
}

export class MunmapCall extends SyscallCall {
  constructor(
    actor: string,
    private readonly address: bigint,
    private readonly length: bigint,
    answer: SyscallResult,
  ) {
    super(actor, answer);
  }

  get text(): string {
    return munmapText(this.address, this.length);
  }

  get addresses(): readonly bigint[] {
    return [this.address];
  }

  protected get returnsAddress(): boolean {
    return false;
  }
}

export class MprotectCall extends SyscallCall {
  constructor(
    actor: string,
    private readonly address: bigint,
    private readonly length: bigint,
    private readonly prot: number,
    answer: SyscallResult,
  ) {
    super(actor, answer);
  }

  get text(): string {
    return mprotectText(this.address, this.length, this.prot);
  }

  get addresses(): readonly bigint[] {
    return [this.address];
  }

  protected get returnsAddress(): boolean {
    return false;
  }
}

export class MadviseCall extends SyscallCall {
  constructor(
    actor: string,
    readonly address: bigint,
    readonly length: bigint,
    readonly advice: number,
    answer: SyscallResult,
  ) {
    super(actor, answer);
  }

  get text(): string {
    return madviseText(this.address, this.length, this.advice);
  }

  get addresses(): readonly bigint[] {
    return [this.address];
  }

  protected get returnsAddress(): boolean {
    return false;
  }
}

export class MsealCall extends SyscallCall {
  constructor(
    actor: string,
    readonly address: bigint,
    readonly length: bigint,
    answer: SyscallResult,
  ) {
    super(actor, answer);
  }

  get text(): string {
    return msealText(this.address, this.length);
  }

  get addresses(): readonly bigint[] {
    return [this.address];
  }

  protected get returnsAddress(): boolean {
    return false;
  }
}

/** A call the kernel does not answer (an access, an API call): no effects, no errno. */
abstract class CallWithoutEffects {
  get effects(): readonly Effect[] {
    return NO_EFFECTS;
  }

  get errno(): undefined {
    return undefined;
  }

  get reason(): undefined {
    return undefined;
  }
}

/**
 * `write 0x7f…, 17` / `read 0x7f…, 64` by an actor: the result is what it read, or the fault.
 * Made for every access a run makes and kept: one class per verb and outcome, so that what
 * those decide (the verb, `ok`, a successful write's empty result) is on the prototype, not in
 * a field of every record. `accessCall` picks the class.
 */
abstract class AccessCall extends CallWithoutEffects implements CallRecord {
  protected abstract readonly verb: 'write' | 'read';
  abstract readonly result: string;
  abstract readonly ok: boolean;

  constructor(
    readonly actor: string,
    private readonly address: bigint,
    private readonly length: bigint,
  ) {
    super();
  }

  get text(): string {
    return `${this.verb} ${formatHex(this.address)}, ${this.length}`;
  }
}

/** A write that succeeded: its result is empty. */
class WriteCall extends AccessCall {
  protected get verb(): 'write' {
    return 'write';
  }

  get result(): string {
    return '';
  }

  get ok(): boolean {
    return true;
  }
}

/** A read that succeeded: its result is what it saw. */
class ReadCall extends AccessCall {
  constructor(
    actor: string,
    address: bigint,
    length: bigint,
    readonly result: string,
  ) {
    super(actor, address, length);
  }

  protected get verb(): 'read' {
    return 'read';
  }

  get ok(): boolean {
    return true;
  }
}

/** Any other access: one that faulted (its result: the fault). */
class AccessCallWithResult extends AccessCall {
  constructor(
    actor: string,
    protected readonly verb: 'write' | 'read',
    address: bigint,
    length: bigint,
    readonly result: string,
    readonly ok: boolean,
  ) {
    super(actor, address, length);
  }
}

/** An access's call record (see AccessCall). */
export function accessCall(
  actor: string,
  verb: 'write' | 'read',
  address: bigint,
  length: bigint,
  result: string,
  ok: boolean,
): CallRecord {
  if (ok && verb === 'write' && result === '') return new WriteCall(actor, address, length);
  if (ok && verb === 'read') return new ReadCall(actor, address, length, result);
  return new AccessCallWithResult(actor, verb, address, length, result, ok);
}

/**
 * A call that is not a syscall (a Vulkan entry point, a memcpy), for the trace. Its text and
 * result may be functions, formatted on first read; callers pass a string when it is cheap.
 */
export class NoteCall extends CallWithoutEffects implements CallRecord {
  constructor(
    readonly actor: string,
    private textSource: string | (() => string),
    private resultSource: string | (() => string),
    readonly ok: boolean,
  ) {
    super();
  }

  get text(): string {
    if (typeof this.textSource !== 'string') this.textSource = this.textSource();
    return this.textSource;
  }

  get result(): string {
    if (typeof this.resultSource !== 'string') this.resultSource = this.resultSource();
    return this.resultSource;
  }
}

/**
 * A call refused with an errno that is not a recorded syscall: a driver's ioctl the kernel
 * refused (the mmap-offset ioctl with no room left in the DRM fake-offset space), or Wine's
 * allocation refused before any mmap (sim/wine-fixed-area.ts). `kernel-refused` reports it like a
 * refused syscall.
 */
export class RefusedCall implements CallRecord {
  readonly ok = false;
  readonly effects: readonly Effect[] = NO_EFFECTS;
  constructor(
    readonly actor: string,
    readonly text: string,
    readonly errno: Errno,
    readonly reason: string,
  ) {}

  get result(): string {
    return `= -1 ${this.errno}`;
  }
}

/**
 * A call whose result is known only after what it sets off has run (the application's
 * vkAllocateMemory, when Wine's own work for it can fail): noted first, so that it comes before
 * the calls it causes, and settled once the result is known.
 */
export class CallSettledLater<T> extends CallWithoutEffects implements CallRecord {
  result: string;
  ok = true;

  constructor(
    readonly actor: string,
    private readonly format: (data: T) => string,
    private readonly data: T,
    result: string,
  ) {
    super();
    this.result = result;
  }

  get text(): string {
    return this.format(this.data);
  }

  settle(result: string, ok: boolean): void {
    this.result = result;
    this.ok = ok;
  }
}

/**
 * A call whose text one shared function formats from the data the call keeps (`vkFreeMemory(mem)`
 * from the memory's name): lazy like a closure, without a closure and its context per call.
 */
export class FormattedCall<T> extends CallWithoutEffects implements CallRecord {
  constructor(
    readonly actor: string,
    private readonly format: (data: T) => string,
    private readonly data: T,
    readonly result: string,
    readonly ok: boolean,
  ) {
    super();
  }

  get text(): string {
    return this.format(this.data);
  }
}
