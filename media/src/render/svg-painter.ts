// Painter that writes SVG text, for export. Every string is escaped: scenario names and labels
// are user data.
import { HATCH_SIZE, hatchSegments, type Hatch, type Painter, type TextStyle } from './painter';

/**
 * Code points XML 1.0 cannot hold at all, even as a character reference (the `Char`
 * production, §2.2): C0 controls but tab, newline and return, U+FFFE, U+FFFF, and lone
 * surrogates. A scenario name may contain them (a string runs to its closing quote); left in,
 * no SVG reader opens the file.
 */
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\ufffd').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const n = (v: number): string => String(Math.round(v * 100) / 100);

export class SvgPainter implements Painter {
  private readonly body: string[] = [];
  private readonly defs: string[] = [];
  private readonly patternIds = new Map<string, string>();

  constructor(
    private readonly fontFamily: string,
    private readonly measure: (text: string, font: string) => number,
  ) {}

  fillRect(x: number, y: number, w: number, h: number, colour: string): void {
    this.body.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${escapeXml(colour)}"/>`,
    );
  }

  hatchRect(x: number, y: number, w: number, h: number, hatch: Hatch, ink: string): void {
    const id = this.patternId(hatch, ink);
    this.body.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="url(#${id})"/>`);
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
    const half = lineWidth / 2;
    this.body.push(
      `<rect x="${n(x + half)}" y="${n(y + half)}" width="${n(Math.max(0, w - lineWidth))}" height="${n(
        Math.max(0, h - lineWidth),
      )}" fill="none" stroke="${escapeXml(colour)}" stroke-width="${n(lineWidth)}"${dashAttr(dash)}/>`,
    );
  }

  line(points: readonly number[], colour: string, lineWidth: number, dash?: readonly number[]): void {
    const pairs: string[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) pairs.push(`${n(points[i]!)},${n(points[i + 1]!)}`);
    this.body.push(
      `<polyline points="${pairs.join(' ')}" fill="none" stroke="${escapeXml(colour)}" stroke-width="${n(lineWidth)}"${dashAttr(dash)}/>`,
    );
  }

  text(x: number, y: number, text: string, colour: string, style?: TextStyle): void {
    const anchor = style?.align === 'center' ? 'middle' : style?.align === 'right' ? 'end' : 'start';
    this.body.push(
      `<text x="${n(x)}" y="${n(y)}" dominant-baseline="central" text-anchor="${anchor}" font-size="${
        style?.size ?? 11
      }"${style?.bold ? ' font-weight="bold"' : ''} fill="${escapeXml(colour)}">${escapeXml(text)}</text>`,
    );
  }

  measureText(text: string, style?: TextStyle): number {
    return this.measure(text, `${style?.bold ? 'bold ' : ''}${style?.size ?? 11}px ${this.fontFamily}`);
  }

  toString(width: number, height: number, title: string, background: string): string {
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(
        height,
      )}" font-family="${escapeXml(this.fontFamily)}" role="img">`,
      `<title>${escapeXml(title)}</title>`,
      `<defs>${this.defs.join('')}</defs>`,
      `<rect width="100%" height="100%" fill="${escapeXml(background)}"/>`,
      ...this.body,
      '</svg>',
    ].join('\n');
  }

  private patternId(hatch: Hatch, ink: string): string {
    const key = hatch + ink;
    const existing = this.patternIds.get(key);
    if (existing) return existing;
    const id = `hatch${this.patternIds.size}`;
    this.patternIds.set(key, id);
    const s = HATCH_SIZE;
    const fill = escapeXml(ink);
    let shapes: string;
    if (hatch === 'dots') {
      shapes = `<rect x="1" y="1" width="2" height="2" fill="${fill}"/><rect x="5" y="5" width="2" height="2" fill="${fill}"/>`;
    } else {
      const seg = hatchSegments(hatch);
      const parts: string[] = [];
      for (let i = 0; i + 3 < seg.length; i += 4)
        parts.push(`M${seg[i]} ${seg[i + 1]}L${seg[i + 2]} ${seg[i + 3]}`);
      shapes = `<path d="${parts.join('')}" stroke="${fill}" stroke-width="1.5"/>`;
    }
    this.defs.push(
      `<pattern id="${id}" patternUnits="userSpaceOnUse" width="${s}" height="${s}">${shapes}</pattern>`,
    );
    return id;
  }
}

function dashAttr(dash?: readonly number[]): string {
  return dash && dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : '';
}
