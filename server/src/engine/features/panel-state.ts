// The address-space panel's state for a cursor position or a step: the mappings after that step
// (kind, owner, backing, stale and hazard marks), every step with its line and result, and the
// window's free gaps. Addresses leave as exact hex strings.
import type { DocumentAnalysis, ScenarioAnalysis } from '../analysis';
import { lastStepStartingAtOrBefore } from '../diagnostics-by-step';
import { scenarioAt } from '../analysis';
import type { EngineDiagnostic } from '../diagnostics';
import type { Vma } from '../kernel/types';
import { formatHexPlain } from '../numbers';
import type {
  PanelForkFlag,
  PanelGap,
  PanelMapping,
  PanelState,
  PanelStep,
} from '../../../../protocol/panel';
import { stepIndexAt } from './locate';
import { PageRangeSet } from './page-range-set';
import { backingText, mappingKind, vmaLabel, vmasAfter } from './mappings';
import { vmaPermsText } from '../kernel/prot-text';
import { droppedPagesNote } from './dropped-pages';
import { FORK_FLAGS, forkFlagParts, hasForkFlags } from './fork-flags-since';
import { isWineReservedPlaceholder } from '../sim/wine-reserved-areas';

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
  const lineOfStep = (step: number) =>
    analysis.lines.position(
      step >= 0 ? (records[step]?.node.start ?? scenario.node.start) : scenario.node.start,
    ).line;
  // Each fork flag with the steps that set it on which pages, shown as the step that made the
  // mapping is.
  const forkFlags = (vma: Vma): PanelForkFlag[] =>
    FORK_FLAGS.filter(({ bit }) => (vma.vmFlags & bit) !== 0).map(({ advice, flag, bit }) => {
      const parts = forkFlagParts(run, vma, bit) ?? [
        { start: 0, end: vma.endPage - vma.startPage, step: vma.createdStep },
      ];
      const since = parts.map(({ start, end, step }) => ({
        start: formatHexPlain(sim.addressOfPage(vma.startPage + start)),
        end: formatHexPlain(sim.addressOfPage(vma.startPage + end)),
        step,
        line: lineOfStep(step),
      }));
      return { advice, flag, since };
    });
  const mappings: PanelMapping[] = vmas.map((vma) => {
    const start = sim.addressOfPage(vma.startPage);
    const end = sim.addressOfPage(vma.endPage);
    return {
      start: formatHexPlain(start),
      end: formatHexPlain(end),
      perms: vmaPermsText(vma),
      kind: mappingKind(vma, vmas),
      owner: vma.owner,
      label: vmaLabel(vma),
      backing: backingText(vma),
      createdStep: vma.createdStep,
      line: lineOfStep(vma.createdStep),
      stale: stale.overlaps(vma.startPage, vma.endPage),
      hazard: hazardFor(start, end, currentDiagnostics),
      ...(hasForkFlags(vma) ? { forkFlags: forkFlags(vma) } : {}),
    };
  });
  const steps: PanelStep[] = records.map((r) => {
    const ds = stepDiagnostics.get(r.index) ?? [];
    let worst: EngineDiagnostic | undefined;
    for (const d of ds) if (!worst || SEVERITY_RANK[d.severity] > SEVERITY_RANK[worst.severity]) worst = d;
    const line = analysis.lines.position(r.node.start).line;
    const worstLine = worst ? analysis.lines.position(worst.range.start).line : line;
    return {
      index: r.index,
      line,
      text: r.node.text.replace(/\s+/g, ' ').trim(),
      result: r.resultText + droppedPagesNote(run, r),
      severity: worst?.severity === 'hint' ? 'info' : worst?.severity,
      ...(worstLine !== line ? { severityLine: worstLine } : {}),
    };
  });
  const window = sim.platform.window;
  // The room Wine can hand out, as its window search and window-exhausted count it.
  const usable = sim.usableWindowStart;
  // Cut at the edges of the reserved areas as they were after the step, which no view spans: the
  // blocks Wine could hand out then.
  const areas = sim.wineReservedAreasAfter(stepIndex);
  const gaps = windowGaps(vmas, usable, window.end, (p) => sim.addressOfPage(p)).flatMap(([s, e]) =>
    sim.blocksForViews(s, e, areas).map(([bs, be]): [bigint, bigint] => [bs, be]),
  );
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
    windowUsedBytes: (window.end - usable - free).toString(),
    windowSizeBytes: (window.end - usable).toString(),
    ...(vmas.some((v) => isWineReservedPlaceholder(v) && sim.addressOfPage(v.startPage) < window.end)
      ? { reservedAreasFree: true }
      : {}),
    addressSpaceEnd: formatHexPlain(sim.platform.kernel.taskSize),
    drivers: [...run.drivers.keys()],
  };
}

/**
 * The diagnostics of each step: those inside the step's text, and those on an `expect` line
 * (failed, not checkable, or wrong), which belong to the step the expectation is checked after,
 * as the trace prints them under it. An expectation before the first step marks none.
 */
function diagnosticsByStep(scenario: ScenarioAnalysis): Map<number, EngineDiagnostic[]> {
  const sim = scenario.run.simulation;
  const out = new Map<number, EngineDiagnostic[]>();
  const add = (step: number, d: EngineDiagnostic) => {
    const list = out.get(step);
    if (list) list.push(d);
    else out.set(step, [d]);
  };
  for (const d of scenario.diagnostics) {
    const start = d.range.start;
    const record = lastStepStartingAtOrBefore(sim.records, start);
    if (record && start <= record.node.end) {
      add(record.index, d);
      continue;
    }
    const expectation = lastStepStartingAtOrBefore(sim.expects, start);
    if (expectation && start <= expectation.node.end && expectation.afterStep >= 0)
      add(expectation.afterStep, d);
  }
  return out;
}

/**
 * The pages left empty by MREMAP_DONTUNMAP (or moved away from) up to the step and not mapped,
 * unmapped, replaced or moved onto since.
 */
function stalePages(scenario: ScenarioAnalysis, stepIndex: number): PageRangeSet {
  const stale = new PageRangeSet();
  const records = scenario.run.simulation.records;
  for (let i = 0; i <= stepIndex && i < records.length; i++) {
    for (const call of records[i]!.calls) {
      for (const effect of call.effects) {
        if (effect.kind === 'emptied' && !effect.aliasOfNew) stale.add(effect.startPage, effect.endPage);
        // A later mapping over the pages (or an unmap of them) makes them fresh again, however it
        // overlaps the emptied range: only the pages it covers.
        if (effect.kind === 'mapped') stale.remove(effect.vma.startPage, effect.vma.endPage);
        if (effect.kind === 'unmapped' || effect.kind === 'replaced')
          stale.remove(effect.startPage, effect.endPage);
        // Pages moved in (an MREMAP_FIXED destination, a move back over the emptied range) are
        // the moved mapping's own, not an emptied range.
        if (effect.kind === 'moved') stale.remove(effect.toPage, effect.toPage + effect.pages);
      }
    }
  }
  return stale;
}

/**
 * An error or warning of the shown step about an address inside [start, end): the addresses the
 * rule reported with it, never numbers read from its message, which also quote window bounds,
 * sizes and offsets that have nothing to do with the mapping.
 */
function hazardFor(start: bigint, end: bigint, diagnostics: readonly EngineDiagnostic[]): string | undefined {
  for (const d of diagnostics) {
    if (d.severity !== 'error' && d.severity !== 'warning') continue;
    if (d.addresses?.some((a) => a >= start && a < end)) return `${d.code}: ${d.message}`;
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
    // A reserved area's placeholder is room Wine hands out (sim/wine-reserved-areas.ts).
    if (isWineReservedPlaceholder(vma)) continue;
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
