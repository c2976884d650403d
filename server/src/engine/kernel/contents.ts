// Symbolic page contents. Each MemoryObject has a sorted list of extents [start, end) → datum over
// its byte positions (object page * page size + offset; exact JS numbers up to 2^53 bytes).
// Whatever no extent covers reads as the object's base datum: 0 for anonymous memory and shmem,
// the file's initial datum for files. A private file mapping reads its COW copies (its anon
// object) where they exist and the file elsewhere; a COW copy always covers whole pages.
import type { Datum } from './types';

class Extents {
  starts: number[] = [];
  ends: number[] = [];
  data: Datum[] = [];

  /** Index of the first extent ending after `pos`. */
  firstAfter(pos: number): number {
    const ends = this.ends;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends[mid] as number) > pos) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Remove [start, end), trimming extents that cross the edges. */
  clear(start: number, end: number): void {
    let k = this.firstAfter(start);
    if (k >= this.starts.length || (this.starts[k] as number) >= end) return; // nothing there
    const removeFrom = k;
    const headStart =
      k < this.starts.length && (this.starts[k] as number) < start ? (this.starts[k] as number) : -1;
    const headDatum = this.data[k];
    while (k < this.starts.length && (this.starts[k] as number) < end) k++;
    const last = k - 1;
    const tailEnd =
      last >= removeFrom && (this.ends[last] as number) > end ? (this.ends[last] as number) : -1;
    const tailDatum = this.data[last];
    const s: number[] = [];
    const e: number[] = [];
    const d: Datum[] = [];
    if (headStart >= 0) {
      s.push(headStart);
      e.push(start);
      d.push(headDatum as Datum);
    }
    if (tailEnd >= 0) {
      s.push(end);
      e.push(tailEnd);
      d.push(tailDatum as Datum);
    }
    this.starts.splice(removeFrom, k - removeFrom, ...s);
    this.ends.splice(removeFrom, k - removeFrom, ...e);
    this.data.splice(removeFrom, k - removeFrom, ...d);
  }

  assign(start: number, end: number, datum: Datum): void {
    if (end <= start) return;
    this.clear(start, end);
    let k = this.firstAfter(start);
    // Join with equal neighbours so long fills stay one extent.
    let s = start;
    let e = end;
    let removeFrom = k;
    let removeCount = 0;
    if (k > 0 && this.ends[k - 1] === start && this.data[k - 1] === datum) {
      s = this.starts[k - 1] as number;
      removeFrom = k - 1;
      removeCount++;
    }
    if (k < this.starts.length && this.starts[k] === end && this.data[k] === datum) {
      e = this.ends[k] as number;
      removeCount++;
    }
    k = removeFrom;
    this.starts.splice(k, removeCount, s);
    this.ends.splice(k, removeCount, e);
    this.data.splice(k, removeCount, datum);
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

export class ContentStore {
  private readonly byObject = new Map<number, Extents>();

  private extents(objectId: number, create: boolean): Extents | undefined {
    let ext = this.byObject.get(objectId);
    if (ext === undefined && create) {
      ext = new Extents();
      this.byObject.set(objectId, ext);
    }
    return ext;
  }

  write(objectId: number, start: number, end: number, datum: Datum): void {
    (this.extents(objectId, true) as Extents).assign(start, end, datum);
  }

  /** Forget [start, end) of an object (unmapped private pages are freed). */
  discard(objectId: number, start: number, end: number): void {
    const ext = this.extents(objectId, false);
    if (ext === undefined) return;
    ext.clear(start, end);
    // An object with nothing written reads as its base datum: forget it (unmapped memory adds up).
    if (ext.starts.length === 0) this.byObject.delete(objectId);
  }

  /** Runs covering [start, end) of one object; gaps read as `base`. */
  read(objectId: number, start: number, end: number, base: Datum, out: RunSink): void {
    const ext = this.extents(objectId, false);
    let pos = start;
    if (ext !== undefined) {
      for (let k = ext.firstAfter(start); k < ext.starts.length && pos < end; k++) {
        const s = ext.starts[k] as number;
        if (s >= end) break;
        if (s > pos) {
          out.run(pos, s, base, true);
          pos = s;
        }
        const e = Math.min(ext.ends[k] as number, end);
        out.run(pos, e, ext.data[k] as Datum, false);
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
    const ext = this.extents(objectId, false);
    if (ext === undefined) return false;
    const k = ext.firstAfter(start);
    return k < ext.starts.length && (ext.starts[k] as number) < end;
  }
}
