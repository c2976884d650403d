// Painter over a 2D canvas context (already scaled for devicePixelRatio by the caller).
import { HATCH_SIZE, hatchSegments, type Hatch, type Painter, type TextStyle } from './painter';

export class CanvasPainter implements Painter {
  private readonly patterns = new Map<string, CanvasPattern>();
  private readonly widths = new Map<string, number>();
  // Setting a style re-parses it; most consecutive calls use the same one.
  private fill: string | CanvasPattern | undefined;
  private dashed = false;

  constructor(
    private readonly ctx: CanvasRenderingContext2D,
    private readonly fontFamily: string,
    private readonly scale: number,
  ) {
    // The context keeps its state between paints; start from a known one.
    ctx.setLineDash([]);
  }

  fillRect(x: number, y: number, w: number, h: number, colour: string): void {
    this.setFill(colour);
    this.ctx.fillRect(x, y, w, h);
  }

  private setFill(style: string | CanvasPattern): void {
    if (this.fill === style) return;
    this.ctx.fillStyle = style;
    this.fill = style;
  }

  private setDash(dash?: readonly number[]): void {
    if (dash && dash.length) {
      this.ctx.setLineDash(dash as number[]);
      this.dashed = true;
    } else if (this.dashed) {
      this.ctx.setLineDash([]);
      this.dashed = false;
    }
  }

  hatchRect(x: number, y: number, w: number, h: number, hatch: Hatch, ink: string): void {
    const pattern = this.pattern(hatch, ink);
    if (!pattern) return;
    this.setFill(pattern);
    this.ctx.fillRect(x, y, w, h);
  }

  strokeRect(
    x: number,
    y: number,
    w: number,
    h: number,
    colour: string,
    lineWidth: number,
    dash?: readonly number[],
  ): void {
    const ctx = this.ctx;
    ctx.strokeStyle = colour;
    ctx.lineWidth = lineWidth;
    this.setDash(dash);
    ctx.strokeRect(
      x + lineWidth / 2,
      y + lineWidth / 2,
      Math.max(0, w - lineWidth),
      Math.max(0, h - lineWidth),
    );
  }

  line(points: readonly number[], colour: string, lineWidth: number, dash?: readonly number[]): void {
    const ctx = this.ctx;
    ctx.strokeStyle = colour;
    ctx.lineWidth = lineWidth;
    this.setDash(dash);
    ctx.beginPath();
    for (let i = 0; i + 1 < points.length; i += 2) {
      if (i === 0) ctx.moveTo(points[i]!, points[i + 1]!);
      else ctx.lineTo(points[i]!, points[i + 1]!);
    }
    ctx.stroke();
  }

  text(x: number, y: number, text: string, colour: string, style?: TextStyle): void {
    const ctx = this.ctx;
    ctx.font = this.font(style);
    this.setFill(colour);
    ctx.textAlign = style?.align ?? 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x, y);
  }

  measureText(text: string, style?: TextStyle): number {
    const font = this.font(style);
    const key = font + '\u0000' + text;
    let width = this.widths.get(key);
    if (width === undefined) {
      this.ctx.font = font;
      width = this.ctx.measureText(text).width;
      if (this.widths.size > 5000) this.widths.clear();
      this.widths.set(key, width);
    }
    return width;
  }

  private font(style?: TextStyle): string {
    return `${style?.bold ? 'bold ' : ''}${style?.size ?? 11}px ${this.fontFamily}`;
  }

  private pattern(hatch: Hatch, ink: string): CanvasPattern | null {
    const key = hatch + ink;
    const cached = this.patterns.get(key);
    if (cached) return cached;
    const tile = document.createElement('canvas');
    const size = Math.round(HATCH_SIZE * this.scale);
    tile.width = size;
    tile.height = size;
    const tctx = tile.getContext('2d');
    if (!tctx) return null;
    tctx.scale(this.scale, this.scale);
    tctx.strokeStyle = ink;
    tctx.fillStyle = ink;
    tctx.lineWidth = 1.5;
    if (hatch === 'dots') {
      tctx.fillRect(1, 1, 2, 2);
      tctx.fillRect(5, 5, 2, 2);
    } else {
      const segments = hatchSegments(hatch);
      tctx.beginPath();
      for (let i = 0; i + 3 < segments.length; i += 4) {
        tctx.moveTo(segments[i]!, segments[i + 1]!);
        tctx.lineTo(segments[i + 2]!, segments[i + 3]!);
      }
      tctx.stroke();
    }
    const pattern = this.ctx.createPattern(tile, 'repeat');
    // Tiles are drawn at device resolution; map them back to CSS pixels.
    pattern?.setTransform(new DOMMatrix().scale(1 / this.scale, 1 / this.scale));
    if (pattern) this.patterns.set(key, pattern);
    return pattern;
  }
}
