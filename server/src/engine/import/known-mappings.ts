// The mappings an imported trace has made so far, by name, for writing a later address relative
// to the mapping it falls in (`m1 + 0x1000`). The newest mapping containing an address wins (a
// range mapped again names the new mapping); a mapping the trace unmapped whole, or moved away,
// is forgotten.
//
// A scan of every mapping the trace ever made per address made a trace of N maps and N unmaps
// quadratic; so did merging every new mapping into one sorted list before the next lookup (20,000
// MAP_FIXED maps at falling addresses, each looked up as the next one's address: 14.5 s), and so
// did looking back from an address over every mapping starting less than the longest one's length
// below it (a reserved range with thousands of maps inside). Here the mappings are kept in sorted
// runs (sorted-runs.ts), each with two trees over its mappings' ends, so that a lookup visits only
// the mappings that reach the address and a forget only those it forgets.
import { firstIndex } from '../first-index';
import { SortedRuns } from './sorted-runs';

interface KnownMapping {
  readonly name: string;
  readonly start: bigint;
  readonly end: bigint;
  /** A MAP_HUGETLB mapping's huge page size (mremap rounds its sizes to it); 0n otherwise. */
  readonly hugeBytes: bigint;
  /** The order the trace made it in: the newest containing an address wins. */
  readonly order: number;
  forgotten: boolean;
}

export class KnownMappings {
  private readonly runs = new SortedRuns<KnownMapping, EndTrees>(
    (a, b) => a.start < b.start,
    (items) => new EndTrees(items),
    (m) => !m.forgotten,
  );
  private made = 0;
  private visited = 0;

  /** Mappings moved by merges and tree nodes visited by lookups: the tests bound it, not time. */
  get work(): number {
    return this.runs.moved + this.visited;
  }

  add(name: string, start: bigint, end: bigint, hugeBytes = 0n): void {
    if (end <= start) return;
    // An older mapping inside the new one can never be named again: the new one contains every
    // address it does, and is forgotten only by a range that forgets it too. Forgotten now, it
    // is not looked at again (a page mapped again and again, at the same address).
    this.forget(start, end);
    this.runs.add({ name, start, end, hugeBytes, order: this.made++, forgotten: false });
  }

  /** The newest mapping containing `address`: its name, start and huge page size (0n: none). */
  containing(
    address: bigint,
  ): { readonly name: string; readonly start: bigint; readonly hugeBytes: bigint } | undefined {
    let best: KnownMapping | undefined;
    for (const run of this.runs.runs) {
      const items = run.items;
      const above = firstIndex(items.length, (i) => items[i]!.start <= address);
      this.visited += run.reaching(above, address, (m) => {
        if (best === undefined || m.order > best.order) best = m;
      });
    }
    return best;
  }

  /** Forgets the mappings that lie wholly inside [start, end) (unmapped, or moved away). */
  forget(start: bigint, end: bigint): void {
    for (const run of this.runs.runs) {
      const items = run.items;
      const from = firstIndex(items.length, (i) => items[i]!.start < start);
      const to = firstIndex(items.length, (i) => items[i]!.start < end);
      this.visited += run.forgetEndingBy(from, to, end);
    }
  }
}

/**
 * A run's mappings sorted by start, with the greatest and least end of the live ones over each
 * power-of-two block (a segment tree; null where none is live): a search descends only into
 * blocks holding a mapping it wants.
 */
class EndTrees {
  private readonly size: number;
  private readonly maxEnd: (bigint | null)[];
  private readonly minEnd: (bigint | null)[];

  constructor(readonly items: readonly KnownMapping[]) {
    let size = 1;
    while (size < items.length) size *= 2;
    this.size = size;
    this.maxEnd = new Array<bigint | null>(2 * size).fill(null);
    this.minEnd = new Array<bigint | null>(2 * size).fill(null);
    items.forEach((m, i) => {
      this.maxEnd[size + i] = m.end;
      this.minEnd[size + i] = m.end;
    });
    for (let node = size - 1; node >= 1; node--) this.combine(node);
  }

  /** Calls `found` with each live mapping among the first `count` ending above `address`; returns the nodes visited. */
  reaching(count: number, address: bigint, found: (m: KnownMapping) => void): number {
    return this.descend(
      1,
      0,
      this.size,
      0,
      count,
      (node) => {
        const end = this.maxEnd[node] ?? null;
        return end === null || end <= address;
      },
      (i) => found(this.items[i]!),
    );
  }

  /** Forgets the live mappings among [from, to) ending at or before `end`; returns the nodes visited. */
  forgetEndingBy(from: number, to: number, end: bigint): number {
    const ending: number[] = [];
    const visited = this.descend(
      1,
      0,
      this.size,
      from,
      to,
      (node) => {
        const least = this.minEnd[node] ?? null;
        return least === null || least > end;
      },
      (i) => ending.push(i),
    );
    for (const i of ending) {
      this.items[i]!.forgotten = true;
      this.maxEnd[this.size + i] = null;
      this.minEnd[this.size + i] = null;
      for (let node = (this.size + i) >> 1; node >= 1; node >>= 1) this.combine(node);
    }
    return visited + ending.length;
  }

  /** Visits the leaves in [from, to) under `node` (covering [low, high)) that `skip` does not rule out. */
  private descend(
    node: number,
    low: number,
    high: number,
    from: number,
    to: number,
    skip: (node: number) => boolean,
    leaf: (index: number) => void,
  ): number {
    if (high <= from || to <= low || skip(node)) return 1;
    if (high - low === 1) {
      leaf(low);
      return 1;
    }
    const middle = (low + high) >> 1;
    return (
      1 +
      this.descend(2 * node, low, middle, from, to, skip, leaf) +
      this.descend(2 * node + 1, middle, high, from, to, skip, leaf)
    );
  }

  private combine(node: number): void {
    const [a = null, b = null] = [this.maxEnd[2 * node], this.maxEnd[2 * node + 1]];
    this.maxEnd[node] = a === null ? b : b === null || a > b ? a : b;
    const [c = null, d = null] = [this.minEnd[2 * node], this.minEnd[2 * node + 1]];
    this.minEnd[node] = c === null ? d : d === null || c < d ? c : d;
  }
}
