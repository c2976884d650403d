// Reads and writes by an actor: walk the VMAs page range by page range, check permissions
// (SIGSEGV) and the backing object's size (SIGBUS), and read or write the symbolic contents.
import { formatHex } from '../numbers';
import { PROT_EXEC, PROT_READ, PROT_WRITE, VM_HUGETLB, VM_IO, VM_PFNMAP, VM_UFFD_MISSING } from './types';
import { protText } from './prot-text';
import { FAULT_LOOP_REASON, nestedFault, userfaultfdFault } from './userfaultfd';
import { prepareAnonVma } from './anon-vma';
import { expandDownwards } from './stack-growth';
import { countBigint } from './u64';
import { isPrivateAnon, isShared, vmaWith } from './vma';
import { mayHitPfnCowBug, pfnCowBug } from './pfn-cow-bug';
import type { RunSink } from './contents';
import { fileOf } from './state';
import type { KernelState } from './state';
import type { AccessResult, Datum, MemoryObject, Segment, Vma } from './types';

const TWO_64 = 1n << 64n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Collects runs into coalesced segments relative to the start of the access, and counts the pages
 * faulted in fresh. Most accesses make one segment: it is kept in fields, and lists are made only
 * for a second one.
 */
class SegmentBuilder implements RunSink {
  faults = 0;
  private count = 0;
  private lastOffset = 0;
  private lastLength = 0;
  private lastDatum: Datum = 0;
  /** Segments before the last one (undefined until there are two). */
  private earlier: Segment[] | undefined;
  /** How `run` maps object positions to access offsets: position `runBase` is offset `runOffset`. */
  private runBase = 0;
  private runOffset = 0;
  /** Whether `run` adds segments (a read) or only counts fresh pages (before a write). */
  private runAdds = true;
  private pageBytes = 1;

  /** Empty again, for reuse. */
  reset(): this {
    this.faults = 0;
    this.count = 0;
    this.earlier = undefined;
    return this;
  }

  /** Route the next reads' runs: count fresh pages; add segments too when `adds`. */
  route(runBase: number, runOffset: number, adds: boolean, pageBytes: number): this {
    this.runBase = runBase;
    this.runOffset = runOffset;
    this.runAdds = adds;
    this.pageBytes = pageBytes;
    return this;
  }

  run(start: number, end: number, datum: Datum, fresh: boolean): void {
    const p = this.pageBytes;
    if (fresh) this.faults += Math.ceil(end / p) - Math.floor(start / p);
    if (this.runAdds) this.add(this.runOffset + (start - this.runBase), end - start, datum);
  }

  add(offset: number, length: number, datum: Datum): void {
    if (length <= 0) return;
    if (this.count > 0 && this.lastDatum === datum && this.lastOffset + this.lastLength === offset) {
      this.lastLength += length;
      return;
    }
    if (this.count > 0) (this.earlier ??= []).push(this.lastSegment());
    this.count++;
    this.lastOffset = offset;
    this.lastLength = length;
    this.lastDatum = datum;
  }

  segments(): Segment[] {
    if (this.count === 0) return [];
    const last = this.lastSegment();
    if (this.earlier === undefined) return [last];
    const out = this.earlier.slice();
    out.push(last);
    return out;
  }

  private lastSegment(): Segment {
    // Offsets and lengths recur (most segments start the access, sizes repeat): shared bigints.
    return {
      offset: countBigint(this.lastOffset),
      length: countBigint(this.lastLength),
      datum: this.lastDatum,
    };
  }
}

/**
 * x86-64 page permissions: a writable page is readable (no write-only PTEs); an execute-only
 * page is treated as unreadable (protection keys make PROT_EXEC-only mappings unreadable on
 * current CPUs). Writes need PROT_WRITE.
 */
function permits(vma: Vma, write: boolean): boolean {
  return write ? (vma.prot & PROT_WRITE) !== 0 : (vma.prot & (PROT_READ | PROT_WRITE)) !== 0;
}

/** Pages of the backing object that exist (SIGBUS at or beyond), or Infinity for anonymous memory. */
function objectPages(state: KernelState, vma: Vma): number {
  const size = vma.object.sizeBytes;
  if (isPrivateAnon(vma) || size === undefined) return Number.POSITIVE_INFINITY;
  if (size <= MAX_SAFE) {
    // Exact in doubles (no bigint allocated on every access): the multiple of p below is exact.
    const bytes = Number(size);
    const p = state.geo.pageBytes;
    const rest = bytes % p;
    return (bytes - rest) / p + (rest === 0 ? 0 : 1);
  }
  const P = state.geo.pageSize;
  return Number((size + P - 1n) / P);
}

function beyondEnd(vma: Vma, at: bigint): string {
  return `${formatHex(at)} lies beyond the end of ${vma.object.name || 'the object'} (${formatHex(vma.object.sizeBytes ?? 0n)} bytes)`;
}

function baseDatum(state: KernelState, vma: Vma): Datum {
  return fileOf(state, vma)?.initialDatum ?? 0;
}

const FAST_LIMIT = 1n << 52n;

/**
 * The common case in JS numbers: the access lies inside one VMA that permits it, is not
 * userfaultfd-armed and does not reach past the end of its object. Undefined: take the general walk
 * (which also grows a MAP_GROWSDOWN VMA down to an unmapped page below it).
 */
function accessInsideVma(
  state: KernelState,
  addrIn: bigint,
  lengthIn: bigint,
  write: boolean,
  datum: Datum,
): AccessResult | undefined {
  if (addrIn < 0n || lengthIn <= 0n || addrIn >= FAST_LIMIT || lengthIn >= FAST_LIMIT) return undefined;
  const p = state.geo.pageBytes;
  const addr = Number(addrIn);
  const end = addr + Number(lengthIn);
  const page = Math.floor(addr / p);
  const vma = state.vmas.vmaAt(page);
  if (
    vma === undefined ||
    !permits(vma, write) ||
    (vma.vmFlags & (VM_UFFD_MISSING | VM_HUGETLB)) !== 0 ||
    mayHitPfnCowBug(vma)
  )
    return undefined;
  if (end > vma.endPage * p) return undefined;
  const startPos = (vma.pgoff + (page - vma.startPage)) * p + (addr - page * p);
  const endPos = startPos + (end - addr);
  if (endPos > objectPages(state, vma) * p) return undefined;
  // One builder for every fast access: nothing on this path starts another access (only the
  // general walk below does, through userfaultfd), so the builder is never in use twice.
  const out = fastBuilder.reset();
  transfer(state, vma, startPos, endPos, write, datum, 0, out);
  return { ok: true, segments: out.segments(), faults: out.faults };
}

const fastBuilder = new SegmentBuilder();

export function access(
  state: KernelState,
  addrIn: bigint,
  lengthIn: bigint,
  write: boolean,
  datum: Datum,
): AccessResult {
  const quick = accessInsideVma(state, addrIn, lengthIn, write, datum);
  if (quick !== undefined) return quick;
  const P = state.geo.pageSize;
  const p = state.geo.pageBytes;
  const addr = BigInt.asUintN(64, addrIn);
  const length = BigInt.asUintN(64, lengthIn);
  const out = new SegmentBuilder();
  if (length === 0n) return { ok: true, segments: [], faults: 0 };
  const end = addr + length; // may exceed 2^64: the walk faults long before
  let cursor = addr;
  while (cursor < end) {
    const fault = (signal: 'SIGSEGV' | 'SIGBUS', reason: string): AccessResult => ({
      ok: false,
      signal,
      address: cursor % TWO_64,
      reason,
      segments: out.segments(),
    });
    if (cursor >= TWO_64) return fault('SIGSEGV', 'the access runs past the end of the 64-bit address space');
    const page = Number(cursor / P);
    let vma = state.vmas.vmaAt(page);
    if (vma === undefined) {
      // A MAP_GROWSDOWN VMA just above grows down to the page, if it may (stack-growth.ts).
      const grown = expandDownwards(state, page);
      if (grown === undefined) return fault('SIGSEGV', `${formatHex(cursor)} is not mapped`);
      if (typeof grown === 'string') return fault('SIGSEGV', grown);
      vma = grown;
    }
    if (!permits(vma, write)) {
      return fault(
        'SIGSEGV',
        `${formatHex(cursor)} is mapped without ${write ? 'PROT_WRITE' : 'PROT_READ'} (it is ${protText(vma.prot)})`,
      );
    }
    // The driver's fault handler runs after the permission check (access_error, then ->fault).
    const bug = pfnCowBug(state, vma, cursor);
    if (bug !== undefined) return fault('SIGSEGV', bug);
    let vmaEnd = BigInt(vma.endPage) * P;
    if ((vma.vmFlags & VM_UFFD_MISSING) !== 0) {
      // userfaultfd-armed: one page at a time, each missing page through the handler (userfaultfd.ts).
      vmaEnd = BigInt(page + 1) * P;
      // A page past the end of the file faults before the handler is asked: shmem_get_folio_gfp
      // returns on its i_size check, and hugetlb_no_page checks the size first, ahead of
      // handle_userfault (mm/shmem.c, mm/hugetlb.c).
      if (vma.pgoff + (page - vma.startPage) >= objectPages(state, vma))
        return fault('SIGBUS', beyondEnd(vma, cursor));
      const answer = userfaultfdFault(state, vma, page, write);
      if (answer?.kind === 'sigbus') return fault('SIGBUS', answer.reason);
      // The handler may have given the VMA its anon_vma or anon object (writeTarget).
      if (answer === undefined) vma = state.vmas.vmaAt(page) ?? vma;
      if (answer?.kind === 'redirect') {
        const n = (end < vmaEnd ? end : vmaEnd) - cursor;
        const target = answer.address + (cursor % P);
        const moved = nestedFault(
          () => access(state, target, n, write, datum),
          () => ({
            ok: false as const,
            signal: 'SIGBUS' as const,
            address: target,
            reason: FAULT_LOOP_REASON,
            segments: [],
          }),
        );
        if (!moved.ok) return fault(moved.signal, moved.reason);
        for (const s of moved.segments) out.add(Number(cursor - addr + s.offset), Number(s.length), s.datum);
        cursor += n;
        continue;
      }
    }
    // After the userfaultfd handler: hugetlb_no_page() hands a registered VMA's fault to it first.
    if ((vma.vmFlags & VM_HUGETLB) !== 0) {
      return fault(
        'SIGBUS',
        `${formatHex(cursor)} is in a MAP_HUGETLB mapping and there is no huge page to fault in (the model assumes vm.nr_hugepages = 0; hugetlb_no_page → VM_FAULT_SIGBUS)`,
      );
    }
    const stop = end < vmaEnd ? end : vmaEnd;
    // Object positions of [cursor, stop).
    const objStartPage = vma.pgoff + (page - vma.startPage);
    const inPage = Number(cursor % P);
    const startPos = objStartPage * p + inPage;
    let endPos = startPos + Number(stop - cursor);
    const limitPos = objectPages(state, vma) * p;
    const beyond = endPos > limitPos;
    if (beyond) endPos = Math.max(startPos, limitPos);
    const accessOffset = Number(cursor - addr);
    if (endPos > startPos) transfer(state, vma, startPos, endPos, write, datum, accessOffset, out);
    cursor += BigInt(endPos - startPos);
    if (beyond) {
      return fault('SIGBUS', beyondEnd(vma, cursor));
    }
  }
  return { ok: true, segments: out.segments(), faults: out.faults };
}

/** Backing objects userfaultfd MISSING mode can register (vma_can_userfault). */
const UFFD_KINDS: ReadonlySet<string> = new Set(['anon', 'shmem', 'memfd', 'hugetlb']);

function transfer(
  state: KernelState,
  vma: Vma,
  startPos: number,
  endPos: number,
  write: boolean,
  datum: Datum,
  accessOffset: number,
  out: SegmentBuilder,
): void {
  const contents = state.contents;
  const p = state.geo.pageBytes;
  const privateFile = !isShared(vma) && !isPrivateAnon(vma);
  if (!write) {
    if (readFaultPrepares(state, vma)) vma = prepareAnonVma(state, vma.startPage) ?? vma;
    // The read faults the pages in (zero page, shmem page cache): a later userfaultfd finds them
    // present. Only memory userfaultfd can register needs the record.
    // (Only a run with a `uffd` step keeps it: the test first costs every read one field load.)
    if (contents.tracksFaults && UFFD_KINDS.has(vma.object.kind))
      contents.markFaulted(vma.object.id, Math.floor(startPos / p) * p, Math.ceil(endPos / p) * p);
    out.route(startPos, accessOffset, true, p);
    if (privateFile)
      contents.readLayered(vma.anon?.id, vma.object.id, startPos, endPos, baseDatum(state, vma), out);
    else contents.read(vma.object.id, startPos, endPos, isPrivateAnon(vma) ? 0 : baseDatum(state, vma), out);
    return;
  }
  const target = writeTarget(state, vma, Math.floor(startPos / p) * p, Math.ceil(endPos / p) * p);
  if (!privateFile)
    contents.read(target.id, startPos, endPos, 0, out.route(startPos, accessOffset, false, p));
  contents.write(target.id, startPos, endPos, datum);
  out.add(accessOffset, endPos - startPos, datum);
}

/** A read fault that gives the VMA its anon_vma (KernelConfig.readFaultPreparesAnonVma). */
function readFaultPrepares(state: KernelState, vma: Vma): boolean {
  return state.config.readFaultPreparesAnonVma && isPrivateAnon(vma);
}

/**
 * mm_populate() of [startPage, endPage) after an mmap with MAP_POPULATE or MAP_LOCKED (do_mmap sets
 * `*populate` for VM_LOCKED, or MAP_POPULATE without MAP_NONBLOCK): populate_vma_page_range()
 * faults every page in, with write faults when the mapping is private and writable (FOLL_WRITE).
 * So a private writable VMA gets its anon_vma now (which decides merging: docs/kernel-model.md
 * "mprotect"), a private file mapping gets its COW copies, and every page is present for a
 * userfaultfd registered later. VM_IO/VM_PFNMAP and PROT_NONE VMAs are skipped (__mm_populate);
 * so are hugetlb pages, which the model never has. Errors are ignored, as the kernel does.
 */
export function populate(state: KernelState, startPage: number, endPage: number): void {
  const p = state.geo.pageBytes;
  for (const found of state.vmas.overlapping(startPage, endPage)) {
    if ((found.vmFlags & (VM_IO | VM_PFNMAP | VM_HUGETLB)) !== 0) continue;
    if ((found.prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) === 0) continue;
    const first = Math.max(startPage, found.startPage);
    const last = Math.min(
      endPage,
      found.endPage,
      found.startPage + (objectPages(state, found) - found.pgoff),
    );
    if (last <= first) continue;
    const write = (found.prot & PROT_WRITE) !== 0 && !isShared(found);
    const vma = write || readFaultPrepares(state, found) ? (prepareAnonVma(state, first) ?? found) : found;
    const startPos = (vma.pgoff + (first - vma.startPage)) * p;
    const endPos = startPos + (last - first) * p;
    if (state.contents.tracksFaults && UFFD_KINDS.has(vma.object.kind))
      state.contents.markFaulted(vma.object.id, startPos, endPos);
    if (!write || isPrivateAnon(vma)) continue;
    // Copy-on-write of every page, as transfer() does on a write fault, without the write.
    copyOnWrite(state, vma, startPos, endPos);
  }
}

/**
 * The object a write into [pageStart, pageEnd) of `vma` goes to: a write fault's, and a page the
 * kernel installs without one (UFFDIO_COPY and UFFDIO_ZEROPAGE: mfill_atomic prepares the anon_vma
 * of a VMA that is not VM_SHARED and installs a private anonymous page there; only a shared
 * mapping's page goes to the shmem page cache, shmem_mfill_atomic_pte). A private VMA gets its
 * anon_vma first (anon_vma_prepare: the whole VMA); a private file mapping then writes to its
 * anon object, the touched pages copied whole from the file (copy-on-write), so that the file and
 * its other mappings do not see them; any other mapping writes to its object.
 */
export function writeTarget(state: KernelState, vma: Vma, pageStart: number, pageEnd: number): MemoryObject {
  if (isShared(vma)) return vma.object;
  const prepared = prepareAnonVma(state, vma.startPage) ?? vma;
  return isPrivateAnon(prepared) ? prepared.object : copyOnWrite(state, prepared, pageStart, pageEnd);
}

/**
 * The COW copy of a private file mapping's pages in [pageStart, pageEnd) (whole pages of the
 * file): each page not yet in the VMA's anon object is copied there from the file, the anon
 * object made first if the VMA has none. Returns that anon object, which writes then go to.
 */
function copyOnWrite(state: KernelState, vma: Vma, pageStart: number, pageEnd: number): MemoryObject {
  let anon = vma.anon;
  if (anon === undefined) {
    anon = state.objects.createAnon(false);
    state.vmas.splice(vma.startPage, vma.endPage, [vmaWith(vma, { anon })], 'keep');
  }
  const contents = state.contents;
  const anonId = anon.id;
  const fileId = vma.object.id;
  const fileBase = baseDatum(state, vma);
  contents.read(anonId, pageStart, pageEnd, -1, {
    run(start, end, _datum, fresh) {
      if (fresh) contents.copy(anonId, anonId, start, end, fileBase, fileId);
    },
  });
  return anon;
}
