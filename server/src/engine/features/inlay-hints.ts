// Inlay hints: each step's result after the step (`→ 0x7fff_f6e0_0000`, `→ EINVAL`).
import type { DocumentAnalysis } from '../analysis';
import { ownCalls } from '../sim/own-calls';
import type { TextRange } from '../syntax/text-range';

export interface InlayHint {
  /** Where the hint is drawn: right after the step's text. */
  readonly offset: number;
  readonly label: string;
  /** The calls the step expanded to, one per line. */
  readonly tooltip: string;
}

export function inlayHints(
  analysis: DocumentAnalysis,
  range: TextRange = { start: 0, end: analysis.text.length },
): InlayHint[] {
  const out: InlayHint[] = [];
  for (const scenario of analysis.scenarios) {
    if (scenario.node.end < range.start || scenario.node.start > range.end) continue;
    for (const record of scenario.run.simulation.records) {
      const node = record.node;
      // The hint sits at the step's end: it must lie inside the range asked for (LSP 3.17).
      if (node.end < range.start) continue;
      if (node.start > range.end) break;
      if (node.end > range.end) continue;
      if (!record.resultText) continue;
      out.push({
        offset: node.end,
        label: record.resultText,
        // The calls an expectation or device creation made after the step are not the step's.
        tooltip: ownCalls(scenario.run.simulation, record.index, record.calls)
          .map((c) => `${c.actor}: ${c.text}${c.result ? ` ${c.result}` : ''}`)
          .join('\n'),
      });
    }
  }
  return out;
}
