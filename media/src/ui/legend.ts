// The key to the picture: actors by colour and name, kinds and marks by hatching and name.
import type { MappingKind } from '../../../protocol/panel';
import { actorLabel } from '../layout/lanes';
import { CanvasPainter } from '../render/canvas-painter';
import { KIND_STYLE, drawKind } from '../render/draw-map';
import { actorColour, type Palette } from '../render/palette';
import type { Painter } from '../render/painter';
import { clear, el } from './dom';

const KINDS: MappingKind[] = ['reservation', 'private', 'shared', 'alias', 'device', 'shadow', 'guard'];

export class Legend {
  readonly element = el('section', { id: 'legend', class: 'legend', 'aria-label': 'Legend' });
  private lastKey = '';

  update(lanes: readonly string[], drivers: ReadonlySet<string>, palette: Palette): void {
    const key = lanes.join('\u0000') + '\u0001' + [...drivers].join('\u0000') + JSON.stringify(palette);
    if (key === this.lastKey) return;
    this.lastKey = key;
    clear(this.element);
    const list = el('ul');
    lanes.forEach((owner, lane) =>
      list.append(
        item(actorLabel(owner, drivers), palette, (p, c) => p.fillRect(1, 1, 26, 12, actorColour(c, lane))),
      ),
    );
    for (const kind of KINDS)
      list.append(
        item(KIND_STYLE[kind].short, palette, (p, c) =>
          drawKind(p, c, kind, { stale: false, hazard: false }, 1, 1, 26, 12, c.muted),
        ),
      );
    list.append(
      item('stale', palette, (p, c) =>
        drawKind(p, c, 'private', { stale: true, hazard: false }, 1, 1, 26, 12, c.muted),
      ),
      item('hazard', palette, (p, c) => {
        drawKind(p, c, 'private', { stale: false, hazard: true }, 2, 2, 24, 10, c.muted);
      }),
      item('32-bit window', palette, (p, c) => p.strokeRect(1, 1, 26, 12, c.window, 2, [6, 3])),
      item('free gap', palette, (p, c) => p.strokeRect(1, 2, 26, 10, c.muted, 1, [2, 2])),
    );
    this.element.append(list);
  }
}

function item(label: string, palette: Palette, draw: (p: Painter, c: Palette) => void): HTMLLIElement {
  const canvas = el('canvas', { width: 56, height: 28, 'aria-hidden': 'true' });
  canvas.style.width = '28px';
  canvas.style.height = '14px';
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.scale(2, 2);
    const painter = new CanvasPainter(ctx, palette.font, 2);
    painter.fillRect(0, 0, 28, 14, palette.background);
    draw(painter, palette);
  }
  return el('li', {}, canvas, label);
}
