// The toolbar: every action of the map as a real button (keyboard reachable, labelled, with its
// shortcut in the title), the compare selector and the exports.
import type { PanelStep } from '../../../protocol/panel';
import { clear, el } from './dom';

export interface ControlActions {
  previousStep(): void;
  nextStep(): void;
  zoomIn(): void;
  zoomOut(): void;
  fitAll(): void;
  fitWindow(): void;
  fitSelection(): void;
  toggleCompress(): void;
  compareWith(stepIndex: number | undefined): void;
  exportSvg(): void;
  exportPng(): void;
}

export class Controls {
  readonly element = el('div', {
    id: 'toolbar',
    class: 'toolbar',
    role: 'toolbar',
    'aria-label': 'Map controls',
  });
  private readonly compress: HTMLButtonElement;
  private readonly compare = el('select', { id: 'compare', 'aria-label': 'Compare with step' });
  private readonly fitSelectionButton: HTMLButtonElement;
  private stepsKey = '';

  constructor(actions: ControlActions) {
    const button = (id: string, text: string, title: string, action: () => void): HTMLButtonElement => {
      const b = el('button', { type: 'button', id, title }, text);
      b.addEventListener('click', action);
      return b;
    };
    this.compress = button(
      'compress',
      'Compress gaps',
      'Collapse large empty gaps into labelled breaks (c)',
      () => actions.toggleCompress(),
    );
    this.fitSelectionButton = button(
      'fit-selection',
      'Fit selection',
      'Zoom to the selected mapping (f)',
      () => actions.fitSelection(),
    );
    this.compare.addEventListener('change', () => {
      const value = this.compare.value;
      actions.compareWith(value === '' ? undefined : Number(value));
    });
    this.element.append(
      el(
        'span',
        { class: 'group', role: 'group', 'aria-label': 'Steps' },
        button('step-previous', '◀ Step', 'Previous step', () => actions.previousStep()),
        button('step-next', 'Step ▶', 'Next step', () => actions.nextStep()),
      ),
      el(
        'span',
        { class: 'group', role: 'group', 'aria-label': 'Zoom' },
        button('zoom-in', 'Zoom in', 'Zoom in (+ or wheel)', () => actions.zoomIn()),
        button('zoom-out', 'Zoom out', 'Zoom out (- or wheel)', () => actions.zoomOut()),
        button('fit-all', 'Fit all', 'Whole address space (0)', () => actions.fitAll()),
        button('fit-window', 'Fit window', 'The 32-bit window (w)', () => actions.fitWindow()),
        this.fitSelectionButton,
        this.compress,
      ),
      el('label', { class: 'group' }, 'Compare ', this.compare),
      el(
        'span',
        { class: 'group', role: 'group', 'aria-label': 'Export' },
        button('export-svg', 'Export SVG', 'Save the picture as SVG (light)', () => actions.exportSvg()),
        button('export-png', 'Export PNG', 'Save the picture as PNG (light)', () => actions.exportPng()),
      ),
    );
  }

  update(
    steps: readonly PanelStep[],
    compareStep: number | undefined,
    compress: boolean,
    hasSelection: boolean,
  ): void {
    this.compress.setAttribute('aria-pressed', String(compress));
    this.fitSelectionButton.disabled = !hasSelection;
    const key = steps.map((s) => s.text).join('\u0000');
    if (key !== this.stepsKey) {
      this.stepsKey = key;
      clear(this.compare);
      this.compare.append(el('option', { value: '' }, 'off'));
      this.compare.append(el('option', { value: -1 }, 'before the first step'));
      steps.forEach((s, i) => this.compare.append(el('option', { value: i }, `step ${i + 1}: ${s.text}`)));
    }
    this.compare.value = compareStep === undefined ? '' : String(compareStep);
  }
}
