// Draws the address-space map with a Painter: lanes of bands per actor, kinds as hatching,
// the window outlined, stale and hazard marks, free gaps, collapsed breaks and the axis.
import { formatUsedPercent } from '../layout/window-usage';
import type { MappingKind } from '../../../protocol/panel';
import { formatPages } from '../layout/address';
import { type Axis, pageToX, widestLinearSpan } from '../layout/axis';
import type { ChangeKind } from '../layout/diff';
import { breakLabels, windowGapLabels } from '../layout/gap-labels';
import { ROW, type MapGeometry, type PaneGeometry } from '../layout/geometry';
import { visibleRange } from '../layout/hit-test';
import { laneLabel } from '../layout/lanes';
import type { PreparedMapping, PreparedState } from '../layout/model';
import type { Tick } from '../layout/ticks';
import { actorColour, type Palette } from './palette';
import { fitText, type Hatch, type Painter } from './painter';

export interface Pane {
  readonly prepared: PreparedState;
  readonly title: string | undefined;
  /** Per mapping id, when comparing. */
  readonly changes: readonly ChangeKind[] | undefined;
}

export interface MapScene {
  readonly axis: Axis;
  readonly geometry: MapGeometry;
  readonly panes: readonly Pane[];
  readonly ticks: readonly Tick[];
  readonly palette: Palette;
  /** Identity of the selected mapping (see mappingKey), highlighted in every pane. */
  readonly selectedKey: string | undefined;
  readonly hover: { readonly pane: number; readonly id: number } | undefined;
}

/** Hatching and whether the band is drawn hollow (claimed, but no memory behind it). */
export const KIND_STYLE: Record<MappingKind, { hatch: Hatch | undefined; hollow: boolean; short: string }> = {
  reservation: { hatch: 'diagonal', hollow: true, short: 'reserved' },
  guard: { hatch: 'cross', hollow: true, short: 'guard' },
  private: { hatch: undefined, hollow: false, short: 'private' },
  shared: { hatch: 'horizontal', hollow: false, short: 'shared' },
  alias: { hatch: 'backDiagonal', hollow: false, short: 'alias' },
  device: { hatch: 'grid', hollow: false, short: 'device BO' },
  shadow: { hatch: 'vertical', hollow: false, short: 'shadow' },
};

export function mappingKey(m: { start: string; owner: string }): string {
  return m.start.replace(/_/g, '').toLowerCase() + '@' + m.owner;
}

/** A caption or label as drawn: its box, the text on screen and the whole text (for a tooltip). */
export interface DrawnLabel {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly text: string;
  readonly full: string;
}

/** Draws the scene; returns the captions and labels drawn, so that a cut one can show its whole text. */
export function drawMap(p: Painter, scene: MapScene): DrawnLabel[] {
  const { geometry: g, palette: c } = scene;
  const labels: DrawnLabel[] = [];
  p.fillRect(0, 0, g.width, g.height, c.background);
  scene.panes.forEach((pane, i) => drawPane(p, scene, pane, i, g.panes[i]!, labels));
  drawBreaks(p, scene);
  // Pane titles take the whole row, above the breaks' columns (which stop at the title rows).
  scene.panes.forEach((pane, i) => {
    const titleY = g.panes[i]!.titleY;
    if (titleY === undefined || !pane.title) return;
    const style = { bold: true };
    const text = fitText(p, pane.title, g.width - 8, style);
    p.fillRect(0, titleY, g.width, ROW.title, c.background);
    p.text(4, titleY + ROW.title / 2, text, c.foreground, style);
    labels.push({ x: 4, y: titleY, w: p.measureText(text, style), h: ROW.title, text, full: pane.title });
  });
  drawAxis(p, scene);
  return labels;
}

/**
 * Vertical spans the breaks' columns cover: from the first pane down to the axis, except the
 * pane title rows, which are written across the whole width.
 */
export function breakSpans(g: MapGeometry): { top: number; bottom: number }[] {
  const spans: { top: number; bottom: number }[] = [];
  let top = g.panes[0]?.top ?? 0;
  for (const pg of g.panes) {
    if (pg.titleY === undefined) continue;
    if (pg.titleY > top) spans.push({ top, bottom: pg.titleY });
    top = pg.titleY + ROW.title;
  }
  spans.push({ top, bottom: g.axisY + 4 });
  return spans;
}

function bandX(scene: MapScene, startPage: number, endPage: number): [number, number] {
  const { axis, geometry: g } = scene;
  const x0 = Math.max(-2, pageToX(axis, startPage));
  const x1 = Math.min(axis.widthPx + 2, pageToX(axis, endPage));
  return [g.gutterPx + x0, Math.max(1, x1 - x0)];
}

function drawPane(
  p: Painter,
  scene: MapScene,
  pane: Pane,
  paneIndex: number,
  pg: PaneGeometry,
  labels: DrawnLabel[],
): void {
  const { geometry: g, palette: c, axis } = scene;
  const prepared = pane.prepared;
  const gx = g.gutterPx;
  const aw = g.axisWidthPx;
  // Row names in the gutter.
  const gutterText = (y: number, text: string): void =>
    p.text(4, y, fitText(p, text, gx - 8, { size: 10 }), c.muted, { size: 10 });
  gutterText(pg.windowY + ROW.window / 2, '32-bit window');
  gutterText(pg.hazardY + ROW.hazard / 2, 'hazards');
  gutterText(pg.freeY + ROW.free / 2, 'free in window');
  prepared.lanes.forEach((owner, lane) => {
    const y = pg.lanesY + lane * ROW.lane;
    p.fillRect(gx, y + 1, aw, ROW.lane - 2, c.laneBackground);
    const colour = actorColour(c, lane);
    p.fillRect(4, y + 9, 10, 10, colour);
    if (c.contrastBorder) p.strokeRect(4, y + 9, 10, 10, c.contrastBorder, 1);
    p.text(18, y + ROW.lane / 2, fitText(p, laneLabel(owner, prepared.drivers), gx - 24), c.foreground);
  });

  // The window, as a bracket with its statistics and an outline over the rows.
  const win = prepared.window;
  const [wx, ww] = bandX(scene, win.startPage, win.endPage);
  const wx0 = Math.max(gx, wx);
  const wx1 = Math.min(gx + aw, wx + ww);
  if (wx1 > wx0) {
    const mid = pg.windowY + ROW.window / 2;
    p.line([wx0, mid - 5, wx0, mid + 5], c.window, 2);
    p.line([wx1, mid - 5, wx1, mid + 5], c.window, 2);
    p.line([wx0, mid, wx1, mid], c.window, 1);
    const u = prepared.usage;
    // The row is named "32-bit window" in the gutter, so the shortest form can leave that out.
    const compact = `${formatPages(u.sizePages)} · ${formatUsedPercent(u.usedFraction)} used`;
    const short = `32-bit window ${compact}`;
    const full =
      short + (u.largest ? ` · largest free ${formatPages(u.largest.endPage - u.largest.startPage)}` : '');
    // In the widest part of the window no break crosses: a break's column would cover it.
    const span = widestLinearSpan(axis, wx0 - gx, wx1 - gx);
    const room = span ? span.x1 - span.x0 - 12 : 0;
    const style = { size: 10 };
    const text =
      [full, short, compact].find((t) => p.measureText(t, style) <= room) ?? fitText(p, compact, room, style);
    if (span && text) {
      const tw = p.measureText(text, style);
      const tx = gx + (span.x0 + span.x1) / 2;
      p.fillRect(tx - tw / 2 - 4, mid - 7, tw + 8, 14, c.background);
      p.text(tx, mid, text, c.window, { size: 10, align: 'center' });
      labels.push({ x: tx - tw / 2, y: pg.windowY, w: tw, h: ROW.window, text, full });
    }
  }

  const selectedKey = scene.selectedKey;
  let selected: { x: number; w: number; y: number } | undefined;
  let hovered: { x: number; w: number; y: number } | undefined;
  const labelled: { x: number; w: number; y: number; m: PreparedMapping; change: ChangeKind | undefined }[] =
    [];
  prepared.laneIndexes.forEach((index, lane) => {
    const y = pg.lanesY + lane * ROW.lane + 3;
    const h = ROW.lane - 6;
    const colour = actorColour(c, lane);
    const [first, last] = visibleRange(index, axis.viewStart, axis.viewEnd);
    // Sub-pixel mappings that land on a pixel already drawn plain are skipped: with thousands
    // of mappings most share pixels, and one 1 px band says the same.
    let lastPlainPixel = -Infinity;
    for (let i = first; i < last; i++) {
      const m = prepared.mappings[index.ids[i]!]!;
      if (m.endPage <= axis.viewStart || m.startPage >= axis.viewEnd) continue;
      const [x, w] = bandX(scene, m.startPage, m.endPage);
      const change = pane.changes?.[m.id];
      const plain =
        w <= 1 && !m.mapping.stale && !m.mapping.hazard && (change === undefined || change === 'same');
      if (plain) {
        const pixel = Math.floor(x);
        if (pixel === lastPlainPixel && selectedKey === undefined && scene.hover?.id !== m.id) continue;
        lastPlainPixel = pixel;
        p.fillRect(pixel, y, 1, h, colour);
        if (selectedKey !== undefined && mappingKey(m.mapping) === selectedKey) selected = { x, w, y };
        continue;
      }
      drawBand(p, c, m, x, y, w, h, colour);
      if (change && change !== 'same') drawChange(p, c, change, x, y, w, h);
      if (m.mapping.hazard) {
        p.fillRect(x, pg.hazardY + 2, w, ROW.hazard - 4, c.hazard);
        if (w > 4) p.hatchRect(x, pg.hazardY + 2, w, ROW.hazard - 4, 'diagonal', c.background);
      }
      if (w >= 40 || (change && change !== 'same')) labelled.push({ x, w, y, m, change });
      if (selectedKey !== undefined && mappingKey(m.mapping) === selectedKey) selected = { x, w, y };
      if (scene.hover?.pane === paneIndex && scene.hover.id === m.id) hovered = { x, w, y };
    }
  });
  for (const band of labelled) drawBandLabel(p, c, band.m, band.x, band.y, band.w, band.change);

  // Free gaps of the window.
  const gaps = windowGapLabels(axis, prepared.usage.gaps.slice(0, 2000), (t) =>
    p.measureText(t, { size: 10 }),
  );
  for (const gap of gaps) {
    const x = gx + gap.x0;
    const w = Math.max(1, gap.x1 - gap.x0);
    if (gap.largest) p.strokeRect(x, pg.freeY + 2, w, ROW.free - 4, c.foreground, 2);
    else p.strokeRect(x, pg.freeY + 3, w, ROW.free - 6, c.muted, 1, [2, 2]);
    const text = gap.fits ? gap.text : p.measureText(gap.size, { size: 10 }) + 6 <= w ? gap.size : '';
    if (text) p.text(x + w / 2, pg.freeY + ROW.free / 2, text, c.foreground, { size: 10, align: 'center' });
  }

  // Outline of the window over all rows of the pane.
  if (wx1 > wx0)
    p.strokeRect(wx0 - 1, pg.hazardY, wx1 - wx0 + 2, pg.bottom - pg.hazardY, c.window, 2, [6, 3]);

  if (hovered && !c.highContrast)
    p.strokeRect(hovered.x - 1, hovered.y - 1, hovered.w + 2, ROW.lane - 4, c.foreground, 1);
  if (hovered && c.highContrast)
    p.strokeRect(hovered.x - 1, hovered.y - 1, hovered.w + 2, ROW.lane - 4, c.focus, 1, [2, 2]);
  if (selected) {
    p.strokeRect(selected.x - 3, selected.y - 3, selected.w + 6, ROW.lane, c.background, 1);
    p.strokeRect(selected.x - 2, selected.y - 2, selected.w + 4, ROW.lane - 2, c.focus, 2.5);
  }
}

function drawBand(
  p: Painter,
  c: Palette,
  m: PreparedMapping,
  x: number,
  y: number,
  w: number,
  h: number,
  colour: string,
): void {
  drawKind(p, c, m.mapping.kind, { stale: m.mapping.stale, hazard: !!m.mapping.hazard }, x, y, w, h, colour);
}

/** One band in its kind's style with its marks; also the legend's swatches. */
export function drawKind(
  p: Painter,
  c: Palette,
  kind: MappingKind,
  marks: { stale: boolean; hazard: boolean },
  x: number,
  y: number,
  w: number,
  h: number,
  colour: string,
): void {
  const style = KIND_STYLE[kind] ?? KIND_STYLE.private;
  if (style.hollow) {
    p.fillRect(x, y, w, h, c.background);
    if (style.hatch && w > 2) p.hatchRect(x, y, w, h, style.hatch, colour);
    else p.fillRect(x, y, w, h, colour);
    if (w > 3) p.strokeRect(x, y, w, h, colour, 1);
  } else {
    p.fillRect(x, y, w, h, colour);
    if (style.hatch && w > 3) p.hatchRect(x, y, w, h, style.hatch, c.background);
  }
  if (c.contrastBorder && w > 3) p.strokeRect(x, y, w, h, c.contrastBorder, 1);
  if (marks.stale) {
    if (w > 3) p.hatchRect(x, y, w, h, 'dots', c.foreground);
    p.strokeRect(x, y, w, h, c.foreground, 1.5, [4, 3]);
  }
  if (marks.hazard) p.strokeRect(x - 1, y - 1, w + 2, h + 2, c.hazard, 2);
}

const CHANGE_MARK: Record<Exclude<ChangeKind, 'same'>, string> = {
  added: '+ added',
  removed: '− removed',
  changed: '~ changed',
};

function drawChange(
  p: Painter,
  c: Palette,
  change: Exclude<ChangeKind, 'same'> | 'same',
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  if (change === 'same') return;
  const colour = change === 'added' ? c.added : change === 'removed' ? c.hazard : c.warning;
  const dash = change === 'added' ? undefined : change === 'removed' ? [5, 3] : [8, 3, 2, 3];
  p.strokeRect(x - 2, y - 2, w + 4, h + 4, colour, 2.5, dash);
}

function drawBandLabel(
  p: Painter,
  c: Palette,
  m: PreparedMapping,
  x: number,
  y: number,
  w: number,
  change: ChangeKind | undefined,
): void {
  const style = KIND_STYLE[m.mapping.kind] ?? KIND_STYLE.private;
  const kind = m.mapping.label.includes(style.short) ? '' : style.short;
  const marks = [kind, m.mapping.stale ? 'STALE' : '', m.mapping.hazard ? '⚠ hazard' : ''].filter(Boolean);
  const prefix = change && change !== 'same' ? CHANGE_MARK[change] + ' · ' : '';
  const full = [prefix + m.mapping.label, ...marks].join(' · ');
  const left = Math.max(x, 0);
  const text = fitText(p, full, w - 8, { size: 10 }) || (prefix ? prefix.slice(0, 1) : '');
  if (!text) return;
  const tw = p.measureText(text, { size: 10 });
  const mid = y + (ROW.lane - 6) / 2;
  p.fillRect(left + 3, mid - 7, tw + 6, 14, c.background);
  p.text(left + 6, mid, text, m.mapping.hazard ? c.hazard : c.foreground, { size: 10 });
}

function drawBreaks(p: Painter, scene: MapScene): void {
  const { axis, geometry: g, palette: c } = scene;
  const labels = breakLabels(axis, (t) => p.measureText(t, { size: 10 }));
  const spans = breakSpans(g);
  for (const label of labels) {
    const x0 = g.gutterPx + label.x0;
    const x1 = g.gutterPx + label.x1;
    for (const { top, bottom } of spans) {
      p.fillRect(x0 + 1, top, x1 - x0 - 2, bottom - top, c.background);
      for (const x of [x0 + 4, x1 - 4]) {
        const zig: number[] = [];
        for (let y = top, k = 0; y <= bottom - 4; y += 6, k++) zig.push(x + (k % 2 === 0 ? -2 : 2), y);
        p.line(zig, c.muted, 1);
      }
    }
    // The size of the hidden gap, written inside the break over each pane's lanes.
    const [size, unit] = label.text.split(' ');
    for (const pg of g.panes) {
      const mid = (pg.lanesY + pg.freeY) / 2;
      p.fillRect(x0 + 6, mid - 16, x1 - x0 - 12, 32, c.background);
      p.text((x0 + x1) / 2, mid - 7, '≈' + (size ?? ''), c.muted, { size: 10, align: 'center' });
      p.text((x0 + x1) / 2, mid + 7, unit ?? '', c.muted, { size: 10, align: 'center' });
    }
  }
}

function drawAxis(p: Painter, scene: MapScene): void {
  const { geometry: g, palette: c } = scene;
  p.line([g.gutterPx, g.axisY, g.gutterPx + g.axisWidthPx, g.axisY], c.muted, 1);
  p.text(4, g.axisY + 14, 'address', c.muted, { size: 10 });
  for (const tick of scene.ticks) {
    const x = g.gutterPx + tick.x;
    const labelY = g.axisY + 14 + tick.row * 15;
    p.line(
      [x, g.axisY, x, labelY - 4],
      tick.major ? c.muted : c.foreground,
      1,
      tick.row > 0 ? [2, 2] : undefined,
    );
    const width = p.measureText(tick.label, { size: 10, bold: tick.major });
    const right = x + 2 + width > g.gutterPx + g.axisWidthPx;
    p.text(right ? x - 2 : x + 2, labelY, tick.label, c.foreground, {
      size: 10,
      bold: tick.major,
      align: right ? 'right' : 'left',
    });
  }
}
