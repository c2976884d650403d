// The drawing surface the map is drawn on: a canvas on screen, SVG text for export. One drawing
// routine feeds both, so the exported picture is the one on screen.

/** Hatching drawn over a fill; each mapping kind and mark has its own, so colour is never the only signal. */
export type Hatch = 'diagonal' | 'backDiagonal' | 'cross' | 'horizontal' | 'vertical' | 'grid' | 'dots';

export interface TextStyle {
  readonly size?: number;
  readonly bold?: boolean;
  readonly align?: 'left' | 'center' | 'right';
}

export interface Painter {
  fillRect(x: number, y: number, w: number, h: number, colour: string): void;
  hatchRect(x: number, y: number, w: number, h: number, hatch: Hatch, ink: string): void;
  strokeRect(
    x: number,
    y: number,
    w: number,
    h: number,
    colour: string,
    lineWidth: number,
    dash?: readonly number[],
  ): void;
  line(points: readonly number[], colour: string, lineWidth: number, dash?: readonly number[]): void;
  /** `y` is the text's vertical middle. */
  text(x: number, y: number, text: string, colour: string, style?: TextStyle): void;
  measureText(text: string, style?: TextStyle): number;
}

/** Truncates `text` with an ellipsis to fit `maxWidth`, or returns '' if nothing fits. */
export function fitText(painter: Painter, text: string, maxWidth: number, style?: TextStyle): string {
  if (maxWidth <= 0) return '';
  if (painter.measureText(text, style) <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (painter.measureText(text.slice(0, mid) + '…', style) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : text.slice(0, lo) + '…';
}

export const HATCH_SIZE = 8;

/** Line segments of each hatch inside one HATCH_SIZE tile, as [x0, y0, x1, y1, …]. */
export function hatchSegments(hatch: Hatch): number[] {
  const s = HATCH_SIZE;
  switch (hatch) {
    case 'diagonal':
      return [0, s, s, 0, -1, 1, 1, -1, s - 1, s + 1, s + 1, s - 1];
    case 'backDiagonal':
      return [0, 0, s, s, -1, s - 1, 1, s + 1, s - 1, -1, s + 1, 1];
    case 'cross':
      return [0, s, s, 0, 0, 0, s, s];
    case 'horizontal':
      return [0, s / 2, s, s / 2];
    case 'vertical':
      return [s / 2, 0, s / 2, s];
    case 'grid':
      return [0, s / 2, s, s / 2, s / 2, 0, s / 2, s];
    case 'dots':
      return [];
  }
}
