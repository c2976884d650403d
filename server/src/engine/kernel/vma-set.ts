// The ordered VMA set: a list of sorted chunks (at most CHUNK_MAX records each). Each chunk knows
// the largest gap below any of its records (its internal gaps and the one between it and the
// chunk before), and a max-segment tree over the chunks answers "the nearest chunk with a gap of
// at least N pages" in O(log chunks): the top-down and bottom-up searches (facts 1.2) are
// logarithmic, the way the maple tree's gap tracking makes unmapped_area_topdown logarithmic.
// An insert moves at most one chunk's elements. Every change goes through `splice`, which reports
// itself to a listener (the timeline's log).
//
// Records and kernel VMAs: a record is a `Vma`; consecutive records joined by `joinsPrev` form one
// kernel VMA (the kernel merged them; the simulation keeps them apart because their attribution
// differs). `size` counts records, `kernelSize` kernel VMAs (map_count).
import {
  anonVmaOf,
  anonVmasMergeable,
  joinVmas,
  kernelMergeable,
  sameAttribution,
  sliceVma,
  startGap,
  vmaWith,
  withLink,
} from './vma';
import type { Vma } from './types';

const CHUNK_MAX = 64;

/**
 * Records in order, with each record's end page and guard-gapped start page (vm_start_gap) in
 * parallel number arrays: the binary searches and gap scans read those contiguous doubles rather
 * than chase a pointer to each record (and from it to a boxed page number).
 */
interface Chunk {
  vmas: Vma[];
  ends: number[];
  gapStarts: number[];
  /** Largest gap between consecutive records inside the chunk (guard gaps applied). */
  maxGap: number;
}

/** Called for every change: remove `removeCount` VMAs starting at the first one with startPage >= anchorPage, insert `inserted` there. */
export type SpliceListener = (anchorPage: number, removed: readonly Vma[], inserted: readonly Vma[]) => void;

/** Which neighbours of the inserted VMAs may merge with them (Linux merges on mmap, mprotect, mremap; not on munmap or for a DONTUNMAP source). */
export type MergeMode = 'none' | 'both' | 'right' | 'keep';

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

const linked = (v: Vma): boolean => v.joinsPrev === true;

export class VmaSet {
  private chunks: Chunk[] = [];
  /** Max-segment tree over the chunks' gap values (leaves at `leafBase + c`). */
  private tree: number[] = [0, 0];
  /** The end page of each chunk's last record: the chunk-level binary search reads only this. */
  private chunkEnds: number[] = [];
  /** The chunk of the last lookup. */
  private finger = 0;
  private leafBase = 1;
  private count = 0;
  /** Records with `joinsPrev` (count - links = the kernel's map_count). */
  private links = 0;
  private pages = 0;
  listener: SpliceListener | undefined;

  constructor(private readonly guardPages: number) {}

  get size(): number {
    return this.count;
  }

  /** Number of kernel VMAs (mm->map_count): records joined by `joinsPrev` count once. */
  get kernelSize(): number {
    return this.count - this.links;
  }

  /** Sum of VMA lengths in pages (mm->total_vm, for RLIMIT_AS). */
  get totalPages(): number {
    return this.pages;
  }

  toArray(): Vma[] {
    const out: Vma[] = new Array<Vma>(this.count);
    let k = 0;
    for (const chunk of this.chunks) for (const v of chunk.vmas) out[k++] = v;
    return out;
  }

  /** The VMA containing `page`. */
  vmaAt(page: number): Vma | undefined {
    const v = this.firstEndingAfter(page);
    return v !== undefined && v.startPage <= page ? v : undefined;
  }

  /** find_vma(): the first VMA that ends above `page`. */
  firstEndingAfter(page: number): Vma | undefined {
    const c = this.chunkOf(page);
    if (c === this.chunks.length) return undefined;
    const chunk = this.chunks[c] as Chunk;
    return chunk.vmas[indexEndingAfter(chunk.ends, page)];
  }

  /**
   * The first chunk whose last record ends above `page` (chunks.length if none). Lookups cluster
   * (a syscall looks at one place several times), so the last answer is tried first.
   */
  private chunkOf(page: number): number {
    const ends = this.chunkEnds;
    const n = ends.length;
    const f = this.finger;
    if (f < n && (ends[f] as number) > page && (f === 0 || (ends[f - 1] as number) <= page)) return f;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends[mid] as number) > page) hi = mid;
      else lo = mid + 1;
    }
    if (lo < n) this.finger = lo;
    return lo;
  }

  /** All VMAs intersecting [startPage, endPage), in order. */
  overlapping(startPage: number, endPage: number): Vma[] {
    const out: Vma[] = [];
    const pos = this.posFirstEndingAfter(startPage);
    for (let v = this.at(pos); v !== undefined && v.startPage < endPage; v = this.at(this.step(pos)))
      out.push(v);
    return out;
  }

  /** True if a record intersecting [startPage, endPage) passes `test` (without building a list). */
  someOverlapping<A>(startPage: number, endPage: number, test: (v: Vma, arg: A) => boolean, arg: A): boolean {
    const pos = this.posFirstEndingAfter(startPage);
    for (let v = this.at(pos); v !== undefined && v.startPage < endPage; v = this.at(this.step(pos)))
      if (test(v, arg)) return true;
    return false;
  }

  /** The VMA just below `page` (the last one ending at or before it). */
  before(page: number): Vma | undefined {
    const pos = this.posFirstEndingAfter(page);
    this.back(pos);
    const v = this.at(pos);
    return v !== undefined && v.endPage <= page ? v : undefined;
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

  /** The kernel VMA containing `page`: one record, or its records joined (a new object). */
  kernelVmaAt(page: number): Vma | undefined {
    const pos = this.posFirstEndingAfter(page);
    const v = this.at(pos);
    if (v === undefined || v.startPage > page) return undefined;
    return this.runAround(pos);
  }

  /** The kernel VMAs intersecting [startPage, endPage), whole (not clipped), in order. */
  kernelOverlapping(startPage: number, endPage: number): Vma[] {
    const out: Vma[] = [];
    const pos = this.posFirstEndingAfter(startPage);
    let v = this.at(pos);
    while (v !== undefined && v.startPage < endPage) {
      out.push(this.runAround(pos));
      // Skip the rest of the run.
      for (v = this.at(this.step(pos)); v !== undefined && linked(v); v = this.at(this.step(pos)));
    }
    return out;
  }

  /**
   * Replace whatever lies in [startPage, endPage) with `replacement` (VMAs inside that range, sorted).
   * VMAs crossing the boundaries are split and keep their outer parts. The merge mode says which
   * new boundaries the kernel merges across (vma_merge; facts 1.2):
   * - `both`: the replacement joins compatible neighbours on either side (mmap, mprotect, mremap's
   *   destination); adjacent replacement pieces join too;
   * - `right`: only the last piece may join the VMA after it (in-place growth); the first piece
   *   keeps its own `joinsPrev`;
   * - `none`: nothing joins across the range's edges (munmap; the pieces' own `joinsPrev` inside);
   * - `keep`: the kernel VMAs stay as they were: the pieces are rewrites of what they replace, and
   *   their `joinsPrev` flags (the first one's included) are taken as given.
   * A join is a `joinsPrev` link (one kernel VMA, two records) or, when the two records have the
   * same attribution, one record. Joining a VMA without an anon_vma to one with an anon_vma gives
   * the whole kernel VMA that anon_vma (is_mergeable_anon_vma: prev and next with different
   * anon_vmas do not both merge).
   */
  splice(
    startPage: number,
    endPage: number,
    replacement: readonly Vma[],
    merge: MergeMode = 'both',
  ): SpliceOutcome {
    const chunks = this.chunks;
    const startPos = this.posFirstEndingAfter(startPage);
    let sc = startPos.c;
    let si = startPos.i;
    let removeCount = 0;
    let first: Vma | undefined;
    let last: Vma | undefined;
    // Scan the records intersecting the range; (sc, si) ends at the record after them.
    for (;;) {
      const chunk = chunks[sc];
      if (chunk === undefined) break;
      if (si >= chunk.vmas.length) {
        if (sc + 1 >= chunks.length) break;
        sc++;
        si = 0;
        continue;
      }
      const v = chunk.vmas[si] as Vma;
      if (v.startPage >= endPage) break;
      if (removeCount === 0) first = v;
      last = v;
      removeCount++;
      si++;
    }
    const both = merge === 'both';
    const hasRep = replacement.length > 0;
    // The window: [prev] [left part] replacement [right part] [next]. A new list each time: a
    // reused one emptied with `length = 0` costs more (V8 trims its store, and push regrows it).
    const fresh: Vma[] = [];
    let fromPos: Pos = startPos;
    const leftPart = first !== undefined && first.startPage < startPage;
    if (both && hasRep && !leftPart) {
      // The left neighbour joins the window if the first new piece merges with it.
      const prevPos = { c: startPos.c, i: startPos.i };
      if (this.back(prevPos)) {
        const prev = this.at(prevPos) as Vma;
        if (kernelMergeable(prev, replacement[0] as Vma)) {
          fresh.push(prev);
          fromPos = prevPos;
          removeCount++;
        }
      }
    }
    if (leftPart) fresh.push(sliceVma(first as Vma, (first as Vma).startPage, startPage));
    const repStart = fresh.length;
    const keepLeft = merge === 'keep' || merge === 'right';
    for (let k = 0; k < replacement.length; k++) {
      const v = replacement[k] as Vma;
      fresh.push(k === 0 && !keepLeft ? withLink(v, false) : v);
    }
    const repEnd = fresh.length;
    const rightPart = last !== undefined && last.endPage > endPage;
    if (rightPart)
      fresh.push(withLink(sliceVma(last as Vma, endPage, (last as Vma).endPage), merge === 'keep' && hasRep));
    // The right neighbour: joins the last new piece, or loses its link to what was removed.
    let nextJoinable = false;
    let nc = sc;
    let ni = si;
    const next = chunks[nc]?.vmas[ni];
    if (next !== undefined && next.startPage === endPage && merge !== 'keep') {
      const tail = fresh[fresh.length - 1];
      nextJoinable =
        (both || merge === 'right') &&
        hasRep &&
        !rightPart &&
        tail !== undefined &&
        tail.endPage === endPage &&
        kernelMergeable(tail, next);
      if (nextJoinable || linked(next)) {
        fresh.push(withLink(next, false));
        removeCount++;
        ni++;
        const chunk = chunks[nc] as Chunk;
        if (ni >= chunk.vmas.length && nc + 1 < chunks.length) {
          nc++;
          ni = 0;
        }
      }
    }
    const n = fresh.length;
    if (n === 0) {
      if (removeCount === 0) return { removed: EMPTY, inserted: EMPTY };
      const anchor = (this.at(fromPos) as Vma).startPage;
      const outgoing = this.replaceAt(fromPos, removeCount, EMPTY);
      this.listener?.(anchor, outgoing, EMPTY);
      return { removed: outgoing, inserted: EMPTY };
    }
    // Decide the links left to right, tracking each kernel VMA's anon_vma.
    let runId = anonVmaOf(fresh[0] as Vma);
    let idsDiffer = false;
    let joinable = false;
    for (let k = 1; k < n; k++) {
      let v = fresh[k] as Vma;
      const id = anonVmaOf(v);
      let open: boolean;
      if (k < repStart) open = false;
      else if (k < repEnd) open = both && (k === repStart || !linked(v));
      else if (k === repEnd && rightPart) open = both && hasRep;
      else open = nextJoinable;
      if (open && !linked(v) && anonVmasMergeable(runId, id) && kernelMergeable(fresh[k - 1] as Vma, v)) {
        v = withLink(v, true);
        fresh[k] = v;
      }
      if (linked(v)) {
        if (id !== runId) {
          idsDiffer = true;
          if (runId === 0) runId = id;
        }
        if (!joinable && sameAttribution(fresh[k - 1] as Vma, v)) joinable = true;
      } else runId = id;
    }
    if (idsDiffer) this.unifyAnonVmas(fresh);
    // A kernel VMA whose anon_vma changed gets it in all its records, also those outside the window.
    if (idsDiffer && linked(fresh[0] as Vma)) {
      const headId = anonVmaOf(fresh[0] as Vma);
      const p = { c: fromPos.c, i: fromPos.i };
      while (this.back(p)) {
        const v = this.at(p) as Vma;
        if (anonVmaOf(v) === headId) break;
        fresh.unshift(vmaWith(v, { anonVma: headId }));
        fromPos = { c: p.c, i: p.i };
        removeCount++;
        if (!linked(v)) break;
      }
    }
    if (idsDiffer) {
      const tailId = anonVmaOf(fresh[fresh.length - 1] as Vma);
      const p = { c: nc, i: ni };
      for (let v = this.at(p); v !== undefined && linked(v); v = this.at(this.step(p))) {
        if (anonVmaOf(v) === tailId) break;
        fresh.push(vmaWith(v, { anonVma: tailId }));
        removeCount++;
      }
      joinable = true;
    }
    // Exact length: the timeline keeps the inserted list for the whole run (and a move's effect too).
    const merged = (joinable ? mergeRun(fresh) : fresh).slice();
    const anchor = this.at(fromPos)?.startPage ?? (merged[0] as Vma).startPage;
    const outgoing = this.replaceAt(fromPos, removeCount, merged);
    this.listener?.(anchor, outgoing, merged);
    return { removed: outgoing, inserted: merged };
  }

  /** Every kernel VMA (run of linked records) of the window gets the one anon_vma it now has. */
  private unifyAnonVmas(fresh: Vma[]): void {
    let s = 0;
    while (s < fresh.length) {
      let e = s + 1;
      let id = anonVmaOf(fresh[s] as Vma);
      while (e < fresh.length && linked(fresh[e] as Vma)) {
        if (id === 0) id = anonVmaOf(fresh[e] as Vma);
        e++;
      }
      for (let k = s; k < e; k++) {
        const v = fresh[k] as Vma;
        if (anonVmaOf(v) !== id) fresh[k] = vmaWith(v, { anonVma: id });
      }
      s = e;
    }
  }

  /** The kernel VMA of the record at `pos` (which must exist). */
  private runAround(pos: Pos): Vma {
    const v = this.at(pos) as Vma;
    const after = { c: pos.c, i: pos.i };
    const nextV = this.at(this.step(after));
    if (!linked(v) && (nextV === undefined || !linked(nextV))) return v;
    const p = { c: pos.c, i: pos.i };
    let head = v;
    while (linked(head) && this.back(p)) head = this.at(p) as Vma;
    let joined = head;
    for (let w = this.at(this.step(p)); w !== undefined && linked(w); w = this.at(this.step(p)))
      joined = joinVmas(joined, w);
    return joined;
  }

  // ---- gap search (facts 1.2: unmapped_area_topdown / unmapped_area) ----

  /** The highest `pages`-long free range inside [low, high), or -1. */
  findTopDown(low: number, high: number, pages: number): number {
    if (pages <= 0 || high - low < pages) return -1;
    const chunks = this.chunks;
    if (chunks.length === 0) return high - Math.max(0, low) >= pages ? high - pages : -1;
    const pos = this.posFirstStartingAtOrAbove(high);
    const c = pos.c;
    let i = pos.i;
    // The gaps below (c, i) inside chunk c, from the top; i may be one past the last record.
    for (;;) {
      const chunk = chunks[c] as Chunk;
      const hasLower = i > 0 || c > 0;
      const gapEnd = i < chunk.ends.length ? (chunk.gapStarts[i] as number) : Number.POSITIVE_INFINITY;
      const gapStart = i > 0 ? (chunk.ends[i - 1] as number) : c > 0 ? lastEnd(chunks[c - 1] as Chunk) : 0;
      const top = Math.min(gapEnd, high);
      const bottom = Math.max(gapStart, low);
      if (top - bottom >= pages) return top - pages;
      if (!hasLower || gapStart <= low) return -1;
      if (i === 0) break;
      // Below the chunk's top record: its internal gaps, unless none is big enough.
      i = (chunks[c] as Chunk).maxGap < pages ? 0 : i - 1;
    }
    // The nearest chunk below with a big enough gap, then its highest such gap.
    const target = this.lastChunkWithGap(c - 1, pages);
    if (target < 0) return -1;
    const chunk = chunks[target] as Chunk;
    for (let k = chunk.ends.length - 1; k >= 0; k--) {
      const gapEnd = chunk.gapStarts[k] as number;
      const gapStart =
        k > 0 ? (chunk.ends[k - 1] as number) : target > 0 ? lastEnd(chunks[target - 1] as Chunk) : 0;
      if (gapEnd - gapStart < pages) continue;
      return gapEnd - Math.max(gapStart, low) >= pages ? gapEnd - pages : -1;
    }
    return -1;
  }

  /** The lowest `pages`-long free range inside [low, high), or -1. */
  findBottomUp(low: number, high: number, pages: number): number {
    if (pages <= 0 || high - low < pages) return -1;
    const chunks = this.chunks;
    if (chunks.length === 0) return Math.max(0, low) + pages <= high ? Math.max(0, low) : -1;
    const pos = this.posFirstEndingAfter(low);
    const c = pos.c;
    let i = pos.i;
    for (;;) {
      const chunk = chunks[c] as Chunk;
      const hasUpper = i < chunk.ends.length;
      const gapEnd = hasUpper ? (chunk.gapStarts[i] as number) : Number.POSITIVE_INFINITY;
      const gapStart = i > 0 ? (chunk.ends[i - 1] as number) : c > 0 ? lastEnd(chunks[c - 1] as Chunk) : 0;
      const top = Math.min(gapEnd, high);
      const bottom = Math.max(gapStart, low);
      if (top - bottom >= pages) return bottom;
      if (!hasUpper || gapEnd >= high) return -1;
      i++;
      if (i >= chunk.ends.length) {
        if (c === chunks.length - 1) continue; // the gap above the last record
        break;
      }
    }
    const target = this.firstChunkWithGap(c + 1, pages);
    if (target < 0) {
      const bottom = Math.max(lastEnd(chunks[chunks.length - 1] as Chunk), low);
      return high - bottom >= pages ? bottom : -1;
    }
    const chunk = chunks[target] as Chunk;
    for (let k = 0; k < chunk.ends.length; k++) {
      const gapEnd = chunk.gapStarts[k] as number;
      const gapStart = k > 0 ? (chunk.ends[k - 1] as number) : lastEnd(chunks[target - 1] as Chunk);
      if (gapEnd - gapStart < pages) continue;
      return Math.min(gapEnd, high) - gapStart >= pages ? gapStart : -1;
    }
    return -1;
  }

  // ---- the chunks' gap tree ----

  /** The largest gap below any record of chunk c (the one below its first record included). */
  private chunkGap(c: number): number {
    const chunk = this.chunks[c] as Chunk;
    const below = c > 0 ? lastEnd(this.chunks[c - 1] as Chunk) : 0;
    return Math.max(chunk.maxGap, (chunk.gapStarts[0] as number) - below);
  }

  private rebuildTree(): void {
    const n = this.chunks.length;
    const ends = new Array<number>(n);
    for (let c = 0; c < n; c++) ends[c] = lastEnd(this.chunks[c] as Chunk);
    this.chunkEnds = ends;
    let base = 1;
    while (base < n) base <<= 1;
    const tree = new Array<number>(2 * base).fill(-1);
    for (let c = 0; c < n; c++) tree[base + c] = this.chunkGap(c);
    for (let k = base - 1; k >= 1; k--) tree[k] = Math.max(tree[2 * k] as number, tree[2 * k + 1] as number);
    this.tree = tree;
    this.leafBase = base;
  }

  private updateTree(c: number): void {
    if (c < 0 || c >= this.chunks.length) return;
    this.chunkEnds[c] = lastEnd(this.chunks[c] as Chunk);
    const tree = this.tree;
    let k = this.leafBase + c;
    tree[k] = this.chunkGap(c);
    for (k >>= 1; k >= 1; k >>= 1) tree[k] = Math.max(tree[2 * k] as number, tree[2 * k + 1] as number);
  }

  /** The highest chunk index ≤ `upTo` whose gap value is at least `pages`, or -1. */
  private lastChunkWithGap(upTo: number, pages: number): number {
    if (upTo < 0) return -1;
    return this.descend(1, 0, this.leafBase, upTo, pages, true);
  }

  /** The lowest chunk index ≥ `from` whose gap value is at least `pages`, or -1. */
  private firstChunkWithGap(from: number, pages: number): number {
    if (from >= this.chunks.length) return -1;
    return this.descend(1, 0, this.leafBase, from, pages, false);
  }

  /** Tree search in node k covering [lo, lo + width): the last (first) leaf ≤ (≥) bound with value ≥ pages. */
  private descend(k: number, lo: number, width: number, bound: number, pages: number, last: boolean): number {
    const tree = this.tree;
    if ((tree[k] as number) < pages) return -1;
    if (last ? lo > bound : lo + width - 1 < bound) return -1;
    if (width === 1) return lo;
    const half = width >> 1;
    if (last) {
      const right = this.descend(2 * k + 1, lo + half, half, bound, pages, true);
      return right >= 0 ? right : this.descend(2 * k, lo, half, bound, pages, true);
    }
    const left = this.descend(2 * k, lo, half, bound, pages, false);
    return left >= 0 ? left : this.descend(2 * k + 1, lo + half, half, bound, pages, false);
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
    const c = this.chunkOf(page);
    if (c === this.chunks.length) return this.endPos();
    return { c, i: indexEndingAfter((this.chunks[c] as Chunk).ends, page) };
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
      this.rebuildTree();
      this.account(EMPTY, vmas);
      return [];
    }
    const c = from.c;
    let i = from.i;
    const firstChunk = this.chunks[c] as Chunk;
    const resulting = firstChunk.vmas.length - removeCount + vmas.length;
    if (i + removeCount <= firstChunk.vmas.length && resulting > 0 && resulting <= CHUNK_MAX) {
      // The common case: the change stays inside one chunk; edit it in place.
      const list = firstChunk.vmas;
      const { ends, gapStarts } = firstChunk;
      // The old maximum survives unless one of the gaps the edit removes was it.
      let survives = true;
      for (let k = Math.max(1, i); k <= Math.min(i + removeCount, list.length - 1); k++) {
        if ((gapStarts[k] as number) - (ends[k - 1] as number) >= firstChunk.maxGap) {
          survives = false;
          break;
        }
      }
      const outgoing = spliceArray(list, i, removeCount, vmas);
      spliceKeys(firstChunk, i, removeCount, vmas, this.guardPages);
      if (survives) {
        let max = firstChunk.maxGap;
        for (let k = Math.max(1, i); k <= Math.min(i + vmas.length, list.length - 1); k++) {
          const gap = (gapStarts[k] as number) - (ends[k - 1] as number);
          if (gap > max) max = gap;
        }
        firstChunk.maxGap = max;
      } else firstChunk.maxGap = internalMaxGap(firstChunk);
      this.updateTree(c);
      if (i + vmas.length >= firstChunk.vmas.length - 1) this.updateTree(c + 1);
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
    this.rebuildTree();
    this.account(outgoing, vmas);
    return outgoing;
  }

  private account(outgoing: readonly Vma[], incoming: readonly Vma[]): void {
    for (const v of outgoing) {
      this.pages -= v.endPage - v.startPage;
      if (linked(v)) this.links--;
    }
    for (const v of incoming) {
      this.pages += v.endPage - v.startPage;
      if (linked(v)) this.links++;
    }
    this.count += incoming.length - outgoing.length;
  }
}

const EMPTY: readonly Vma[] = Object.freeze([]);

/** Index of the first record ending above `page` (the last index if none does), given the records' ends. */
function indexEndingAfter(ends: readonly number[], page: number): number {
  let a = 0;
  let b = ends.length - 1;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if ((ends[mid] as number) > page) b = mid;
    else a = mid + 1;
  }
  return a;
}

/** The end page of the chunk's last record. */
function lastEnd(chunk: Chunk): number {
  return chunk.ends[chunk.ends.length - 1] as number;
}

/** The same edit as `spliceArray` on the chunk's `ends` and `gapStarts`, in place (no spread, no copy). */
function spliceKeys(
  chunk: Chunk,
  at: number,
  removeCount: number,
  insert: readonly Vma[],
  guardPages: number,
): void {
  const { ends, gapStarts } = chunk;
  const delta = insert.length - removeCount;
  const length = ends.length;
  if (delta > 0) {
    for (let k = 0; k < delta; k++) {
      ends.push(0);
      gapStarts.push(0);
    }
    for (let k = length - 1; k >= at + removeCount; k--) {
      ends[k + delta] = ends[k] as number;
      gapStarts[k + delta] = gapStarts[k] as number;
    }
  } else if (delta < 0) {
    for (let k = at + removeCount; k < length; k++) {
      ends[k + delta] = ends[k] as number;
      gapStarts[k + delta] = gapStarts[k] as number;
    }
    // pop, not `length =`: TurboFan inlines pop, while the length setter is a runtime call.
    for (let k = delta; k < 0; k++) {
      ends.pop();
      gapStarts.pop();
    }
  }
  for (let k = 0; k < insert.length; k++) {
    const v = insert[k] as Vma;
    ends[at + k] = v.endPage;
    gapStarts[at + k] = startGap(v, guardPages);
  }
}

/** Array.prototype.splice without spreading the insertion (returns the removed elements). */
function spliceArray(array: Vma[], at: number, removeCount: number, insert: readonly Vma[]): Vma[] {
  switch (insert.length) {
    case 0:
      return array.splice(at, removeCount);
    case 1:
      return array.splice(at, removeCount, insert[0] as Vma);
    case 2:
      return array.splice(at, removeCount, insert[0] as Vma, insert[1] as Vma);
    case 3:
      return array.splice(at, removeCount, insert[0] as Vma, insert[1] as Vma, insert[2] as Vma);
    default:
      return array.splice(at, removeCount, ...insert);
  }
}

function buildChunks(vmas: readonly Vma[], guardPages: number): Chunk[] {
  if (vmas.length === 0) return [];
  const pieces = Math.ceil(vmas.length / CHUNK_MAX);
  const per = Math.ceil(vmas.length / pieces);
  const out: Chunk[] = [];
  for (let s = 0; s < vmas.length; s += per) {
    const part = vmas.slice(s, s + per);
    const ends = new Array<number>(part.length);
    const gapStarts = new Array<number>(part.length);
    for (let k = 0; k < part.length; k++) {
      const v = part[k] as Vma;
      ends[k] = v.endPage;
      gapStarts[k] = startGap(v, guardPages);
    }
    const chunk: Chunk = { vmas: part, ends, gapStarts, maxGap: 0 };
    chunk.maxGap = internalMaxGap(chunk);
    out.push(chunk);
  }
  return out;
}

function internalMaxGap(chunk: Chunk): number {
  const { ends, gapStarts } = chunk;
  let max = 0;
  for (let k = 1; k < ends.length; k++) {
    const gap = (gapStarts[k] as number) - (ends[k - 1] as number);
    if (gap > max) max = gap;
  }
  return max;
}

/** Records joined by `joinsPrev` with the same attribution become one record. */
function mergeRun(run: readonly Vma[]): Vma[] {
  const out: Vma[] = [];
  for (const v of run) {
    const prev = out[out.length - 1];
    if (prev !== undefined && linked(v) && sameAttribution(prev, v)) out[out.length - 1] = joinVmas(prev, v);
    else out.push(v);
  }
  return out;
}

/**
 * What /proc/PID/maps would show: the records of each kernel VMA (joined by `joinsPrev`) as one,
 * whatever their owner, label or page objects (for differential tests against the real kernel).
 */
export function kernelView(vmas: readonly Vma[]): Vma[] {
  const out: Vma[] = [];
  for (const v of vmas) {
    const prev = out[out.length - 1];
    if (prev !== undefined && linked(v) && prev.endPage === v.startPage)
      out[out.length - 1] = joinVmas(prev, v);
    else out.push(v);
  }
  return out;
}
