// Which step's text each diagnostic lies in: what `expect diagnostic` and the expected failures
// of a scenario ask, once per scenario instead of a scan of every diagnostic per question.
import { firstIndex } from './first-index';
import type { EngineDiagnostic } from './diagnostics';
import type { TextRange } from './syntax/text-range';

/** The indexes of `diagnostics` that lie inside a step's text, by step index. */
export function diagnosticsByStep(
  records: readonly { readonly node: TextRange; readonly index: number }[],
  diagnostics: readonly Pick<EngineDiagnostic, 'range'>[],
): Map<number, number[]> {
  const byStep = new Map<number, number[]>();
  for (let i = 0; i < diagnostics.length; i++) {
    const { start, end } = diagnostics[i]!.range;
    const step = lastStepStartingAtOrBefore(records, start);
    if (step === undefined || end > step.node.end) continue;
    const list = byStep.get(step.index);
    if (list) list.push(i);
    else byStep.set(step.index, [i]);
  }
  return byStep;
}

/** The last of `records` (steps, in text order) that starts at or before `offset`. */
export function lastStepStartingAtOrBefore<R extends { readonly node: { readonly start: number } }>(
  records: readonly R[],
  offset: number,
): R | undefined {
  const after = firstIndex(records.length, (i) => records[i]!.node.start <= offset);
  return after > 0 ? records[after - 1] : undefined;
}
