// The accessible alternative to the canvas: a table of the mappings at the step, in address
// order, rendered a page at a time so 10,000 mappings stay cheap. Rows select on click or Enter;
// the button in each row reveals the line. Also the hook the tests read.
import { addressToBigInt, formatBytes, formatHex, sizeBytes } from '../layout/address';
import type { ChangeKind } from '../layout/diff';
import { actorLabel } from '../layout/lanes';
import type { PreparedMapping, PreparedState } from '../layout/model';
import { KIND_STYLE, mappingKey } from '../render/draw-map';
import { clear, el } from './dom';

const PAGE_ROWS = 100;
const HEADERS = [
  'Start',
  'End',
  'Size',
  'Perms',
  'Kind',
  'Actor',
  'Label',
  'Backing',
  'Step',
  'Marks',
  'Line',
];

/** The free-text columns, which wrap (indexes into a row's cells). */
const WRAPPED_COLUMNS: ReadonlySet<number> = new Set(
  ['Label', 'Backing', 'Marks'].map((h) => HEADERS.indexOf(h)),
);

export interface TableHost {
  select(mapping: PreparedMapping): void;
  reveal(line: number): void;
}

export class MappingTable {
  readonly element = el('section', { id: 'table-section', class: 'table-section', 'aria-label': 'Mappings' });
  private readonly caption = el('caption');
  private readonly tbody = el('tbody');
  private readonly more = el('button', { type: 'button', id: 'table-more' });
  private rows: PreparedMapping[] = [];
  private drivers: ReadonlySet<string> = new Set();
  private changes: readonly ChangeKind[] | undefined;
  private shown = 0;
  private selectedKey: string | undefined;

  constructor(private readonly host: TableHost) {
    const headRow = el('tr');
    for (const h of HEADERS) headRow.append(el('th', { scope: 'col' }, h));
    const table = el('table', { id: 'mapping-table' }, this.caption, el('thead', {}, headRow), this.tbody);
    this.more.addEventListener('click', () => this.renderRows(this.shown + PAGE_ROWS * 5));
    this.element.append(el('h2', {}, 'Mappings'), el('div', { class: 'table-scroll' }, table), this.more);
  }

  update(prepared: PreparedState, changes: readonly ChangeKind[] | undefined, stepLabel: string): void {
    this.drivers = prepared.drivers;
    this.rows = [...prepared.mappings].sort((a, b) => a.startPage - b.startPage || a.endPage - b.endPage);
    this.changes = changes;
    this.caption.textContent = `${this.rows.length} mapping${this.rows.length === 1 ? '' : 's'} — ${stepLabel}`;
    const keep = Math.min(this.shown, PAGE_ROWS * 5);
    clear(this.tbody);
    this.shown = 0;
    this.renderRows(Math.max(PAGE_ROWS, keep));
  }

  select(key: string | undefined): void {
    this.selectedKey = key;
    for (const row of Array.from(this.tbody.querySelectorAll('tr[aria-selected="true"]')))
      row.setAttribute('aria-selected', 'false');
    if (key === undefined) return;
    const index = this.rows.findIndex((m) => mappingKey(m.mapping) === key);
    if (index < 0) return;
    if (index >= this.shown) this.renderRows(index + 1);
    const row = this.tbody.children[index];
    row?.setAttribute('aria-selected', 'true');
  }

  private renderRows(count: number): void {
    const end = Math.min(this.rows.length, count);
    const fragment = document.createDocumentFragment();
    for (let i = this.shown; i < end; i++) fragment.append(this.row(this.rows[i]!));
    this.tbody.append(fragment);
    this.shown = end;
    const left = this.rows.length - this.shown;
    this.more.hidden = left <= 0;
    this.more.textContent = `Show ${Math.min(left, PAGE_ROWS * 5)} more of ${left} remaining rows`;
  }

  private row(m: PreparedMapping): HTMLTableRowElement {
    const map = m.mapping;
    const change = this.changes?.[m.id];
    const marks = [
      map.stale ? 'stale' : '',
      map.hazard ? `hazard: ${map.hazard}` : '',
      change && change !== 'same' ? change : '',
    ].filter(Boolean);
    const key = mappingKey(map);
    const reveal = el(
      'button',
      { type: 'button', class: 'link', 'aria-label': `Go to line ${map.line + 1}` },
      String(map.line + 1),
    );
    reveal.addEventListener('click', (e) => {
      e.stopPropagation();
      this.host.reveal(map.line);
    });
    const cells = [
      formatHex(addressToBigInt(map.start)),
      formatHex(addressToBigInt(map.end)),
      formatBytes(sizeBytes(map.start, map.end)),
      map.perms,
      KIND_STYLE[map.kind]?.short ?? map.kind,
      actorLabel(map.owner, this.drivers),
      map.label,
      map.backing,
      map.createdStep < 0 ? 'setup' : String(map.createdStep + 1),
      marks.join('; '),
    ];
    const row = el('tr', {
      tabindex: 0,
      'data-id': m.id,
      'data-start': map.start,
      'data-end': map.end,
      'data-line': map.line,
      'aria-selected': key === this.selectedKey ? 'true' : 'false',
      class: map.hazard ? 'hazard' : map.stale ? 'stale' : undefined,
    });
    // The free-text columns (label, backing, marks: a hazard's mark is a whole diagnostic) wrap,
    // so the line link after them stays on screen.
    cells.forEach((text, i) => row.append(el('td', WRAPPED_COLUMNS.has(i) ? { class: 'wrap' } : {}, text)));
    row.append(el('td', {}, reveal));
    row.addEventListener('click', () => this.host.select(m));
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.host.reveal(map.line);
      else if (e.key === ' ') {
        e.preventDefault();
        this.host.select(m);
      }
    });
    return row;
  }
}
