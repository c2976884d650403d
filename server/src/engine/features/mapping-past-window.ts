// The caveat a pointer's hover owes when the pointer lies inside the window but the memory it
// points at runs past the window's end: check reports that step as pointer-outside-window
// (model/window-text.ts outsideWindow names the part outside), and a hover that said only
// "inside the window" contradicted it. The extent is the mapping the pointer is in after its step.
import type { ScenarioAnalysis } from '../analysis';
import { formatHex, formatSize } from '../numbers';
import type { StepRecord } from '../sim/records';
import { codeSpan } from '../../../../protocol/markdown';
import { vmaContaining, vmaEnd } from './mappings';

/** The caveat for `pointer`, the result of `record`, or undefined when none is owed. */
export function mappingPastWindowText(
  scenario: ScenarioAnalysis,
  record: StepRecord,
  pointer: bigint,
): string | undefined {
  const run = scenario.run;
  const { start, end } = run.simulation.platform.window;
  if (pointer < start || pointer >= end) return undefined;
  const node = record.node;
  const reported = scenario.diagnostics.some(
    (d) =>
      d.code === 'pointer-outside-window' &&
      d.range.start >= node.start &&
      d.range.end <= node.end &&
      d.addresses?.includes(pointer) === true,
  );
  if (!reported) return undefined;
  const vma = vmaContaining(run, record.index, pointer);
  if (vma === undefined) return undefined;
  const mappingEnd = vmaEnd(run, vma);
  if (mappingEnd <= end) return undefined;
  return `**But** the mapping it points into runs to ${codeSpan(formatHex(mappingEnd))}, past the window's end: its last ${formatSize(mappingEnd - end)} (${codeSpan(formatHex(end))}..${codeSpan(formatHex(mappingEnd))}) lie outside (${codeSpan('pointer-outside-window')} on this step)`;
}
