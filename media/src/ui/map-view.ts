// The map canvas on screen: sizes itself to its container at device resolution, draws the
// scene, and turns pointer and wheel input into hover, selection, zoom and pan requests.
import { segmentAtX, xToPage } from '../layout/axis';
import { ROW, rowAt } from '../layout/geometry';
import { hitTestLane } from '../layout/hit-test';
import type { PreparedMapping } from '../layout/model';
import { CanvasPainter } from '../render/canvas-painter';
import { drawMap, type DrawnLabel, type MapScene } from '../render/draw-map';
import type { Palette } from '../render/palette';
import { buildScene, type SceneInput } from '../render/scene';

export interface MapHit {
  readonly pane: number;
  readonly mapping: PreparedMapping;
}

export interface MapViewHost {
  hover(hit: MapHit | undefined, clientX: number, clientY: number): void;
  click(hit: MapHit | undefined): void;
  /** factor < 1 zooms in, around the page under the pointer. */
  zoom(factor: number, anchorPage: number): void;
  pan(deltaPages: number): void;
  resized(): void;
}

export class MapView {
  private scene: MapScene | undefined;
  private labels: readonly DrawnLabel[] = [];
  private drag: { x: number; moved: boolean; pointerId: number } | undefined;
  /** Width of the container, kept by a ResizeObserver: reading clientWidth while drawing would force a layout. */
  private widthPx: number | undefined;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly host: MapViewHost,
  ) {
    canvas.addEventListener('pointermove', (e) => this.onPointerMove(e));
    canvas.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    canvas.addEventListener('pointerup', (e) => this.onPointerUp(e));
    canvas.addEventListener('pointerleave', () => this.host.hover(undefined, 0, 0));
    canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    const container = canvas.parentElement;
    if (container)
      new ResizeObserver((entries) => {
        const width = entries[entries.length - 1]?.contentRect.width;
        if (width && Math.floor(width) !== this.widthPx) {
          this.widthPx = Math.floor(width);
          this.host.resized();
        }
      }).observe(container);
  }

  get currentScene(): MapScene | undefined {
    return this.scene;
  }

  /** Captions and labels as last drawn (a cut one shows its whole text as the canvas's title). */
  get drawnLabels(): readonly DrawnLabel[] {
    return this.labels;
  }

  /** The whole text of a cut caption at a point, if any. */
  private cutLabelAt(x: number, y: number): string | undefined {
    const label = this.labels.find(
      (l) => l.text !== l.full && x >= l.x && x < l.x + l.w && y >= l.y && y < l.y + l.h,
    );
    return label?.full;
  }

  render(input: SceneInput, palette: Palette): MapScene {
    this.widthPx ??= Math.floor(this.canvas.parentElement?.clientWidth ?? 800);
    const width = Math.max(200, this.widthPx);
    const dpr = window.devicePixelRatio || 1;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    const painter = new CanvasPainter(ctx, palette.font, dpr);
    const scene = buildScene(input, width, palette, (text, bold) =>
      painter.measureText(text, { size: 10, bold }),
    );
    const height = scene.geometry.height;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${height}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.labels = drawMap(painter, scene);
    this.scene = scene;
    return scene;
  }

  /** The mapping drawn at a point in canvas CSS pixels. */
  hitTest(x: number, y: number): MapHit | undefined {
    const scene = this.scene;
    if (!scene) return undefined;
    const row = rowAt(scene.geometry, y);
    if (!row) return undefined;
    const pane = scene.panes[row.pane];
    const pg = scene.geometry.panes[row.pane];
    if (!pane || !pg) return undefined;
    const ax = x - scene.geometry.gutterPx;
    const lanes =
      row.lane !== undefined
        ? [row.lane]
        : y >= pg.hazardY && y < pg.hazardY + ROW.hazard
          ? pane.prepared.laneIndexes.map((_, i) => i)
          : [];
    for (const lane of lanes) {
      const index = pane.prepared.laneIndexes[lane];
      if (!index) continue;
      const id = hitTestLane(scene.axis, index, ax);
      if (id === undefined) continue;
      const mapping = pane.prepared.mappings[id]!;
      if (row.lane === undefined && !mapping.mapping.hazard) continue;
      return { pane: row.pane, mapping };
    }
    return undefined;
  }

  /** Page position under a canvas x (for zoom anchors). */
  pageAt(x: number): number | undefined {
    const scene = this.scene;
    if (!scene) return undefined;
    const ax = Math.min(Math.max(0, x - scene.geometry.gutterPx), scene.axis.widthPx);
    return xToPage(scene.axis, ax);
  }

  private local(e: MouseEvent): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.host.hover(undefined, 0, 0);
    this.drag = { x: e.clientX, moved: false, pointerId: e.pointerId };
  }

  private onPointerMove(e: PointerEvent): void {
    const [x, y] = this.local(e);
    const drag = this.drag;
    if (drag && (e.buttons & 1) !== 0 && this.scene) {
      const dx = e.clientX - drag.x;
      if (!drag.moved && Math.abs(dx) < 4) return;
      if (!drag.moved) this.canvas.setPointerCapture(drag.pointerId);
      drag.moved = true;
      drag.x = e.clientX;
      // Pan at the linear scale; breaks stay fixed-width.
      const segment = segmentAtX(this.scene.axis, x - this.scene.geometry.gutterPx);
      if (segment && segment.kind !== 'break') this.host.pan(-dx / segment.pxPerPage);
      return;
    }
    const hit = this.hitTest(x, y);
    const cut = hit ? undefined : this.cutLabelAt(x, y);
    // A native tooltip: the canvas's title is plain text, never markup.
    if (cut !== undefined) this.canvas.title = cut;
    else this.canvas.removeAttribute('title');
    this.host.hover(hit, e.clientX, e.clientY);
  }

  private onPointerUp(e: PointerEvent): void {
    const drag = this.drag;
    this.drag = undefined;
    if (drag?.moved) {
      if (this.canvas.hasPointerCapture(drag.pointerId)) this.canvas.releasePointerCapture(drag.pointerId);
      return;
    }
    if (e.button !== 0) return;
    const [x, y] = this.local(e);
    this.host.click(this.hitTest(x, y));
  }

  private onWheel(e: WheelEvent): void {
    if (!this.scene) return;
    e.preventDefault();
    const [x] = this.local(e);
    const horizontal = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
    if (horizontal) {
      const delta = e.shiftKey ? e.deltaY : e.deltaX;
      const segment = segmentAtX(this.scene.axis, x - this.scene.geometry.gutterPx);
      this.host.pan(
        delta / (segment && segment.kind === 'linear' ? segment.pxPerPage : this.scene.axis.pxPerPage),
      );
      return;
    }
    const anchor = this.pageAt(x);
    if (anchor === undefined) return;
    this.host.zoom(Math.pow(1.0015, Math.max(-400, Math.min(400, e.deltaY))), anchor);
  }
}
