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
  joinedRun,
  mergedRun,
  kernelMergeable,
  sameAttribution,
  sliceVma,
  startGap,
  withAnonVma,
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
  /** How many changes the set has had: equal counts, the same VMAs. */
  changes = 0;
  /**
   * The lowest page where free space may have grown since `takeLowWater` last asked (a removal,
   * with the guard gap below it): no free range lying wholly below it is new.
   */
  private lowWater = Number.POSITIVE_INFINITY;
  /** The VMA objects the last `splice` took out of the set (whole, unclipped). */
  lastRemoved: readonly Vma[] = EMPTY;
  /**
   * The cursor (chunk, index) that `seek`, `next` and `prev` move: positions as two numbers in
   * fields rather than `{c, i}` objects, which every lookup allocated. A method that needs two
   * positions at once copies one into locals.
   */
  private pc = 0;
  private pi = 0;
  /** The last chunk of a set that became empty, kept for reuse (its records are stale). */
  private spare: Chunk | undefined;

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
    const chunks = this.chunks;
    for (let c = 0; c < chunks.length; c++) {
      const vmas = (chunks[c] as Chunk).vmas;
      for (let i = 0; i < vmas.length; i++) out[k++] = vmas[i] as Vma;
    }
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

  /** All VMAs intersecting [startPage, endPage), in order (an exact-size list: counted first). */
  overlapping(startPage: number, endPage: number): Vma[] {
    this.seek(startPage);
    const c0 = this.pc;
    const i0 = this.pi;
    let n = 0;
    for (let v = this.current(); v !== undefined && v.startPage < endPage; v = this.next()) n++;
    if (n === 0) return [];
    const out = new Array<Vma>(n);
    this.pc = c0;
    this.pi = i0;
    out[0] = this.current() as Vma;
    for (let k = 1; k < n; k++) out[k] = this.next() as Vma;
    return out;
  }

  /** True if a record intersecting [startPage, endPage) passes `test` (without building a list). */
  someOverlapping<A>(startPage: number, endPage: number, test: (v: Vma, arg: A) => boolean, arg: A): boolean {
    this.seek(startPage);
    for (let v = this.current(); v !== undefined && v.startPage < endPage; v = this.next())
      if (test(v, arg)) return true;
    return false;
  }

  /** Pages of [startPage, endPage) that some VMA maps (without building a list). */
  mappedPagesIn(startPage: number, endPage: number): number {
    let pages = 0;
    this.seek(startPage);
    for (let v = this.current(); v !== undefined && v.startPage < endPage; v = this.next())
      pages += Math.min(v.endPage, endPage) - Math.max(v.startPage, startPage);
    return pages;
  }

  /** The VMA just below `page` (the last one ending at or before it). */
  before(page: number): Vma | undefined {
    this.seek(page);
    this.prev();
    const v = this.current();
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
    this.seek(page);
    const v = this.current();
    if (v === undefined || v.startPage > page) return undefined;
    return this.runAround();
  }

  /** The kernel VMAs intersecting [startPage, endPage), whole (not clipped), in order. */
  kernelOverlapping(startPage: number, endPage: number): Vma[] {
    const out: Vma[] = [];
    this.seek(startPage);
    let v = this.current();
    while (v !== undefined && v.startPage < endPage) {
      const c = this.pc;
      const i = this.pi;
      out.push(this.runAround());
      this.pc = c;
      this.pi = i;
      // Skip the rest of the run.
      for (v = this.next(); v !== undefined && linked(v); v = this.next());
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
   * Returns the VMAs now in the set in their place (after merging); `lastRemoved` holds the ones
   * that left (no outcome object per change).
   */
  splice(
    startPage: number,
    endPage: number,
    replacement: readonly Vma[],
    merge: MergeMode = 'both',
  ): readonly Vma[] {
    this.changes++;
    const chunks = this.chunks;
    this.seek(startPage);
    const startC = this.pc;
    const startI = this.pi;
    let sc = startC;
    let si = startI;
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
    // The window: [prev] [left part] replacement [right part] [next]. Its pieces are decided
    // first, so that the list is allocated once at its exact length (the timeline keeps it).
    let fromC = startC;
    let fromI = startI;
    const leftPart = first !== undefined && first.startPage < startPage;
    let prev: Vma | undefined;
    if (both && hasRep && !leftPart) {
      // The left neighbour joins the window if the first new piece merges with it.
      this.pc = startC;
      this.pi = startI;
      if (this.prev()) {
        const candidate = this.current() as Vma;
        if (kernelMergeable(candidate, replacement[0] as Vma)) {
          prev = candidate;
          fromC = this.pc;
          fromI = this.pi;
          removeCount++;
        }
      }
    }
    const left = leftPart ? sliceVma(first as Vma, (first as Vma).startPage, startPage) : undefined;
    const rightPart = last !== undefined && last.endPage > endPage;
    const right = rightPart
      ? withLink(sliceVma(last as Vma, endPage, (last as Vma).endPage), merge === 'keep' && hasRep)
      : undefined;
    // The right neighbour: joins the last new piece, or loses its link to what was removed.
    let nextJoinable = false;
    let nextPiece: Vma | undefined;
    let nc = sc;
    let ni = si;
    const next = chunks[nc]?.vmas[ni];
    if (next !== undefined && next.startPage === endPage && merge !== 'keep') {
      // With new pieces and no right part, the window's last piece is the last new one.
      const tail = replacement[replacement.length - 1];
      nextJoinable =
        (both || merge === 'right') &&
        hasRep &&
        !rightPart &&
        tail !== undefined &&
        tail.endPage === endPage &&
        kernelMergeable(tail, next);
      if (nextJoinable || linked(next)) {
        nextPiece = withLink(next, false);
        removeCount++;
        ni++;
        const chunk = chunks[nc] as Chunk;
        if (ni >= chunk.vmas.length && nc + 1 < chunks.length) {
          nc++;
          ni = 0;
        }
      }
    }
    const n =
      (prev !== undefined ? 1 : 0) +
      (left !== undefined ? 1 : 0) +
      replacement.length +
      (right !== undefined ? 1 : 0) +
      (nextPiece !== undefined ? 1 : 0);
    if (n === 0) {
      if (removeCount === 0) {
        this.lastRemoved = EMPTY;
        return EMPTY;
      }
      const anchor = (chunks[fromC] as Chunk).vmas[fromI] as Vma;
      const outgoing = this.replaceAt(fromC, fromI, removeCount, EMPTY);
      this.lastRemoved = outgoing;
      this.listener?.(anchor.startPage, outgoing, EMPTY);
      this.noteRemoval(anchor.startPage);
      return EMPTY;
    }
    // A working list (it dies young); what the set and the timeline keep is copied from it below.
    let fresh: Vma[] = new Array<Vma>(n);
    let w = 0;
    if (prev !== undefined) fresh[w++] = prev;
    if (left !== undefined) fresh[w++] = left;
    const repStart = w;
    const keepLeft = merge === 'keep' || merge === 'right';
    for (let k = 0; k < replacement.length; k++) {
      const v = replacement[k] as Vma;
      fresh[w++] = k === 0 && !keepLeft ? withLink(v, false) : v;
    }
    const repEnd = w;
    if (right !== undefined) fresh[w++] = right;
    if (nextPiece !== undefined) fresh[w++] = nextPiece;
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
    if (idsDiffer) {
      this.unifyAnonVmas(fresh);
      // A kernel VMA whose anon_vma changed gets it in all its records, also those outside the window.
      if (linked(fresh[0] as Vma)) {
        const headId = anonVmaOf(fresh[0] as Vma);
        this.pc = fromC;
        this.pi = fromI;
        while (this.prev()) {
          const v = this.current() as Vma;
          if (anonVmaOf(v) === headId) break;
          fresh.unshift(withAnonVma(v, headId));
          fromC = this.pc;
          fromI = this.pi;
          removeCount++;
          if (!linked(v)) break;
        }
      }
      const tailId = anonVmaOf(fresh[fresh.length - 1] as Vma);
      this.pc = nc;
      this.pi = ni;
      for (let v = this.current(); v !== undefined && linked(v); v = this.next()) {
        if (anonVmaOf(v) === tailId) break;
        fresh.push(withAnonVma(v, tailId));
        removeCount++;
      }
      joinable = true;
    }
    // Exact length: the timeline keeps the inserted list for the whole run (and a move's effect too).
    fresh = joinable ? mergeRun(fresh) : keptCopy(fresh);
    const anchor = chunks[fromC]?.vmas[fromI]?.startPage ?? (fresh[0] as Vma).startPage;
    const outgoing = this.replaceAt(fromC, fromI, removeCount, fresh);
    this.lastRemoved = outgoing;
    this.listener?.(anchor, outgoing, fresh);
    if (outgoing.length > 0) this.noteRemoval(anchor);
    return fresh;
  }

  private noteRemoval(anchor: number): void {
    const low = anchor - this.guardPages;
    if (low < this.lowWater) this.lowWater = low;
  }

  /** The low-water page since the last call (+Infinity when nothing was removed), and a new start. */
  takeLowWater(): number {
    const low = this.lowWater;
    this.lowWater = Number.POSITIVE_INFINITY;
    return low;
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
        if (anonVmaOf(v) !== id) fresh[k] = withAnonVma(v, id);
      }
      s = e;
    }
  }

  /** The kernel VMA of the record at the cursor (which must exist). Moves the cursor. */
  private runAround(): Vma {
    const c = this.pc;
    const i = this.pi;
    const v = this.current() as Vma;
    const nextV = this.next();
    if (!linked(v) && (nextV === undefined || !linked(nextV))) return v;
    this.pc = c;
    this.pi = i;
    let head = v;
    while (linked(head) && this.prev()) head = this.current() as Vma;
    // joinVmas folded over the run, in one allocation.
    let last = head;
    let anon = head.anon;
    let anonVma = anonVmaOf(head);
    let createdStep = head.createdStep;
    for (let w = this.next(); w !== undefined && linked(w); w = this.next()) {
      last = w;
      anon = anon ?? w.anon;
      anonVma = anonVma || anonVmaOf(w);
      createdStep = Math.min(createdStep, w.createdStep);
    }
    return joinedRun(head, last, anon, anonVma, createdStep);
  }

  // ---- gap search (facts 1.2: unmapped_area_topdown / unmapped_area) ----

  /** The highest `pages`-long free range inside [low, high), or -1. */
  findTopDown(low: number, high: number, pages: number): number {
    if (pages <= 0 || high - low < pages) return -1;
    const chunks = this.chunks;
    if (chunks.length === 0) return high - Math.max(0, low) >= pages ? high - pages : -1;
    this.seekStartingAtOrAbove(high);
    const c = this.pc;
    let i = this.pi;
    const chunk = chunks[c] as Chunk;
    const { ends, gapStarts } = chunk;
    // The end of the chunk below, read once (0 at the bottom). Read inside the loop, as a third
    // choice beside a record's end and 0, it made V8 box every page number the loop read (a
    // HeapNumber per gap looked at: 0.65 MB per raw10k analysis).
    const floor = c > 0 ? lastEnd(chunks[c - 1] as Chunk) : 0;
    // The gaps below (c, i) inside chunk c, from the top; i may be one past the last record.
    for (;;) {
      const gapEnd = i < ends.length ? (gapStarts[i] as number) : Number.POSITIVE_INFINITY;
      const gapStart = i > 0 ? (ends[i - 1] as number) : floor;
      const top = Math.min(gapEnd, high);
      const bottom = Math.max(gapStart, low);
      if (top - bottom >= pages) return top - pages;
      if ((i === 0 && c === 0) || gapStart <= low) return -1;
      if (i === 0) break;
      // Below the chunk's top record: its internal gaps, unless none is big enough.
      i = chunk.maxGap < pages ? 0 : i - 1;
    }
    // The nearest chunk below with a big enough gap, then its highest such gap.
    const target = this.lastChunkWithGap(c - 1, pages);
    if (target < 0) return -1;
    const found = chunks[target] as Chunk;
    const foundFloor = target > 0 ? lastEnd(chunks[target - 1] as Chunk) : 0;
    for (let k = found.ends.length - 1; k >= 0; k--) {
      const gapEnd = found.gapStarts[k] as number;
      const gapStart = k > 0 ? (found.ends[k - 1] as number) : foundFloor;
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
    this.seek(low);
    const c = this.pc;
    let i = this.pi;
    const chunk = chunks[c] as Chunk;
    const { ends, gapStarts } = chunk;
    // The end of the chunk below, read once (0 at the bottom): see findTopDown.
    const floor = c > 0 ? lastEnd(chunks[c - 1] as Chunk) : 0;
    for (;;) {
      const hasUpper = i < ends.length;
      const gapEnd = hasUpper ? (gapStarts[i] as number) : Number.POSITIVE_INFINITY;
      const gapStart = i > 0 ? (ends[i - 1] as number) : floor;
      const top = Math.min(gapEnd, high);
      const bottom = Math.max(gapStart, low);
      if (top - bottom >= pages) return bottom;
      if (!hasUpper || gapEnd >= high) return -1;
      i++;
      if (i >= ends.length) {
        if (c === chunks.length - 1) continue; // the gap above the last record
        break;
      }
    }
    const target = this.firstChunkWithGap(c + 1, pages);
    if (target < 0) {
      const bottom = Math.max(lastEnd(chunks[chunks.length - 1] as Chunk), low);
      return high - bottom >= pages ? bottom : -1;
    }
    const found = chunks[target] as Chunk;
    const foundFloor = lastEnd(chunks[target - 1] as Chunk);
    for (let k = 0; k < found.ends.length; k++) {
      const gapEnd = found.gapStarts[k] as number;
      const gapStart = k > 0 ? (found.ends[k - 1] as number) : foundFloor;
      if (gapEnd - gapStart < pages) continue;
      return Math.min(gapEnd, high) - gapStart >= pages ? gapStart : -1;
    }
    return -1;
  }

  // ---- the chunks' gap tree ----

  /**
   * tree[k] = the largest gap below any record of chunk c (the one below its first record
   * included). Stored here rather than returned: a page-sized gap returned from a call that V8
   * does not inline is boxed (a HeapNumber per tree update).
   */
  private storeChunkGap(tree: number[], k: number, c: number): void {
    const chunk = this.chunks[c] as Chunk;
    const below = c > 0 ? lastEnd(this.chunks[c - 1] as Chunk) : 0;
    tree[k] = Math.max(chunk.maxGap, (chunk.gapStarts[0] as number) - below);
  }

  private rebuildTree(): void {
    const n = this.chunks.length;
    const ends = new Array<number>(n);
    for (let c = 0; c < n; c++) ends[c] = lastEnd(this.chunks[c] as Chunk);
    this.chunkEnds = ends;
    let base = 1;
    while (base < n) base <<= 1;
    const tree = new Array<number>(2 * base).fill(-1);
    for (let c = 0; c < n; c++) this.storeChunkGap(tree, base + c, c);
    for (let k = base - 1; k >= 1; k--) tree[k] = Math.max(tree[2 * k] as number, tree[2 * k + 1] as number);
    this.tree = tree;
    this.leafBase = base;
  }

  private updateTree(c: number): void {
    if (c < 0 || c >= this.chunks.length) return;
    this.chunkEnds[c] = lastEnd(this.chunks[c] as Chunk);
    const tree = this.tree;
    let k = this.leafBase + c;
    this.storeChunkGap(tree, k, c);
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

  // ---- the cursor ----

  /** The record at the cursor (undefined past the end). */
  private current(): Vma | undefined {
    return this.chunks[this.pc]?.vmas[this.pi];
  }

  /** Advance the cursor to the next record (may run past the end) and return it. */
  private next(): Vma | undefined {
    const chunks = this.chunks;
    const chunk = chunks[this.pc];
    if (chunk === undefined) return undefined;
    const i = this.pi + 1;
    if (i >= chunk.vmas.length && this.pc < chunks.length - 1) {
      this.pc++;
      this.pi = 0;
      return (chunks[this.pc] as Chunk).vmas[0];
    }
    this.pi = i;
    return chunk.vmas[i];
  }

  /** Move the cursor to the previous record; false (and unchanged) at the beginning. */
  private prev(): boolean {
    if (this.pi > 0) {
      this.pi--;
      return true;
    }
    if (this.pc > 0) {
      this.pc--;
      this.pi = (this.chunks[this.pc] as Chunk).vmas.length - 1;
      return true;
    }
    return false;
  }

  /** Put the cursor on the first record ending above `page` (one past the last record if none). */
  private seek(page: number): void {
    const chunks = this.chunks;
    const c = this.chunkOf(page);
    if (c < chunks.length) {
      this.pc = c;
      this.pi = indexEndingAfter((chunks[c] as Chunk).ends, page);
    } else if (c === 0) {
      this.pc = 0;
      this.pi = 0;
    } else {
      this.pc = c - 1;
      this.pi = (chunks[c - 1] as Chunk).vmas.length;
    }
  }

  /** Put the cursor on the first record starting at or above `page`. */
  private seekStartingAtOrAbove(page: number): void {
    this.seek(page);
    const v = this.current();
    if (v !== undefined && v.startPage < page) this.next();
  }

  /** Remove `removeCount` VMAs from (c, i) on and insert `vmas` there; chunk sizes stay within CHUNK_MAX. */
  private replaceAt(c: number, i: number, removeCount: number, vmas: readonly Vma[]): readonly Vma[] {
    if (this.chunks.length === 0) {
      const spare = this.spare;
      if (spare !== undefined && vmas.length > 0 && vmas.length <= CHUNK_MAX && this.leafBase === 1) {
        // Refill the emptied set's chunk: its arrays keep their room, the tree its two slots.
        this.spare = undefined;
        spliceChunk(spare, 0, spare.vmas.length, vmas, this.guardPages);
        spare.maxGap = internalMaxGap(spare);
        this.chunks.push(spare);
        this.chunkEnds.push(lastEnd(spare));
        this.storeChunkGap(this.tree, 1, 0);
      } else {
        this.chunks = buildChunks(vmas, this.guardPages);
        this.rebuildTree();
      }
      this.account(EMPTY, vmas);
      return EMPTY;
    }
    const firstChunk = this.chunks[c] as Chunk;
    const resulting = firstChunk.vmas.length - removeCount + vmas.length;
    if (resulting === 0 && this.chunks.length === 1) {
      // The set empties (a process that maps and unmaps its only buffers does this all the time):
      // the chunk is kept for the next insert rather than rebuilt with the tree.
      const outgoing = firstChunk.vmas.slice();
      this.chunks.pop();
      this.chunkEnds.pop();
      this.spare = firstChunk;
      this.account(outgoing, EMPTY);
      return outgoing;
    }
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
      // Literals for the usual one or two records: inline allocations, where slice is a call.
      const outgoing =
        removeCount === 0
          ? EMPTY
          : removeCount === 1
            ? [list[i] as Vma]
            : removeCount === 2
              ? [list[i] as Vma, list[i + 1] as Vma]
              : list.slice(i, i + removeCount);
      spliceChunk(firstChunk, i, removeCount, vmas, this.guardPages);
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
    // Exact length: unmapping hands this list on as the victims of its effect.
    let outgoing = new Array<Vma>(removeCount);
    let taken = 0;
    let remaining = removeCount;
    let lastC = c;
    for (;;) {
      const chunk = this.chunks[lastC] as Chunk;
      const take = Math.min(remaining, chunk.vmas.length - i);
      for (let k = 0; k < take; k++) outgoing[taken++] = chunk.vmas[i + k] as Vma;
      remaining -= take;
      i += take;
      if (remaining === 0 || lastC === this.chunks.length - 1) break;
      lastC++;
      i = 0;
    }
    if (taken < removeCount) outgoing = outgoing.slice(0, taken);
    for (let k = 0; k < vmas.length; k++) segment.push(vmas[k] as Vma);
    const tail = (this.chunks[lastC] as Chunk).vmas;
    for (let k = i; k < tail.length; k++) segment.push(tail[k] as Vma);
    // Keep chunks from becoming tiny: absorb a small segment into its right neighbour.
    let span = lastC - c + 1;
    if (segment.length < CHUNK_MAX / 4 && lastC + 1 < this.chunks.length) {
      const absorbed = (this.chunks[lastC + 1] as Chunk).vmas;
      for (let k = 0; k < absorbed.length; k++) segment.push(absorbed[k] as Vma);
      span++;
    }
    this.chunks.splice(c, span, ...buildChunks(segment, this.guardPages));
    this.rebuildTree();
    this.account(outgoing, vmas);
    return outgoing;
  }

  private account(outgoing: readonly Vma[], incoming: readonly Vma[]): void {
    for (let k = 0; k < outgoing.length; k++) {
      const v = outgoing[k] as Vma;
      this.pages -= v.endPage - v.startPage;
      if (linked(v)) this.links--;
    }
    for (let k = 0; k < incoming.length; k++) {
      const v = incoming[k] as Vma;
      this.pages += v.endPage - v.startPage;
      if (linked(v)) this.links++;
    }
    this.count += incoming.length - outgoing.length;
  }
}

const EMPTY: readonly Vma[] = Object.freeze([]);

/**
 * An array of `n` zeros whose elements kind is "double" from the start. A chunk whose page numbers
 * all happened to be small started as a Smi array while the others were double arrays, and with
 * both kinds at one site V8 does not inline push and pop (spliceChunk): the pop builtin boxed
 * every page number it removed.
 */
function doubles(n: number): number[] {
  const out = [0.5];
  out.pop();
  for (let k = 0; k < n; k++) out.push(0);
  return out;
}

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

/**
 * Array.prototype.splice on the chunk's three parallel arrays, in place: no removed-elements
 * array (the caller copied those), no spread of the insertion.
 */
function spliceChunk(
  chunk: Chunk,
  at: number,
  removeCount: number,
  insert: readonly Vma[],
  guardPages: number,
): void {
  const { vmas, ends, gapStarts } = chunk;
  const delta = insert.length - removeCount;
  const length = ends.length;
  if (delta > 0) {
    // Grow by pushing values of the arrays' own kinds (a hole or undefined would change them).
    const filler = insert[0] as Vma;
    for (let k = 0; k < delta; k++) {
      vmas.push(filler);
      ends.push(0);
      gapStarts.push(0);
    }
    for (let k = length - 1; k >= at + removeCount; k--) {
      vmas[k + delta] = vmas[k] as Vma;
      ends[k + delta] = ends[k] as number;
      gapStarts[k + delta] = gapStarts[k] as number;
    }
  } else if (delta < 0) {
    for (let k = at + removeCount; k < length; k++) {
      vmas[k + delta] = vmas[k] as Vma;
      ends[k + delta] = ends[k] as number;
      gapStarts[k + delta] = gapStarts[k] as number;
    }
    // pop, not `length =`: TurboFan inlines pop, while the length setter is a runtime call.
    for (let k = delta; k < 0; k++) {
      vmas.pop();
      ends.pop();
      gapStarts.pop();
    }
  }
  for (let k = 0; k < insert.length; k++) {
    const v = insert[k] as Vma;
    vmas[at + k] = v;
    ends[at + k] = v.endPage;
    gapStarts[at + k] = startGap(v, guardPages);
  }
}

function buildChunks(vmas: readonly Vma[], guardPages: number): Chunk[] {
  if (vmas.length === 0) return [];
  const pieces = Math.ceil(vmas.length / CHUNK_MAX);
  const per = Math.ceil(vmas.length / pieces);
  const out: Chunk[] = [];
  for (let s = 0; s < vmas.length; s += per) {
    const part = vmas.slice(s, s + per);
    const ends = doubles(part.length);
    const gapStarts = doubles(part.length);
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

const U = undefined as unknown as Vma;

/**
 * A copy of a splice's inserted list, which the timeline keeps, from an array literal for the
 * usual lengths: V8 allocates a literal whose arrays survive straight in the old generation
 * (pretenuring), where `new Array(n)` is always young and copied twice by the scavenger.
 */
function keptCopy(list: readonly Vma[]): Vma[] {
  const a = list as Vma[];
  switch (a.length) {
    case 1:
      return [a[0] as Vma];
    case 2:
      return [a[0] as Vma, a[1] as Vma];
    case 3:
      return [a[0] as Vma, a[1] as Vma, a[2] as Vma];
    case 4:
      return [a[0] as Vma, a[1] as Vma, a[2] as Vma, a[3] as Vma];
    case 5:
      return [a[0] as Vma, a[1] as Vma, a[2] as Vma, a[3] as Vma, a[4] as Vma];
    default:
      return a;
  }
}

/** An exact-size list for mergeRun's result, from literals for the usual lengths (as keptCopy). */
function mergedList(n: number): Vma[] {
  switch (n) {
    case 1:
      return [U];
    case 2:
      return [U, U];
    case 3:
      return [U, U, U];
    case 4:
      return [U, U, U, U];
    default:
      return new Array<Vma>(n);
  }
}

/** Records joined by `joinsPrev` with the same attribution become one record (an exact-size list). */
function mergeRun(run: readonly Vma[]): Vma[] {
  let n = run.length;
  for (let k = 1; k < run.length; k++) {
    const v = run[k] as Vma;
    // A record joins the one before it exactly when it would join the record that one became.
    if (linked(v) && sameAttribution(run[k - 1] as Vma, v)) n--;
  }
  const out = mergedList(n);
  let w = 0;
  // The group being joined: joinVmas folded over head … last, without its intermediate records.
  let head = run[0] as Vma;
  let last = head;
  let anon = head.anon;
  let anonVma = anonVmaOf(head);
  let createdStep = head.createdStep;
  for (let k = 1; k <= run.length; k++) {
    const v = run[k];
    // sameAttribution with the record the group has become so far.
    if (
      v !== undefined &&
      linked(v) &&
      v.owner === head.owner &&
      v.label === head.label &&
      v.object === head.object &&
      v.anon === anon &&
      anonVmaOf(v) === anonVma
    ) {
      last = v;
      anon = anon ?? v.anon;
      anonVma = anonVma || anonVmaOf(v);
      createdStep = Math.min(createdStep, v.createdStep);
      continue;
    }
    out[w++] = last === head ? head : mergedRun(head, last, anon, anonVma, createdStep);
    if (v === undefined) break;
    head = v;
    last = v;
    anon = v.anon;
    anonVma = anonVmaOf(v);
    createdStep = v.createdStep;
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
