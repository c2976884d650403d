// The ordered VMA set. A list of sorted chunks (at most CHUNK_MAX VMAs each) that remembers, per
// chunk, its largest internal gap: the top-down search (facts 1.2) can then skip whole chunks the
// way the maple tree's gap tracking does, and an insert moves at most one chunk's elements.
// Every change goes through `splice`, which reports itself to a listener (the timeline's log).
import { kernelMergeable, joinVmas, simMergeable, sliceVma, startGap } from './vma';
import type { Vma } from './types';

const CHUNK_MAX = 64;

interface Chunk {
  vmas: Vma[];
  /** Largest gap between consecutive VMAs inside the chunk (guard gaps applied). */
  maxGap: number;
}

/** Called for every change: remove `removeCount` VMAs starting at the first one with startPage >= anchorPage, insert `inserted` there. */
export type SpliceListener = (anchorPage: number, removed: readonly Vma[], inserted: readonly Vma[]) => void;

/** Which neighbours of the inserted VMAs may merge with them (Linux merges on mmap, mprotect, mremap; not on munmap or for a DONTUNMAP source). */
export type MergeMode = 'none' | 'both' | 'right';

export interface SpliceOutcome {
  /** The VMA objects that left the set (whole, unclipped). */
  readonly removed: readonly Vma[];
  /** The VMAs now in the set in their place (after merging). */
  readonly inserted: readonly Vma[];
}

interface Pos {
  c: number;
  i: number;
}

export class VmaSet {
  private chunks: Chunk[] = [];
  private count = 0;
  private pages = 0;
  listener: SpliceListener | undefined;

  constructor(private readonly guardPages: number) {}

  get size(): number {
    return this.count;
  }

  /** Sum of VMA lengths in pages (mm->total_vm, for RLIMIT_AS). */
  get totalPages(): number {
    return this.pages;
  }

  toArray(): Vma[] {
    const out: Vma[] = [];
    for (const chunk of this.chunks) for (const v of chunk.vmas) out.push(v);
    return out;
  }

  /** The VMA containing `page`. */
  vmaAt(page: number): Vma | undefined {
    const v = this.firstEndingAfter(page);
    return v !== undefined && v.startPage <= page ? v : undefined;
  }

  /** find_vma(): the first VMA that ends above `page`. */
  firstEndingAfter(page: number): Vma | undefined {
    const pos = this.posFirstEndingAfter(page);
    return this.at(pos);
  }

  /** All VMAs intersecting [startPage, endPage), in order. */
  overlapping(startPage: number, endPage: number): Vma[] {
    const out: Vma[] = [];
    const pos = this.posFirstEndingAfter(startPage);
    for (let v = this.at(pos); v !== undefined && v.startPage < endPage; v = this.at(this.step(pos)))
      out.push(v);
    return out;
  }

  /** The VMA just below `page` (the last one ending at or before it). */
  before(page: number): Vma | undefined {
    const pos = this.posFirstEndingAfter(page);
    this.back(pos);
    return this.at(pos);
  }

  /** The mapping test of get_unmapped_area's hint path: `!vma || addr + len <= vm_start_gap(vma)` (facts 1.2). */
  isFree(startPage: number, pages: number): boolean {
    const v = this.firstEndingAfter(startPage);
    return v === undefined || startPage + pages <= startGap(v, this.guardPages);
  }

  /** True if any VMA intersects [startPage, endPage) (find_vma_intersection; no guard gaps). */
  intersects(startPage: number, endPage: number): boolean {
    const v = this.firstEndingAfter(startPage);
    return v !== undefined && v.startPage < endPage;
  }

  /**
   * Replace whatever lies in [startPage, endPage) with `replacement` (VMAs inside that range, sorted).
   * VMAs crossing the boundaries are split and keep their outer parts. With a merge mode, the
   * replacement merges with compatible neighbours (simulation rule: same owner and label too).
   */
  splice(
    startPage: number,
    endPage: number,
    replacement: readonly Vma[],
    merge: MergeMode = 'both',
  ): SpliceOutcome {
    const startPos = this.posFirstEndingAfter(startPage);
    const removed: Vma[] = [];
    const scan = { c: startPos.c, i: startPos.i };
    for (let v = this.at(scan); v !== undefined && v.startPage < endPage; v = this.at(this.step(scan)))
      removed.push(v);
    const first = removed[0];
    const last = removed[removed.length - 1];
    const fresh: Vma[] = [];
    if (first !== undefined && first.startPage < startPage)
      fresh.push(sliceVma(first, first.startPage, startPage));
    const repStart = fresh.length;
    for (const v of replacement) fresh.push(v);
    const repEnd = fresh.length;
    if (last !== undefined && last.endPage > endPage) fresh.push(sliceVma(last, endPage, last.endPage));
    if (removed.length === 0 && fresh.length === 0) return { removed, inserted: [] };

    let fromPos: Pos = startPos;
    let removeCount = removed.length;
    if (merge !== 'none' && repEnd > repStart) {
      // A neighbour outside the range joins the window if it will merge with the replacement.
      const firstRep = fresh[repStart] as Vma;
      if (merge === 'both' && repStart === 0) {
        const prevPos = { c: startPos.c, i: startPos.i };
        if (this.back(prevPos)) {
          const prev = this.at(prevPos);
          if (prev !== undefined && simMergeable(prev, firstRep)) {
            fresh.unshift(prev);
            fromPos = prevPos;
            removeCount++;
          }
        }
      }
      const lastRep = fresh[fresh.length - 1] as Vma;
      if (fresh[fresh.length - 1] === replacement[replacement.length - 1]) {
        const nextPos = { c: scan.c, i: scan.i };
        const next = this.at(nextPos);
        if (next !== undefined && simMergeable(lastRep, next)) {
          fresh.push(next);
          removeCount++;
        }
      }
    }
    const merged = merge === 'none' ? fresh : mergeRun(fresh, merge === 'right');
    const anchor = this.at(fromPos)?.startPage ?? (merged[0] as Vma).startPage;
    const outgoing = this.replaceAt(fromPos, removeCount, merged);
    this.listener?.(anchor, outgoing, merged);
    return { removed: outgoing, inserted: merged };
  }

  // ---- gap search (facts 1.2: unmapped_area_topdown / unmapped_area) ----

  /** The highest `pages`-long free range inside [low, high), or -1. */
  findTopDown(low: number, high: number, pages: number): number {
    if (pages <= 0 || high - low < pages) return -1;
    const pos = this.posFirstStartingAtOrAbove(high);
    for (;;) {
      const upper = this.at(pos);
      const lowerPos = { c: pos.c, i: pos.i };
      const hasLower = this.back(lowerPos);
      const lower = hasLower ? this.at(lowerPos) : undefined;
      const gapEnd = upper === undefined ? Number.POSITIVE_INFINITY : startGap(upper, this.guardPages);
      const gapStart = lower === undefined ? 0 : lower.endPage;
      const top = Math.min(gapEnd, high);
      const bottom = Math.max(gapStart, low);
      if (top - bottom >= pages) return top - pages;
      if (lower === undefined || gapStart <= low) return -1;
      pos.c = lowerPos.c;
      pos.i = lowerPos.i;
      // Entering a chunk at its last VMA: skip its internal gaps if none is big enough.
      const chunk = this.chunks[pos.c] as Chunk;
      if (pos.i === chunk.vmas.length - 1 && chunk.maxGap < pages) pos.i = 0;
    }
  }

  /** The lowest `pages`-long free range inside [low, high), or -1. */
  findBottomUp(low: number, high: number, pages: number): number {
    if (pages <= 0 || high - low < pages) return -1;
    const pos = this.posFirstEndingAfter(low);
    for (;;) {
      const upper = this.at(pos);
      const lowerPos = { c: pos.c, i: pos.i };
      const lower = this.back(lowerPos) ? this.at(lowerPos) : undefined;
      const gapEnd = upper === undefined ? Number.POSITIVE_INFINITY : startGap(upper, this.guardPages);
      const gapStart = lower === undefined ? 0 : lower.endPage;
      const top = Math.min(gapEnd, high);
      const bottom = Math.max(gapStart, low);
      if (top - bottom >= pages) return bottom;
      if (upper === undefined || gapEnd >= high) return -1;
      // Leaving a chunk's first VMA: skip the chunk's internal gaps if none is big enough.
      const chunk = this.chunks[pos.c] as Chunk;
      if (pos.i === 0 && chunk.maxGap < pages) pos.i = chunk.vmas.length - 1;
      this.step(pos);
    }
  }

  // ---- positions ----

  private at(pos: Pos): Vma | undefined {
    return this.chunks[pos.c]?.vmas[pos.i];
  }

  /** Advance to the next VMA (may run past the end). Returns the position for chaining. */
  private step(pos: Pos): Pos {
    const chunk = this.chunks[pos.c];
    if (chunk === undefined) return pos;
    pos.i++;
    if (pos.i >= chunk.vmas.length && pos.c < this.chunks.length - 1) {
      pos.c++;
      pos.i = 0;
    }
    return pos;
  }

  /** Move to the previous VMA; false (and unchanged) at the beginning. */
  private back(pos: Pos): boolean {
    if (pos.i > 0) {
      pos.i--;
      return true;
    }
    if (pos.c > 0) {
      pos.c--;
      pos.i = (this.chunks[pos.c] as Chunk).vmas.length - 1;
      return true;
    }
    return false;
  }

  private endPos(): Pos {
    const c = this.chunks.length - 1;
    return c < 0 ? { c: 0, i: 0 } : { c, i: (this.chunks[c] as Chunk).vmas.length };
  }

  private posFirstEndingAfter(page: number): Pos {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const vmas = (chunks[mid] as Chunk).vmas;
      if ((vmas[vmas.length - 1] as Vma).endPage > page) hi = mid;
      else lo = mid + 1;
    }
    if (lo === chunks.length) return this.endPos();
    const vmas = (chunks[lo] as Chunk).vmas;
    let a = 0;
    let b = vmas.length - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if ((vmas[mid] as Vma).endPage > page) b = mid;
      else a = mid + 1;
    }
    return { c: lo, i: a };
  }

  private posFirstStartingAtOrAbove(page: number): Pos {
    const pos = this.posFirstEndingAfter(page);
    const v = this.at(pos);
    if (v !== undefined && v.startPage < page) this.step(pos);
    return pos;
  }

  /** Remove `removeCount` VMAs from `from` on and insert `vmas` there; chunk sizes stay within CHUNK_MAX. */
  private replaceAt(from: Pos, removeCount: number, vmas: readonly Vma[]): Vma[] {
    if (this.chunks.length === 0) {
      this.chunks = buildChunks(vmas, this.guardPages);
      this.account([], vmas);
      return [];
    }
    const c = from.c;
    let i = from.i;
    const firstChunk = this.chunks[c] as Chunk;
    const resulting = firstChunk.vmas.length - removeCount + vmas.length;
    if (i + removeCount <= firstChunk.vmas.length && resulting > 0 && resulting <= CHUNK_MAX) {
      // The common case: the change stays inside one chunk; edit it in place.
      const outgoing = firstChunk.vmas.splice(i, removeCount, ...vmas);
      firstChunk.maxGap = internalMaxGap(firstChunk.vmas, this.guardPages);
      this.account(outgoing, vmas);
      return outgoing;
    }
    const segment: Vma[] = firstChunk.vmas.slice(0, i);
    const outgoing: Vma[] = [];
    let remaining = removeCount;
    let lastC = c;
    for (;;) {
      const chunk = this.chunks[lastC] as Chunk;
      const take = Math.min(remaining, chunk.vmas.length - i);
      for (let k = 0; k < take; k++) outgoing.push(chunk.vmas[i + k] as Vma);
      remaining -= take;
      i += take;
      if (remaining === 0 || lastC === this.chunks.length - 1) break;
      lastC++;
      i = 0;
    }
    for (const v of vmas) segment.push(v);
    const tail = (this.chunks[lastC] as Chunk).vmas;
    for (let k = i; k < tail.length; k++) segment.push(tail[k] as Vma);
    // Keep chunks from becoming tiny: absorb a small segment into its right neighbour.
    let span = lastC - c + 1;
    if (segment.length < CHUNK_MAX / 4 && lastC + 1 < this.chunks.length) {
      for (const v of (this.chunks[lastC + 1] as Chunk).vmas) segment.push(v);
      span++;
    }
    this.chunks.splice(c, span, ...buildChunks(segment, this.guardPages));
    this.account(outgoing, vmas);
    return outgoing;
  }

  private account(outgoing: readonly Vma[], incoming: readonly Vma[]): void {
    for (const v of outgoing) this.pages -= v.endPage - v.startPage;
    for (const v of incoming) this.pages += v.endPage - v.startPage;
    this.count += incoming.length - outgoing.length;
  }
}

function buildChunks(vmas: readonly Vma[], guardPages: number): Chunk[] {
  if (vmas.length === 0) return [];
  const pieces = Math.ceil(vmas.length / CHUNK_MAX);
  const per = Math.ceil(vmas.length / pieces);
  const out: Chunk[] = [];
  for (let s = 0; s < vmas.length; s += per) {
    const part = vmas.slice(s, s + per);
    out.push({ vmas: part, maxGap: internalMaxGap(part, guardPages) });
  }
  return out;
}

function internalMaxGap(vmas: readonly Vma[], guardPages: number): number {
  let max = 0;
  for (let k = 1; k < vmas.length; k++) {
    const gap = startGap(vmas[k] as Vma, guardPages) - (vmas[k - 1] as Vma).endPage;
    if (gap > max) max = gap;
  }
  return max;
}

/** Merge adjacent mergeable VMAs of a run (`rightOnly`: only the last pair may merge). */
function mergeRun(run: readonly Vma[], rightOnly: boolean): Vma[] {
  const out: Vma[] = [];
  for (let k = 0; k < run.length; k++) {
    const v = run[k] as Vma;
    const prev = out[out.length - 1];
    const allowed = !rightOnly || k === run.length - 1;
    if (prev !== undefined && allowed && simMergeable(prev, v)) out[out.length - 1] = joinVmas(prev, v);
    else out.push(v);
  }
  return out;
}

/**
 * What /proc/PID/maps would show: adjacent VMAs merged whenever the kernel would merge them,
 * regardless of the simulation's owner/label (for differential tests against the real kernel).
 */
export function kernelView(vmas: readonly Vma[]): Vma[] {
  const out: Vma[] = [];
  for (const v of vmas) {
    const prev = out[out.length - 1];
    if (prev !== undefined && kernelMergeable(prev, v)) out[out.length - 1] = joinVmas(prev, v);
    else out.push(v);
  }
  return out;
}
