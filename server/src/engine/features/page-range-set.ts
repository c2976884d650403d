// A set of pages kept as disjoint half-open ranges [start, end) in address order: adding joins
// what meets, removing cuts what overlaps into its parts outside, and both find the ranges they
// touch by a search (the panel reads thousands of DONTUNMAP moves into one, and a scan per
// change made that quadratic).
import { firstIndex } from '../first-index';

export class PageRangeSet {
  private readonly ranges: [number, number][] = [];

  /** Adds the pages [start, end), joining the ranges it meets or touches. */
  add(start: number, end: number): void {
    if (end <= start) return;
    const [from, to] = this.touching(start, end);
    const s = from < to ? Math.min(start, this.ranges[from]![0]) : start;
    const e = from < to ? Math.max(end, this.ranges[to - 1]![1]) : end;
    this.ranges.splice(from, to - from, [s, e]);
  }

  /** Removes the pages [start, end): a range overlapping it keeps its parts below and above. */
  remove(start: number, end: number): void {
    if (end <= start) return;
    const from = firstIndex(this.ranges.length, (i) => this.ranges[i]![1] <= start);
    const to = firstIndex(this.ranges.length, (i) => this.ranges[i]![0] < end);
    if (to <= from) return;
    const kept: [number, number][] = [];
    const first = this.ranges[from]!;
    const last = this.ranges[to - 1]!;
    if (first[0] < start) kept.push([first[0], start]);
    if (last[1] > end) kept.push([end, last[1]]);
    this.ranges.splice(from, to - from, ...kept);
  }

  /** Whether a page of [start, end) is in the set. */
  overlaps(start: number, end: number): boolean {
    // The last range starting before `end` is the only one that can reach past `start`.
    const after = firstIndex(this.ranges.length, (i) => this.ranges[i]![0] < end);
    return after > 0 && this.ranges[after - 1]![1] > start;
  }

  /** The ranges, in address order. */
  toArray(): readonly (readonly [number, number])[] {
    return this.ranges;
  }

  /** The indexes [from, to) of the ranges that overlap or touch [start, end). */
  private touching(start: number, end: number): [number, number] {
    const from = firstIndex(this.ranges.length, (i) => this.ranges[i]![1] < start);
    const to = firstIndex(this.ranges.length, (i) => this.ranges[i]![0] <= end);
    return [from, to];
  }
}
