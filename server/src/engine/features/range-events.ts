// Which steps changed a page range, for hover's "since NAME was made": a hover asks it for one
// name's range between two steps, and walking every record in between (their calls, their effects)
// made each address hover linear in the run's length. The first question files every effect's
// pages (kernel/effect-pages.ts) in step order in flat arrays, kept with the run; a question then
// scans numbers and the caller reads only the records it is given.
import { effectPages } from '../kernel/effect-pages';
import type { StepRecord } from '../sim/records';

/** One entry per effect, in step order. */
interface EffectExtents {
  /** How many records were filed (a run's records do not change once it is done). */
  readonly records: number;
  readonly length: number;
  readonly steps: Int32Array;
  /** Pages exceed 2^31: doubles. */
  readonly from: Float64Array;
  readonly to: Float64Array;
}

const FILED = new WeakMap<readonly StepRecord[], EffectExtents>();

function extentsOf(records: readonly StepRecord[]): EffectExtents {
  const known = FILED.get(records);
  if (known !== undefined && known.records === records.length) return known;
  let count = 0;
  for (const record of records) for (const call of record.calls) count += call.effects.length;
  const steps = new Int32Array(count);
  const from = new Float64Array(count);
  const to = new Float64Array(count);
  let k = 0;
  for (const record of records)
    for (const call of record.calls)
      for (const effect of call.effects) {
        const [start, end] = effectPages(effect);
        steps[k] = record.index;
        from[k] = start;
        to[k] = end;
        k++;
      }
  const extents = { records: records.length, length: count, steps, from, to };
  FILED.set(records, extents);
  return extents;
}

/**
 * The steps after `after` and up to `until` (0-based) with an effect on a page of
 * [startPage, endPage): ascending, each once, at most `limit` of them.
 */
export function stepsTouching(
  records: readonly StepRecord[],
  startPage: number,
  endPage: number,
  after: number,
  until: number,
  limit: number,
): number[] {
  const { length, steps, from, to } = extentsOf(records);
  // The first entry of a step after `after`.
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((steps[mid] as number) <= after) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let k = lo; k < length && out.length < limit; k++) {
    const step = steps[k] as number;
    if (step > until) break;
    if ((from[k] as number) < endPage && startPage < (to[k] as number) && out[out.length - 1] !== step)
      out.push(step);
  }
  return out;
}
