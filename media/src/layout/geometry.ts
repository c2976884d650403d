// Vertical layout of the map canvas: one pane per shown state (two when comparing), each with
// a window row, a hazard row, one lane per actor and a free-space row; one shared address axis
// at the bottom. A gutter on the left holds the row names.

export const ROW = {
  title: 18,
  window: 18,
  hazard: 14,
  lane: 30,
  free: 18,
  paneGap: 10,
  axis: 44,
} as const;

export interface PaneGeometry {
  readonly top: number;
  readonly titleY: number | undefined;
  readonly windowY: number;
  readonly hazardY: number;
  readonly lanesY: number;
  readonly freeY: number;
  readonly bottom: number;
}

export interface MapGeometry {
  readonly width: number;
  readonly height: number;
  readonly gutterPx: number;
  readonly axisWidthPx: number;
  readonly axisY: number;
  readonly panes: readonly PaneGeometry[];
}

export function mapGeometry(widthPx: number, laneCount: number, paneCount: number): MapGeometry {
  const gutterPx = widthPx < 520 ? 84 : 132;
  const rightPadPx = 12;
  const panes: PaneGeometry[] = [];
  let y = 4;
  for (let i = 0; i < paneCount; i++) {
    const top = y;
    const titleY = paneCount > 1 ? y : undefined;
    if (titleY !== undefined) y += ROW.title;
    const windowY = y;
    const hazardY = windowY + ROW.window;
    const lanesY = hazardY + ROW.hazard;
    const freeY = lanesY + Math.max(1, laneCount) * ROW.lane;
    const bottom = freeY + ROW.free;
    panes.push({ top, titleY, windowY, hazardY, lanesY, freeY, bottom });
    y = bottom + ROW.paneGap;
  }
  const axisY = y - ROW.paneGap + 4;
  return {
    width: widthPx,
    height: axisY + ROW.axis,
    gutterPx,
    axisWidthPx: Math.max(40, widthPx - gutterPx - rightPadPx),
    axisY,
    panes,
  };
}

/** Which pane and lane a canvas point falls in, if any. */
export function rowAt(
  geometry: MapGeometry,
  y: number,
): { pane: number; lane: number | undefined } | undefined {
  for (let pane = 0; pane < geometry.panes.length; pane++) {
    const g = geometry.panes[pane]!;
    if (y < g.top || y >= g.bottom) continue;
    if (y >= g.lanesY && y < g.freeY) return { pane, lane: Math.floor((y - g.lanesY) / ROW.lane) };
    return { pane, lane: undefined };
  }
  return undefined;
}
