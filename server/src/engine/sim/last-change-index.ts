// The last change of every page, as disjoint page runs in address order, each naming the call
// that last changed it: what Simulation.lastChangeAt answers, found by a binary search instead of
// a walk back over every record (a stale pointer used after thousands of mappings asked once per
// use, and each walk reached back to the memory's own vkMapMemory: quadratic). The Simulation
// makes it at the first question, from the records so far, and brings it up to date at each
// later one with only the calls recorded since; a run that never asks pays nothing.
import { effectPages, changesPages } from '../kernel/effect-pages';
import { firstIndex } from '../first-index';
import type { Effect } from '../kernel/types';
import type { CallRecord, StepRecord } from './records';

/** Pages [start, end), last changed by effect `effect` of call `call` of record `step`. */
interface Run {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly call: number;
  readonly effect: number;
}

export interface LastChange {
  readonly step: number;
  readonly call: CallRecord;
  readonly effect: Effect;
}

export class LastChangeIndex {
  private readonly runs: Run[] = [];
  /** The next call to read: call `nextCall` of record `nextStep` (the last record may still grow). */
  private nextStep = 0;
  private nextCall = 0;

  /**
   * The last recorded call that changed a page of [page, endPage), and its first effect that did:
   * the answer of a walk back from the newest record (lastChangeIn), which stops at the newest
   * call touching the range and takes the first of its effects that does.
   */
  lastChangeAt(records: readonly StepRecord[], page: number, endPage: number): LastChange | undefined {
    this.catchUp(records);
    let best: Run | undefined;
    for (let i = firstIndex(this.runs.length, (r) => this.runs[r]!.end <= page); i < this.runs.length; i++) {
      const run = this.runs[i]!;
      if (run.start >= endPage) break;
      if (best === undefined || isAfter(run, best)) best = run;
    }
    if (best === undefined) return undefined;
    const call = records[best.step]!.calls[best.call]!;
    return { step: best.step, call, effect: call.effects[best.effect]! };
  }

  /**
   * Reads the calls recorded since the last question. Expectations add their calls to the last
   * record after it was pushed (Runner.keepCallsOfExpectation), so that record is read again.
   */
  private catchUp(records: readonly StepRecord[]): void {
    for (let step = this.nextStep; step < records.length; step++) {
      const calls = records[step]!.calls;
      for (let call = step === this.nextStep ? this.nextCall : 0; call < calls.length; call++) {
        const effects = calls[call]!.effects;
        // The first effect of a call that touches a page is the one the walk reports: paint the
        // call's effects last to first, so the first one is what each page keeps.
        for (let effect = effects.length - 1; effect >= 0; effect--) {
          const [start, end] = effectPages(effects[effect]!);
          if (changesPages(effects[effect]!, start, end)) this.paint({ start, end, step, call, effect });
        }
      }
      this.nextStep = step;
      this.nextCall = calls.length;
    }
  }

  /** Makes `run` the last change of its pages, keeping the parts of the runs it overlaps outside it. */
  private paint(run: Run): void {
    const from = firstIndex(this.runs.length, (i) => this.runs[i]!.end <= run.start);
    const to = firstIndex(this.runs.length, (i) => this.runs[i]!.start < run.end);
    const kept: Run[] = [];
    if (from < to) {
      const first = this.runs[from]!;
      const last = this.runs[to - 1]!;
      if (first.start < run.start) kept.push({ ...first, end: run.start });
      kept.push(run);
      if (last.end > run.end) kept.push({ ...last, start: run.end });
    } else kept.push(run);
    this.runs.splice(from, to - from, ...kept);
  }
}

/**
 * Whether `a` is what the walk meets first: a later call, or the same call's earlier effect (the
 * walk takes a call's first effect that touches the range).
 */
function isAfter(a: Run, b: Run): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.call !== b.call) return a.call > b.call;
  return a.effect < b.effect;
}
