// Facts about a PanelState that the status bar and the panel host need: counts and the line of
// a step. Addresses are hex strings; they are compared as bigint so nothing is rounded.
import type { PanelState } from '../protocol/panel';

function big(hex: string): bigint | undefined {
  try {
    return BigInt(hex.replace(/_/g, ''));
  } catch {
    return undefined;
  }
}

/** Mappings that overlap the 32-bit window at the shown step. */
export function mappingsInWindow(state: PanelState): number {
  const start = big(state.window.start);
  const end = big(state.window.end);
  if (start === undefined || end === undefined) return 0;
  let count = 0;
  for (const m of state.mappings) {
    const mStart = big(m.start);
    const mEnd = big(m.end);
    if (mStart !== undefined && mEnd !== undefined && mStart < end && mEnd > start) count++;
  }
  return count;
}

/** Percentage of the window in use, 0–100 with one decimal; undefined when unknown. */
export function windowUsedPercent(state: PanelState): number | undefined {
  const used = big(state.windowUsedBytes);
  const size = big(state.windowSizeBytes);
  if (used === undefined || size === undefined || size <= 0n) return undefined;
  return Number((used * 1000n) / size) / 10;
}

/** The 0-based document line of a step, or undefined (-1 = before the first step has no line). */
export function stepLine(state: PanelState, stepIndex: number): number | undefined {
  return state.steps.find((s) => s.index === stepIndex)?.line ?? state.steps[stepIndex]?.line;
}

/** Whether two states show the same scenario of the same document. */
export function sameScenario(a: PanelState | undefined, b: PanelState | undefined): boolean {
  return !!a && !!b && a.uri === b.uri && a.scenarioIndex === b.scenarioIndex;
}
