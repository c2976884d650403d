// A short description next to the pointer while hovering the map (the details section carries
// the full facts of the selection, for screen readers too).
import type { PanelMapping } from '../../../protocol/panel';
import { addressToBigInt, formatBytes, formatHex, sizeBytes } from '../layout/address';
import { actorLabel } from '../layout/lanes';
import { KIND_STYLE } from '../render/draw-map';
import { clear, el } from './dom';

/** Space kept between the tooltip and the edges of the viewport, and its offset from the pointer. */
const MARGIN = 4;
const OFFSET_X = 14;
const OFFSET_Y = 16;

/**
 * Where a box of `width` × `height` goes next to the pointer: right of and below it, moved left
 * or above it where it would leave the viewport, and never past the top or left edge
 * (WCAG 1.4.10: a narrow panel shows all of it).
 */
export function tooltipPosition(
  pointer: { readonly x: number; readonly y: number },
  size: { readonly width: number; readonly height: number },
  viewport: { readonly width: number; readonly height: number },
): { left: number; top: number } {
  const left = Math.min(pointer.x + OFFSET_X, viewport.width - size.width - MARGIN);
  const below = pointer.y + OFFSET_Y;
  const top = below + size.height + MARGIN <= viewport.height ? below : pointer.y - size.height - MARGIN;
  return {
    left: Math.max(MARGIN, left),
    top: Math.max(MARGIN, Math.min(top, viewport.height - size.height - MARGIN)),
  };
}

export class Tooltip {
  readonly element = el('div', { id: 'tooltip', class: 'tooltip', 'aria-hidden': 'true', hidden: true });
  /** The mapping whose tooltip Escape dismissed: it stays hidden until the pointer leaves it. */
  private dismissed: PanelMapping | undefined;
  private shown: PanelMapping | undefined;

  constructor() {
    // WCAG 1.4.13 (Content on Hover or Focus): dismissible without moving the pointer. Escape
    // anywhere in the panel, caught before the map's own Escape (which clears the selection)
    // stops it.
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Escape') this.dismiss();
      },
      { capture: true },
    );
  }

  private dismiss(): void {
    if (this.element.hidden) return;
    this.dismissed = this.shown;
    this.element.hidden = true;
  }

  show(m: PanelMapping | undefined, drivers: ReadonlySet<string>, clientX: number, clientY: number): void {
    if (m !== this.dismissed) this.dismissed = undefined;
    this.shown = m;
    if (!m || m === this.dismissed) {
      this.element.hidden = true;
      return;
    }
    clear(this.element);
    const lines = [
      `${m.label} — ${KIND_STYLE[m.kind]?.short ?? m.kind}, ${actorLabel(m.owner, drivers)}`,
      `${formatHex(addressToBigInt(m.start))} – ${formatHex(addressToBigInt(m.end))} (${formatBytes(sizeBytes(m.start, m.end))})`,
      `${m.perms} · ${m.backing}`,
    ];
    if (m.stale) lines.push('STALE: moved away or emptied');
    if (m.hazard) lines.push(`⚠ ${m.hazard}`);
    lines.forEach((line, i) =>
      this.element.append(el('div', { class: i === 0 ? 'title' : undefined }, line)),
    );
    this.element.hidden = false;
    const { left, top } = tooltipPosition(
      { x: clientX, y: clientY },
      { width: this.element.offsetWidth, height: this.element.offsetHeight },
      // The viewport without its scroll bars.
      { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight },
    );
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
  }
}
