// A short description next to the pointer while hovering the map (the details section carries
// the full facts of the selection, for screen readers too).
import type { PanelMapping } from '../../../protocol/panel';
import { addressToBigInt, formatBytes, formatHex, sizeBytes } from '../layout/address';
import { actorLabel } from '../layout/lanes';
import { KIND_STYLE } from '../render/draw-map';
import { clear, el } from './dom';

export class Tooltip {
  readonly element = el('div', { id: 'tooltip', class: 'tooltip', 'aria-hidden': 'true', hidden: true });

  show(m: PanelMapping | undefined, drivers: ReadonlySet<string>, clientX: number, clientY: number): void {
    if (!m) {
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
    const width = this.element.offsetWidth;
    const x = Math.min(clientX + 14, window.innerWidth - width - 4);
    this.element.style.left = `${Math.max(4, x)}px`;
    this.element.style.top = `${clientY + 16}px`;
  }
}
