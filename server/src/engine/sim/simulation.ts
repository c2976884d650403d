// The state of one scenario's run: the address space, the records so far, and the helpers every
// actor uses to make calls. Every syscall goes through here so that it is recorded with its
// actor, text and result — that record is what hover, the trace and the rules read.
import { AddressSpace } from '../kernel/address-space';
import { changesPages } from '../kernel/effect-pages';
import { LastChangeIndex } from './last-change-index';
import type { Userfaultfd } from '../kernel/userfaultfd';
import type {
  AccessResult,
  Datum,
  Effect,
  MmapArgs,
  MremapArgs,
  OpenFile,
  SyscallResult,
  Vma,
} from '../kernel/types';
import type { VkMemory } from '../model/vk-memory';
import type { Expression, StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import type { RelatedInformation } from '../diagnostics';
import { alignDown, alignUp, formatHex, formatSize, formatSizeBelow } from '../numbers';
import type { Platform } from './platform';
import type { CallRecord, ExpectRecord, Finding, StepRecord } from './records';
import type { LanguageProblem } from './problems';
import { isReservation } from './reservations';
import {
  isWineReservedPlaceholder,
  piecesByArea,
  withReservedArea,
  type ReservedArea,
} from './wine-reserved-areas';
import { wineUserSharedDataBlock, WINE_USER_SHARED_DATA_LABEL, withoutBlock } from './wine-user-shared-data';
import { areasCutting, areasRefusing, reservedAreaCutText, type ReservedAreaCut } from './reserved-area-cuts';
import { SymbolTable } from './symbols';
import {
  accessCall,
  Arm64MmapCall,
  FormattedCall,
  listOf,
  MmapCall,
  MprotectCall,
  MadviseCall,
  MsealCall,
  MremapCall,
  MunmapCall,
  NO_CALLS,
  NoteCall,
  type OneOrList,
  type SyscallCall,
} from './calls';

function noteStep(steps: number[], step: number): void {
  // Set-up's calls (-1) are no step's, even when device creation runs after the leading
  // `reserve … preloaded` steps: the lists stay ascending, and rules read set-up's from the layer.
  if (step >= 0 && steps[steps.length - 1] !== step) steps.push(step);
}

/**
 * Whether a call replaced a mapping another actor made that is not a reservation: `fixed-clobber`
 * reports nothing else, and testing here, while the victims are fresh, spares the rule a visit
 * to every MAP_FIXED over the caller's own mappings or a reservation (every placed map).
 */
function replacesAnotherActors(effects: readonly Effect[], actor: string): boolean {
  // Indexed: every syscall passes here, and `for…of` leaves an iterator result where V8 does
  // not optimise it away.
  for (let i = 0; i < effects.length; i++) {
    const effect = effects[i]!;
    if (effect.kind !== 'replaced') continue;
    const victims = effect.victims;
    for (let v = 0; v < victims.length; v++)
      if (victims[v]!.owner !== actor && !isReservation(victims[v]!)) return true;
  }
  return false;
}

export interface DataTag {
  readonly datum: Datum;
  readonly label: string;
  readonly actor: string;
  readonly step: number;
}

/** A write's tag; an unnamed write's label is made when a read or hover shows it. */
class WriteTag implements DataTag {
  constructor(
    readonly datum: Datum,
    private readonly name: string | undefined,
    readonly actor: string,
    readonly step: number,
  ) {}

  get label(): string {
    return this.name ?? `data written by ${this.actor} at step ${this.step + 1}`;
  }
}

/** The first datum a write tag gets: lower ones are byte values. */
const FIRST_TAG = 256;

/**
 * The lowest address Wine's own allocator hands out on a 64-bit host (dlls/ntdll/unix/virtual.c,
 * `address_space_start = (void *)0x10000`): it keeps the lowest 64 KiB clear.
 */
export const WINE_ADDRESS_SPACE_START = 0x1_0000n;

/**
 * The run's write tags, in the order made (datum order, and step order): a list rather than two
 * maps (by datum, by step), since data are numbered from FIRST_TAG on and steps only increase.
 */
class WriteTags {
  private readonly list: WriteTag[] = [];

  get size(): number {
    return this.list.length;
  }

  /** The tag of a datum. */
  get(datum: Datum): DataTag | undefined {
    return datum >= FIRST_TAG ? this.list[datum - FIRST_TAG] : undefined;
  }

  add(tag: WriteTag): void {
    this.list.push(tag);
  }

  /** The datum of the last tag a step made. */
  lastOfStep(step: number): Datum | undefined {
    const list = this.list;
    let low = 0;
    let high = list.length - 1;
    let found: Datum | undefined;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const tagStep = list[middle]!.step;
      if (tagStep === step) found = list[middle]!.datum;
      if (tagStep <= step) low = middle + 1;
      else high = middle - 1;
    }
    return found;
  }
}

/** The 32-bit window now: free space, and the mappings in it by owner. */
export interface WindowStats {
  readonly freeBytes: bigint;
  readonly largestFree: bigint;
  /** How many gaps freeBytes is in: one gap too small is exhausted, several may be fragmented. */
  readonly gaps: number;
  /** The alignment the two figures below are counted at (Wine's allocation granularity). */
  readonly alignment: bigint;
  /**
   * The largest block findWindowSpace can hand out at `alignment`: a gap from its first aligned
   * address to its end. A gap that starts off a boundary loses its head (linux-mm §7.2).
   */
  readonly largestUsable: bigint;
  /** The usable part of the largest gap (largestFree), by the same count as largestUsable. */
  readonly largestFreeUsable: bigint;
  readonly sizeBytes: bigint;
  /**
   * Records (VMAs as the simulation keeps them) overlapping the window, but for placeholders of
   * Wine's reserved areas, which are room to Wine.
   */
  readonly mappings: number;
  readonly holders: ReadonlyMap<string, number>;
  /** The gaps reserved areas' edges cut into several blocks (none without reserved areas). */
  readonly reservedAreaCuts: readonly ReservedAreaCut[];
}

export class Simulation {
  readonly space: AddressSpace;
  /** The space's userfaultfd, held once: every step sets its step, and the getter allocates. */
  readonly userfaultfd: Userfaultfd;
  readonly records: StepRecord[] = [];
  readonly expects: ExpectRecord[] = [];
  readonly findings: Finding[] = [];
  readonly symbols = new SymbolTable();
  readonly tags = new WriteTags();
  /**
   * Files a step closed for the application (an import takes its fd), with the step and why:
   * completion stops offering the name after that step, hover says who closed it.
   */
  readonly closedFiles = new Map<OpenFile, { readonly step: number; readonly by: string }>();
  /**
   * The driver's own CPU address each memory-object address of a raw syscall step resolved to
   * (`madvise mem, 1MiB, dontneed by lvp`, sim/driver-address.ts), and the memory object, by the
   * argument's node: hover shows it as the address, driver-range-past-end reads the object. Made
   * at the first one: most scenarios have none.
   */
  driverAddresses: Map<Expression, { readonly address: bigint; readonly memory: VkMemory }> | undefined;
  private nextTag = FIRST_TAG;
  /**
   * The steps (record indexes, ascending) whose calls a rule looks for, noted as the calls are
   * made: a rule over a finished run of 100k steps then reads a few records, not all of them.
   */
  readonly stepsWith: {
    readonly failedCall: number[];
    /** Steps with a call that replaced another actor's mapping, not a reservation (`fixed-clobber`). */
    readonly replacement: number[];
    /** Steps whose outcome is a fault (`access-fault`). */
    readonly fault: number[];
  } = { failedCall: [], replacement: [], fault: [] };
  /**
   * How many of its calls a step (or the set-up, -1) made itself, for the few that hold calls
   * made after them (run.ts keepCallsAfterLastStep; sim/own-calls.ts): absent, all are its own.
   */
  readonly ownCallCounts = new Map<number, number>();
  /**
   * Calls made by the step being executed, until `takeCalls` hands them to its record: the
   * first alone (most steps make one), and from the second on all of them in one array reused
   * by every step, which `takeCalls` copies at their exact size: no array per step grown by push.
   */
  private pendingCount = 0;
  private pendingFirst: CallRecord | undefined;
  private readonly pendingMany: CallRecord[] = [];
  stepIndex = -1;
  stepNode: StepNode | undefined;
  /** Where a finding made at set-up, before step 1, is reported (sim/setup-range.ts). */
  setupFindingRange: TextRange | undefined;
  /** The last change of each page, made at the first lastChangeAt that asks about the latest state. */
  private changeIndex: LastChangeIndex | undefined;

  constructor(
    readonly platform: Platform,
    readonly problems: LanguageProblem[],
  ) {
    this.space = new AddressSpace(platform.kernel);
    this.userfaultfd = this.space.userfaultfd;
    this.userSharedData = wineUserSharedDataBlock(platform, this.usableWindowStart);
  }

  /**
   * The window's block around KUSER_SHARED_DATA, which no view of Wine's may take
   * (sim/wine-user-shared-data.ts), or undefined: every window search and count leaves it out.
   */
  readonly userSharedData: readonly [bigint, bigint] | undefined;

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
  readonly tagOfStep: { get(step: number): Datum | undefined } = {
    get: (step: number) => this.tags.lastOfStep(step),
  };

  /** A new datum for a write by `actor`, labelled with the step's name when it has one. */
  newTag(name: string | undefined, actor: string): Datum {
    const datum = this.nextTag++;
    this.tags.add(new WriteTag(datum, name, actor, this.stepIndex));
    return datum;
  }

  /** close(2) of `file` by this step, on the application's behalf; `by` says who and why. */
  closeFile(file: OpenFile, by: string): void {
    this.space.closeFile(file.fd, by);
    this.closedFiles.set(file, { step: this.stepIndex, by });
  }

  // ---- recorded kernel calls ----

  mmap(actor: string, args: MmapArgs, label?: string): SyscallResult {
    const result = this.space.mmap(args, { step: this.stepIndex, actor }, label);
    const Call = this.platform.kernel.arch === 'arm64' ? Arm64MmapCall : MmapCall;
    this.addSyscall(new Call(actor, args, result), result);
    return result;
  }

  munmap(actor: string, address: bigint, length: bigint): SyscallResult {
    const result = this.space.munmap(address, length, { step: this.stepIndex, actor });
    this.addSyscall(new MunmapCall(actor, address, length, result), result);
    return result;
  }

  /**
   * `owner`: whose the mapping the call makes is, when not the caller's (Origin.owner); the call
   * is still the caller's.
   */
  mremap(actor: string, args: MremapArgs, label?: string, owner?: string): SyscallResult {
    const origin =
      owner === undefined ? { step: this.stepIndex, actor } : { step: this.stepIndex, actor, owner };
    const result = this.space.mremap(args, origin, label);
    this.addSyscall(new MremapCall(actor, args, result), result);
    return result;
  }

  mprotect(actor: string, address: bigint, length: bigint, prot: number): SyscallResult {
    const result = this.space.mprotect(address, length, prot, { step: this.stepIndex, actor });
    this.addSyscall(new MprotectCall(actor, address, length, prot, result), result);
    return result;
  }

  /** mseal(2) (Linux 6.10+; ENOSYS before): seals the VMAs of a wholly mapped range. */
  mseal(actor: string, address: bigint, length: bigint): SyscallResult {
    const result = this.space.mseal(address, length, { step: this.stepIndex, actor });
    this.addSyscall(new MsealCall(actor, address, length, result), result);
    return result;
  }

  madvise(actor: string, address: bigint, length: bigint, advice: number): SyscallResult {
    const result = this.space.madvise(address, length, advice, { step: this.stepIndex, actor });
    this.addSyscall(new MadviseCall(actor, address, length, advice, result), result);
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
    // Calls without effects or an errno: nothing for the rules to note (see addCall).
    this.keep(new NoteCall(actor, text, result, ok));
  }

  /** A call made elsewhere (a CallSettledLater), kept in the step's calls. */
  noteCall(call: CallRecord): void {
    this.keep(call);
  }

  /** A call whose text `format` makes from `data` when it is read (see FormattedCall). */
  noteFormatted<T>(actor: string, format: (data: T) => string, data: T, result: string, ok: boolean): void {
    this.keep(new FormattedCall(actor, format, data, result, ok)); // as in note()
  }

  /** An actor's read or write through an address; the text is formatted when read. */
  noteAccess(
    actor: string,
    verb: 'write' | 'read',
    address: bigint,
    length: bigint,
    result: string,
    ok: boolean,
  ): void {
    this.keep(accessCall(actor, verb, address, length, result, ok)); // as in note()
  }

  addCall(call: CallRecord): void {
    this.noteForRules(!call.ok && call.errno !== undefined, call.effects, call.actor);
    this.keep(call);
  }

  /** A syscall's record, with the kernel's answer (its effects, without the record's copy). */
  private addSyscall(call: SyscallCall, result: SyscallResult): void {
    this.noteForRules(!result.ok, result.effects, call.actor);
    this.keep(call);
  }

  /** `refused`: the call failed with an errno (`kernel-refused`); replacements are `fixed-clobber`'s. */
  private noteForRules(refused: boolean, effects: readonly Effect[], actor: string): void {
    // A call belongs to the step being run, or (made by an expectation) to the last one.
    if (refused) noteStep(this.stepsWith.failedCall, this.stepIndex);
    if (effects.length !== 0 && replacesAnotherActors(effects, actor))
      noteStep(this.stepsWith.replacement, this.stepIndex);
  }

  private keep(call: CallRecord): void {
    const count = this.pendingCount++;
    if (count === 0) this.pendingFirst = call;
    else {
      if (count === 1) this.pendingMany[0] = this.pendingFirst!;
      this.pendingMany[count] = call;
    }
  }

  /** The calls made since the last take (alone, or in an array of their exact size); starts a new list. */
  takeCalls(): OneOrList<CallRecord> {
    const calls = this.pendingSoFar();
    this.pendingCount = 0;
    this.pendingFirst = undefined;
    return calls;
  }

  private pendingSoFar(): OneOrList<CallRecord> {
    const count = this.pendingCount;
    if (count === 0) return NO_CALLS;
    return count === 1 ? this.pendingFirst! : this.pendingMany.slice(0, count);
  }

  /** The calls made so far by the step being executed. */
  private pendingList(): readonly CallRecord[] {
    return listOf(this.pendingSoFar());
  }

  // ---- the 32-bit window ----

  /** Free gaps inside the window, in address order, as [start, end). */
  windowGaps(): [bigint, bigint][] {
    return this.gapsIn(this.platform.window.start, this.platform.window.end);
  }

  /** Free gaps inside [start, end), in address order, as [start, end). */
  gapsIn(start: bigint, end: bigint): [bigint, bigint][] {
    const gaps: [bigint, bigint][] = [];
    let cursor = start;
    // Only the VMAs inside the range: a full copy of the set per call made placed maps O(n²).
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

  /**
   * What each actor's mappings hold of [start, end), largest first, as `gpu 960 MiB, wine 64 KiB`
   * (empty when nothing is mapped there): who competes for a range that ran out (H9).
   */
  holdersIn(start: bigint, end: bigint): string {
    const startPage = this.pageOf(start);
    const endPage = Number((end + this.pageSize - 1n) / this.pageSize);
    const held = new Map<string, number>();
    for (const vma of this.space.overlapping(startPage, endPage)) {
      const pages = Math.min(vma.endPage, endPage) - Math.max(vma.startPage, startPage);
      held.set(vma.owner, (held.get(vma.owner) ?? 0) + pages);
    }
    return [...held]
      .sort((a, b) => b[1] - a[1])
      .map(([owner, pages]) => `${owner} ${formatSize(BigInt(pages) * this.pageSize)}`)
      .join(', ');
  }

  /**
   * Where the window room Wine can hand out starts: the window's start, but never below Wine's
   * lowest 64 KiB (address_space_start), whatever the window says. A `window 0 .. …` search that
   * started at 0 made Wine's own fixed mmap EPERM (below vm.mmap_min_addr) in an ordinary process.
   * The window search, the window-exhausted message and the panel all count from here.
   */
  get usableWindowStart(): bigint {
    const start = this.platform.window.start;
    return start > WINE_ADDRESS_SPACE_START ? start : WINE_ADDRESS_SPACE_START;
  }

  /**
   * Where Wine's map_view puts `size` bytes at `alignment` (its allocation granularity) when no
   * address is given: in a reserved area first, else the lowest fit in free window space, found by
   * the VMA set's gap search. Every map by a window strategy asks, so a scan of the window's
   * mappings made many maps quadratic.
   */
  findWindowSpace(size: bigint, alignment: bigint): bigint | undefined {
    const end = this.platform.window.end;
    const pages = Number((size + this.pageSize - 1n) / this.pageSize);
    const highPage = Number(end / this.pageSize);
    const windowLow = Number((this.usableWindowStart + this.pageSize - 1n) / this.pageSize);
    // Where the last search of this size and alignment found its fit: no fit starts below it
    // until something below it is unmapped (a fit starting up to `pages` below a removal may
    // reach into the space it freed). Many small ranges at a coarse alignment leave a gap after
    // each that has no aligned room; without this every search walked all of them.
    const low = this.space.takeLowWater();
    if (low !== Number.POSITIVE_INFINITY)
      for (const fit of this.windowFits.values()) {
        if (low - fit.pages < fit.from) fit.from = low - fit.pages;
        // The same for the cursor in each reserved area (firstFitInReservedAreas).
        const freed = this.addressOfPage(Math.max(0, low - fit.pages));
        for (let i = 0; i < fit.areaFrom.length; i++) if (fit.areaFrom[i]! > freed) fit.areaFrom[i] = freed;
      }
    const key = `${size}/${alignment}`;
    let fit = this.windowFits.get(key);
    if (fit === undefined) this.windowFits.set(key, (fit = { pages, from: windowLow, areaFrom: [] }));
    const inArea = this.firstFitInReservedAreas(size, alignment, fit.areaFrom);
    if (inArea !== undefined) return inArea;
    // map_free_area: bottom-up between Wine's views, with MAP_FIXED_NOREPLACE stepping past what is
    // mapped (a reserved area's placeholder too), so the lowest fit in space the kernel has free.
    const from = Math.max(windowLow, fit.from);
    // No view covers KUSER_SHARED_DATA's block: the lowest fit below it, else above it.
    let free: bigint | undefined;
    for (const [s, e] of withoutBlock(this.userSharedData, this.addressOfPage(from), end)) {
      const lowPage = Math.max(from, Number((s + this.pageSize - 1n) / this.pageSize));
      free = this.firstFitFrom(lowPage, Number(e / this.pageSize), pages, size, alignment, e);
      if (free !== undefined) break;
    }
    fit.from = free === undefined ? highPage : this.pageOf(free);
    return free;
  }

  /**
   * Wine's reserved areas (sim/wine-reserved-areas.ts), sorted and apart, as [start, end): their
   * placeholders are room for Wine's window allocations, not for the kernel's searches.
   */
  get wineReservedAreas(): readonly ReservedArea[] {
    return this.wineReservedAreasByStep[this.wineReservedAreasByStep.length - 1]?.areas ?? [];
  }

  /**
   * Who reserved each of wineReservedAreas, by its start: every actor whose range Wine merged into
   * it, in address order (box64's prereserve and a stated preloader range can be one area). A
   * window-exhausted message names them.
   */
  private readonly wineReservedAreaOwners = new Map<bigint, readonly string[]>();

  /**
   * The areas as each step that changed them left them, in step order (the last entry is the
   * areas now): the panel shows an earlier step's free blocks cut only at the areas that existed then.
   */
  private readonly wineReservedAreasByStep: {
    readonly step: number;
    readonly areas: readonly ReservedArea[];
  }[] = [];

  /** Wine's reserved areas after step `stepIndex` (-1: after set-up, box64's prereserve). */
  wineReservedAreasAfter(stepIndex: number): readonly ReservedArea[] {
    const history = this.wineReservedAreasByStep;
    for (let i = history.length - 1; i >= 0; i--) if (history[i]!.step <= stepIndex) return history[i]!.areas;
    return [];
  }

  /**
   * Hands [start, end), reserved by actor `by`, to Wine as a reserved area (wine_main_preload_info,
   * virtual_init), merged with those it overlaps or touches as Wine merges them (withReservedArea).
   */
  addWineReservedArea(start: bigint, end: bigint, by: string): void {
    const { areas, joined } = withReservedArea(this.wineReservedAreas, start, end);
    const owners = new Set(joined.flatMap(([s]) => this.wineReservedAreaOwners.get(s)!));
    for (const [s] of joined) this.wineReservedAreaOwners.delete(s);
    this.wineReservedAreaOwners.set(areas.find(([s, e]) => s <= start && e >= end)![0], [...owners.add(by)]);
    const last = this.wineReservedAreasByStep[this.wineReservedAreasByStep.length - 1];
    if (last?.step === this.stepIndex) this.wineReservedAreasByStep.pop();
    this.wineReservedAreasByStep.push({ step: this.stepIndex, areas });
    // The searches' cursors in the areas are kept by index (firstFitInReservedAreas): a new or
    // merged area moves the indices, and a cursor applied to another area skips its room.
    for (const fit of this.windowFits.values()) fit.areaFrom.length = 0;
  }

  /**
   * map_reserved_area, bottom-up (no MEM_TOP_DOWN): the reserved areas in address order, each cut
   * to the window, and in the first with room the lowest aligned fit that lies wholly inside it
   * (find_reserved_free_area); a view never spans an area's edge (wine-mirror/wine
   * dlls/ntdll/unix/virtual.c map_view, read at 01aa909c). Only other actors' mappings there count
   * as taken: Wine knows only its views, but drvmap does not let it clobber what it cannot see.
   */
  private firstFitInReservedAreas(size: bigint, alignment: bigint, areaFrom: bigint[]): bigint | undefined {
    const low = this.usableWindowStart;
    const high = this.platform.window.end;
    const areas = this.wineReservedAreas;
    for (let i = 0; i < areas.length; i++) {
      const [areaStart, areaEnd] = areas[i]!;
      // Where the last search of this size found its fit in this area (findWindowSpace keeps it):
      // without it every map walked every view already placed in the area, quadratic in maps.
      const cursor = areaFrom[i] ?? areaStart;
      const from = cursor > areaStart ? cursor : areaStart;
      const start = from > low ? from : low;
      const end = areaEnd < high ? areaEnd : high;
      if (end - start < size) {
        areaFrom[i] = end;
        continue;
      }
      let fit: bigint | undefined;
      for (const [s, e] of withoutBlock(this.userSharedData, start, end)) {
        fit = this.firstFitTreatingPlaceholdersFree(s, e, size, alignment);
        if (fit !== undefined) break;
      }
      areaFrom[i] = fit ?? end;
      if (fit !== undefined) return fit;
    }
    return undefined;
  }

  /**
   * The window's free space in the blocks one view may take: [start, end) cut at the reserved
   * areas' edges, since a view lies inside one area or outside all (firstFitInReservedAreas).
   * `areas` are those of an earlier step (wineReservedAreasAfter) for the panel; the run's own
   * searches use the areas now.
   */
  blocksForViews(
    start: bigint,
    end: bigint,
    areas: readonly ReservedArea[] = this.wineReservedAreas,
  ): (readonly [bigint, bigint])[] {
    // KUSER_SHARED_DATA's block is no view's either (sim/wine-user-shared-data.ts).
    const blocks = withoutBlock(this.userSharedData, start, end);
    if (areas.length === 0) return blocks;
    return blocks.flatMap(([s, e]) => piecesByArea(areas, s, e).map((p) => [p.start, p.end] as const));
  }

  /** Mappings the reserved-area search walked, all searches together (a test bounds it: linear). */
  reservedAreaVisits = 0;

  /** The lowest `alignment`-aligned fit in [start, end), placeholders of reserved areas counted free. */
  private firstFitTreatingPlaceholdersFree(
    start: bigint,
    end: bigint,
    size: bigint,
    alignment: bigint,
  ): bigint | undefined {
    const fits = (gapStart: bigint, gapEnd: bigint) => {
      const aligned = alignUp(gapStart, alignment);
      return aligned + size <= gapEnd ? aligned : undefined;
    };
    let cursor = start;
    for (const vma of this.space.overlapping(
      this.pageOf(start),
      Number((end + this.pageSize - 1n) / this.pageSize),
    )) {
      this.reservedAreaVisits++;
      if (isWineReservedPlaceholder(vma)) continue;
      const vStart = this.addressOfPage(vma.startPage);
      const vEnd = this.addressOfPage(vma.endPage);
      if (vEnd <= cursor) continue;
      if (vStart >= end) break;
      if (vStart > cursor) {
        const fit = fits(cursor, vStart);
        if (fit !== undefined) return fit;
      }
      cursor = vEnd;
      if (cursor >= end) return undefined;
    }
    return fits(cursor, end);
  }

  /**
   * The lowest `alignment`-aligned free block of `size` bytes that starts in [start, startEnd), or
   * undefined: a first-fit search of a range other than the window. Only the start is bounded, the
   * block may run past `startEnd`: box64's MAP_32BIT emulation on arm64 (find31bitBlockNearHint)
   * walks while its cursor is below the limit and takes any free block that starts there. Not
   * cached: it runs once per mapping, not per window-budget question.
   */
  findSpaceStartingIn(start: bigint, startEnd: bigint, size: bigint, alignment: bigint): bigint | undefined {
    if (startEnd <= start) return undefined;
    const pages = Number((size + this.pageSize - 1n) / this.pageSize);
    const lowPage = Number((start + this.pageSize - 1n) / this.pageSize);
    const lastStart = alignDown(startEnd - 1n, alignment);
    if (lastStart < start) return undefined;
    return this.firstFitFrom(
      lowPage,
      Number(lastStart / this.pageSize) + pages,
      pages,
      size,
      alignment,
      lastStart + size,
    );
  }

  /** Where the last window search of each size and alignment found its fit (findWindowSpace). */
  private readonly windowFits = new Map<
    string,
    { readonly pages: number; from: number; readonly areaFrom: bigint[] }
  >();

  private firstFitFrom(
    lowPage: number,
    highPage: number,
    pages: number,
    size: bigint,
    alignment: bigint,
    end: bigint,
  ): bigint | undefined {
    // The first gap with room, then the aligned address in it: when the alignment pushes the
    // range past that gap's end, the search goes on from the aligned address (the next gap).
    for (;;) {
      const page = this.space.lowestFree(lowPage, highPage, pages);
      if (page < 0) return undefined;
      const candidate = alignUp(this.addressOfPage(page), alignment);
      const candidatePage = this.pageOf(candidate);
      if (candidatePage === page) return candidate + size <= end ? candidate : undefined;
      if (candidatePage >= highPage) return undefined;
      lowPage = candidatePage;
    }
  }

  /**
   * Free bytes in the window and its largest free block, raw and as usable at `alignment`. Kept
   * until the mappings change: a window-exhausted message asks for them on every map that finds
   * no room, and a fragmented window has as many gaps as mappings.
   */
  windowStats(alignment: bigint = this.platform.allocationGranularity): WindowStats {
    const cached = this.windowStatsCache;
    if (cached !== undefined && cached.changes === this.space.changes && cached.stats.alignment === alignment)
      return cached.stats;
    const stats = this.computeWindowStats(alignment);
    this.windowStatsCache = { changes: this.space.changes, stats };
    return stats;
  }

  private windowStatsCache: { changes: number; stats: WindowStats } | undefined;

  /**
   * windowGaps summed in exact doubles (a window lies below 2^47): a bigint per mapping made a
   * fragmented window's every failed map slow.
   */
  private computeWindowStats(alignment: bigint): WindowStats {
    const window = this.platform.window;
    const end = Number(window.end);
    const P = Number(this.pageSize);
    const A = Number(alignment);
    // Free room is what findWindowSpace can hand out.
    let cursor = Number(this.usableWindowStart);
    let free = 0;
    let largest = 0;
    let gaps = 0;
    let largestUsable = 0;
    let largestFreeUsable = 0;
    // A gap [start, gapEnd) as findWindowSpace sees it: a fit starts at an aligned address and may
    // end anywhere up to the gap's end (the size asked for is page-granular, as Wine's).
    const block = (start: number, gapEnd: number) => {
      const size = gapEnd - start;
      const aligned = start + ((A - (start % A)) % A);
      const usable = aligned < gapEnd ? gapEnd - aligned : 0;
      gaps++;
      free += size;
      if (usable > largestUsable) largestUsable = usable;
      // Of gaps equally large, the one with the most usable room: the message says "of it".
      if (size > largest || (size === largest && usable > largestFreeUsable)) {
        largest = size;
        largestFreeUsable = usable;
      }
    };
    // A view never spans a reserved area's edge: a gap there is two blocks, and the message says
    // which areas cut a gap that would have held what was asked (describeNoRoom).
    const reservedAreaCuts: ReservedAreaCut[] = [];
    const gap = (start: number, gapEnd: number) => {
      for (const [s, e] of this.blocksForViews(BigInt(start), BigInt(gapEnd))) block(Number(s), Number(e));
      if (this.wineReservedAreas.length === 0) return;
      const aligned = start + ((A - (start % A)) % A);
      if (aligned >= gapEnd) return;
      const areas = areasCutting(this.wineReservedAreas, BigInt(aligned), BigInt(gapEnd));
      if (areas.length) reservedAreaCuts.push({ usable: BigInt(gapEnd - aligned), areas });
    };
    const vmas = this.space.overlapping(this.pageOf(window.start), Math.ceil(end / P));
    const holders = new Map<string, number>();
    let mappings = 0;
    for (let i = 0; i < vmas.length; i++) {
      const v = vmas[i]!;
      // Wine's reserved areas are room to Wine: a placeholder there holds nothing of the window.
      if (isWineReservedPlaceholder(v)) continue;
      mappings++;
      holders.set(v.owner, (holders.get(v.owner) ?? 0) + 1);
      const vEnd = v.endPage * P;
      if (vEnd <= cursor) continue;
      const vStart = v.startPage * P;
      if (vStart >= end) break;
      if (vStart > cursor) gap(cursor, Math.min(vStart, end));
      cursor = vEnd;
      if (cursor >= end) break;
    }
    if (cursor < end) gap(cursor, end);
    return {
      freeBytes: BigInt(free),
      largestFree: BigInt(largest),
      gaps,
      alignment,
      largestUsable: BigInt(largestUsable),
      largestFreeUsable: BigInt(largestFreeUsable),
      sizeBytes: window.end - window.start,
      mappings,
      holders,
      reservedAreaCuts,
    };
  }

  /**
   * Why `size` bytes at `alignment` (what findWindowSpace was asked) found no room: a block large
   * enough that the alignment cuts short, fragmented (enough in total, in several gaps, none big
   * enough), or exhausted.
   */
  describeNoRoom(size: bigint, alignment: bigint): string {
    const stats = this.windowStats(alignment);
    const base = `no ${formatSize(size)} block is free in the 32-bit window ${formatHex(this.platform.window.start)}..${formatHex(this.platform.window.end)}`;
    // Who holds the window: how many maps fitted before this one, which is what a window-budget
    // question asks.
    const holders = [...stats.holders]
      .sort((a, b) => b[1] - a[1])
      .map(([owner, n]) => `${owner} ${n.toLocaleString('en-US')}`)
      .join(', ');
    const held = `${this.userSharedDataCut(size, alignment)}; ${stats.mappings.toLocaleString('en-US')} ${stats.mappings === 1 ? 'mapping lies' : 'mappings lie'} in it${holders ? ` (${holders})` : ''}`;
    const usable = formatSizeBelow(stats.largestUsable);
    const boundary = formatSize(alignment);
    // The search failed, so no gap has `size` from an aligned start: a gap that holds `size` all
    // the same starts off a boundary, and it is the granularity that refuses the request.
    if (stats.largestFree >= size) {
      const block =
        stats.gaps > 1
          ? `${formatSize(stats.freeBytes)} is free in total; the largest free block is`
          : 'the only free block is';
      const part =
        stats.largestFreeUsable === stats.largestUsable
          ? `so only ${usable} of it is usable`
          : `so the largest block it can use is ${usable}`;
      return `${base}: ${block} ${formatSize(stats.largestFree)}, but Wine places views on ${boundary} boundaries, ${part}${held}`;
    }
    // What is free falls short of `size`: cut, so that it never reads as `size` itself. The largest
    // block is the raw gap (as the panel draws it), with what Wine can use of it when that is less.
    const largest =
      formatSizeBelow(stats.largestFree) +
      (stats.largestUsable === stats.largestFree
        ? ''
        : stats.largestFreeUsable === stats.largestUsable
          ? `, of which Wine can use ${usable} from its first ${boundary} boundary`
          : `, and the largest Wine can use from a ${boundary} boundary is ${usable}`);
    // Fragmented only when the room is split: all of it in one gap would have held `size`. When
    // reserved areas' edges split a gap that would have, nothing mapped may lie there: say what cut it.
    if (stats.gaps > 1 && stats.freeBytes >= size) {
      const cutBy = areasRefusing(stats.reservedAreaCuts, size);
      const cut = cutBy.length
        ? `: ${reservedAreaCutText(cutBy, ([start]) => this.wineReservedAreaOwners.get(start)!)}`
        : '';
      return `${base}: ${formatSize(stats.freeBytes)} is free in total, but fragmented${cut} — the largest free block is ${largest}${held}`;
    }
    return `${base}: only ${formatSizeBelow(stats.freeBytes)} is free (largest block ${largest})${held}`;
  }

  /**
   * What a no-room message adds when KUSER_SHARED_DATA's block is what refused `size`: the free
   * space on both sides of it, joined, would have held it from an aligned start. Wine's
   * placeholders count as free there, as they do to Wine.
   */
  private userSharedDataCut(size: bigint, alignment: bigint): string {
    const block = this.userSharedData;
    if (block === undefined) return '';
    const [start, end] = block;
    let low = this.usableWindowStart;
    let high = this.platform.window.end;
    for (const vma of this.space.overlapping(
      this.pageOf(low),
      Number((high + this.pageSize - 1n) / this.pageSize),
    )) {
      if (isWineReservedPlaceholder(vma)) continue;
      const vStart = this.addressOfPage(vma.startPage);
      const vEnd = this.addressOfPage(vma.endPage);
      if (vEnd <= start && vEnd > low) low = vEnd;
      else if (vStart >= end && vStart < high) high = vStart;
      else if (vStart < end && vEnd > start) return '';
    }
    // No view spans a reserved area's edge either (box64's, under mmap32): an edge bounds the room
    // around the block as a mapping does, or the areas, not the block, refused the request.
    for (const area of this.wineReservedAreas)
      for (const edge of area) {
        if (edge <= start && edge > low) low = edge;
        else if (edge >= end && edge < high) high = edge;
      }
    if (alignUp(low, alignment) + size > high) return '';
    return `; ${WINE_USER_SHARED_DATA_LABEL} at ${formatHex(start)} holds ${formatHex(start)}..${formatHex(end)}, where no view of Wine's may lie (the page is Wine's from process start: user_shared_data, dlls/ntdll/unix/virtual.c)`;
  }

  // ---- findings ----

  finding(
    code: string,
    message: string,
    related: readonly RelatedInformation[] = [],
    range?: TextRange,
    explainsFault = false,
    addresses: readonly bigint[] = [],
  ): void {
    const at = range ?? this.stepNode ?? this.setupFindingRange;
    if (!at) return;
    const where = { start: at.start, end: at.end };
    this.findings.push({
      code,
      range: where,
      message,
      related,
      ...(explainsFault ? { explainsFault: true as const } : {}),
      ...(addresses.length ? { addresses } : {}),
    });
  }

  /** Related information pointing at the step that made a VMA. */
  madeAt(vma: Vma, what = 'mapped here'): RelatedInformation[] {
    const record = this.records[vma.createdStep];
    return record
      ? [{ range: record.node, message: `${what} (step ${vma.createdStep + 1}, by ${vma.owner})` }]
      : [];
  }

  /**
   * The most recent call whose effect touched a page of [page, endPage) (moved away, emptied,
   * replaced, unmapped). `before`: only calls made before call `before.call` of the recorded step
   * `before.step` (a rule looking back from one call of a finished run).
   */
  lastChangeAt(
    page: number,
    endPage = page + 1,
    before?: { readonly step: number; readonly call: number },
  ): { step: number; call: CallRecord; effect: Effect } | undefined {
    if (before === undefined) {
      // The calls not yet in a record are the newest: those of the step being executed (whose
      // record is pushed after it ran, so stepIndex is one past the last record), or of an
      // expectation after the last step (stepIndex is that step's: its calls join its record).
      const pending = lastChangeIn(this.pendingList(), this.pendingCount, page, endPage);
      if (pending) return { step: this.stepIndex, ...pending };
      // The recorded calls: the index answers as the walk below would, in O(log n).
      return (this.changeIndex ??= new LastChangeIndex()).lastChangeAt(this.records, page, endPage);
    }
    for (let i = before.step; i >= 0; i--) {
      const calls = this.records[i]!.calls;
      const end = i === before.step ? before.call : calls.length;
      const found = lastChangeIn(calls, end, page, endPage);
      if (found) return { step: i, ...found };
    }
    return undefined;
  }

  stepRange(step: number): TextRange | undefined {
    return this.records[step]?.node;
  }
}

/** The last of calls[0, end) with an effect that changed a page of [page, endPage). */
function lastChangeIn(
  calls: readonly CallRecord[],
  end: number,
  page: number,
  endPage: number,
): { call: CallRecord; effect: Effect } | undefined {
  for (let c = end - 1; c >= 0; c--) {
    const call = calls[c]!;
    for (const effect of call.effects) if (changesPages(effect, page, endPage)) return { call, effect };
  }
  return undefined;
}
