// A scenario's diagnostics by the line they start on. A quick fix is judged by what else is on
// its diagnostic's line (code-actions.ts), asked once per diagnostic of a selection and again on
// every cursor move: a scan of the scenario's diagnostics each time made a request on a scenario
// of 40k findings cost tens of ms per diagnostic. Built once per analysed version.
import type { DocumentAnalysis, ScenarioAnalysis } from '../analysis';
import type { EngineDiagnostic } from '../diagnostics';

const NONE: readonly EngineDiagnostic[] = [];
const built = new WeakMap<ScenarioAnalysis, Map<number, EngineDiagnostic[]>>();

export function diagnosticsOnLine(
  analysis: DocumentAnalysis,
  scenario: ScenarioAnalysis,
  line: number,
): readonly EngineDiagnostic[] {
  let byLine = built.get(scenario);
  if (!byLine) {
    byLine = new Map();
    for (const d of scenario.diagnostics) {
      const at = analysis.lines.position(d.range.start).line;
      const list = byLine.get(at);
      if (list) list.push(d);
      else byLine.set(at, [d]);
    }
    built.set(scenario, byLine);
  }
  return byLine.get(line) ?? NONE;
}
