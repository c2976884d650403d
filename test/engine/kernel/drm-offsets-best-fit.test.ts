// drm_mm best fit by the holes' size index (kernel/drm-holes.ts) against the linear search it
// replaced: the same offsets for every BO over random adds, placed adds, closes and unmaps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DRM_FAKE_OFFSET_START,
  DrmOffsetSpace,
  drmFakeOffsetPages,
} from '../../../server/src/engine/kernel/drm-offsets';
import type { MemoryObject } from '../../../server/src/engine/kernel/types';

interface FakeOffsetRange {
  readonly object: MemoryObject;
  readonly startPage: number;
  readonly endPage: number;
}
const HEAD = 'head';
type HoleOwner = FakeOffsetRange | typeof HEAD;

/** The search before the index, kept as the reference: every hole looked at for each BO. */
class LinearDrmOffsetSpace {
  private tailPage: number;
  private readonly firstPage: number;
  private readonly endPage: number;
  private readonly ranges: FakeOffsetRange[] = [];
  private readonly holes = new Map<HoleOwner, number>();
  private holeClock = 0;
  private readonly closed = new Map<MemoryObject, number>();

  constructor(private readonly pageBytes: number) {
    this.firstPage = Number(DRM_FAKE_OFFSET_START) / pageBytes;
    this.tailPage = this.firstPage;
    this.endPage = this.firstPage + drmFakeOffsetPages(pageBytes);
  }

  add(pages: number, objectAt: (startPage: number) => MemoryObject): number | undefined {
    let best: HoleOwner | undefined;
    let bestPages = Infinity;
    let bestStamp = -1;
    for (const [owner, stamp] of this.holes) {
      const size = this.holeEnd(owner) - this.holeStart(owner);
      if (size < pages || size > bestPages || (size === bestPages && stamp < bestStamp)) continue;
      best = owner;
      bestPages = size;
      bestStamp = stamp;
    }
    if (best === undefined && this.tailPage + pages > this.endPage) return undefined;
    const startPage = best === undefined ? this.tailPage : this.holeStart(best);
    this.insert({ object: objectAt(startPage), startPage, endPage: startPage + pages }, best);
    return startPage;
  }

  addAt(object: MemoryObject, startPage: number, pages: number): boolean {
    const range = { object, startPage, endPage: startPage + pages };
    const at = this.firstStartingAfter(startPage);
    const before = this.ranges[at - 1];
    const after = this.ranges[at];
    if (
      (before !== undefined && before.endPage > startPage) ||
      (after !== undefined && after.startPage < range.endPage)
    )
      return false;
    this.insert(range, before ?? HEAD);
    return true;
  }

  close(startPage: number, mapped: boolean): void {
    const range = this.exact(startPage);
    if (range === undefined) return;
    if (mapped) this.closed.set(range.object, startPage);
    else this.remove(startPage);
  }

  unmapped(object: MemoryObject): void {
    const startPage = this.closed.get(object);
    if (startPage === undefined) return;
    this.closed.delete(object);
    this.remove(startPage);
  }

  private remove(startPage: number): void {
    const index = this.firstStartingAfter(startPage) - 1;
    const range = this.ranges[index];
    if (range === undefined || range.startPage !== startPage) return;
    this.ranges.splice(index, 1);
    this.holes.delete(range);
    const previous: HoleOwner = this.ranges[index - 1] ?? HEAD;
    this.setHole(previous);
  }

  private insert(range: FakeOffsetRange, owner: HoleOwner | undefined): void {
    const at = this.firstStartingAfter(range.startPage);
    this.ranges.splice(at, 0, range);
    if (owner === undefined) {
      this.tailPage = range.endPage;
      return;
    }
    this.setHole(owner);
    this.setHole(range);
  }

  private setHole(owner: HoleOwner): void {
    this.holes.delete(owner);
    const last = this.ranges[this.ranges.length - 1];
    if (owner === (last ?? HEAD)) {
      this.tailPage = this.holeStart(owner);
      return;
    }
    if (this.holeEnd(owner) > this.holeStart(owner)) this.holes.set(owner, ++this.holeClock);
  }

  private holeStart(owner: HoleOwner): number {
    return owner === HEAD ? this.firstPage : Math.max(owner.endPage, this.firstPage);
  }

  private holeEnd(owner: HoleOwner): number {
    const next = owner === HEAD ? this.ranges[0] : this.ranges[this.firstStartingAfter(owner.startPage)];
    return next?.startPage ?? this.tailPage;
  }

  private firstStartingAfter(page: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ranges[mid] as FakeOffsetRange).startPage > page) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  exact(pgoff: number): FakeOffsetRange | undefined {
    const range = this.ranges[this.firstStartingAfter(pgoff) - 1];
    return range?.startPage === pgoff ? range : undefined;
  }

  containing(offset: bigint): FakeOffsetRange | undefined {
    const page = Number(offset / BigInt(this.pageBytes));
    const range = this.ranges[this.firstStartingAfter(page) - 1];
    return range !== undefined && range.endPage > page ? range : undefined;
  }
}

const PAGE = 4096;

/** A stand-in BO object: only its identity matters to the offset space. */
function boObject(id: number): MemoryObject {
  return { id } as unknown as MemoryObject;
}

test('best fit by the size index gives the offsets the linear search gave, over random sequences', () => {
  let seed = 20261126;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const first = Number(DRM_FAKE_OFFSET_START) / PAGE;
  for (let round = 0; round < 40; round++) {
    const indexed = new DrmOffsetSpace(PAGE);
    const linear = new LinearDrmOffsetSpace(PAGE);
    // Live BOs by first page, with whether a mapping holds them; closed-but-mapped ones.
    const live: { start: number; object: MemoryObject; mapped: boolean }[] = [];
    const closed: MemoryObject[] = [];
    let ids = 0;
    // Few sizes, so that equal holes (the newest-first tie-break) are common.
    const sizes = [1, 2, 3, 4, 8, 16];
    for (let step = 0; step < 600; step++) {
      const what = random(10);
      if (what < 5) {
        const pages = sizes[random(sizes.length)]!;
        const object = boObject(++ids);
        const got = indexed.add(pages, () => object);
        const want = linear.add(pages, () => object);
        assert.equal(got, want, `round ${round} step ${step}: add ${pages}`);
        if (got !== undefined) live.push({ start: got, object, mapped: random(3) === 0 });
      } else if (what < 6) {
        // A trace's BO at a given page: in a hole, over a BO (refused) or below the space.
        const start = first - 8 + random(Math.max(16, live.length * 8));
        const pages = sizes[random(sizes.length)]!;
        const object = boObject(++ids);
        const got = indexed.addAt(object, start, pages);
        assert.equal(got, linear.addAt(object, start, pages), `round ${round} step ${step}: addAt ${start}`);
        if (got) live.push({ start, object, mapped: false });
      } else if (what < 9 && live.length > 0) {
        const [bo] = live.splice(random(live.length), 1);
        indexed.close(bo!.start, bo!.mapped);
        linear.close(bo!.start, bo!.mapped);
        if (bo!.mapped) closed.push(bo!.object);
      } else if (closed.length > 0) {
        const [object] = closed.splice(random(closed.length), 1);
        indexed.unmapped(object!);
        linear.unmapped(object!);
      }
    }
    for (const bo of live) assert.equal(indexed.exact(bo.start)?.object, bo.object);
  }
});
