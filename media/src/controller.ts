// The panel's state and its wiring: follows state messages from the extension, owns the view
// (zoom/pan), the selection and the step the user asked for, and keeps the parts in step.
import { formatUsedPercent } from './layout/window-usage';
import {
  explorationFate,
  type ExploreMatrix,
  type PanelState,
  type ToPanelMessage,
} from '../../protocol/panel';
import { addressToPages, formatPageAddress, formatPages } from './layout/address';
import { xToPage, type PageInterval } from './layout/axis';
import { diffMappings } from './layout/diff';
import { laneOrder } from './layout/lanes';
import type { StepLabel } from './layout/step-ticks';
import { prepareState, type PreparedMapping, type PreparedState } from './layout/model';
import { clampView, fitRange, panBy, zoomAround, type View } from './layout/zoom';
import { mappingKey, type Pane } from './render/draw-map';
import { themePalette, type Palette } from './render/palette';
import type { SceneInput } from './render/scene';
import { Controls } from './ui/controls';
import { Announcer } from './ui/announcer';
import { Details, selectionLine } from './ui/details';
import { el } from './ui/dom';
import { ExploreMatrixView } from './ui/explore-matrix';
import { exportPng, exportSvg } from './ui/export';
import { KernelRunTable } from './ui/kernel-run';
import { Legend } from './ui/legend';
import { MapView, type MapHit } from './ui/map-view';
import { WindowStats } from './ui/stats';
import { MappingTable } from './ui/table';
import { Timeline, describeStep, stepPlace } from './ui/timeline';
import { Tooltip } from './ui/tooltip';
import type { PanelHost, PersistedPanelState } from './vscode-api';

/** An exact-enough address for a fractional page position (views may start mid-page). */
function pagePosition(page: number): string {
  const whole = Math.floor(page);
  return formatPageAddress(whole, Math.min(4095, Math.round((page - whole) * 4096)) & ~0xf);
}

/** How long a requested step waits for its echo before outside changes win again. */
const PENDING_TIMEOUT_MS = 2000;
const PERSIST_DELAY_MS = 250;
const PERSIST_MAX_MAPPINGS = 2000;

export class PanelController {
  private current: PreparedState | undefined;
  private comparePrepared: PreparedState | undefined;
  private compareState: PanelState | undefined;
  private panes: Pane[] = [];
  private view: View | undefined;
  private compress = true;
  private selectedKey: string | undefined;
  private hover: MapHit | undefined;
  /** Steps this panel asked for whose state has not come back yet, oldest first. */
  private pending: number[] = [];
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private tableTimer: ReturnType<typeof setTimeout> | undefined;
  private frame: number | undefined;
  private palette: Palette;
  private restoredFor: string | undefined;
  /** The followed state has shown the explored scenario (see explorationFate). */
  private exploreAnchored = false;
  lastRenderMs = 0;
  renderCount = 0;

  private readonly header = el('header', { class: 'header' });
  private readonly scenarioName = el('h1', { id: 'scenario-name' });
  private readonly scenarioPosition = el('span', { id: 'scenario-position', class: 'muted' });
  private readonly replayText = el('p', {
    id: 'replay-text',
    class: 'replay',
    'aria-live': 'polite',
    hidden: true,
  });
  private readonly viewText = el('p', { id: 'view-text', class: 'muted' });
  private readonly stepText = el('p', { id: 'step-text', 'aria-live': 'polite' });
  private readonly changesText = el('p', { id: 'changes', 'aria-live': 'polite' });
  private readonly empty = el('div', { id: 'empty', role: 'status', class: 'empty', hidden: true });
  private readonly content = el('div', { id: 'content', hidden: true });
  // An interactive widget, not an image: role=img left a screen reader in browse mode, which
  // keeps the arrow, +/-, W and Enter keys for itself. `application` passes them to the map. A
  // listbox with aria-activedescendant would need an element per mapping (10,000 of them) and
  // has no place for zoom and pan; the mapping table is that list already.
  private readonly canvas = el('canvas', {
    id: 'map',
    tabindex: 0,
    role: 'application',
    'aria-roledescription': 'address map',
  });
  private readonly announcer = new Announcer();
  readonly mapView: MapView;
  private readonly timeline: Timeline;
  private readonly controls: Controls;
  private readonly details: Details;
  private readonly stats: WindowStats;
  private readonly table: MappingTable;
  private readonly legend = new Legend();
  readonly exploreMatrix: ExploreMatrixView;
  private readonly kernelRun: KernelRunTable;
  private readonly tooltip = new Tooltip();

  constructor(
    root: HTMLElement,
    private readonly host: PanelHost,
  ) {
    this.palette = themePalette();
    this.mapView = new MapView(this.canvas, {
      hover: (hit, x, y) => this.onHover(hit, x, y),
      click: (hit) => this.onMapClick(hit),
      zoom: (factor, anchor) => {
        if (this.view && this.limit) this.setView(zoomAround(this.view, anchor, factor, this.limit));
      },
      pan: (delta) => {
        if (this.view && this.limit) this.setView(panBy(this.view, delta, this.limit));
      },
      resized: () => {
        this.scheduleRender();
        if (this.current) this.timeline.resized();
      },
    });
    this.timeline = new Timeline((step) => this.requestStep(step));
    this.controls = new Controls({
      previousStep: () => this.requestStep(this.timeline.stepIndex - 1),
      nextStep: () => this.requestStep(this.timeline.stepIndex + 1),
      zoomIn: () => this.zoomCentre(0.5),
      zoomOut: () => this.zoomCentre(2),
      fitAll: () => this.fitAll(),
      fitWindow: () => this.fitWindow(),
      fitSelection: () => this.fitSelection(),
      toggleCompress: () => this.toggleCompress(),
      compareWith: (step) => this.host.postMessage({ type: 'compareWith', stepIndex: step }),
      exportSvg: () => this.export('svg'),
      exportPng: () => this.export('png'),
    });
    this.details = new Details((line) => this.reveal(line));
    this.stats = new WindowStats((gap) => this.fitRange(gap));
    this.table = new MappingTable({
      select: (m) => this.select(m, false),
      reveal: (line) => this.reveal(line),
    });
    this.exploreMatrix = new ExploreMatrixView({
      replay: (index) => this.host.postMessage({ type: 'replay', behaviourIndex: index }),
    });
    this.kernelRun = new KernelRunTable((line) => this.reveal(line));
    this.header.append(this.scenarioName, this.scenarioPosition, this.replayText);
    const mapWrap = el('div', { id: 'map-wrap', class: 'map-wrap' }, this.canvas, this.announcer.element);
    this.content.append(
      this.controls.element,
      this.legend.element,
      mapWrap,
      this.viewText,
      el(
        'section',
        { class: 'timeline-section', 'aria-label': 'Timeline' },
        this.timeline.element,
        this.stepText,
      ),
      this.changesText,
      el('div', { class: 'info' }, this.details.element, this.stats.element),
      this.table.element,
    );
    root.append(
      el(
        'main',
        { id: 'app' },
        this.header,
        this.empty,
        this.content,
        this.kernelRun.element,
        this.exploreMatrix.element,
      ),
      this.tooltip.element,
    );
    this.canvas.addEventListener('keydown', (e) => this.onMapKey(e));
    document.addEventListener('keydown', (e) => this.onDocumentKey(e));
    const themeObserver = new MutationObserver(() => this.onThemeChange());
    themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
    themeObserver.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['class', 'style'],
    });
    this.restore(host.getState());
  }

  // ---- messages from the extension ----

  handleMessage(message: ToPanelMessage): void {
    if (message.type === 'state') this.onState(message.state);
    else if (message.type === 'compare') this.onCompare(message.state);
    else if (message.type === 'empty') this.onEmpty(message.reason);
    else if (message.type === 'explore') this.onExplore(message.result);
    else if (message.type === 'replaying') this.exploreMatrix.showReplaying(message.behaviourIndex);
    else if (message.type === 'kernel') this.kernelRun.update(message.run);
  }

  private onState(state: PanelState): void {
    this.kernelRun.follow({ uri: state.uri, scenarioIndex: state.scenarioIndex });
    const previous = this.current?.state;
    const sameScenario =
      previous && previous.uri === state.uri && previous.scenarioIndex === state.scenarioIndex;
    // The echo of our own selectStep: follow it, but keep the thumb on the newest request.
    const echoAt = this.pending.indexOf(state.stepIndex);
    if (echoAt >= 0) this.pending = this.pending.slice(echoAt + 1);
    else this.pending = [];
    if (this.pending.length === 0) this.clearPendingTimer();
    const restoredElsewhere = !previous && this.restoredFor !== undefined && this.restoredFor !== state.uri;
    if ((!sameScenario && previous) || restoredElsewhere) {
      this.compareState = undefined;
      this.view = undefined;
    }
    if (this.compareState && this.compareState.uri !== state.uri) this.compareState = undefined;
    this.followExploration(state);
    this.prepare(state);
    if (!this.view) this.view = this.fullView();
    else this.view = clampView(this.view, this.limit!);
    this.showContent();
    this.updateParts();
    this.scheduleRender();
    this.persistSoon();
  }

  private onExplore(matrix: ExploreMatrix | undefined): void {
    this.exploreMatrix.update(matrix);
    // Anchored at once if the map already shows the explored scenario. Nothing is dropped here:
    // the state of a document exploring just opened may come after the matrix.
    const state = this.current?.state;
    this.exploreAnchored =
      !!matrix && state?.uri === matrix.uri && state.scenarioIndex === matrix.scenarioIndex;
  }

  /** Hides the exploration (and its replay) once the map follows another document or scenario. */
  private followExploration(state: PanelState): void {
    const explored = this.exploreMatrix.shown;
    if (!explored) return;
    const fate = explorationFate(explored, state, this.exploreAnchored);
    if (fate === 'anchor') this.exploreAnchored = true;
    else if (fate === 'drop') {
      this.exploreAnchored = false;
      this.exploreMatrix.update(undefined);
    }
  }

  private onCompare(state: PanelState | undefined): void {
    this.compareState = state;
    if (this.current) {
      this.prepare(this.current.state);
      this.updateParts();
      this.scheduleRender();
    }
  }

  private onEmpty(reason: string): void {
    this.kernelRun.follow(undefined);
    this.current = undefined;
    this.comparePrepared = undefined;
    this.panes = [];
    this.empty.textContent = reason;
    this.empty.hidden = false;
    this.content.hidden = true;
    this.scenarioName.textContent = 'drvmap address space';
    this.scenarioPosition.textContent = '';
  }

  private prepare(state: PanelState): void {
    const compare = this.compareState;
    const lanes = compare
      ? laneOrder([...state.mappings, ...compare.mappings].map((m) => m.owner))
      : undefined;
    this.current = prepareState(state, lanes);
    this.comparePrepared = compare ? prepareState(compare, lanes) : undefined;
    const other = this.comparePrepared;
    if (!other) {
      this.panes = [{ prepared: this.current, title: undefined, changes: undefined }];
      return;
    }
    const currentFirst = state.stepIndex <= other.state.stepIndex;
    const before = currentFirst ? this.current : other;
    const after = currentFirst ? other : this.current;
    const diff = diffMappings(before.state.mappings, after.state.mappings);
    this.panes = [
      {
        prepared: before,
        title: `Before — ${describeStep(before.state.steps, before.state.stepIndex)}`,
        changes: diff.before,
      },
      {
        prepared: after,
        title: `After — ${describeStep(after.state.steps, after.state.stepIndex)}`,
        changes: diff.after,
      },
    ];
    this.changesText.textContent =
      `Compared with ${describeStep(other.state.steps, other.state.stepIndex)}: ` +
      `${diff.added} added, ${diff.removed} removed, ${diff.changed} changed.`;
  }

  // ---- the parts of the page ----

  private showContent(): void {
    this.empty.hidden = true;
    this.content.hidden = false;
  }

  private updateParts(): void {
    const prepared = this.current;
    if (!prepared) return;
    const state = prepared.state;
    this.scenarioName.textContent = state.scenario || '(unnamed scenario)';
    this.scenarioPosition.textContent =
      state.scenarioCount > 1 ? `scenario ${state.scenarioIndex + 1} of ${state.scenarioCount}` : '';
    this.replayText.hidden = state.replay === undefined;
    this.replayText.textContent =
      state.replay === undefined ? '' : `Replaying the driver behaviour: ${state.replay}`;
    if (!this.compareState) this.changesText.textContent = '';
    const displayed = this.pending.length > 0 ? this.pending[this.pending.length - 1]! : state.stepIndex;
    this.timeline.update(state.steps, displayed, this.compareState?.stepIndex, this.palette);
    this.stepText.textContent = describeStep(state.steps, state.stepIndex);
    const lanes = this.panes[0]?.prepared.lanes ?? prepared.lanes;
    this.legend.update(lanes, this.panes[0]?.prepared.drivers ?? prepared.drivers, this.palette);
    this.controls.update(
      state.steps,
      this.compareState?.stepIndex,
      this.compress,
      this.selectedKey !== undefined,
    );
    this.stats.update(prepared);
    this.scheduleTableUpdate();
    this.showSelectionDetails();
    this.canvas.setAttribute(
      'aria-label',
      `Address space map, ${describeStep(state.steps, state.stepIndex)}: ${state.mappings.length} mappings; ` +
        `window ${formatUsedPercent(prepared.usage.usedFraction)} in use. ` +
        'Arrow keys select mappings, plus and minus zoom, W fits the window, Enter goes to the line. The table below lists every mapping.',
    );
  }

  /**
   * The table follows in the next task, after the map is painted: building and laying out its
   * rows is the slowest part of a step with thousands of mappings.
   */
  private scheduleTableUpdate(): void {
    if (this.tableTimer !== undefined) return;
    this.tableTimer = setTimeout(() => {
      this.tableTimer = undefined;
      const prepared = this.current;
      if (!prepared) return;
      const changes = this.panes.find((p) => p.prepared === prepared)?.changes;
      this.table.update(prepared, changes, stepPlace(prepared.state.steps, prepared.state.stepIndex));
      this.table.select(this.selectedKey);
    }, 0);
  }

  private showSelectionDetails(): void {
    const selected = this.selectedMapping();
    this.details.show(selected?.mapping, this.current?.state.steps ?? [], this.current?.drivers ?? new Set());
  }

  // ---- rendering ----

  scheduleRender(): void {
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.renderNow();
    });
  }

  renderNow(): number {
    if (this.frame !== undefined) {
      cancelAnimationFrame(this.frame);
      this.frame = undefined;
    }
    const input = this.sceneInput();
    if (!input) return 0;
    const started = performance.now();
    this.mapView.render(input, this.palette);
    this.lastRenderMs = performance.now() - started;
    this.renderCount++;
    const scene = this.mapView.currentScene;
    if (scene && this.view) {
      const breaks = scene.axis.segments.filter((s) => s.kind === 'break').length;
      this.viewText.textContent =
        `Showing ${pagePosition(this.view.startPage)} – ${pagePosition(this.view.endPage)}` +
        ` (${formatPages(this.view.endPage - this.view.startPage)})` +
        (breaks ? `, ${breaks} empty gap${breaks === 1 ? '' : 's'} collapsed` : '');
    }
    return this.lastRenderMs;
  }

  sceneInput(): SceneInput | undefined {
    if (!this.current || !this.view) return undefined;
    return {
      panes: this.panes,
      view: this.view,
      compress: this.compress,
      selectedKey: this.selectedKey,
      hover: this.hover ? { pane: this.hover.pane, id: this.hover.mapping.id } : undefined,
    };
  }

  private onThemeChange(): void {
    this.palette = themePalette();
    if (!this.current) return;
    this.updateParts();
    this.scheduleRender();
  }

  // ---- view: zoom and pan ----

  get limit(): number | undefined {
    if (!this.current) return undefined;
    return Math.max(this.current.addressSpaceEndPage, this.comparePrepared?.addressSpaceEndPage ?? 0);
  }

  private fullView(): View {
    return { startPage: 0, endPage: this.limit ?? 2 ** 35 };
  }

  private setView(view: View | undefined): void {
    if (!view) return;
    this.view = view;
    this.scheduleRender();
    this.persistSoon();
  }

  private zoomCentre(factor: number): void {
    if (!this.view || !this.limit) return;
    const selected = this.selectedMapping();
    const inView =
      selected && selected.endPage > this.view.startPage && selected.startPage < this.view.endPage
        ? selected
        : undefined;
    const axis = this.mapView.currentScene?.axis;
    if (!inView && factor < 1 && axis && axis.segments.some((s) => s.kind === 'break')) {
      // With empty gaps collapsed, the middle of the page range is most likely in one of them:
      // zooming around it showed nothing. Zoom into the middle of the screen instead, so what is
      // drawn there stays in view.
      const half = (axis.widthPx * factor) / 2;
      const start = xToPage(axis, axis.widthPx / 2 - half);
      const end = xToPage(axis, axis.widthPx / 2 + half);
      this.setView(clampView({ startPage: start, endPage: end }, this.limit));
      return;
    }
    const anchor = inView
      ? (Math.max(inView.startPage, this.view.startPage) + Math.min(inView.endPage, this.view.endPage)) / 2
      : (this.view.startPage + this.view.endPage) / 2;
    this.setView(zoomAround(this.view, anchor, factor, this.limit));
  }

  fitAll(): void {
    this.setView(this.fullView());
  }

  fitWindow(): void {
    if (this.current) this.fitRange(this.current.window);
  }

  fitSelection(): void {
    const selected = this.selectedMapping();
    if (selected) this.fitRange(selected);
  }

  private fitRange(range: PageInterval): void {
    if (this.limit) this.setView(fitRange(range.startPage, range.endPage, this.limit));
  }

  private toggleCompress(): void {
    this.compress = !this.compress;
    this.updateParts();
    this.scheduleRender();
    this.persistSoon();
  }

  // ---- selection, hover, steps ----

  private selectedMapping(): PreparedMapping | undefined {
    if (this.selectedKey === undefined || !this.current) return undefined;
    return this.current.mappings.find((m) => mappingKey(m.mapping) === this.selectedKey);
  }

  private select(m: PreparedMapping | undefined, fromMap: boolean): void {
    this.selectedKey = m ? mappingKey(m.mapping) : undefined;
    this.announcer.say(selectionLine(m?.mapping, this.current?.drivers ?? new Set()));
    this.table.select(this.selectedKey);
    this.showSelectionDetails();
    if (this.current)
      this.controls.update(
        this.current.state.steps,
        this.compareState?.stepIndex,
        this.compress,
        m !== undefined,
      );
    // Keep a keyboard selection on screen.
    if (m && !fromMap && this.view && (m.endPage <= this.view.startPage || m.startPage >= this.view.endPage))
      this.fitRange(m);
    this.scheduleRender();
    this.persistSoon();
  }

  private onHover(hit: MapHit | undefined, clientX: number, clientY: number): void {
    const changed = hit?.mapping.id !== this.hover?.mapping.id || hit?.pane !== this.hover?.pane;
    this.hover = hit;
    this.tooltip.show(hit?.mapping.mapping, this.current?.drivers ?? new Set(), clientX, clientY);
    this.canvas.style.cursor = hit ? 'pointer' : 'default';
    if (changed) this.scheduleRender();
  }

  private onMapClick(hit: MapHit | undefined): void {
    this.canvas.focus();
    this.select(hit?.mapping, true);
    if (hit) this.reveal(hit.mapping.mapping.line);
  }

  private reveal(line: number): void {
    this.host.postMessage({ type: 'reveal', line });
  }

  /** The user moved through the timeline. The state comes back as a message; its echo is not re-posted. */
  requestStep(step: number): void {
    const state = this.current?.state;
    if (!state) return;
    const bounded = Math.max(-1, Math.min(state.steps.length - 1, step));
    const shown = this.pending.length > 0 ? this.pending[this.pending.length - 1] : state.stepIndex;
    if (bounded === shown) return;
    this.pending.push(bounded);
    this.timeline.show(bounded);
    this.stepText.textContent = describeStep(state.steps, bounded);
    this.clearPendingTimer();
    this.pendingTimer = setTimeout(() => (this.pending = []), PENDING_TIMEOUT_MS);
    this.host.postMessage({ type: 'selectStep', stepIndex: bounded });
    this.persistSoon();
  }

  private clearPendingTimer(): void {
    if (this.pendingTimer !== undefined) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
  }

  get pendingSteps(): readonly number[] {
    return this.pending;
  }

  // ---- keyboard ----

  private onMapKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const handled = this.mapShortcut(e);
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  private mapShortcut(e: KeyboardEvent): boolean {
    switch (e.key) {
      case '+':
      case '=':
        this.zoomCentre(0.5);
        return true;
      case '-':
      case '_':
        this.zoomCentre(2);
        return true;
      case '0':
        this.fitAll();
        return true;
      case 'w':
        this.fitWindow();
        return true;
      case 'f':
        this.fitSelection();
        return true;
      case 'c':
        this.toggleCompress();
        return true;
      case 'Enter': {
        const selected = this.selectedMapping();
        if (selected) this.reveal(selected.mapping.line);
        return selected !== undefined;
      }
      case 'Escape':
        this.select(undefined, true);
        return true;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const direction = e.key === 'ArrowLeft' ? -1 : 1;
        if (e.shiftKey && this.view && this.limit) {
          this.setView(
            panBy(this.view, (direction * (this.view.endPage - this.view.startPage)) / 10, this.limit),
          );
          return true;
        }
        this.selectNeighbour(direction);
        return true;
      }
      default:
        return false;
    }
  }

  private selectNeighbour(direction: number): void {
    if (!this.current || this.current.mappings.length === 0) return;
    const ordered = [...this.current.mappings].sort((a, b) => a.startPage - b.startPage || a.lane - b.lane);
    const at = ordered.findIndex((m) => mappingKey(m.mapping) === this.selectedKey);
    const next =
      at < 0
        ? direction > 0
          ? 0
          : ordered.length - 1
        : Math.max(0, Math.min(ordered.length - 1, at + direction));
    this.select(ordered[next], false);
  }

  /** `[` and `]` step anywhere; arrows step when nothing in particular has focus. */
  private onDocumentKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement | null;
    const idle = !target || target === document.body || target === document.documentElement;
    const step = this.timeline.stepIndex;
    if (e.key === '[' || (idle && e.key === 'ArrowLeft')) this.requestStep(step - 1);
    else if (e.key === ']' || (idle && e.key === 'ArrowRight')) this.requestStep(step + 1);
    else return;
    e.preventDefault();
  }

  // ---- export ----

  private export(format: 'svg' | 'png'): void {
    const input = this.sceneInput();
    if (!input || !this.current) return;
    const width = Math.max(600, this.canvas.clientWidth);
    const title = `drvmap — ${this.current.state.scenario} — ${describeStep(this.current.state.steps, this.current.state.stepIndex)}`;
    const data = format === 'svg' ? exportSvg(input, width, title) : exportPng(input, width);
    this.host.postMessage({ type: 'export', format, data });
  }

  // ---- hidden and shown again ----

  private persistSoon(): void {
    if (this.persistTimer !== undefined) clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => this.persist(), PERSIST_DELAY_MS);
  }

  persist(): void {
    const state = this.current?.state;
    const persisted: PersistedPanelState = {
      uri: state?.uri,
      scenarioIndex: state?.scenarioIndex,
      view: this.view,
      compress: this.compress,
      selectedKey: this.selectedKey,
      stepIndex: state?.stepIndex,
      tableOpen: true,
      lastState: state && state.mappings.length <= PERSIST_MAX_MAPPINGS ? state : undefined,
    };
    this.host.setState(persisted);
  }

  private restore(saved: PersistedPanelState | undefined): void {
    if (!saved) return;
    this.compress = saved.compress ?? true;
    this.selectedKey = saved.selectedKey;
    if (saved.lastState) {
      this.onState(saved.lastState);
      if (saved.view) this.view = clampView(saved.view, this.limit ?? 2 ** 52);
    } else if (saved.view) this.view = saved.view;
    this.restoredFor = saved.uri;
  }

  /** For the test hook: pages of a hex address range to a view. */
  showRange(start: string, end: string): void {
    this.fitRange({ startPage: addressToPages(start), endPage: addressToPages(end) });
  }

  get state(): {
    stepIndex: number | undefined;
    displayedStep: number;
    view: View | undefined;
    compress: boolean;
    selectedKey: string | undefined;
    comparing: boolean;
  } {
    return {
      stepIndex: this.current?.state.stepIndex,
      displayedStep: this.timeline.stepIndex,
      view: this.view,
      compress: this.compress,
      selectedKey: this.selectedKey,
      comparing: this.comparePrepared !== undefined,
    };
  }

  /** The timeline's step numbers as drawn (for the test hook). */
  get timelineLabels(): readonly StepLabel[] {
    return this.timeline.drawnLabels;
  }

  get prepared(): PreparedState | undefined {
    return this.current;
  }
}
