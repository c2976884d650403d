// The compressed axis: a view range of pages is laid out left to right; empty gaps that would
// take too much width collapse into fixed-width breaks, so a 47-bit space and a 4 KiB mapping
// fit on one screen. The segments between breaks share one linear scale, so sizes stay
// comparable, except that no segment is drawn narrower than `minSegmentPx`: an isolated cluster
// of small mappings far from the rest stays visible (its own, larger scale).

export interface PageInterval {
  readonly startPage: number;
  /** Exclusive. */
  readonly endPage: number;
}

export interface AxisSegment {
  readonly kind: 'linear' | 'break';
  readonly startPage: number;
  readonly endPage: number;
  readonly x0: number;
  readonly x1: number;
  /** Scale of a linear segment (for a break: its pixel width over its page span). */
  readonly pxPerPage: number;
}

export interface Axis {
  readonly viewStart: number;
  readonly viewEnd: number;
  readonly widthPx: number;
  /** The common scale of the linear segments (segments widened to minSegmentPx have their own). */
  readonly pxPerPage: number;
  readonly segments: readonly AxisSegment[];
}

export interface AxisOptions {
  readonly viewStart: number;
  readonly viewEnd: number;
  readonly widthPx: number;
  readonly compress: boolean;
  readonly breakWidthPx?: number;
  /** A gap collapses when, drawn linearly, it would be wider than this fraction of the rest. */
  readonly maxGapFraction?: number;
  /** Breaks never take more than this share of the width. */
  readonly maxBreakShare?: number;
  /**
   * Regions whose gaps collapse only when they dominate the view (the window: its free space is
   * what the reader measures). Elsewhere every gap wider than a break collapses, largest
   * first, while the break budget lasts.
   */
  readonly keepLinear?: readonly PageInterval[];
  /** Narrowest a linear segment between breaks is drawn. */
  readonly minSegmentPx?: number;
}

/** Gaps of the view not covered by `occupied` (sorted by start; may overlap or touch). */
export function gapsInView(
  occupied: readonly PageInterval[],
  viewStart: number,
  viewEnd: number,
): PageInterval[] {
  const gaps: PageInterval[] = [];
  let cursor = viewStart;
  for (const interval of occupied) {
    if (interval.endPage <= cursor) continue;
    if (interval.startPage >= viewEnd) break;
    if (interval.startPage > cursor) gaps.push({ startPage: cursor, endPage: interval.startPage });
    cursor = Math.max(cursor, interval.endPage);
    if (cursor >= viewEnd) break;
  }
  if (cursor < viewEnd) gaps.push({ startPage: cursor, endPage: viewEnd });
  return gaps;
}

/** For each gap (by its start page): the larger of the occupied runs just before and after it. */
function neighbourSizes(
  occupied: readonly PageInterval[],
  viewStart: number,
  viewEnd: number,
): Map<number, number> {
  const runs: PageInterval[] = [];
  for (const interval of occupied) {
    const start = Math.max(interval.startPage, viewStart);
    const end = Math.min(interval.endPage, viewEnd);
    if (end < start || interval.startPage > viewEnd) continue;
    const last = runs[runs.length - 1];
    if (last && start <= last.endPage)
      runs[runs.length - 1] = { startPage: last.startPage, endPage: Math.max(last.endPage, end) };
    else runs.push({ startPage: start, endPage: end });
  }
  const sizes = new Map<number, number>();
  let previous = 0;
  let cursor = viewStart;
  for (const run of runs) {
    const size = run.endPage - run.startPage;
    if (run.startPage > cursor) sizes.set(cursor, Math.max(previous, size));
    previous = size;
    cursor = Math.max(cursor, run.endPage);
  }
  if (cursor < viewEnd) sizes.set(cursor, previous);
  return sizes;
}

/** Lays out the view. `occupied` must be sorted by startPage; zero-width entries act as landmarks that split gaps. */
export function buildAxis(occupied: readonly PageInterval[], options: AxisOptions): Axis {
  const { viewStart, viewEnd, widthPx } = options;
  const breakWidthPx = options.breakWidthPx ?? 28;
  const viewSpan = Math.max(viewEnd - viewStart, Number.MIN_VALUE);
  const collapsed: PageInterval[] = [];
  let linearPages = viewSpan;
  if (options.compress) {
    const maxFraction = options.maxGapFraction ?? 0.15;
    const maxBreaks = Math.floor((widthPx * (options.maxBreakShare ?? 0.4)) / breakWidthPx);
    const gaps = gapsInView(occupied, viewStart, viewEnd).sort(
      (a, b) => b.endPage - b.startPage - (a.endPage - a.startPage),
    );
    const keep = options.keepLinear ?? [];
    const free = (gap: PageInterval): boolean =>
      keep.every((k) => gap.endPage <= k.startPage || gap.startPage >= k.endPage);
    const taken = new Set<PageInterval>();
    const collapse = (gap: PageInterval): void => {
      collapsed.push(gap);
      taken.add(gap);
      linearPages -= gap.endPage - gap.startPage;
    };
    // First the gaps that dominate the view, anywhere.
    for (const gap of gaps) {
      if (collapsed.length >= maxBreaks) break;
      const size = gap.endPage - gap.startPage;
      const rest = linearPages - size;
      // Nothing would be left to draw linearly: keep the view honest instead.
      if (rest <= 0) continue;
      const linearPxIfCollapsed = widthPx - (collapsed.length + 1) * breakWidthPx;
      if (size > maxFraction * rest && (size * linearPxIfCollapsed) / linearPages > breakWidthPx)
        collapse(gap);
    }
    // Then, outside the kept regions: gaps wider than a break, and gaps that dwarf the mappings
    // beside them (so a lone small mapping is not drawn as a sliver in a wide empty segment).
    const neighbours = neighbourSizes(occupied, viewStart, viewEnd);
    for (const gap of gaps) {
      if (collapsed.length >= maxBreaks) break;
      if (taken.has(gap) || !free(gap)) continue;
      const size = gap.endPage - gap.startPage;
      if (linearPages - size <= 0) continue;
      const gapPx = (size * (widthPx - (collapsed.length + 1) * breakWidthPx)) / linearPages;
      const beside = neighbours.get(gap.startPage) ?? Infinity;
      if (gapPx > 1.2 * breakWidthPx || (gapPx > 8 && size > 4 * beside)) collapse(gap);
    }
    collapsed.sort((a, b) => a.startPage - b.startPage);
  }
  const linearPx = Math.max(1, widthPx - collapsed.length * breakWidthPx);
  // The linear spans between breaks, then their widths.
  const spans: PageInterval[] = [];
  let page = viewStart;
  for (const gap of collapsed) {
    if (gap.startPage > page) spans.push({ startPage: page, endPage: gap.startPage });
    page = gap.endPage;
  }
  if (viewEnd > page) spans.push({ startPage: page, endPage: viewEnd });
  const { widths, pxPerPage } = allocateWidths(
    spans.map((sp) => sp.endPage - sp.startPage),
    linearPx,
    collapsed.length > 0 ? (options.minSegmentPx ?? 56) : 0,
  );
  const segments: AxisSegment[] = [];
  let x = 0;
  let spanIndex = 0;
  let breakIndex = 0;
  page = viewStart;
  while (spanIndex < spans.length || breakIndex < collapsed.length) {
    const span = spans[spanIndex];
    const gap = collapsed[breakIndex];
    if (span && (!gap || span.startPage < gap.startPage)) {
      const width = widths[spanIndex]!;
      const pages = span.endPage - span.startPage;
      segments.push({ kind: 'linear', ...span, x0: x, x1: x + width, pxPerPage: width / pages });
      x += width;
      spanIndex++;
    } else if (gap) {
      const pages = gap.endPage - gap.startPage;
      segments.push({ kind: 'break', ...gap, x0: x, x1: x + breakWidthPx, pxPerPage: breakWidthPx / pages });
      x += breakWidthPx;
      breakIndex++;
    }
  }
  return { viewStart, viewEnd, widthPx, pxPerPage, segments };
}

/**
 * Widths of linear spans (in pages) sharing `totalPx`: one scale for all, except that spans
 * below `minPx` at that scale get `minPx` and the rest share what is left.
 */
export function allocateWidths(
  pages: readonly number[],
  totalPx: number,
  minPx: number,
): { widths: number[]; pxPerPage: number } {
  const floor = Math.min(minPx, totalPx / Math.max(1, pages.length * 2));
  const boosted = new Array<boolean>(pages.length).fill(false);
  let pxPerPage = 0;
  for (let round = 0; round <= pages.length; round++) {
    let freePages = 0;
    let boostedCount = 0;
    pages.forEach((p, i) => {
      if (boosted[i]) boostedCount++;
      else freePages += p;
    });
    pxPerPage = freePages > 0 ? (totalPx - boostedCount * floor) / freePages : 0;
    let changed = false;
    pages.forEach((p, i) => {
      if (!boosted[i] && p * pxPerPage < floor) {
        boosted[i] = true;
        changed = true;
      }
    });
    if (!changed) break;
  }
  const widths = pages.map((p, i) => (boosted[i] ? floor : p * pxPerPage));
  if (pxPerPage === 0) pxPerPage = floor / Math.max(...pages, Number.MIN_VALUE);
  return { widths, pxPerPage };
}

function segmentIndexForPage(axis: Axis, page: number): number {
  const segments = axis.segments;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid]!.startPage <= page) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Screen x of a page position; pages inside a break map proportionally into the break. */
export function pageToX(axis: Axis, page: number): number {
  if (axis.segments.length === 0) return 0;
  const first = axis.segments[0]!;
  const last = axis.segments[axis.segments.length - 1]!;
  if (page <= axis.viewStart) return (page - axis.viewStart) * first.pxPerPage;
  if (page >= axis.viewEnd) return axis.widthPx + (page - axis.viewEnd) * last.pxPerPage;
  const segment = axis.segments[segmentIndexForPage(axis, page)]!;
  return segment.x0 + (page - segment.startPage) * segment.pxPerPage;
}

/** The segment under a screen x, or undefined outside the axis. */
export function segmentAtX(axis: Axis, x: number): AxisSegment | undefined {
  const segments = axis.segments;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!;
    if (x < s.x0) hi = mid - 1;
    else if (x >= s.x1) lo = mid + 1;
    else return s;
  }
  return undefined;
}

/** Page position under a screen x (inverse of pageToX). */
export function xToPage(axis: Axis, x: number): number {
  const first = axis.segments[0];
  const last = axis.segments[axis.segments.length - 1];
  if (!first || !last) return axis.viewStart;
  if (x <= 0) return axis.viewStart + x / first.pxPerPage;
  if (x >= axis.widthPx) return axis.viewEnd + (x - axis.widthPx) / last.pxPerPage;
  const segment = segmentAtX(axis, x) ?? last;
  return segment.startPage + (x - segment.x0) / segment.pxPerPage;
}

/**
 * The widest stretch of screen, inside [x0, x1), that no break crosses: where a label for that
 * range can go without a break's column drawn over it.
 */
export function widestLinearSpan(axis: Axis, x0: number, x1: number): { x0: number; x1: number } | undefined {
  let best: { x0: number; x1: number } | undefined;
  for (const s of axis.segments) {
    if (s.kind !== 'linear') continue;
    const left = Math.max(x0, s.x0);
    const right = Math.min(x1, s.x1);
    if (right > left && (!best || right - left > best.x1 - best.x0)) best = { x0: left, x1: right };
  }
  return best;
}
