// A set the importers grow one item at a time and search in order between adds (known trace
// mappings by start, a device's BOs by fake offset). One sorted array is O(n) per add (a splice,
// or a merge of everything on the next lookup): a trace of 20,000 maps at falling addresses took
// 14.5 s. Here the items are kept in sorted runs whose lengths fall by at least half from one to
// the next (a binary counter): an add merges only runs no longer than the one it makes, so each
// item is moved O(log n) times, and a lookup searches the O(log n) runs.

/** A run's items in order, and whatever index its owner builds over them. */
export interface Run<T> {
  readonly items: readonly T[];
}

export class SortedRuns<T, R extends Run<T> = Run<T>> {
  private readonly list: R[] = [];
  /** Items copied by merges, for the tests that count work. */
  moved = 0;

  /**
   * @param before whether `a` sorts before `b` (items equal in order keep the order they came in)
   * @param makeRun the run for sorted items (its index, when the owner keeps one)
   * @param live whether an item is still wanted: merges drop the others
   */
  constructor(
    private readonly before: (a: T, b: T) => boolean,
    private readonly makeRun: (items: T[]) => R,
    private readonly live: (item: T) => boolean = () => true,
  ) {}

  add(item: T): void {
    let items = [item];
    for (
      let last = this.list.at(-1);
      last !== undefined && last.items.length <= items.length;
      last = this.list.at(-1)
    ) {
      this.list.pop();
      items = this.merge(last.items, items);
    }
    this.list.push(this.makeRun(items));
  }

  /** The runs, oldest first: of items equal in order, the newest is in the latest run, last. */
  get runs(): readonly R[] {
    return this.list;
  }

  private merge(older: readonly T[], newer: readonly T[]): T[] {
    const out: T[] = [];
    let i = 0;
    let j = 0;
    while (i < older.length || j < newer.length) {
      const next =
        j >= newer.length || (i < older.length && !this.before(newer[j]!, older[i]!))
          ? older[i++]!
          : newer[j++]!;
      if (this.live(next)) out.push(next);
    }
    this.moved += i + j;
    return out;
  }
}
