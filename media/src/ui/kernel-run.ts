// "Run on This Kernel" in the panel: a marker per step — the running kernel and the simulation
// agree (✓), differ (✗), the step did not run on the kernel (–) or the harness's layout decided it
// (≈ not comparable) — with what each side did.
// Rows go to the step's line on Enter or click.
import type { KernelRunView, KernelStepStatus } from '../../../protocol/panel';
import { clear, el } from './dom';

const MARK: Readonly<Record<KernelStepStatus, string>> = {
  agree: '✓ agree',
  differ: '✗ differ',
  'not-run': '– not run',
  'not-comparable': '≈ not comparable',
};

export class KernelRunTable {
  readonly element = el('section', {
    id: 'kernel-section',
    class: 'kernel-section',
    'aria-label': 'Run on this kernel',
    hidden: true,
  });
  private readonly heading = el('h2', {}, 'On this kernel');
  private readonly notes = el('ul', { class: 'gaps' });
  private readonly caption = el('caption');
  private readonly body = el('tbody');

  /** The run shown, and the scenario the map follows: the run shows only under its own scenario. */
  private run: KernelRunView | undefined;
  private followed: { readonly uri: string; readonly scenarioIndex: number } | undefined;

  constructor(private readonly reveal: (line: number) => void) {
    const head = el('tr');
    for (const h of ['Step', 'Line', 'Kernel vs simulation', 'Kernel', 'Simulation', 'Why'])
      head.append(el('th', { scope: 'col' }, h));
    const table = el('table', { id: 'kernel-table' }, this.caption, el('thead', {}, head), this.body);
    this.element.append(this.heading, this.notes, el('div', { class: 'table-scroll' }, table));
  }

  /**
   * The scenario the map shows now (undefined: none). A run compares one scenario of one document
   * with the kernel: under another its notes and rows are another scenario's, and a row's line
   * would be revealed in the wrong file. It is hidden there, and shown again back under its own
   * scenario (the extension drops it when its document changes).
   */
  follow(followed: { readonly uri: string; readonly scenarioIndex: number } | undefined): void {
    this.followed = followed;
    this.showIfFollowed();
  }

  private showIfFollowed(): void {
    const run = this.run;
    const followed = this.followed;
    this.element.hidden =
      !run || !followed || followed.uri !== run.uri || followed.scenarioIndex !== run.scenarioIndex;
  }

  update(run: KernelRunView | undefined): void {
    this.run = run;
    this.showIfFollowed();
    clear(this.body);
    clear(this.notes);
    if (!run) return;
    this.heading.textContent = `On this kernel (${run.kernelRelease})`;
    const count = (s: KernelStepStatus) => run.steps.filter((x) => x.status === s).length;
    const notComparable = count('not-comparable');
    this.caption.textContent = `${run.scenario}: ${count('agree')} agree, ${count('differ')} differ, ${count('not-run')} not run${notComparable ? `, ${notComparable} not comparable` : ''}`;
    for (const note of run.notes) this.notes.append(el('li', { class: 'muted' }, note));
    for (const step of run.steps) {
      const row = el('tr', {
        tabindex: 0,
        'data-step': step.stepIndex,
        'data-status': step.status,
        class:
          step.status === 'differ'
            ? 'hazard'
            : step.status === 'not-run' || step.status === 'not-comparable'
              ? 'muted'
              : undefined,
      });
      for (const text of [
        String(step.stepIndex + 1),
        String(step.line + 1),
        MARK[step.status],
        step.kernel,
        step.simulation,
        step.detail,
      ])
        row.append(el('td', {}, text));
      row.addEventListener('click', () => this.reveal(step.line));
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') this.reveal(step.line);
      });
      this.body.append(row);
    }
  }
}
