// The address-space panel's state for a cursor position or a step: the mappings after that step
// (kind, owner, backing, stale and hazard marks), every step with its line and result, and the
// window's free gaps. Addresses leave as exact hex strings.
import { firstIndex } from '../first-index';
import type { DocumentAnalysis, ScenarioAnalysis } from '../analysis';
import { scenarioAt } from '../analysis';
import type { EngineDiagnostic } from '../diagnostics';
import type { Vma } from '../kernel/types';
import { formatHexPlain } from '../numbers';
import type { PanelGap, PanelMapping, PanelState, PanelStep } from '../../../../protocol/panel';
import { stepIndexAt } from './locate';
import { backingText, mappingKind, permsText, vmaLabel, vmasAfter } from './mappings';

export interface PanelRequest {
  readonly uri: string;
  readonly version: number;
  /** The cursor. */
  readonly offset: number;
  /** An explicit step of the scenario at the cursor (from the panel's timeline). */
  readonly stepIndex?: number;
}

const SEVERITY_RANK = { hint: 0, info: 1, warning: 2, error: 3 } as const;

export function panelState(analysis: DocumentAnalysis, request: PanelRequest): PanelState | undefined {
  const scenario = scenarioAt(analysis, request.offset);
  if (!scenario) return undefined;
  const run = scenario.run;
  const sim = run.simulation;
  const records = sim.records;
  const stepIndex =
    request.stepIndex !== undefined
      ? Math.max(-1, Math.min(records.length - 1, Math.floor(request.stepIndex)))
      : stepIndexAt(scenario, request.offset, analysis.text);
  const vmas = vmasAfter(run, stepIndex);
  const stepDiagnostics = diagnosticsByStep(scenario);
  const stale = stalePages(scenario, stepIndex);
  const currentDiagnostics = stepIndex >= 0 ? (stepDiagnostics.get(stepIndex) ?? []) : [];
  const mappings: PanelMapping[] = vmas.map((vma) => {
    const start = sim.addressOfPage(vma.startPage);
    const end = sim.addressOfPage(vma.endPage);
    const made = vma.createdStep >= 0 ? records[vma.createdStep] : undefined;
    return {
      start: formatHexPlain(start),
      end: formatHexPlain(end),
      perms: permsText(vma),
      kind: mappingKind(vma, vmas),
      owner: vma.owner,
      label: vmaLabel(vma),
      backing: backingText(vma),
      createdStep: vma.createdStep,
      line: analysis.lines.position(made ? made.node.start : scenario.node.start).line,
      stale: overlapsAny(stale, vma.startPage, vma.endPage),
      hazard: hazardFor(start, end, currentDiagnostics),
    };
  });
  const steps: PanelStep[] = records.map((r) => {
    const ds = stepDiagnostics.get(r.index) ?? [];
    let worst: EngineDiagnostic['severity'] | undefined;
    for (const d of ds) if (!worst || SEVERITY_RANK[d.severity] > SEVERITY_RANK[worst]) worst = d.severity;
    return {
      index: r.index,
      line: analysis.lines.position(r.node.start).line,
      text: r.node.text.replace(/\s+/g, ' ').trim(),
      result: r.resultText,
      severity: worst === 'hint' ? 'info' : worst,
    };
  });
  const window = sim.platform.window;
  const gaps = windowGaps(vmas, window.start, window.end, (p) => sim.addressOfPage(p));
  const free = gaps.reduce((n, [s, e]) => n + (e - s), 0n);
  const windowGapsOut: PanelGap[] = gaps
    .sort((a, b) => (b[1] - b[0] > a[1] - a[0] ? 1 : b[1] - b[0] < a[1] - a[0] ? -1 : a[0] < b[0] ? -1 : 1))
    .map(([s, e]) => ({ start: formatHexPlain(s), end: formatHexPlain(e) }));
  return {
    uri: request.uri,
    version: request.version,
    scenario: scenario.node.name?.value ?? '',
    scenarioIndex: analysis.scenarios.indexOf(scenario),
    scenarioCount: analysis.scenarios.length,
    steps,
    stepIndex,
    mappings,
    window: { start: formatHexPlain(window.start), end: formatHexPlain(window.end) },
    windowGaps: windowGapsOut,
    windowUsedBytes: (window.end - window.start - free).toString(),
    windowSizeBytes: (window.end - window.start).toString(),
    addressSpaceEnd: formatHexPlain(sim.platform.kernel.taskSize),
    drivers: [...run.drivers.keys()],
  };
}

function diagnosticsByStep(scenario: ScenarioAnalysis): Map<number, EngineDiagnostic[]> {
  const out = new Map<number, EngineDiagnostic[]>();
  const records = scenario.run.simulation.records;
  for (const d of scenario.diagnostics) {
    // The step whose text holds the diagnostic's start.
    let lo = 0;
    let hi = records.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (records[mid]!.node.start <= d.range.start) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const record = records[found];
    if (!record || d.range.start > record.node.end) continue;
    const list = out.get(found) ?? [];
    list.push(d);
    out.set(found, list);
  }
  return out;
}

/**
 * Page ranges left empty by MREMAP_DONTUNMAP (or moved away from) up to the step and not remapped
 * since, as disjoint ranges in address order. Kept sorted by start while the steps are read, so
 * that a mapping finds the ranges it covers by a search (a scan per effect, and one per mapping
 * of the state, made a state after thousands of DONTUNMAP moves quadratic).
 */
function stalePages(scenario: ScenarioAnalysis, stepIndex: number): [number, number][] {
  const out: [number, number][] = [];
  const firstStartingAtOrAbove = (page: number): number => firstIndex(out.length, (i) => out[i]![0] < page);
  const records = scenario.run.simulation.records;
  for (let i = 0; i <= stepIndex && i < records.length; i++) {
    for (const call of records[i]!.calls) {
      for (const effect of call.effects) {
        if (effect.kind === 'emptied' && !effect.aliasOfNew)
          out.splice(firstStartingAtOrAbove(effect.startPage), 0, [effect.startPage, effect.endPage]);
        // A later mapping over the range makes it fresh again.
        if (effect.kind === 'mapped' || effect.kind === 'unmapped') {
          const s = effect.kind === 'mapped' ? effect.vma.startPage : effect.startPage;
          const e = effect.kind === 'mapped' ? effect.vma.endPage : effect.endPage;
          const from = firstStartingAtOrAbove(s);
          let to = from;
          while (to < out.length && out[to]![0] < e) to++;
          if (to > from) out.splice(from, to - from, ...out.slice(from, to).filter(([, end]) => end > e));
        }
      }
    }
  }
  // Disjoint, for the search in overlapsAny.
  const merged: [number, number][] = [];
  for (const [s, e] of out) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** Whether [start, end) meets one of `ranges` (disjoint, in address order). */
function overlapsAny(ranges: readonly [number, number][], start: number, end: number): boolean {
  // The last range starting before `end` is the only one that can reach past `start`.
  const after = firstIndex(ranges.length, (i) => ranges[i]![0] < end);
  return after > 0 && ranges[after - 1]![1] > start;
}

const HEX = /0x[0-9a-f_]+/gi;

/** A diagnostic of the shown step whose message names an address inside [start, end). */
function hazardFor(start: bigint, end: bigint, diagnostics: readonly EngineDiagnostic[]): string | undefined {
  for (const d of diagnostics) {
    if (d.severity !== 'error' && d.severity !== 'warning') continue;
    for (const m of d.message.matchAll(HEX)) {
      const value = BigInt(m[0].replace(/_/g, ''));
      if (value >= start && value < end) return `${d.code}: ${d.message}`;
    }
  }
  return undefined;
}

function windowGaps(
  vmas: readonly Vma[],
  start: bigint,
  end: bigint,
  address: (page: number) => bigint,
): [bigint, bigint][] {
  const gaps: [bigint, bigint][] = [];
  let cursor = start;
  for (const vma of vmas) {
    const vStart = address(vma.startPage);
    const vEnd = address(vma.endPage);
    if (vEnd <= cursor) continue;
    if (vStart >= end) break;
    if (vStart > cursor) gaps.push([cursor, vStart < end ? vStart : end]);
    cursor = vEnd;
    if (cursor >= end) break;
  }
  if (cursor < end) gaps.push([cursor, end]);
  return gaps;
}
