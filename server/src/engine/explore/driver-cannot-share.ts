// An export or import the driver behaviour cannot make: `vkGetMemoryFdKHR` on memory with no
// buffer object (`backing anon`, or host memory the driver wraps), or `import` into a `backing anon`
// driver. drvmap reports it as `wrong-kind` (model/vulkan-layer.ts), but nothing goes wrong
// silently: a real driver without a shareable object does not offer the handle type
// (vkGetPhysicalDeviceExternalBufferProperties), so the scenario's export or import is refused
// loudly. Exploration counts it as refused, not unsafe (docs/explore.md, Verdicts).
import type { TextRange } from '../syntax/text-range';
import type { ScenarioRun } from '../sim/run';
import { lastStepStartingAtOrBefore } from '../diagnostics-by-step';

export function isDriverCannotShare(
  diagnostic: { readonly code: string; readonly range: TextRange },
  run: ScenarioRun,
): boolean {
  if (diagnostic.code !== 'wrong-kind') return false;
  const start = diagnostic.range.start;
  const record = lastStepStartingAtOrBefore(run.simulation.records, start);
  if (record === undefined || start >= record.node.end) return false;
  const outcome = record.outcome;
  return outcome.kind === 'skipped' && outcome.driverCannotShare === true;
}
