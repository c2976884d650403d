// Labels for empty space: the size written on each collapsed break, and the free gaps of the
// window with their sizes where they fit on screen.
import { type Axis, pageToX, type PageInterval } from './axis';
import { formatPages } from './address';

export interface GapLabel {
  readonly x0: number;
  readonly x1: number;
  readonly text: string;
  /** Just the size, for when the text does not fit. */
  readonly size: string;
  /** The text fits between x0 and x1 (otherwise only the shape is drawn). */
  readonly fits: boolean;
  readonly largest: boolean;
}

export function breakLabels(axis: Axis, labelWidthPx: (text: string) => number): GapLabel[] {
  return axis.segments
    .filter((s) => s.kind === 'break')
    .map((s) => {
      const text = formatPages(s.endPage - s.startPage);
      return {
        x0: s.x0,
        x1: s.x1,
        text,
        size: text,
        fits: labelWidthPx(text) <= s.x1 - s.x0 + 40,
        largest: false,
      };
    });
}

/** Window gaps (largest first, as windowUsage returns them) placed on the axis. */
export function windowGapLabels(
  axis: Axis,
  gaps: readonly PageInterval[],
  labelWidthPx: (text: string) => number,
): GapLabel[] {
  const labels: GapLabel[] = [];
  gaps.forEach((gap, index) => {
    if (gap.endPage <= axis.viewStart || gap.startPage >= axis.viewEnd) return;
    const x0 = Math.max(0, pageToX(axis, gap.startPage));
    const x1 = Math.min(axis.widthPx, pageToX(axis, gap.endPage));
    // Gaps narrower than a few pixels are neither labelled nor drawn (there can be thousands).
    if (x1 - x0 < 2 && index > 0) return;
    const size = formatPages(gap.endPage - gap.startPage);
    const text = (index === 0 ? 'largest free ' : 'free ') + size;
    const fits = x1 - x0 >= 24 && labelWidthPx(text) + 6 <= x1 - x0;
    labels.push({ x0, x1, text, size, fits, largest: index === 0 });
  });
  return labels;
}
