// Pages MADV_FREE freed lazily (K:mm/madvise.c madvise_free_pte_range; man madvise(2) MADV_FREE):
// the kernel cleans their PTEs and moves them to the lazyfree LRU, but leaves them mapped with
// their data. Until reclaim takes one (memory pressure, which no scenario decides), a read sees
// the old bytes; once it does, the read faults in a zero page. A write dirties the PTE again and
// cancels the free for that page; MADV_DONTNEED, munmap, or a mapping over it frees it for good.
//
// Kept as contents are (kernel/contents.ts): by object and byte position, in whole pages, so the
// state follows the pages when a mremap moves them (the object and pgoff move with the VMA) or
// rekeys them (page-identity.ts). The datum of an extent is the step of the madvise that freed it.
import { Extents } from './contents';
import type { KernelState } from './state';
import { isPrivateAnon } from './vma';

/** What a read met of lazily freed pages (AddressSpace.lazilyFreedIn). */
export interface LazilyFreedRead {
  /** The first lazily freed byte the range reaches. */
  readonly address: bigint;
  /** The step of the madvise(MADV_FREE) that freed that page. */
  readonly step: number;
  /** Lazily freed pages the range touches. */
  readonly pages: number;
}

export class LazyFreedPages {
  private readonly byObject = new Map<number, Extents>();
  /**
   * What each step's MADV_FREE freed lazily, as the pages were then: [startPage, endPage) pairs,
   * flat, in address order, adjacent runs merged. For the step's note (features/dropped-pages.ts):
   * later writes and remaps change the extents above, not what the step did.
   */
  private readonly freedAtStep = new Map<number, number[]>();

  constructor(private readonly pageBytes: number) {}

  /**
   * The madvise at `step` freed [startPage, endPage) of the address space lazily. Runs that touch
   * or overlap merge: madvise.ts notes each written run rounded out to whole pages, so two runs in
   * one page give that page twice, and the note names each page once.
   */
  noteFreed(step: number, startPage: number, endPage: number): void {
    const runs = this.freedAtStep.get(step);
    if (runs === undefined) {
      this.freedAtStep.set(step, [startPage, endPage]);
      return;
    }
    // Runs come in address order within a call; a later call of the same step may not.
    let i = runs.length;
    while (i > 0 && runs[i - 2]! > startPage) i -= 2;
    let start = startPage;
    let end = endPage;
    let from = i;
    if (from > 0 && runs[from - 1]! >= start) {
      from -= 2;
      start = runs[from]!;
      end = Math.max(end, runs[from + 1]!);
    }
    let to = i;
    while (to < runs.length && runs[to]! <= end) {
      end = Math.max(end, runs[to + 1]!);
      to += 2;
    }
    runs.splice(from, to - from, start, end);
  }

  /** The pages the MADV_FREE calls of `step` freed lazily ([startPage, endPage) pairs, flat). */
  freedBy(step: number): readonly number[] {
    return this.freedAtStep.get(step) ?? NONE_FREED;
  }

  /** [start, end) (whole pages) of an object freed lazily by the madvise at `step`. */
  mark(objectId: number, start: number, end: number, step: number): void {
    if (end <= start) return;
    const ext = this.byObject.get(objectId);
    if (ext === undefined) this.byObject.set(objectId, new Extents(start, end, step));
    else ext.assign(start, end, step);
  }

  /**
   * A write to [start, end) of an object: the pages it touches are dirty again, so reclaim keeps
   * them (madvise_free_pte_range cleared the dirty bit; the write sets it). Whole pages: a one-byte
   * write keeps the rest of its page too.
   */
  cancel(objectId: number, start: number, end: number): void {
    const ext = this.byObject.get(objectId);
    if (ext === undefined) return;
    const p = this.pageBytes;
    this.clear(objectId, ext, Math.floor(start / p) * p, Math.ceil(end / p) * p);
  }

  /** [start, end) of an object was freed for good (MADV_DONTNEED, unmapped, replaced). */
  forget(objectId: number, start: number, end: number): void {
    const ext = this.byObject.get(objectId);
    if (ext !== undefined) this.clear(objectId, ext, start, end);
  }

  /** The lazily freed part of [start, end) of one object carried to another (page-identity.ts rekey). */
  copy(fromId: number, toId: number, start: number, end: number): void {
    const ext = this.byObject.get(fromId);
    if (ext === undefined) return;
    for (let k = ext.firstAfter(start); k < ext.count && ext.start(k) < end; k++)
      this.mark(toId, Math.max(start, ext.start(k)), Math.min(end, ext.end(k)), ext.datum(k));
  }

  /**
   * The first lazily freed position in [start, end) of an object, with the madvise step that freed
   * it and how many bytes of the range are lazily freed; undefined when none is.
   */
  find(
    objectId: number,
    start: number,
    end: number,
  ): { position: number; step: number; bytes: number } | undefined {
    const ext = this.byObject.get(objectId);
    if (ext === undefined) return undefined;
    let found: { position: number; step: number; bytes: number } | undefined;
    for (let k = ext.firstAfter(start); k < ext.count && ext.start(k) < end; k++) {
      const from = Math.max(start, ext.start(k));
      const bytes = Math.min(end, ext.end(k)) - from;
      if (found === undefined) found = { position: from, step: ext.datum(k), bytes };
      else found.bytes += bytes;
    }
    return found;
  }

  /** Whether no page is lazily freed now (every one was written, dropped or unmapped since). */
  get isEmpty(): boolean {
    return this.byObject.size === 0;
  }

  private clear(objectId: number, ext: Extents, start: number, end: number): void {
    ext.clear(start, end);
    if (ext.isEmpty) this.byObject.delete(objectId);
  }
}

const NONE_FREED: readonly number[] = [];

/** The lazily freed pages of [addr, addr + length) (private anonymous records only: no other is). */
export function lazilyFreedIn(state: KernelState, addr: bigint, length: bigint): LazilyFreedRead | undefined {
  const lazy = state.contents.lazyFreed;
  if (lazy === undefined || length <= 0n) return undefined;
  const P = state.geo.pageSize;
  const p = state.geo.pageBytes;
  const startPage = Number(addr / P);
  const endPage = Number((addr + length + P - 1n) / P);
  let first: LazilyFreedRead | undefined;
  let pages = 0;
  for (const record of state.vmas.overlapping(startPage, endPage)) {
    if (!isPrivateAnon(record)) continue;
    const fromPage = Math.max(startPage, record.startPage);
    const base = (record.pgoff - record.startPage) * p;
    const found = lazy.find(
      record.object.id,
      base + fromPage * p,
      base + Math.min(endPage, record.endPage) * p,
    );
    if (found === undefined) continue;
    pages += found.bytes / p;
    if (first === undefined) {
      const page = (found.position - base) / p;
      const at = BigInt(page) * P;
      first = { address: at > addr ? at : addr, step: found.step, pages: 0 };
    }
  }
  return first && { ...first, pages };
}
