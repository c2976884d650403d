// Symbolic page contents. Each MemoryObject has a sorted list of extents [start, end) → datum over
// its byte positions (object page * page size + offset; exact JS numbers up to 2^53 bytes).
// Whatever no extent covers reads as the object's base datum: 0 for anonymous memory and shmem,
// the file's initial datum for files. A private file mapping reads its COW copies (its anon
// object) where they exist and the file elsewhere; a COW copy always covers whole pages.
import type { LazyFreedPages } from './lazy-freed';
import type { Datum, Segment } from './types';

/**
 * The extents of one object, interleaved in one number array: extent k is
 * [runs[head + 3k], runs[head + 3k + 1]) → runs[head + 3k + 2]. One array rather than three,
 * allocated at its exact length for the first write: a run keeps thousands of these (mostly one
 * extent each). The extents end at the end of the array; `head` leaves room before the first, so
 * an insertion near the front moves the extents before it rather than all those after: top-down
 * mmap puts each new mapping below the last, and merged mappings share one object, so a run of
 * calls on them (madvise free: lazy-freed.ts) inserts at the front every time.
 */
export class Extents {
  private runs: number[];
  /** Index in `runs` of the first extent's start; the slots before it are spare. */
  private head = 0;

  constructor(start: number, end: number, datum: Datum) {
    this.runs = [start, end, datum];
  }

  get count(): number {
    return (this.runs.length - this.head) / 3;
  }

  get isEmpty(): boolean {
    return this.runs.length === this.head;
  }

  start(k: number): number {
    return this.runs[this.head + 3 * k] as number;
  }

  end(k: number): number {
    return this.runs[this.head + 3 * k + 1] as number;
  }

  datum(k: number): Datum {
    return this.runs[this.head + 3 * k + 2] as Datum;
  }

  /** Index of the first extent ending after `pos`. */
  firstAfter(pos: number): number {
    const runs = this.runs;
    const head = this.head;
    let lo = 0;
    let hi = (runs.length - head) / 3;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((runs[head + 3 * mid + 1] as number) > pos) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Remove [start, end), trimming extents that cross the edges. */
  clear(start: number, end: number): void {
    const count = this.count;
    let k = this.firstAfter(start);
    if (k >= count || this.start(k) >= end) return; // nothing there
    const removeFrom = k;
    const headStart = this.start(k) < start ? this.start(k) : -1;
    const headDatum = this.datum(k);
    while (k < count && this.start(k) < end) k++;
    const last = k - 1;
    const tailEnd = this.end(last) > end ? this.end(last) : -1;
    const tailDatum = this.datum(last);
    if (headStart >= 0 && tailEnd >= 0)
      this.replace(removeFrom, k - removeFrom, 2, headStart, start, headDatum, end, tailEnd, tailDatum);
    else if (headStart >= 0)
      this.replace(removeFrom, k - removeFrom, 1, headStart, start, headDatum, 0, 0, 0);
    else if (tailEnd >= 0) this.replace(removeFrom, k - removeFrom, 1, end, tailEnd, tailDatum, 0, 0, 0);
    else this.replace(removeFrom, k - removeFrom, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * Replace `removeCount` extents from index `at` on with `insertCount` (0–2) given ones, in place:
   * Array.prototype.splice would allocate the array of removed values on every write. Moves the
   * extents before `at` or those after the removed ones, whichever are fewer.
   */
  private replace(
    at: number,
    removeCount: number,
    insertCount: number,
    s1: number,
    e1: number,
    d1: number,
    s2: number,
    e2: number,
    d2: number,
  ): void {
    const delta = 3 * (insertCount - removeCount);
    if (delta !== 0) {
      const before = 3 * at;
      const after = this.runs.length - this.head - 3 * (at + removeCount);
      if (before < after) this.moveFront(before, delta);
      else this.moveBack(3 * (at + removeCount), delta);
    }
    const runs = this.runs;
    const w = this.head + 3 * at;
    if (insertCount > 0) {
      runs[w] = s1;
      runs[w + 1] = e1;
      runs[w + 2] = d1;
    }
    if (insertCount > 1) {
      runs[w + 3] = s2;
      runs[w + 4] = e2;
      runs[w + 5] = d2;
    }
  }

  /** Moves the `before` numbers at the head `delta` slots earlier (later when negative). */
  private moveFront(before: number, delta: number): void {
    if (delta > this.head) {
      // Room before the first extent, as much as there are extents (amortised: doubling).
      const spare = Math.max(delta, this.runs.length - this.head);
      const grown: number[] = [];
      for (let k = 0; k < spare; k++) grown.push(0);
      for (let k = this.head; k < this.runs.length; k++) grown.push(this.runs[k] as number);
      this.runs = grown;
      this.head = spare;
    }
    const runs = this.runs;
    const head = this.head;
    if (delta > 0) for (let k = 0; k < before; k++) runs[head - delta + k] = runs[head + k] as number;
    else for (let k = before - 1; k >= 0; k--) runs[head - delta + k] = runs[head + k] as number;
    this.head = head - delta;
  }

  /** Moves the numbers from `tail` (relative to the head) to the end `delta` slots later (earlier when negative). */
  private moveBack(tail: number, delta: number): void {
    const runs = this.runs;
    const length = runs.length;
    const from = this.head + tail;
    if (delta > 0) {
      for (let k = 0; k < delta; k++) runs.push(0);
      for (let k = length - 1; k >= from; k--) runs[k + delta] = runs[k] as number;
    } else {
      for (let k = from; k < length; k++) runs[k + delta] = runs[k] as number;
      for (let k = delta; k < 0; k++) runs.pop();
    }
  }

  assign(start: number, end: number, datum: Datum): void {
    if (end <= start) return;
    this.clear(start, end);
    if (this.isEmpty) {
      this.runs = [start, end, datum];
      this.head = 0;
      return;
    }
    const k = this.firstAfter(start);
    // Join with equal neighbours so long fills stay one extent.
    let s = start;
    let e = end;
    let removeFrom = k;
    let removeCount = 0;
    if (k > 0 && this.end(k - 1) === start && this.datum(k - 1) === datum) {
      s = this.start(k - 1);
      removeFrom = k - 1;
      removeCount++;
    }
    if (k < this.count && this.start(k) === end && this.datum(k) === datum) {
      e = this.end(k);
      removeCount++;
    }
    this.replace(removeFrom, removeCount, 1, s, e, datum, 0, 0, 0);
  }
}

/**
 * Receives the runs of a read, in order: bytes [start, end) of object positions hold `datum`;
 * `fresh` when no extent covered them (the page would be faulted in fresh: zero fill or from the
 * file). An object with a method rather than a callback taking a record: reads are the hot path of
 * every access, and this way a read allocates nothing.
 */
export interface RunSink {
  run(start: number, end: number, datum: Datum, fresh: boolean): void;
}

/** Runs of the upper layer pass through; its fresh gaps read the lower object. */
class LayeredSink implements RunSink {
  constructor(
    private readonly store: ContentStore,
    private readonly lowerId: number,
    private readonly lowerBase: Datum,
    private readonly out: RunSink,
  ) {}

  run(start: number, end: number, datum: Datum, fresh: boolean): void {
    if (!fresh) this.out.run(start, end, datum, false);
    else this.store.read(this.lowerId, start, end, this.lowerBase, this.out);
  }
}

/** Collects runs into parallel arrays (for copies, which read before they write). */
class RunList implements RunSink {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly data: Datum[] = [];
  readonly fresh: boolean[] = [];

  run(start: number, end: number, datum: Datum, fresh: boolean): void {
    this.starts.push(start);
    this.ends.push(end);
    this.data.push(datum);
    this.fresh.push(fresh);
  }
}

/** Writes the runs it receives into one object; fresh runs (nothing written there) are skipped. */
class CopySink implements RunSink {
  toId = 0;

  constructor(private readonly store: ContentStore) {}

  run(start: number, end: number, datum: Datum, fresh: boolean): void {
    if (!fresh) this.store.write(this.toId, start, end, datum);
  }
}

export class ContentStore {
  private readonly byObject = new Map<number, Extents>();
  private readonly copySink = new CopySink(this);
  /**
   * Told of every change, as object byte ranges (set while a userfaultfd handler keeps copies
   * whose two sides are compared after each step: userfaultfd.ts).
   */
  onChange: ((objectId: number, start: number, end: number) => void) | undefined;

  /**
   * Pages faulted in without being written (a read maps the zero page of private anonymous
   * memory, allocates the shmem page): present, so a userfaultfd MISSING handler registered later
   * never sees a fault there (userfaultfd.ts). Whole pages, object positions; freed with `discard`.
   */
  private readonly faulted = new Map<number, Extents>();

  /**
   * The pages MADV_FREE freed lazily (lazy-freed.ts): undefined until a run's first MADV_FREE, so
   * a run without one pays a single field check per write and discard.
   */
  lazyFreed: LazyFreedPages | undefined;

  private extents(objectId: number): Extents | undefined {
    return this.byObject.get(objectId);
  }

  write(objectId: number, start: number, end: number, datum: Datum): void {
    if (end <= start) return;
    if (this.onChange !== undefined) this.onChange(objectId, start, end);
    // A written page is dirty again: reclaim keeps it (lazy-freed.ts).
    if (this.lazyFreed !== undefined) this.lazyFreed.cancel(objectId, start, end);
    const ext = this.byObject.get(objectId);
    if (ext === undefined) this.byObject.set(objectId, new Extents(start, end, datum));
    else ext.assign(start, end, datum);
  }

  /**
   * Whether pages a read faults in are recorded (markFaulted): only a registration made later
   * (userfaultfd) asks, so a run without a `uffd` step keeps no record (ScenarioRunner decides,
   * before the first step). Every read of anonymous memory would otherwise add to it.
   */
  tracksFaults = false;

  /** Record that [start, end) (whole pages) of an object were faulted in by a read. */
  markFaulted(objectId: number, start: number, end: number): void {
    if (!this.tracksFaults) return;
    const ext = this.faulted.get(objectId);
    if (ext === undefined) {
      this.faulted.set(objectId, new Extents(start, end, 1));
      return;
    }
    const k = ext.firstAfter(start);
    if (k < ext.count && ext.start(k) <= start && ext.end(k) >= end) return; // already (the usual re-read)
    ext.assign(start, end, 1);
  }

  /** Is any page of [start, end) present: written, or faulted in by a read? */
  isPresent(objectId: number, start: number, end: number): boolean {
    if (this.hasData(objectId, start, end)) return true;
    const ext = this.faulted.get(objectId);
    if (ext === undefined) return false;
    const k = ext.firstAfter(start);
    return k < ext.count && ext.start(k) < end;
  }

  /** The faulted-in record of [start, end) of one object, carried to another (page-identity.ts rekey). */
  copyFaulted(fromId: number, toId: number, start: number, end: number): void {
    const ext = this.faulted.get(fromId);
    if (ext === undefined) return;
    for (let k = ext.firstAfter(start); k < ext.count && ext.start(k) < end; k++)
      this.markFaulted(toId, Math.max(start, ext.start(k)), Math.min(end, ext.end(k)));
  }

  /** Forget [start, end) of an object (unmapped private pages are freed). */
  discard(objectId: number, start: number, end: number): void {
    const faulted = this.faulted.get(objectId);
    if (faulted !== undefined) {
      faulted.clear(start, end);
      if (faulted.isEmpty) this.faulted.delete(objectId);
    }
    if (this.onChange !== undefined) this.onChange(objectId, start, end);
    if (this.lazyFreed !== undefined) this.lazyFreed.forget(objectId, start, end);
    const ext = this.extents(objectId);
    if (ext === undefined) return;
    ext.clear(start, end);
    // An object with nothing written reads as its base datum: forget it (unmapped memory adds up).
    if (ext.isEmpty) this.byObject.delete(objectId);
  }

  /** Runs covering [start, end) of one object; gaps read as `base`. */
  read(objectId: number, start: number, end: number, base: Datum, out: RunSink): void {
    const ext = this.extents(objectId);
    let pos = start;
    if (ext !== undefined) {
      const count = ext.count;
      for (let k = ext.firstAfter(start); k < count && pos < end; k++) {
        const s = ext.start(k);
        if (s >= end) break;
        if (s > pos) {
          out.run(pos, s, base, true);
          pos = s;
        }
        const e = Math.min(ext.end(k), end);
        out.run(pos, e, ext.datum(k), false);
        pos = e;
      }
    }
    if (pos < end) out.run(pos, end, base, true);
  }

  /** Reads through an overlay (COW copies) onto a lower object (the file). */
  readLayered(
    upperId: number | undefined,
    lowerId: number,
    start: number,
    end: number,
    lowerBase: Datum,
    out: RunSink,
  ): void {
    if (upperId === undefined) return this.read(lowerId, start, end, lowerBase, out);
    this.read(upperId, start, end, -1, new LayeredSink(this, lowerId, lowerBase, out));
  }

  /** Copy [start, end) of one object into another at the same positions (whole pages for COW). */
  copy(
    fromId: number | undefined,
    toId: number,
    start: number,
    end: number,
    base: Datum,
    lowerId?: number,
  ): void {
    if (lowerId === undefined && fromId !== undefined && fromId !== toId) {
      // Two different objects: the runs go straight into the target (its writes cannot disturb
      // the source's walk), through one reused sink rather than four collected lists.
      this.copySink.toId = toId;
      this.read(fromId, start, end, base, this.copySink);
      return;
    }
    const runs = new RunList();
    if (lowerId !== undefined) this.readLayered(fromId, lowerId, start, end, base, runs);
    else if (fromId !== undefined) this.read(fromId, start, end, base, runs);
    for (let k = 0; k < runs.starts.length; k++) {
      if (!(runs.fresh[k] && lowerId === undefined))
        this.write(toId, runs.starts[k] as number, runs.ends[k] as number, runs.data[k] as Datum);
    }
  }

  /** True if any extent of the object intersects [start, end). */
  hasData(objectId: number, start: number, end: number): boolean {
    const ext = this.extents(objectId);
    if (ext === undefined) return false;
    const k = ext.firstAfter(start);
    return k < ext.count && ext.start(k) < end;
  }
}

/**
 * [offset, offset + length) of one object as a read's runs, offsets from `offset` (the shape
 * AccessResult uses), for reads that go to an object rather than through a mapping.
 */
export function readSegments(
  store: ContentStore,
  objectId: number,
  offset: bigint,
  length: bigint,
  base: Datum,
): Segment[] {
  const segments: Segment[] = [];
  const start = Number(offset);
  store.read(objectId, start, start + Number(length), base, {
    run(runStart, runEnd, datum) {
      segments.push({ offset: BigInt(runStart - start), length: BigInt(runEnd - runStart), datum });
    },
  });
  return segments;
}
