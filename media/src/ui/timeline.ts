// The timeline: every step a tick, steps with errors or warnings marked in the hazard colour
// with a taller triangle (shape as well as colour). A slider for keyboard and screen readers;
// drag or arrow keys to move. Step -1 is the state before the first step.
import type { PanelStep } from '../../../protocol/panel';
import { stepLabels, type StepLabel } from '../layout/step-ticks';
import type { Palette } from '../render/palette';
import { el } from './dom';

const PAD_PX = 10;
const HEIGHT_PX = 42;

export class Timeline {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private steps: readonly PanelStep[] = [];
  private current = -1;
  private compareStep: number | undefined;
  private palette: Palette | undefined;
  private dragging = false;
  private widthPx: number | undefined;
  private labels: readonly StepLabel[] = [];

  constructor(private readonly onSelect: (stepIndex: number) => void) {
    this.canvas = el('canvas', { 'aria-hidden': 'true' });
    this.element = el('div', {
      id: 'timeline',
      class: 'timeline',
      role: 'slider',
      tabindex: 0,
      'aria-label': 'Step',
      'aria-valuemin': -1,
    });
    this.element.append(this.canvas);
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('pointerdown', (e) => {
      this.dragging = true;
      this.element.setPointerCapture(e.pointerId);
      this.element.focus();
      this.pick(e.clientX);
    });
    this.element.addEventListener('pointermove', (e) => {
      if (this.dragging) this.pick(e.clientX);
    });
    this.element.addEventListener('pointerup', (e) => {
      this.dragging = false;
      if (this.element.hasPointerCapture(e.pointerId)) this.element.releasePointerCapture(e.pointerId);
    });
  }

  /** The step numbers drawn, where (for tests). */
  get drawnLabels(): readonly StepLabel[] {
    return this.labels;
  }

  get stepIndex(): number {
    return this.current;
  }

  update(
    steps: readonly PanelStep[],
    current: number,
    compareStep: number | undefined,
    palette: Palette,
  ): void {
    this.steps = steps;
    this.current = current;
    this.compareStep = compareStep;
    this.palette = palette;
    this.element.setAttribute('aria-valuemax', String(steps.length - 1));
    this.element.setAttribute('aria-valuenow', String(current));
    this.element.setAttribute('aria-valuetext', describeStep(steps, current));
    this.draw();
  }

  /** The panel changed width: measure again (only then, so drawing never forces a layout). */
  resized(): void {
    this.widthPx = undefined;
    this.draw();
  }

  /** Moves the thumb without waiting for the extension's answer. */
  show(current: number): void {
    if (this.palette) this.update(this.steps, current, this.compareStep, this.palette);
  }

  private xOf(step: number, width: number): number {
    const n = this.steps.length;
    return PAD_PX + ((step + 1) / Math.max(1, n)) * (width - 2 * PAD_PX);
  }

  private pick(clientX: number): void {
    const rect = this.canvas.getBoundingClientRect();
    const n = this.steps.length;
    const t = (clientX - rect.left - PAD_PX) / Math.max(1, rect.width - 2 * PAD_PX);
    const step = Math.max(-1, Math.min(n - 1, Math.round(t * n) - 1));
    this.move(step);
  }

  private move(step: number): void {
    const bounded = Math.max(-1, Math.min(this.steps.length - 1, step));
    if (bounded === this.current) return;
    this.show(bounded);
    this.onSelect(bounded);
  }

  private onKey(e: KeyboardEvent): void {
    const moves: Record<string, number> = {
      ArrowLeft: -1,
      ArrowDown: -1,
      ArrowRight: 1,
      ArrowUp: 1,
      PageUp: 10,
      PageDown: -10,
    };
    if (e.key in moves) this.move(this.current + moves[e.key]!);
    else if (e.key === 'Home') this.move(-1);
    else if (e.key === 'End') this.move(this.steps.length - 1);
    else return;
    e.preventDefault();
  }

  private draw(): void {
    const c = this.palette;
    if (!c) return;
    this.widthPx ??= this.element.clientWidth || 600;
    const width = Math.max(100, this.widthPx);
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(HEIGHT_PX * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${HEIGHT_PX}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = c.background;
    ctx.fillRect(0, 0, width, HEIGHT_PX);
    const mid = 20;
    ctx.strokeStyle = c.muted;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(PAD_PX, mid);
    ctx.lineTo(width - PAD_PX, mid);
    ctx.stroke();
    for (let step = -1; step < this.steps.length; step++) {
      const x = Math.round(this.xOf(step, width)) + 0.5;
      const severity = step >= 0 ? this.steps[step]?.severity : undefined;
      ctx.strokeStyle = severity === 'error' ? c.hazard : severity === 'warning' ? c.warning : c.foreground;
      ctx.lineWidth = severity ? 2 : 1;
      ctx.beginPath();
      ctx.moveTo(x, severity ? mid - 8 : mid - 4);
      ctx.lineTo(x, mid + 4);
      ctx.stroke();
      if (severity === 'error' || severity === 'warning') {
        ctx.fillStyle = severity === 'error' ? c.hazard : c.warning;
        ctx.beginPath();
        ctx.moveTo(x - 4, 4);
        ctx.lineTo(x + 4, 4);
        ctx.lineTo(x, 11);
        ctx.closePath();
        if (severity === 'error') ctx.fill();
        else ctx.stroke();
      }
    }
    // Step numbers at a nice interval, measured so that no two labels touch.
    ctx.fillStyle = c.muted;
    ctx.font = `10px ${c.font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    this.labels = stepLabels({
      count: this.steps.length,
      widthPx: width,
      xOf: (step) => this.xOf(step, width),
      labelWidthPx: (text) => ctx.measureText(text).width,
    });
    for (const label of this.labels) ctx.fillText(label.text, label.left, mid + 14);
    if (this.compareStep !== undefined) {
      const x = this.xOf(this.compareStep, width);
      ctx.strokeStyle = c.info;
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 5, mid - 6, 10, 12);
    }
    const x = this.xOf(this.current, width);
    ctx.fillStyle = c.focus;
    ctx.beginPath();
    ctx.arc(x, mid, 6, 0, Math.PI * 2);
    ctx.fill();
    ctx.strokeStyle = c.background;
    ctx.lineWidth = 2;
    ctx.stroke();
  }
}

/**
 * Which step, without its text and result: the mapping table's caption, which sits in a
 * horizontally scrolled box where a long result note would run out of sight (the whole
 * description is above the map, where it wraps).
 */
export function stepPlace(steps: readonly PanelStep[], index: number): string {
  if (index < 0) return `before the first step (of ${steps.length})`;
  const step = steps[index];
  return step ? `step ${index + 1} of ${steps.length}, line ${step.line + 1}` : `step ${index + 1}`;
}

export function describeStep(steps: readonly PanelStep[], index: number): string {
  if (index < 0) return `Before the first step (of ${steps.length})`;
  const step = steps[index];
  if (!step) return `Step ${index + 1}`;
  const severity = step.severity
    ? ` — ${step.severity}${step.severityLine !== undefined ? ` on line ${step.severityLine + 1}` : ''}`
    : '';
  return `Step ${index + 1} of ${steps.length}, line ${step.line + 1}: ${step.text}${step.result ? ' ' + step.result : ''}${severity}`;
}
