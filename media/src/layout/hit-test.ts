// Which mapping is under a point: per lane, mappings sorted by start, found by binary search in
// page space, with a tolerance of a few pixels so that sub-pixel mappings (drawn 1 px wide) can
// still be hovered and clicked.
import { type Axis, pageToX, segmentAtX } from './axis';

export interface LaneIndex {
  /** Sorted by start. */
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Running maximum of ends, to step back over overlapping entries. */
  readonly maxEnds: Float64Array;
  /** Index into the model's mapping list. */
  readonly ids: Int32Array;
}

export function buildLaneIndex(
  entries: readonly { startPage: number; endPage: number; id: number }[],
): LaneIndex {
  const sorted = [...entries].sort((a, b) => a.startPage - b.startPage || a.endPage - b.endPage);
  const n = sorted.length;
  const index: LaneIndex = {
    starts: new Float64Array(n),
    ends: new Float64Array(n),
    maxEnds: new Float64Array(n),
    ids: new Int32Array(n),
  };
  let maxEnd = -Infinity;
  sorted.forEach((e, i) => {
    index.starts[i] = e.startPage;
    index.ends[i] = e.endPage;
    maxEnd = Math.max(maxEnd, e.endPage);
    index.maxEnds[i] = maxEnd;
    index.ids[i] = e.id;
  });
  return index;
}

/** Last position whose start is ≤ page, or -1. */
function lastStartAtOrBefore(starts: Float64Array, page: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= page) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The mapping drawn under screen x in this lane: the narrowest drawn box (at least 1 px) that
 * contains x, otherwise the nearest one within `tolerancePx`.
 */
export function hitTestLane(axis: Axis, lane: LaneIndex, x: number, tolerancePx = 3): number | undefined {
  let segment = segmentAtX(axis, x);
  if (!segment || segment.kind === 'break') {
    // Just past the edge of a segment: its last or first sub-pixel mapping is still within reach.
    const left = segmentAtX(axis, x - tolerancePx);
    const right = segmentAtX(axis, x + tolerancePx);
    segment = left?.kind === 'linear' ? left : right?.kind === 'linear' ? right : undefined;
    if (!segment) return undefined;
  }
  const offset = Math.min(
    Math.max(0, (x - segment.x0) / segment.pxPerPage),
    segment.endPage - segment.startPage,
  );
  const page = segment.startPage + offset;
  const slack = tolerancePx / segment.pxPerPage;
  let best: number | undefined;
  let bestScore = Infinity;
  let i = lastStartAtOrBefore(lane.starts, page + slack);
  for (; i >= 0 && lane.maxEnds[i]! > page - slack; i--) {
    const start = lane.starts[i]!;
    const end = lane.ends[i]!;
    const x0 = pageToX(axis, start);
    const x1 = Math.max(pageToX(axis, end), x0 + 1);
    let score: number;
    // Inside a drawn box: the narrowest box wins, so a 1 px mapping beside a big one can be hit.
    if ((page >= start && page < end) || (x >= x0 && x <= x1)) score = -1e9 + (x1 - x0);
    else if (x >= x0 - tolerancePx && x <= x1 + tolerancePx)
      score = Math.min(Math.abs(x - x0), Math.abs(x - x1));
    else continue;
    if (score < bestScore) {
      bestScore = score;
      best = lane.ids[i]!;
    }
  }
  return best;
}

/** First position whose value is > (or ≥ when `orEqual`) `value` in a non-decreasing array. */
function firstAbove(values: Float64Array, value: number, orEqual: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! > value || (orEqual && values[mid] === value)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Positions [first, last) that can intersect [startPage, endPage): from the first whose running
 * maximum end passes startPage to the last that starts before endPage (callers still check each).
 */
export function visibleRange(lane: LaneIndex, startPage: number, endPage: number): [number, number] {
  const first = firstAbove(lane.maxEnds, startPage, false);
  const last = firstAbove(lane.starts, endPage, true);
  return [first, Math.max(first, last)];
}
