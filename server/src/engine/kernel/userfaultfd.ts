// userfaultfd(2) in MISSING mode: a handler thread that services the faults of a registered
// range. After MREMAP_DONTUNMAP the old range has no pages; its next touch is "handled by a
// userfaultfd(2) handler … Otherwise, the kernel allocates a zero-filled page" (man:mremap(2),
// facts linux-mm 3.5). The handler answers each fault with an ioctl; drvmap models four answers:
//
//   zero       UFFDIO_ZEROPAGE: a zero page (what no handler gives, but counted)
//   copy       UFFDIO_COPY from a source address: a snapshot of the source page at fault time
//   map-moved  install the moved pages themselves: an alias (no Linux ioctl does this for private
//              anonymous memory — UFFDIO_MOVE takes the page away from the new range; it is
//              modelled as the ideal handler, to show what the best case would be)
//   fail       the handler refuses (UFFD_FEATURE_SIGBUS, or an error reply): SIGBUS
//
// The access walk (access.ts) calls `userfaultfdFault` for each page of a VM_UFFD_MISSING VMA.
// A page is "missing" when nothing faulted it in: no contents and no read since it was mapped
// (ContentStore.isPresent; a read maps the zero page or allocates the shmem page). State lives
// beside the KernelState (a WeakMap), so the kernel's own state shape is unchanged.
import { formatHex, formatSize } from '../numbers';
import { access, writeTarget } from './access';
import { lazilyFreedIn, type LazilyFreedRead } from './lazy-freed';
import { fail } from './result';
import { formatKernelVersion, versionAtLeast } from './config';
import { deviceOf, describeRange } from './state';
import { USERFAULTFD_HISTORY } from './userfaultfd-history';
import { VM_DROPPABLE, VM_HUGETLB, VM_UFFD_MISSING } from './types';
import { isPrivateAnon, isShared, sliceVma, VM_MAYWRITE, vmaWith } from './vma';
import type { KernelState } from './state';
import type { MemoryObject, Segment, SyscallResult, Vma } from './types';

/**
 * Why vma_can_userfault() refuses a VMA for MISSING mode, or undefined: it takes anonymous
 * memory, hugetlb and shmem — vma_is_shmem() is true for a MAP_PRIVATE mapping of a shmem file
 * (memfd) too — but not VM_DROPPABLE (6.11+), device (VM_PFNMAP/VM_IO) or regular file mappings.
 * Before 4.11 only anonymous memory (no vm_ops).
 */
function cannotUserfault(state: KernelState, vma: Vma): string | undefined {
  if (deviceOf(state, vma) !== undefined) return 'a device mapping (VM_PFNMAP/VM_IO)';
  if ((vma.vmFlags & VM_DROPPABLE) !== 0) return 'a MAP_DROPPABLE mapping';
  const kind = vma.object.kind;
  if (kind === 'regular' || kind === 'device') return 'a regular file mapping';
  if (isPrivateAnon(vma)) return undefined;
  if (!versionAtLeast(state.config.version, ...USERFAULTFD_HISTORY.shmem))
    return kind === 'hugetlb' ? 'a hugetlb mapping' : 'a shmem mapping';
  return undefined;
}

export type UffdMode =
  | { readonly kind: 'zero' }
  | { readonly kind: 'copy'; readonly source: bigint }
  | { readonly kind: 'map-moved'; readonly source: bigint }
  | { readonly kind: 'fail' };

/** A page the handler filled with UFFDIO_COPY: the copy is a snapshot of the source page. */
export interface UffdCopy {
  /** The page the copy was made into (moves with the mapping before 5.0: moveRegisteredPages). */
  page: number;
  /** The order copies were made in (all registrations). */
  readonly order: number;
  readonly sourceAddress: bigint;
  readonly step: number;
  /** The two sides differed after this step (reported once until they agree again). */
  divergedAt: number | undefined;
}

export interface UffdRegistration {
  readonly id: number;
  readonly startPage: number;
  readonly endPage: number;
  readonly mode: UffdMode;
  readonly owner: string;
  readonly step: number;
  readonly label: string | undefined;
  /** Faults the handler serviced (one per missing page touched). */
  faults: number;
  /**
   * Pages serviced (an alias page counts once; later touches hit the installed mapping), until
   * MADV_DONTNEED makes them missing again (userfaultfdPagesDropped).
   */
  readonly serviced: Set<number>;
  readonly copies: Map<number, UffdCopy>;
}

export interface UffdEvent {
  readonly registration: UffdRegistration;
  readonly page: number;
  readonly write: boolean;
  readonly answer: 'zeroed' | 'copied' | 'aliased' | 'sigbus';
  /**
   * copy and map-moved: the page the handler copied from or mapped, the handler's source plus
   * the page's offset in its range (the `src` a UFFDIO_COPY handler passes), not the source's start.
   */
  readonly source?: bigint;
  /**
   * copy: the source page was lazily freed (MADV_FREE) when the handler copied it, so the copy
   * holds zero if reclaim took the page first (`lazy-freed-read`, model/uffd-step.ts).
   */
  readonly lazilyFreed?: LazilyFreedRead;
}

/** What the access walk does with one page of an armed VMA. */
export type UffdAnswer =
  | undefined
  | { readonly kind: 'redirect'; readonly address: bigint }
  | { readonly kind: 'sigbus'; readonly reason: string };

/** A copy with its registration, as divergedCopies reports it. */
interface CopyOf {
  readonly registration: UffdRegistration;
  readonly copy: UffdCopy;
}

/**
 * Which copies a step may have changed, so that divergedCopies compares only those: comparing
 * every copy after every step made a handler that copies thousands of pages quadratic. A copy's
 * two sides show the pages of backing objects; it is filed under each (object, page) it reads,
 * and a change to one of those pages marks it. Any change to the VMAs, or a change too large to
 * file page by page, makes the next comparison cover every copy (and file them again).
 */
class CopyWatch {
  /** Copies by `objectId:page` of a page either side reads. */
  private filed = new Map<string, CopyOf[]>();
  /** Pages changed since the last comparison. */
  readonly changed = new Set<string>();
  /** Copies made since the last comparison. */
  fresh: CopyOf[] = [];
  /** Compare every copy next time. */
  everything = true;
  /** The VMA set's change count when the copies were filed. */
  filedAt = -1;

  constructor(private readonly pageBytes: number) {}

  /** ContentStore.onChange: mark the pages, or everything for a change of many pages. */
  readonly onChange = (objectId: number, start: number, end: number): void => {
    if (this.everything) return;
    const first = Math.floor(start / this.pageBytes);
    const last = Math.ceil(end / this.pageBytes);
    if (last - first > 64) this.everything = true;
    else for (let p = first; p < last; p++) this.changed.add(`${objectId}:${p}`);
  };

  /** The copies to compare now, and the copies filed from now on (all of them after `everything`). */
  candidates(all: () => CopyOf[], state: KernelState): CopyOf[] {
    let out: CopyOf[];
    if (this.everything || state.vmas.changes !== this.filedAt) {
      out = all();
      this.filed = new Map();
      for (const c of out) this.file(c, state);
    } else {
      const seen = new Set<UffdCopy>();
      out = [];
      for (const key of this.changed)
        for (const c of this.filed.get(key) ?? [])
          if (!seen.has(c.copy)) {
            seen.add(c.copy);
            out.push(c);
          }
      for (const c of this.fresh) {
        this.file(c, state);
        if (!seen.has(c.copy)) out.push(c);
      }
    }
    this.changed.clear();
    this.fresh = [];
    this.everything = false;
    this.filedAt = state.vmas.changes;
    return out;
  }

  /** Files a copy under the object pages its two sides read. */
  private file(c: CopyOf, state: KernelState): void {
    const P = this.pageBytes;
    const source = Number(c.copy.sourceAddress / BigInt(P));
    const sourceEnd = Number((c.copy.sourceAddress + BigInt(P) - 1n) / BigInt(P));
    for (const page of [c.copy.page, source, ...(sourceEnd !== source ? [sourceEnd] : [])]) {
      const v = state.vmas.vmaAt(page);
      if (v === undefined) continue;
      const objectPage = v.pgoff + (page - v.startPage);
      const keys = [`${v.object.id}:${objectPage}`];
      if (v.anon !== undefined && v.anon !== v.object) keys.push(`${v.anon.id}:${objectPage}`);
      for (const key of keys) {
        const list = this.filed.get(key);
        if (list) list.push(c);
        else this.filed.set(key, [c]);
      }
    }
  }
}

/**
 * Pages a registration's handler services now. The registered range at first; before Linux 5.0 a
 * move takes the registration along with the mapping (moveRegisteredPages), so a registration may
 * own several ranges, each still answering as the part of the registered range it came from.
 * Ranges never overlap: a new registration or a move onto pages cuts them out of older ranges.
 */
interface HandledRange {
  readonly registration: UffdRegistration;
  readonly startPage: number;
  readonly endPage: number;
  /** The page of the registered range that `startPage` stands for (the handler's offsets). */
  readonly registeredPage: number;
}

class UffdState {
  readonly registrations: UffdRegistration[] = [];
  /** Where each handler fires (HandledRange). */
  ranges: HandledRange[] = [];
  events: UffdEvent[] = [];
  nextId = 1;
  /** The step the simulator is at (set by the caller; the kernel itself has no steps). */
  step = -1;
  /** Made with the first copy (userfaultfd.ts CopyWatch). */
  watch: CopyWatch | undefined;
  copiesMade = 0;
}

const STATES = new WeakMap<KernelState, UffdState>();

function uffdState(state: KernelState): UffdState {
  let s = STATES.get(state);
  if (s === undefined) STATES.set(state, (s = new UffdState()));
  return s;
}

/** The userfaultfd side of one address space (AddressSpace.userfaultfd). */
export class Userfaultfd {
  /** The space's userfaultfd state, looked up once: the simulator sets `step` on every step. */
  private readonly s: UffdState;

  constructor(
    private readonly state: KernelState,
    /** Marks the VMAs VM_UFFD_MISSING (AddressSpace.registerUserfaultfd). */
    private readonly arm: (addr: bigint, length: bigint) => boolean,
  ) {
    this.s = uffdState(state);
  }

  /**
   * userfaultfd() + UFFDIO_API + UFFDIO_REGISTER(MODE_MISSING) on [addr, addr+length), with the
   * handler's answer. Each `uffd` step is a new userfaultfd. Checks in the kernel's order
   * (fs/userfaultfd.c userfaultfd_register): the syscall and the features the handler needs exist
   * on this kernel (USERFAULTFD_HISTORY), page alignment, at least one VMA in the range (holes are
   * allowed and stay unarmed), then per VMA: vma_can_userfault() (EINVAL), VM_MAYWRITE (EPERM),
   * a huge page aligned end inside a hugetlb VMA (EINVAL), and no other userfaultfd owns it (EBUSY).
   */
  register(addr: bigint, length: bigint, mode: UffdMode, owner: string, label?: string): SyscallResult {
    const state = this.state;
    const v = state.config.version;
    const P = state.geo.pageSize;
    if (!versionAtLeast(v, ...USERFAULTFD_HISTORY.syscall))
      return fail(
        'ENOSYS',
        `userfaultfd(2) does not exist before Linux 4.3 (${formatKernelVersion(v)}): the syscall number is unknown`,
      );
    if (mode.kind === 'fail' && !versionAtLeast(v, ...USERFAULTFD_HISTORY.sigbus))
      return fail(
        'EINVAL',
        `UFFDIO_API: the \`fail\` handler needs UFFD_FEATURE_SIGBUS, new in Linux 4.14; ${formatKernelVersion(v)} refuses an unknown feature bit`,
      );
    if (addr % P !== 0n || length % P !== 0n || length === 0n)
      return fail(
        'EINVAL',
        `UFFDIO_REGISTER: the range ${formatHex(addr)} +${formatHex(length)} must be page aligned and not empty (validate_range)`,
      );
    const startPage = Number(addr / P);
    const endPage = startPage + Number(length / P);
    const vmas = state.vmas.overlapping(startPage, endPage);
    const first = vmas[0];
    if (first === undefined)
      return fail(
        'EINVAL',
        `UFFDIO_REGISTER: nothing is mapped in ${describeRange(state, startPage, endPage)} (userfaultfd_register: vma_find finds no VMA)`,
      );
    const hugeAligned = (page: number, vma: Vma): boolean =>
      (vma.vmFlags & VM_HUGETLB) === 0 || page % (vma.object.pagesPerHugePage ?? 1) === 0;
    if (!hugeAligned(startPage, first))
      return fail(
        'EINVAL',
        `UFFDIO_REGISTER: ${formatHex(addr)} is not aligned to the huge page size of the hugetlb VMA ${describeRange(state, first.startPage, first.endPage)} (userfaultfd_register)`,
      );
    for (const vma of vmas) {
      const refusal = cannotUserfault(state, vma);
      if (refusal !== undefined)
        return fail(
          'EINVAL',
          `UFFDIO_REGISTER: the VMA ${describeRange(state, vma.startPage, vma.endPage)} is ${refusal}: MISSING mode takes ${versionAtLeast(v, ...USERFAULTFD_HISTORY.shmem) ? 'anonymous, shmem and hugetlb memory' : `anonymous memory only before Linux 4.11 (${formatKernelVersion(v)})`} (vma_can_userfault)`,
        );
      if ((vma.vmFlags & VM_MAYWRITE) === 0 && versionAtLeast(v, ...USERFAULTFD_HISTORY.mayWrite))
        return fail(
          'EPERM',
          `UFFDIO_REGISTER: the VMA ${describeRange(state, vma.startPage, vma.endPage)} is a MAP_SHARED mapping of a file not open for writing (no VM_MAYWRITE): UFFDIO_COPY could fill it (userfaultfd_register, Linux 4.20+)`,
        );
      if (endPage > vma.startPage && endPage <= vma.endPage && !hugeAligned(endPage, vma))
        return fail(
          'EINVAL',
          `UFFDIO_REGISTER: the range ends inside a huge page of the hugetlb VMA ${describeRange(state, vma.startPage, vma.endPage)} (userfaultfd_register)`,
        );
      if ((vma.vmFlags & VM_UFFD_MISSING) !== 0) {
        const holder = handledRangeAt(this.s, Math.max(startPage, vma.startPage))?.registration;
        return fail(
          'EBUSY',
          `UFFDIO_REGISTER: the VMA ${describeRange(state, vma.startPage, vma.endPage)} is already registered with another userfaultfd${holder !== undefined && holder.step >= 0 ? ` (step ${holder.step + 1})` : ''}; a VMA has one owner, so that handler keeps servicing it (userfaultfd_register)`,
        );
      }
    }
    if (!this.arm(addr, length))
      return fail('EINVAL', `UFFDIO_REGISTER: ${describeRange(state, startPage, endPage)} cannot be armed`);
    if (label !== undefined) {
      // Simulation-only: the armed VMAs say so in hover, the trace and the panel.
      for (const v of state.vmas.overlapping(startPage, endPage)) {
        const piece = sliceVma(v, Math.max(startPage, v.startPage), Math.min(endPage, v.endPage));
        state.vmas.splice(piece.startPage, piece.endPage, [vmaWith(piece, { label })], 'none');
      }
    }
    const s = this.s;
    const registration: UffdRegistration = {
      id: s.nextId++,
      startPage,
      endPage,
      mode,
      owner,
      step: s.step,
      label,
      faults: 0,
      serviced: new Set(),
      copies: new Map(),
    };
    s.registrations.push(registration);
    // Older ranges here belong to mappings that are gone (these VMAs were not armed: EBUSY above).
    cutRanges(s, startPage, endPage);
    s.ranges.push({ registration, startPage, endPage, registeredPage: startPage });
    return { ok: true, value: 0n, effects: [] };
  }

  /** Set by the simulator before each step, so registrations and copies know when they happened. */
  set step(step: number) {
    this.s.step = step;
  }

  get registrations(): readonly UffdRegistration[] {
    return this.s.registrations;
  }

  /** The registration whose handler services `page`, if any. */
  handlerAt(page: number): UffdRegistration | undefined {
    return handledRangeAt(this.s, page)?.registration;
  }

  /** The faults serviced since the last call (the simulator shows them in the step's calls). */
  takeEvents(): UffdEvent[] {
    const s = this.s;
    const events = s.events;
    s.events = [];
    return events;
  }

  /**
   * Copied pages whose two sides now differ, first time only: the handler's copy (what a driver
   * reads through the old range) and the source page (the moved pages 32-bit code uses).
   */
  divergedCopies(): { registration: UffdRegistration; copy: UffdCopy }[] {
    const state = this.state;
    const P = state.geo.pageSize;
    const out: { registration: UffdRegistration; copy: UffdCopy }[] = [];
    const watch = this.s.watch;
    if (watch === undefined) return out;
    const all = () =>
      this.s.registrations.flatMap((registration) =>
        [...registration.copies.values()].map((copy) => ({ registration, copy })),
      );
    for (const { registration, copy } of watch.candidates(all, state)) {
      if (registration.copies.get(copy.page) !== copy) continue; // dropped, or made again since
      // Comparing must not fault a page in: a read of a missing page would have the handler
      // service it now, at this step, and not when the program touches it. A copy whose page is
      // missing again (dropped since) is gone; a missing source page is compared once it is back.
      if (faultsToHandler(state, this.s, copy.page)) {
        registration.copies.delete(copy.page);
        continue;
      }
      const sourcePage = Number(copy.sourceAddress / P);
      const sourceLast = Number((copy.sourceAddress + P - 1n) / P);
      if (faultsToHandler(state, this.s, sourcePage) || faultsToHandler(state, this.s, sourceLast)) continue;
      const mine = access(state, BigInt(copy.page) * P, P, false, 0);
      const theirs = access(state, copy.sourceAddress, P, false, 0);
      if (!mine.ok || !theirs.ok) continue; // one side is gone: other rules say so
      const same = sameSegments(mine.segments, theirs.segments);
      if (same) copy.divergedAt = undefined;
      else if (copy.divergedAt === undefined) {
        copy.divergedAt = this.s.step;
        out.push({ registration, copy });
      }
    }
    // In the order a walk over every registration's copies reports them.
    return out.sort((a, b) => a.registration.id - b.registration.id || a.copy.order - b.copy.order);
  }
}

function sameSegments(a: readonly Segment[], b: readonly Segment[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((s, k) => {
    const t = b[k] as Segment;
    return s.offset === t.offset && s.length === t.length && s.datum === t.datum;
  });
}

function handledRangeAt(s: UffdState, page: number): HandledRange | undefined {
  for (const r of s.ranges) if (page >= r.startPage && page < r.endPage) return r;
  return undefined;
}

/** Removes [start, end) from every handled range; returns the pieces removed. */
function cutRanges(s: UffdState, start: number, end: number): HandledRange[] {
  const kept: HandledRange[] = [];
  const cut: HandledRange[] = [];
  for (const r of s.ranges) {
    if (r.endPage <= start || r.startPage >= end) {
      kept.push(r);
      continue;
    }
    const piece = (from: number, to: number): HandledRange => ({
      registration: r.registration,
      startPage: from,
      endPage: to,
      registeredPage: r.registeredPage + (from - r.startPage),
    });
    if (r.startPage < start) kept.push(piece(r.startPage, start));
    if (r.endPage > end) kept.push(piece(end, r.endPage));
    cut.push(piece(Math.max(start, r.startPage), Math.min(end, r.endPage)));
  }
  s.ranges = kept;
  return cut;
}

/**
 * mremap moved [fromPage, fromPage + pages) to `toPage` and the moved VMAs kept VM_UFFD_MISSING
 * (before Linux 5.0, USERFAULTFD_HISTORY.moveDropsRegistration: copy_vma() copies
 * vm_userfaultfd_ctx and nothing clears it), so the same handler services the moved pages at their
 * new address. With `duplicate` (old_len 0) the source keeps its pages and the copy is handled too.
 */
export function moveRegisteredPages(
  state: KernelState,
  fromPage: number,
  pages: number,
  toPage: number,
  duplicate = false,
): void {
  const s = STATES.get(state);
  if (s === undefined || s.ranges.length === 0) return;
  const moved = duplicate
    ? s.ranges
        .filter((r) => r.startPage < fromPage + pages && r.endPage > fromPage)
        .map((r) => ({
          ...r,
          startPage: Math.max(r.startPage, fromPage),
          endPage: Math.min(r.endPage, fromPage + pages),
          registeredPage: r.registeredPage + Math.max(0, fromPage - r.startPage),
        }))
    : cutRanges(s, fromPage, fromPage + pages);
  const delta = toPage - fromPage;
  cutRanges(s, toPage, toPage + pages); // ranges of mappings the move replaced
  for (const r of moved) {
    s.ranges.push({ ...r, startPage: r.startPage + delta, endPage: r.endPage + delta });
    if (!duplicate) rekeyPages(r.registration, r.startPage, r.endPage, delta);
  }
}

/**
 * mremap grew the armed VMA ending at `endPage` by `delta` pages (in place, or while moving it
 * before 5.0): the userfaultfd context is the VMA's, so its handler services the new pages too.
 */
export function growRegisteredPages(state: KernelState, endPage: number, delta: number): void {
  const s = STATES.get(state);
  if (s === undefined) return;
  const last = handledRangeAt(s, endPage - 1);
  if (last === undefined || last.endPage !== endPage) return;
  cutRanges(s, endPage, endPage + delta);
  s.ranges = s.ranges.map((r) => (r === last ? { ...r, endPage: endPage + delta } : r));
}

/** The handler's per-page record of [start, end) now at `delta` pages further. */
function rekeyPages(registration: UffdRegistration, start: number, end: number, delta: number): void {
  const inRange = (page: number): boolean => page >= start && page < end;
  const serviced = [...registration.serviced].filter(inRange);
  for (const page of serviced) registration.serviced.delete(page);
  for (const page of serviced) registration.serviced.add(page + delta);
  const copies = [...registration.copies.values()].filter((c) => inRange(c.page));
  for (const copy of copies) registration.copies.delete(copy.page);
  for (const copy of copies) {
    copy.page += delta;
    registration.copies.set(copy.page, copy);
  }
}

/**
 * The access walk reached `page` of a VM_UFFD_MISSING VMA: if the page is missing and a handler
 * is registered, service the fault. Undefined: go on as usual (the page is present now, or no
 * handler is registered and the kernel zero-fills). `redirect`: the access goes to the moved
 * page (map-moved). `sigbus`: the handler refused.
 */
/**
 * Handlers that read or redirect into another armed range fault again; a handler whose source is
 * itself (or a cycle of registrations) would recurse forever. Real handlers would deadlock; here
 * the access fails with SIGBUS after a few nested faults.
 */
const MAX_NESTED_FAULTS = 8;
let nestedFaults = 0;

export function nestedFault<T>(work: () => T, onLoop: () => T): T {
  if (nestedFaults >= MAX_NESTED_FAULTS) return onLoop();
  nestedFaults++;
  try {
    return work();
  } finally {
    nestedFaults--;
  }
}

/**
 * Reads the kernel makes on the handler's behalf (UFFDIO_COPY's copy_from_user of the source) in
 * progress: a fault they take has no FAULT_FLAG_USER.
 */
let kernelModeReads = 0;

function inKernelMode<T>(work: () => T): T {
  kernelModeReads++;
  try {
    return work();
  } finally {
    kernelModeReads--;
  }
}

export const FAULT_LOOP_REASON =
  'the userfaultfd handler resolves this fault from a page that is itself missing under userfaultfd (a loop of handlers): the fault is never resolved';

/**
 * Missing means no page: never written nor read since it was mapped (a read maps the zero page or
 * allocates the shmem page: MISSING mode no longer fires there), or dropped since (MADV_DONTNEED),
 * and for a private file mapping no COW copy either.
 */
function isMissing(state: KernelState, vma: Vma, page: number): boolean {
  const p = state.geo.pageBytes;
  const pos = (vma.pgoff + (page - vma.startPage)) * p;
  const contents = state.contents;
  if (contents.isPresent(vma.object.id, pos, pos + p)) return false;
  return !(vma.anon !== undefined && vma.anon !== vma.object && contents.hasData(vma.anon.id, pos, pos + p));
}

/** Would a touch of `page` fault to a userfaultfd handler now? (Asked without touching it.) */
function faultsToHandler(state: KernelState, s: UffdState, page: number): boolean {
  const vma = state.vmas.vmaAt(page);
  if (vma === undefined || (vma.vmFlags & VM_UFFD_MISSING) === 0) return false;
  return handledRangeAt(s, page) !== undefined && isMissing(state, vma, page);
}

/**
 * MADV_DONTNEED zapped the private pages [start, end) of a userfaultfd-armed VMA: they are missing
 * again, so the next touch is a new fault for the handler (serviced and counted again; the
 * ideal map-moved handler maps the moved page again), and a UFFDIO_COPY snapshot made there is
 * gone: there is nothing left to compare with its source until the refault copies it anew.
 */
export function userfaultfdPagesDropped(state: KernelState, start: number, end: number): void {
  const s = STATES.get(state);
  if (s === undefined) return;
  for (const registration of s.registrations) {
    for (const page of registration.serviced)
      if (page >= start && page < end) registration.serviced.delete(page);
    for (const page of registration.copies.keys())
      if (page >= start && page < end) registration.copies.delete(page);
  }
}

/**
 * Why UFFDIO_ZEROPAGE cannot fill a page of `vma`, or undefined: mfill_atomic_hugetlb refuses
 * MFILL_ATOMIC_ZEROPAGE (and UFFDIO_REGISTER leaves _UFFDIO_ZEROPAGE out of a hugetlb range's
 * ioctls); before 4.14 __mcopy_atomic refused it for any VMA with vm_ops, shmem and shared anonymous
 * memory included ("if zeropage is true return -EINVAL").
 */
function zeropageRefusal(state: KernelState, vma: Vma): string | undefined {
  if (vma.object.kind === 'hugetlb') return 'hugetlb memory has no zero-page fill (mfill_atomic_hugetlb)';
  if (isPrivateAnon(vma) || versionAtLeast(state.config.version, ...USERFAULTFD_HISTORY.shmemZeropage))
    return undefined;
  return `shmem memory has no zero-page fill before Linux 4.14 (${formatKernelVersion(state.config.version)}: __mcopy_atomic)`;
}

/**
 * The object UFFDIO_COPY/ZEROPAGE fills the page of: from 4.20 mfill_atomic_pte gives a VMA that is
 * not VM_SHARED a private anonymous page (writeTarget: the memfd does not see it); before, any VMA
 * with vm_ops went to shmem_mcopy_atomic_pte, which filled the file's page cache, MAP_PRIVATE or not.
 */
function fillTarget(state: KernelState, vma: Vma, pos: number): MemoryObject {
  const p = state.geo.pageBytes;
  if (
    !isShared(vma) &&
    !isPrivateAnon(vma) &&
    !versionAtLeast(state.config.version, ...USERFAULTFD_HISTORY.privateShmemAnonFill)
  )
    return vma.object;
  return writeTarget(state, vma, pos, pos + p);
}

export function userfaultfdFault(state: KernelState, vma: Vma, page: number, write: boolean): UffdAnswer {
  const s = STATES.get(state);
  if (s === undefined) return undefined;
  const handled = handledRangeAt(s, page);
  if (handled === undefined) return undefined;
  const registration = handled.registration;
  const p = state.geo.pageBytes;
  const P = state.geo.pageSize;
  const pos = (vma.pgoff + (page - vma.startPage)) * p;
  const contents = state.contents;
  if (!isMissing(state, vma, page)) return undefined;
  // fs/userfaultfd.c handle_userfault: a fault without FAULT_FLAG_USER on a context made with
  // UFFD_USER_MODE_ONLY is VM_FAULT_SIGBUS, and its handler never hears of it. From 5.11 every
  // userfaultfd drvmap makes has the flag (model/uffd-step.ts uffdCalls).
  if (kernelModeReads > 0 && versionAtLeast(state.config.version, ...USERFAULTFD_HISTORY.userModeOnly))
    return {
      kind: 'sigbus',
      reason: `copy_from_user faults on ${formatHex(BigInt(page) * P)} in kernel mode, and the userfaultfd registered there at step ${registration.step + 1} has UFFD_USER_MODE_ONLY (Linux 5.11+): handle_userfault answers a fault without FAULT_FLAG_USER with VM_FAULT_SIGBUS, so UFFDIO_COPY fails with EFAULT and that handler is never asked`,
    };
  const mode = registration.mode;
  const first = !registration.serviced.has(page);
  const record = (answer: UffdEvent['answer'], source?: bigint, lazilyFreed?: LazilyFreedRead): void => {
    if (!first) return;
    registration.serviced.add(page);
    registration.faults++;
    s.events.push({
      registration,
      page,
      write,
      answer,
      ...(source !== undefined ? { source } : {}),
      ...(lazilyFreed !== undefined ? { lazilyFreed } : {}),
    });
  };
  // The handler answers for the page of its registered range (the same page unless it moved).
  const registeredPage = handled.registeredPage + (page - handled.startPage);
  const sourceOf = (source: bigint): bigint => source + BigInt(registeredPage - registration.startPage) * P;
  switch (mode.kind) {
    case 'zero': {
      const refusal = zeropageRefusal(state, vma);
      if (refusal !== undefined)
        return {
          kind: 'sigbus',
          reason: `the userfaultfd handler's UFFDIO_ZEROPAGE on ${formatHex(BigInt(page) * P)} fails with EINVAL: ${refusal}, so the fault is never resolved`,
        };
      state.contents.write(fillTarget(state, vma, pos).id, pos, pos + p, 0);
      record('zeroed');
      return undefined;
    }
    case 'fail':
      registration.serviced.delete(page);
      registration.faults++;
      s.events.push({ registration, page, write, answer: 'sigbus' });
      return {
        kind: 'sigbus',
        reason: `the userfaultfd handler registered at step ${registration.step + 1} refuses the fault on ${formatHex(BigInt(page) * P)} (SIGBUS)`,
      };
    case 'map-moved':
      record('aliased', sourceOf(mode.source));
      return { kind: 'redirect', address: sourceOf(mode.source) };
    case 'copy': {
      // mfill_atomic_hugetlb checks dst and len against the huge page size before it reads the
      // source: the handler's one-page UFFDIO_COPY is EINVAL (checked on 6.18), and the faulting
      // thread waits for ever, as when a zero page cannot be filled.
      if ((vma.vmFlags & VM_HUGETLB) !== 0)
        return {
          kind: 'sigbus',
          reason: `the userfaultfd handler's UFFDIO_COPY of ${formatSize(P)} into ${formatHex(BigInt(page) * P)} fails with EINVAL: a hugetlb range takes only whole huge pages (mfill_atomic_hugetlb), so the fault is never resolved`,
        };
      const source = sourceOf(mode.source);
      // UFFDIO_COPY reads the source page now (copy_from_user): a lazily freed one may be zero.
      const lazilyFreed = contents.lazyFreed !== undefined ? lazilyFreedIn(state, source, P) : undefined;
      const read = nestedFault(
        () => inKernelMode(() => access(state, source, P, false, 0)),
        () => ({
          ok: false as const,
          signal: 'SIGBUS' as const,
          address: source,
          reason: FAULT_LOOP_REASON,
          segments: [],
        }),
      );
      if (!read.ok)
        return {
          kind: 'sigbus',
          reason: `the userfaultfd handler's UFFDIO_COPY from ${formatHex(source)} fails (${read.signal}: ${read.reason}), so the fault is never resolved`,
        };
      const target = fillTarget(state, vma, pos).id;
      for (const seg of read.segments)
        state.contents.write(
          target,
          pos + Number(seg.offset),
          pos + Number(seg.offset + seg.length),
          seg.datum,
        );
      const copy: UffdCopy = {
        page,
        order: s.copiesMade++,
        sourceAddress: source,
        step: s.step,
        divergedAt: undefined,
      };
      registration.copies.set(page, copy);
      if (s.watch === undefined)
        state.contents.onChange = (s.watch = new CopyWatch(Number(state.geo.pageSize))).onChange;
      s.watch.fresh.push({ registration, copy });
      record('copied', source, lazilyFreed);
      return undefined;
    }
  }
}
