// Reads and writes by an actor: walk the VMAs page range by page range, check permissions
// (SIGSEGV) and the backing object's size (SIGBUS), and read or write the symbolic contents.
import { formatHexPlain } from '../numbers';
import { PROT_READ, PROT_WRITE, VM_UFFD_MISSING } from './types';
import { FAULT_LOOP_REASON, nestedFault, userfaultfdFault } from './userfaultfd';
import { prepareAnonVma } from './anon-vma';
import { isPrivateAnon, isShared, vmaWith } from './vma';
import type { Run } from './contents';
import type { KernelState } from './state';
import type { AccessResult, Datum, Segment, Vma } from './types';

const TWO_64 = 1n << 64n;

/** Collects runs into coalesced segments relative to the start of the access. */
class SegmentBuilder {
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private readonly data: Datum[] = [];
  faults = 0;

  add(offset: number, length: number, datum: Datum): void {
    if (length <= 0) return;
    const last = this.data.length - 1;
    if (
      last >= 0 &&
      this.data[last] === datum &&
      (this.offsets[last] as number) + (this.lengths[last] as number) === offset
    ) {
      this.lengths[last] = (this.lengths[last] as number) + length;
      return;
    }
    this.offsets.push(offset);
    this.lengths.push(length);
    this.data.push(datum);
  }

  segments(): Segment[] {
    return this.data.map((datum, k) => ({
      offset: BigInt(this.offsets[k] as number),
      length: BigInt(this.lengths[k] as number),
      datum,
    }));
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
  if (isPrivateAnon(vma) || vma.object.sizeBytes === undefined) return Number.POSITIVE_INFINITY;
  const P = state.geo.pageSize;
  return Number((vma.object.sizeBytes + P - 1n) / P);
}

function baseDatum(state: KernelState, vma: Vma): Datum {
  return state.fileOfObject.get(vma.object.id)?.initialDatum ?? 0;
}

const FAST_LIMIT = 1n << 52n;

/**
 * The common case in JS numbers: the access lies inside one VMA that permits it, is not
 * userfaultfd-armed and does not reach past the end of its object. Undefined: take the general walk.
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
  if (vma === undefined || !permits(vma, write) || (vma.vmFlags & VM_UFFD_MISSING) !== 0) return undefined;
  if (end > vma.endPage * p) return undefined;
  const startPos = (vma.pgoff + (page - vma.startPage)) * p + (addr - page * p);
  const endPos = startPos + (end - addr);
  if (endPos > objectPages(state, vma) * p) return undefined;
  const out = new SegmentBuilder();
  transfer(state, vma, startPos, endPos, write, datum, 0, out);
  return { ok: true, segments: out.segments(), faults: out.faults };
}

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
    const vma = state.vmas.vmaAt(page);
    if (vma === undefined) return fault('SIGSEGV', `${formatHexPlain(cursor)} is not mapped`);
    if (!permits(vma, write)) {
      return fault(
        'SIGSEGV',
        `${formatHexPlain(cursor)} is mapped without ${write ? 'PROT_WRITE' : 'PROT_READ'} (prot ${vma.prot})`,
      );
    }
    let vmaEnd = BigInt(vma.endPage) * P;
    if ((vma.vmFlags & VM_UFFD_MISSING) !== 0) {
      // userfaultfd-armed: one page at a time, each missing page through the handler (userfaultfd.ts).
      vmaEnd = BigInt(page + 1) * P;
      const answer = userfaultfdFault(state, vma, page, write);
      if (answer?.kind === 'sigbus') return fault('SIGBUS', answer.reason);
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
      return fault(
        'SIGBUS',
        `${formatHexPlain(cursor)} lies beyond the end of ${vma.object.name || 'the object'} (${formatHexPlain(vma.object.sizeBytes ?? 0n)} bytes)`,
      );
    }
  }
  return { ok: true, segments: out.segments(), faults: out.faults };
}

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
  const countFresh = (run: Run): void => {
    if (run.fresh) out.faults += Math.ceil(run.end / p) - Math.floor(run.start / p);
  };
  const privateFile = !isShared(vma) && !isPrivateAnon(vma);
  if (!write) {
    const emit = (run: Run): void => {
      countFresh(run);
      out.add(accessOffset + (run.start - startPos), run.end - run.start, run.datum);
    };
    if (privateFile)
      contents.readLayered(vma.anon?.id, vma.object.id, startPos, endPos, baseDatum(state, vma), emit);
    else contents.read(vma.object.id, startPos, endPos, isPrivateAnon(vma) ? 0 : baseDatum(state, vma), emit);
    return;
  }
  // A write fault on private memory: anon_vma_prepare() first (the whole VMA gets an anon_vma).
  if (!isShared(vma)) vma = prepareAnonVma(state, vma.startPage) ?? vma;
  let target = vma.object;
  if (privateFile) {
    // Copy-on-write: the touched pages are copied whole from the file into the VMA's anon object.
    let anon = vma.anon;
    if (anon === undefined) {
      anon = state.objects.createAnon(false);
      state.vmas.splice(vma.startPage, vma.endPage, [vmaWith(vma, { anon })], 'keep');
    }
    const pageStart = Math.floor(startPos / p) * p;
    const pageEnd = Math.ceil(endPos / p) * p;
    contents.read(anon.id, pageStart, pageEnd, -1, (run) => {
      if (run.fresh)
        contents.copy(anon.id, anon.id, run.start, run.end, baseDatum(state, vma), vma.object.id);
    });
    target = anon;
  } else {
    contents.read(target.id, startPos, endPos, 0, countFresh);
  }
  contents.write(target.id, startPos, endPos, datum);
  out.add(accessOffset, endPos - startPos, datum);
}
