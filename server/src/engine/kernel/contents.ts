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

/** A run of bytes in object positions. */
export interface Run {
  readonly start: number;
  readonly end: number;
  readonly datum: Datum;
  /** No extent covered it: the page would be faulted in fresh (zero fill or from the file). */
  readonly fresh: boolean;
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
  read(objectId: number, start: number, end: number, base: Datum, out: (run: Run) => void): void {
    const ext = this.extents(objectId, false);
    let pos = start;
    if (ext !== undefined) {
      for (let k = ext.firstAfter(start); k < ext.starts.length && pos < end; k++) {
        const s = ext.starts[k] as number;
        if (s >= end) break;
        if (s > pos) {
          out({ start: pos, end: s, datum: base, fresh: true });
          pos = s;
        }
        const e = Math.min(ext.ends[k] as number, end);
        out({ start: pos, end: e, datum: ext.data[k] as Datum, fresh: false });
        pos = e;
      }
    }
    if (pos < end) out({ start: pos, end, datum: base, fresh: true });
  }

  /** Reads through an overlay (COW copies) onto a lower object (the file). */
  readLayered(
    upperId: number | undefined,
    lowerId: number,
    start: number,
    end: number,
    lowerBase: Datum,
    out: (run: Run) => void,
  ): void {
    if (upperId === undefined) return this.read(lowerId, start, end, lowerBase, out);
    this.read(upperId, start, end, -1, (run) => {
      if (!run.fresh) out(run);
      else this.read(lowerId, run.start, run.end, lowerBase, out);
    });
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
    const runs: Run[] = [];
    if (lowerId !== undefined) this.readLayered(fromId, lowerId, start, end, base, (r) => runs.push(r));
    else if (fromId !== undefined) this.read(fromId, start, end, base, (r) => runs.push(r));
    for (const r of runs) if (!(r.fresh && lowerId === undefined)) this.write(toId, r.start, r.end, r.datum);
  }

  /** True if any extent of the object intersects [start, end). */
  hasData(objectId: number, start: number, end: number): boolean {
    const ext = this.extents(objectId, false);
    if (ext === undefined) return false;
    const k = ext.firstAfter(start);
    return k < ext.starts.length && (ext.starts[k] as number) < end;
  }
}
