// Details of one mapping (hovered or selected): everything the protocol knows about it, as text.
import type { PanelMapping, PanelStep } from '../../../protocol/panel';
import { addressToBigInt, formatBytes, formatHex, sizeBytes } from '../layout/address';
import { actorLabel } from '../layout/lanes';
import { KIND_STYLE } from '../render/draw-map';
import { clear, el } from './dom';

/** Parts of a fork flag's provenance listed (a mapping one page-sized madvise at a time flagged). */
const FORK_FLAG_PARTS_SHOWN = 6;

export function mappingFacts(
  m: PanelMapping,
  steps: readonly PanelStep[],
  drivers: ReadonlySet<string>,
): [string, string][] {
  const size = sizeBytes(m.start, m.end);
  const facts: [string, string][] = [
    ['Range', `${formatHex(addressToBigInt(m.start))} – ${formatHex(addressToBigInt(m.end))}`],
    ['Size', `${formatBytes(size)} (${size.toString()} bytes)`],
    ['Protection', m.perms],
    ['Kind', KIND_STYLE[m.kind]?.short ?? m.kind],
    ['Backing', m.backing],
    ['Owner', actorLabel(m.owner, drivers)],
    ['Label', m.label],
    ['Made by', stepText(m.createdStep, m.line, steps)],
  ];
  // Which step set each fork flag the backing lists: the flag outlives the madvise line. A mapping
  // two madvise steps flagged in halves (merged since) names both, each with its pages.
  for (const f of m.forkFlags ?? []) {
    const shown = f.since.slice(0, FORK_FLAG_PARTS_SHOWN);
    const more = f.since.length - shown.length;
    const since =
      f.since.length === 1
        ? `since ${stepText(f.since[0]!.step, f.since[0]!.line, steps)}`
        : shown
            .map(
              (p) =>
                `on ${formatHex(addressToBigInt(p.start))} – ${formatHex(addressToBigInt(p.end))} since ${stepText(p.step, p.line, steps)}`,
            )
            .join('; ') + (more > 0 ? `; and ${more} more ${more === 1 ? 'part' : 'parts'}` : '');
    facts.push(['Fork flag', `${f.advice} (${f.flag}) ${since}`]);
  }
  if (m.stale) facts.push(['Stale', 'yes: moved away or emptied (DONTUNMAP); old pointers see other memory']);
  if (m.hazard) facts.push(['Hazard', m.hazard]);
  return facts;
}

/**
 * The selection in one line for the screen reader's announcement: label, range, size, kind and
 * owner, and whether it is stale or has a hazard (the details list and the table say the rest).
 */
export function selectionLine(m: PanelMapping | undefined, drivers: ReadonlySet<string>): string {
  if (!m) return 'No mapping selected';
  const marks = [m.stale ? 'stale' : '', m.hazard ? 'hazard' : ''].filter(Boolean);
  return (
    `${m.label}: ${formatHex(addressToBigInt(m.start))} – ${formatHex(addressToBigInt(m.end))}, ` +
    `${formatBytes(sizeBytes(m.start, m.end))}, ${KIND_STYLE[m.kind]?.short ?? m.kind}, ` +
    `${actorLabel(m.owner, drivers)}${marks.length ? ', ' + marks.join(', ') : ''}`
  );
}

/** `step 3, line 5: TEXT`, or `setup (line 1)` for step -1. */
function stepText(index: number, line: number, steps: readonly PanelStep[]): string {
  if (index < 0) return `setup (line ${line + 1})`;
  const step = steps[index];
  return `step ${index + 1}, line ${line + 1}${step ? ': ' + step.text : ''}`;
}

export class Details {
  readonly element = el('section', { id: 'details', class: 'details', 'aria-label': 'Mapping details' });
  /** Not a live region: the selection is announced in one line (Announcer, selectionLine). */
  private readonly body = el('div');

  constructor(private readonly onReveal: (line: number) => void) {
    this.element.append(el('h2', {}, 'Details'), this.body);
    this.show(undefined, [], new Set());
  }

  show(
    mapping: PanelMapping | undefined,
    steps: readonly PanelStep[],
    drivers: ReadonlySet<string>,
    heading?: string,
  ): void {
    clear(this.body);
    if (!mapping) {
      this.body.append(
        el('p', { class: 'muted' }, 'Hover or select a mapping (click, or arrow keys on the map).'),
      );
      return;
    }
    if (heading) this.body.append(el('p', { class: 'muted' }, heading));
    const list = el('dl');
    for (const [name, value] of mappingFacts(mapping, steps, drivers)) {
      list.append(el('dt', {}, name), el('dd', { class: name === 'Hazard' ? 'hazard' : undefined }, value));
    }
    const reveal = el('button', { type: 'button', class: 'link' }, `Go to line ${mapping.line + 1}`);
    reveal.addEventListener('click', () => this.onReveal(mapping.line));
    this.body.append(list, reveal);
  }
}
