// One polite live region for short announcements: a screen reader hears one line per change of
// the map's selection, not the whole details list re-read on every arrow key.
import { el } from './dom';

export class Announcer {
  readonly element = el('p', {
    id: 'selection-status',
    class: 'visually-hidden',
    role: 'status',
    'aria-live': 'polite',
    'aria-atomic': 'true',
  });

  say(text: string): void {
    this.element.textContent = text;
  }
}
