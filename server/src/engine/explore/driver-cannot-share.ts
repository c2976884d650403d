// An export or import the driver behaviour cannot make: `vkGetMemoryFdKHR` on memory with no
// buffer object (`backing anon`, or host memory the driver wraps), or `import` into a `backing anon`
// driver. drvmap reports it as `wrong-kind` (model/vulkan-layer.ts), but nothing goes wrong
// silently: a real driver without a shareable object does not offer the handle type
// (vkGetPhysicalDeviceExternalBufferProperties), so the scenario's export or import is refused
// loudly. Exploration counts it as refused, not unsafe (docs/explore.md, Verdicts).
import type { TextRange } from '../syntax/text-range';
import type { ScenarioRun } from '../sim/run';

/** The skipped-step reasons model/vulkan-layer.ts gives these two cases. */
const CANNOT_SHARE_REASONS: readonly string[] = ['no buffer object to export', 'the driver cannot import'];

export function isDriverCannotShare(
  diagnostic: { readonly code: string; readonly range: TextRange },
  run: ScenarioRun,
): boolean {
  if (diagnostic.code !== 'wrong-kind') return false;
  const start = diagnostic.range.start;
  for (const record of run.simulation.records) {
    if (start < record.node.start || start >= record.node.end) continue;
    const outcome = record.outcome;
    return outcome.kind === 'skipped' && CANNOT_SHARE_REASONS.some((r) => outcome.reason.startsWith(r));
  }
  return false;
}
