// The window's free space in words: share in use, the largest free block, the gaps with sizes.
import { formatUsedPercent, type WindowUsage } from '../layout/window-usage';
import { formatPageAddress, formatPages } from '../layout/address';
import type { PageInterval } from '../layout/axis';
import type { PreparedState } from '../layout/model';
import { clear, el } from './dom';

const LISTED_GAPS = 8;

export class WindowStats {
  readonly element = el('section', { id: 'stats', class: 'stats', 'aria-label': 'Free space in the window' });

  constructor(private readonly onShowGap: (gap: PageInterval) => void) {}

  update(prepared: PreparedState): void {
    clear(this.element);
    const u = prepared.usage;
    const w = prepared.window;
    this.element.append(
      el('h2', {}, 'Free space in the 32-bit window'),
      el(
        'p',
        { id: 'window-summary' },
        `Window ${formatPageAddress(w.startPage)} – ${formatPageAddress(w.endPage)} (${formatPages(u.sizePages)}${usableFrom(w, u)}): ` +
          `${formatUsedPercent(u.usedFraction)} in use, ${formatPages(u.sizePages - u.usedPages)} free in ${u.gaps.length} ` +
          `gap${u.gaps.length === 1 ? '' : 's'}` +
          (u.largest
            ? `; largest free block ${formatPages(u.largest.endPage - u.largest.startPage)} at ${formatPageAddress(u.largest.startPage)}.`
            : '; no free block.') +
          (prepared.state.reservedAreasFree
            ? " Wine's reserved areas (PROT_NONE, marked reserved) count as free: Wine maps its views over them."
            : ''),
      ),
    );
    const meter = el('meter', {
      min: 0,
      max: 1,
      value: u.usedFraction.toFixed(4),
      'aria-label': 'Share of the window in use',
    });
    this.element.append(meter);
    if (u.gaps.length === 0) return;
    const list = el('ol', { class: 'gaps', 'aria-label': 'Largest free gaps' });
    for (const gap of u.gaps.slice(0, LISTED_GAPS)) {
      const text = `${formatPages(gap.endPage - gap.startPage)} at ${formatPageAddress(gap.startPage)}`;
      // WCAG 2.5.3 (Label in Name): the name starts with the visible text, so a voice user's
      // "click 2 GiB" finds it; what the button does follows.
      const button = el(
        'button',
        { type: 'button', class: 'link', 'aria-label': `${text}, show on the map` },
        text,
      );
      button.addEventListener('click', () => this.onShowGap(gap));
      list.append(el('li', {}, button));
    }
    this.element.append(list);
    if (u.gaps.length > LISTED_GAPS)
      this.element.append(el('p', { class: 'muted' }, `and ${u.gaps.length - LISTED_GAPS} smaller gaps`));
  }
}

/**
 * When the window starts below Wine's lowest address (64 KiB), its size counts from there: say
 * so, or the size would not match the range written before it.
 */
function usableFrom(w: PageInterval, u: WindowUsage): string {
  const usableStart = w.endPage - u.sizePages;
  return usableStart > w.startPage ? ` usable, from ${formatPageAddress(usableStart)}` : '';
}
