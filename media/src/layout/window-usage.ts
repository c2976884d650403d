// Free space inside the 32-bit window: the gaps, the largest free block and the share in use.
import type { PageInterval } from './axis';
import { gapsInView } from './axis';

export interface WindowUsage {
  readonly sizePages: number;
  readonly usedPages: number;
  /** 0..1 */
  readonly usedFraction: number;
  /** Largest first. */
  readonly gaps: readonly PageInterval[];
  readonly largest: PageInterval | undefined;
}

/** `occupied` sorted by start (may overlap). */
export function windowUsage(occupied: readonly PageInterval[], window: PageInterval): WindowUsage {
  const sizePages = Math.max(0, window.endPage - window.startPage);
  const gaps = gapsInView(occupied, window.startPage, window.endPage).sort(
    (a, b) => b.endPage - b.startPage - (a.endPage - a.startPage) || a.startPage - b.startPage,
  );
  const freePages = gaps.reduce((sum, g) => sum + (g.endPage - g.startPage), 0);
  const usedPages = sizePages - freePages;
  return {
    sizePages,
    usedPages,
    usedFraction: sizePages === 0 ? 0 : usedPages / sizePages,
    gaps,
    largest: gaps[0],
  };
}

/** `37.5%`; a small but non-zero use reads `<0.1%`, never a misleading `0.0%`. */
export function formatUsedPercent(usedFraction: number): string {
  if (usedFraction > 0 && usedFraction < 0.001) return '<0.1%';
  return `${(usedFraction * 100).toFixed(1)}%`;
}
