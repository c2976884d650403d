// The mappings an imported trace has made so far, by name, for writing a later address relative
// to the mapping it falls in (`m1 + 0x1000`). The newest mapping containing an address wins (a
// range mapped again names the new mapping); a mapping the trace unmapped whole, or moved away,
// is forgotten.
//
// A scan of every mapping the trace ever made per address made a trace of N maps and N unmaps
// quadratic. Here the mappings are kept sorted by start; new ones wait in a list until the next
// lookup sorts them in (one merge for a run of maps), and forgotten ones are only marked until
// they are half the list.
import { firstIndex } from '../first-index';

interface KnownMapping {
  readonly name: string;
  readonly start: bigint;
  readonly end: bigint;
  /** The order the trace made it in: the newest containing an address wins. */
  readonly order: number;
  forgotten: boolean;
}

export class KnownMappings {
  private sorted: KnownMapping[] = [];
  private added: KnownMapping[] = [];
  private forgottenCount = 0;
  /** The longest mapping ever added: none starting that far below an address reaches it. */
  private longest = 0n;
  private made = 0;

  add(name: string, start: bigint, end: bigint): void {
    if (end <= start) return;
    if (end - start > this.longest) this.longest = end - start;
    this.added.push({ name, start, end, order: this.made++, forgotten: false });
  }

  /** The newest mapping containing `address`: its name and start. */
  containing(address: bigint): { readonly name: string; readonly start: bigint } | undefined {
    this.settle();
    let best: KnownMapping | undefined;
    const list = this.sorted;
    for (let k = this.firstStartingAbove(address) - 1; k >= 0; k--) {
      const m = list[k]!;
      if (m.start + this.longest <= address) break;
      if (!m.forgotten && address < m.end && (best === undefined || m.order > best.order)) best = m;
    }
    return best;
  }

  /** Forgets the mappings that lie wholly inside [start, end) (unmapped, or moved away). */
  forget(start: bigint, end: bigint): void {
    this.settle();
    const list = this.sorted;
    for (let k = this.firstStartingAbove(start - 1n); k < list.length && list[k]!.start < end; k++) {
      const m = list[k]!;
      if (!m.forgotten && m.end <= end) {
        m.forgotten = true;
        this.forgottenCount++;
      }
    }
    if (this.forgottenCount * 2 > list.length) {
      this.sorted = list.filter((m) => !m.forgotten);
      this.forgottenCount = 0;
    }
  }

  /** Sorts the mappings added since the last lookup into the list (a merge). */
  private settle(): void {
    if (this.added.length === 0) return;
    const added = this.added.sort(byStart);
    const old = this.sorted;
    const merged: KnownMapping[] = [];
    let i = 0;
    let j = 0;
    while (i < old.length || j < added.length) {
      const next =
        j >= added.length || (i < old.length && old[i]!.start <= added[j]!.start) ? old[i++]! : added[j++]!;
      if (!next.forgotten) merged.push(next);
    }
    this.sorted = merged;
    this.added = [];
    this.forgottenCount = 0;
  }

  /** The index of the first mapping starting above `address`. */
  private firstStartingAbove(address: bigint): number {
    const list = this.sorted;
    return firstIndex(list.length, (i) => list[i]!.start <= address);
  }
}

function byStart(a: KnownMapping, b: KnownMapping): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}
