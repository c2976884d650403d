// Everything the map needs to be drawn at one width: the compressed axis over the view, the
// rows, the ticks. Built for the screen and again for an export.
import { buildAxis } from '../layout/axis';
import { mapGeometry } from '../layout/geometry';
import { axisIntervals } from '../layout/model';
import { chooseTicks } from '../layout/ticks';
import type { View } from '../layout/zoom';
import type { MapScene, Pane } from './draw-map';
import type { Palette } from './palette';

export const BREAK_WIDTH_PX = 46;

export interface SceneInput {
  readonly panes: readonly Pane[];
  readonly view: View;
  readonly compress: boolean;
  readonly selectedKey: string | undefined;
  readonly hover: { readonly pane: number; readonly id: number } | undefined;
}

export function buildScene(
  input: SceneInput,
  widthPx: number,
  palette: Palette,
  measure: (text: string, bold: boolean) => number,
): MapScene {
  const laneCount = Math.max(1, ...input.panes.map((p) => p.prepared.lanes.length));
  const geometry = mapGeometry(widthPx, laneCount, input.panes.length);
  const axis = buildAxis(axisIntervals(input.panes.map((p) => p.prepared)), {
    viewStart: input.view.startPage,
    viewEnd: input.view.endPage,
    widthPx: geometry.axisWidthPx,
    compress: input.compress,
    breakWidthPx: BREAK_WIDTH_PX,
    keepLinear: input.panes.map((p) => p.prepared.window),
  });
  const ticks = chooseTicks(axis, { minSpacingPx: 150, labelWidthPx: (label) => measure(label, true) });
  return {
    axis,
    geometry,
    panes: input.panes,
    ticks,
    palette,
    selectedKey: input.selectedKey,
    hover: input.hover,
  };
}
