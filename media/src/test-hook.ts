// `window.__drvmapPanel`: what tests and benchmarks need to see inside the canvas — which
// mapping is drawn where, and how long drawing took. Read-only apart from renderNow/showRange.
import { pageToX } from './layout/axis';
import { ROW } from './layout/geometry';
import type { PanelController } from './controller';
import { breakSpans } from './render/draw-map';

export interface DrawnRegion {
  readonly pane: number;
  readonly start: string;
  readonly end: string;
  readonly owner: string;
  readonly label: string;
  readonly line: number;
  /** Canvas CSS pixels; w is at least 1 for mappings smaller than a pixel. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface PanelTestHook {
  regions(): DrawnRegion[];
  hitTest(x: number, y: number): DrawnRegion | undefined;
  renderNow(): number;
  readonly lastRenderMs: number;
  readonly renderCount: number;
  readonly state: PanelController['state'];
  readonly pendingSteps: readonly number[];
  showRange(start: string, end: string): void;
  fitAll(): void;
  fitWindow(): void;
  /** Captions and labels drawn on the map: box, text on screen, whole text. */
  mapLabels(): { x: number; y: number; w: number; h: number; text: string; full: string }[];
  /** Screen spans (canvas pixels) of the breaks' columns, and the rows they cover. */
  breakColumns(): { x0: number; x1: number; top: number; bottom: number }[];
  /** The timeline's step numbers: text and the span each takes on its canvas. */
  timelineLabels(): { text: string; left: number; right: number }[];
}

export function installTestHook(controller: PanelController): PanelTestHook {
  const regions = (): DrawnRegion[] => {
    const scene = controller.mapView.currentScene;
    if (!scene) return [];
    const out: DrawnRegion[] = [];
    scene.panes.forEach((pane, paneIndex) => {
      const pg = scene.geometry.panes[paneIndex]!;
      for (const m of pane.prepared.mappings) {
        if (m.endPage <= scene.axis.viewStart || m.startPage >= scene.axis.viewEnd) continue;
        const x0 = Math.max(0, pageToX(scene.axis, m.startPage));
        const x1 = Math.min(scene.axis.widthPx, pageToX(scene.axis, m.endPage));
        out.push(
          region(
            paneIndex,
            m.mapping,
            scene.geometry.gutterPx + x0,
            pg.lanesY + m.lane * ROW.lane + 3,
            Math.max(1, x1 - x0),
          ),
        );
      }
    });
    return out;
  };
  const hook: PanelTestHook = {
    regions,
    hitTest: (x, y) => {
      const hit = controller.mapView.hitTest(x, y);
      if (!hit) return undefined;
      return regions().find((r) => r.pane === hit.pane && r.start === hit.mapping.mapping.start);
    },
    renderNow: () => controller.renderNow(),
    get lastRenderMs() {
      return controller.lastRenderMs;
    },
    get renderCount() {
      return controller.renderCount;
    },
    get state() {
      return controller.state;
    },
    get pendingSteps() {
      return controller.pendingSteps;
    },
    showRange: (start, end) => controller.showRange(start, end),
    fitAll: () => controller.fitAll(),
    fitWindow: () => controller.fitWindow(),
    mapLabels: () => controller.mapView.drawnLabels.map((l) => ({ ...l })),
    breakColumns: () => {
      const scene = controller.mapView.currentScene;
      if (!scene) return [];
      const gx = scene.geometry.gutterPx;
      return scene.axis.segments
        .filter((s) => s.kind === 'break')
        .flatMap((s) => breakSpans(scene.geometry).map((row) => ({ x0: gx + s.x0, x1: gx + s.x1, ...row })));
    },
    timelineLabels: () => controller.timelineLabels.map(({ text, left, right }) => ({ text, left, right })),
  };
  (window as unknown as { __drvmapPanel: PanelTestHook }).__drvmapPanel = hook;
  return hook;
}

function region(
  pane: number,
  m: { start: string; end: string; owner: string; label: string; line: number },
  x: number,
  y: number,
  w: number,
): DrawnRegion {
  return {
    pane,
    start: m.start,
    end: m.end,
    owner: m.owner,
    label: m.label,
    line: m.line,
    x,
    y,
    w,
    h: ROW.lane - 6,
  };
}
