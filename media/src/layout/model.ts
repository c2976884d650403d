// A PanelState prepared for drawing: every address parsed once into page numbers, mappings
// grouped into lanes by actor and indexed for hit testing, the window's free space computed.
import type { PanelMapping, PanelState } from '../../../protocol/panel';
import { addressToPages, parseAddress } from './address';
import type { PageInterval } from './axis';
import { buildLaneIndex, type LaneIndex } from './hit-test';
import { laneOrder } from './lanes';
import type { WindowUsage } from './window-usage';
import { PAGE_BYTES } from './address';

export interface PreparedMapping {
  readonly id: number;
  readonly mapping: PanelMapping;
  readonly startPage: number;
  readonly endPage: number;
  readonly lane: number;
}

export interface PreparedState {
  readonly state: PanelState;
  readonly mappings: readonly PreparedMapping[];
  /** Sorted by start; for the axis and the window statistics. */
  readonly occupied: readonly PageInterval[];
  readonly lanes: readonly string[];
  /** The owners that are drivers (see actorKind). */
  readonly drivers: ReadonlySet<string>;
  readonly laneIndexes: readonly LaneIndex[];
  readonly window: PageInterval;
  readonly usage: WindowUsage;
  readonly addressSpaceEndPage: number;
}

/** `lanes` lets two compared states share one lane order. */
export function prepareState(state: PanelState, lanes?: readonly string[]): PreparedState {
  const laneNames = lanes ?? laneOrder(state.mappings.map((m) => m.owner));
  const laneOf = new Map(laneNames.map((name, i) => [name, i]));
  const mappings: PreparedMapping[] = state.mappings.map((mapping, id) => ({
    id,
    mapping,
    startPage: addressToPages(mapping.start),
    endPage: addressToPages(mapping.end),
    lane: laneOf.get(mapping.owner) ?? 0,
  }));
  const occupied = mappings.map((m) => ({ startPage: m.startPage, endPage: m.endPage }));
  if (!isSorted(occupied)) occupied.sort((a, b) => a.startPage - b.startPage);
  const window = { startPage: addressToPages(state.window.start), endPage: addressToPages(state.window.end) };
  const laneIndexes = laneNames.map((_, lane) => buildLaneIndex(mappings.filter((m) => m.lane === lane)));
  const end = parseAddress(state.addressSpaceEnd);
  return {
    state,
    mappings,
    occupied,
    lanes: laneNames,
    drivers: new Set(state.drivers),
    laneIndexes,
    window,
    // The server's account always: a window with no gap is full (its own count would also count
    // the space below 64 KiB, which Wine never uses, as free).
    usage: usageFromState(state, window),
    addressSpaceEndPage: Math.max(end.page + (end.offset > 0 ? 1 : 0), window.endPage, lastEnd(occupied)),
  };
}

function isSorted(list: readonly PageInterval[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]!.startPage > list[i]!.startPage) return false;
  return true;
}

function lastEnd(list: readonly PageInterval[]): number {
  let end = 0;
  for (const i of list) end = Math.max(end, i.endPage);
  return end;
}

/** Mapping intervals plus the window edges as landmarks, so no break swallows a window edge. */
export function axisIntervals(states: readonly PreparedState[]): PageInterval[] {
  const all: PageInterval[] = [];
  for (const s of states) {
    all.push(...s.occupied);
    all.push({ startPage: s.window.startPage, endPage: s.window.startPage });
    all.push({ startPage: s.window.endPage, endPage: s.window.endPage });
  }
  return all.sort((a, b) => a.startPage - b.startPage);
}

/** The server's own account of the window (it decides, e.g., whether a reservation counts as used). */
function usageFromState(state: PanelState, window: PageInterval): WindowUsage {
  const gaps = state.windowGaps
    .map((g) => ({ startPage: addressToPages(g.start), endPage: addressToPages(g.end) }))
    .sort((a, b) => b.endPage - b.startPage - (a.endPage - a.startPage) || a.startPage - b.startPage);
  const sizePages = bytesToPages(state.windowSizeBytes) || window.endPage - window.startPage;
  const usedPages = bytesToPages(state.windowUsedBytes);
  return {
    sizePages,
    usedPages,
    usedFraction: sizePages ? usedPages / sizePages : 0,
    gaps,
    largest: gaps[0],
  };
}

function bytesToPages(text: string): number {
  try {
    const value = BigInt(text.replace(/_/g, ''));
    return Number(value / BigInt(PAGE_BYTES)) + Number(value % BigInt(PAGE_BYTES)) / PAGE_BYTES;
  } catch {
    return 0;
  }
}
