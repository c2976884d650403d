// Address ticks for the compressed axis: a power-of-two step per linear segment (from its
// scale), labels that never overlap, and the first address after each break labelled
// first so the reader always knows where a segment starts.
import { type Axis, pageToX } from './axis';
import { PAGE_BYTES, formatPageAddress } from './address';

export interface Tick {
  readonly x: number;
  readonly page: number;
  readonly offset: number;
  readonly label: string;
  /** Segment starts after a break are labelled even when off the regular step. */
  readonly major: boolean;
  /** Label row (0 = next to the axis), so crowded labels can stack. */
  readonly row: number;
}

export interface TickOptions {
  /** Smallest distance between two ticks. */
  readonly minSpacingPx: number;
  /** Width a label takes on screen. */
  readonly labelWidthPx: (label: string) => number;
  readonly labelGapPx?: number;
  /** Screen spans already taken (break labels): no tick label goes there. */
  readonly obstacles?: readonly { readonly left: number; readonly right: number }[];
  /** Label rows available (default 2). */
  readonly rows?: number;
}

/** Smallest power-of-two step in bytes (≥ 16) whose spacing on screen is at least `minSpacingPx`. */
export function tickStepBytes(pxPerPage: number, minSpacingPx: number): number {
  const pxPerByte = pxPerPage / PAGE_BYTES;
  let step = 16;
  while (step * pxPerByte < minSpacingPx && step < 2 ** 62) step *= 2;
  return step;
}

export function chooseTicks(axis: Axis, options: TickOptions): Tick[] {
  const candidates: Tick[] = [];
  let index = 0;
  for (const segment of axis.segments) {
    if (segment.kind !== 'linear') continue;
    const stepBytes = tickStepBytes(segment.pxPerPage, options.minSpacingPx);
    if (index > 0 || segment.startPage > axis.viewStart) {
      const page = Math.ceil(segment.startPage);
      if (page < segment.endPage) candidates.push(makeTick(axis, page, 0, true));
    }
    index++;
    if (stepBytes >= PAGE_BYTES) {
      const stepPages = stepBytes / PAGE_BYTES;
      for (let k = Math.ceil(segment.startPage / stepPages); k * stepPages < segment.endPage; k++) {
        candidates.push(makeTick(axis, k * stepPages, 0, false));
        if (candidates.length > 4000) break;
      }
    } else {
      for (let page = Math.floor(segment.startPage); page < segment.endPage; page++) {
        for (let offset = 0; offset < PAGE_BYTES; offset += stepBytes) {
          const position = page + offset / PAGE_BYTES;
          if (position >= segment.startPage && position < segment.endPage)
            candidates.push(makeTick(axis, page, offset, false));
        }
        if (candidates.length > 4000) break;
      }
    }
  }
  return placeWithoutOverlap(candidates, axis.widthPx, options);
}

function makeTick(axis: Axis, page: number, offset: number, major: boolean): Tick {
  return {
    x: pageToX(axis, page + offset / PAGE_BYTES),
    page,
    offset,
    label: formatPageAddress(page, offset),
    major,
    row: 0,
  };
}

/**
 * Majors first, then regular ticks; each label goes on the first row where its box is clear of
 * the labels kept there (and of the obstacles), or is dropped.
 */
function placeWithoutOverlap(candidates: Tick[], widthPx: number, options: TickOptions): Tick[] {
  const gap = options.labelGapPx ?? 8;
  const rows = Math.max(1, options.rows ?? 2);
  const kept: { tick: Tick; left: number; right: number }[][] = Array.from({ length: rows }, () => []);
  const obstacles = options.obstacles ?? [];
  const clear = (left: number, right: number, box: { left: number; right: number }): boolean =>
    right + gap <= box.left || left >= box.right + gap;
  const fits = (row: number, left: number, right: number): boolean =>
    left >= 0 &&
    right <= widthPx &&
    kept[row]!.every((k) => clear(left, right, k)) &&
    obstacles.every((o) => clear(left, right, o));
  const ordered = [...candidates.filter((t) => t.major), ...candidates.filter((t) => !t.major)];
  let count = 0;
  for (const tick of ordered) {
    const width = options.labelWidthPx(tick.label);
    // Labels start at their tick; near the right edge they end at it instead.
    let left = tick.x + 2;
    if (left + width > widthPx) left = tick.x - 2 - width;
    // Regular ticks only use the first row, so the grid stays regular; majors may stack.
    for (let row = 0; row < (tick.major ? rows : 1); row++) {
      if (!fits(row, left, left + width)) continue;
      kept[row]!.push({ tick: { ...tick, row }, left, right: left + width });
      count++;
      break;
    }
    if (count > 200) break;
  }
  return kept
    .flat()
    .map((k) => k.tick)
    .sort((a, b) => a.x - b.x);
}
