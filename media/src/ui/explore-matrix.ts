// The exploration matrix: every driver behaviour of a scenario (a row: its trait values) with its
// verdict and the hazard that decides it. The traits that decide safety are marked in the
// header and in each cell. A grid for the keyboard: one row is in the tab order, the arrow keys,
// Home/End and PageUp/PageDown move, Enter or Space replays the behaviour in the address map.
// Verdicts are words and symbols, never colour alone; all text goes through textContent.
import type { ExploreMatrix, ExploreVerdict } from '../../../protocol/panel';
import { clear, el } from './dom';

const VERDICT_TEXT: Readonly<Record<ExploreVerdict, string>> = {
  safe: '✓ safe',
  refused: '⊘ refused',
  unsafe: '✗ unsafe',
};

export interface ExploreMatrixHost {
  replay(behaviourIndex: number | null): void;
}

export class ExploreMatrixView {
  readonly element = el('section', {
    id: 'explore-section',
    class: 'explore-section',
    'aria-label': 'Driver behaviours',
    hidden: true,
  });
  private readonly summary = el('p', { id: 'explore-summary' });
  private readonly classes = el('ul', { id: 'explore-classes', class: 'gaps' });
  private readonly replaying = el('p', { id: 'explore-replaying', 'aria-live': 'polite' });
  private readonly stop = el(
    'button',
    { type: 'button', id: 'explore-stop', hidden: true },
    'Show the scenario as written',
  );
  private readonly caption = el('caption');
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private matrix: ExploreMatrix | undefined;
  /** The row in the tab order (the grid's roving focus). */
  private active = 0;
  private replayed: number | undefined;

  constructor(private readonly host: ExploreMatrixHost) {
    const table = el('table', { id: 'explore-table', role: 'grid' }, this.caption, this.head, this.body);
    this.stop.addEventListener('click', () => this.host.replay(null));
    this.body.addEventListener('keydown', (e) => this.onKey(e));
    this.element.append(
      el('h2', {}, 'Driver behaviours'),
      this.summary,
      this.classes,
      el('div', { class: 'replay-bar' }, this.replaying, this.stop),
      el('div', { class: 'table-scroll' }, table),
    );
  }

  get shown(): ExploreMatrix | undefined {
    return this.matrix;
  }

  update(matrix: ExploreMatrix | undefined): void {
    this.matrix = matrix;
    this.replayed = undefined;
    this.active = 0;
    this.element.hidden = !matrix;
    clear(this.head);
    clear(this.body);
    clear(this.classes);
    this.showReplaying(undefined);
    if (!matrix) return;
    this.summary.textContent = `${matrix.scenario}: ${matrix.summary}`;
    for (const c of matrix.classes) {
      const item = el(
        'li',
        {},
        `${VERDICT_TEXT[c.verdict]} (${c.hazard}) under ${c.count}: when ${c.when} — breaks at line ${c.breaksAtLine + 1}`,
      );
      this.classes.append(item);
    }
    for (const note of matrix.notes) this.classes.append(el('li', { class: 'muted' }, note));
    const deciding = new Set(matrix.deciding);
    const headRow = el('tr');
    headRow.append(el('th', { scope: 'col' }, '#'));
    for (const d of matrix.dimensions) {
      const decides = deciding.has(d.key);
      headRow.append(
        el(
          'th',
          {
            scope: 'col',
            class: decides ? 'deciding' : undefined,
            title: decides ? 'decides safety' : undefined,
          },
          decides ? `${d.key} ★` : d.key,
        ),
      );
    }
    headRow.append(el('th', { scope: 'col' }, 'Verdict'), el('th', { scope: 'col' }, 'Hazard'));
    this.head.append(headRow);
    this.caption.textContent =
      `${matrix.total} behaviour${matrix.total === 1 ? '' : 's'}: ${matrix.counts.safe} safe, ` +
      `${matrix.counts.refused} refused, ${matrix.counts.unsafe} unsafe. ★ marks the traits that decide safety` +
      (matrix.deciding.length ? ` (${matrix.deciding.join(', ')})` : '') +
      '. Enter replays a behaviour in the address map.';
    const fragment = document.createDocumentFragment();
    matrix.behaviours.forEach((b, index) => {
      const row = el('tr', {
        tabindex: index === 0 ? 0 : -1,
        'data-index': index,
        'data-verdict': b.verdict,
        'aria-selected': 'false',
        class: b.verdict === 'safe' ? undefined : 'hazard',
      });
      row.append(el('td', {}, String(index + 1)));
      for (const d of matrix.dimensions)
        row.append(el('td', { class: deciding.has(d.key) ? 'deciding' : undefined }, b.values[d.key] ?? '?'));
      row.append(el('td', {}, VERDICT_TEXT[b.verdict]), el('td', {}, b.hazard ?? ''));
      row.addEventListener('click', () => {
        this.focusRow(index);
        this.host.replay(index);
      });
      fragment.append(row);
    });
    this.body.append(fragment);
  }

  /** The behaviour the address map replays (from the extension), or none. */
  showReplaying(index: number | undefined): void {
    this.replayed = index;
    for (const row of Array.from(this.body.querySelectorAll('tr[aria-selected="true"]')))
      row.setAttribute('aria-selected', 'false');
    const behaviour = index === undefined ? undefined : this.matrix?.behaviours[index];
    this.stop.hidden = !behaviour;
    if (!behaviour || index === undefined) {
      this.replaying.textContent = '';
      return;
    }
    this.body.children[index]?.setAttribute('aria-selected', 'true');
    const words = Object.entries(behaviour.values)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    this.replaying.textContent = `Replaying behaviour ${index + 1} (${words}): ${VERDICT_TEXT[behaviour.verdict]}${behaviour.hazard ? ` — ${behaviour.hazard}` : ''}.`;
  }

  get replayedIndex(): number | undefined {
    return this.replayed;
  }

  private focusRow(index: number): void {
    const rows = this.body.children;
    if (rows.length === 0) return;
    const next = Math.max(0, Math.min(rows.length - 1, index));
    rows[this.active]?.setAttribute('tabindex', '-1');
    const row = rows[next] as HTMLElement | undefined;
    row?.setAttribute('tabindex', '0');
    row?.focus();
    this.active = next;
  }

  private onKey(e: KeyboardEvent): void {
    const page = 10;
    switch (e.key) {
      case 'ArrowDown':
        this.focusRow(this.active + 1);
        break;
      case 'ArrowUp':
        this.focusRow(this.active - 1);
        break;
      case 'PageDown':
        this.focusRow(this.active + page);
        break;
      case 'PageUp':
        this.focusRow(this.active - page);
        break;
      case 'Home':
        this.focusRow(0);
        break;
      case 'End':
        this.focusRow(this.body.children.length - 1);
        break;
      case 'Enter':
      case ' ':
        this.host.replay(this.active);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }
}
