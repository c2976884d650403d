// A step's own calls. The timeline keeps, on the step before them, calls that no step made: an
// expectation's check (a read that faults pages in through a userfaultfd handler) and the drivers'
// device creation deferred after the leading `reserve … preloaded` steps
// (sim/device-creation-point.ts). Both are appended after the step's own calls (run.ts,
// keepCallsAfterLastStep): memory changes step by step. What reads the step's own doing (its
// hover, its inlay hint, kernel-refused and its quick fixes, a trace, an exploration's
// counterexample) takes the calls the step made itself; an expectation's calls are listed with
// the expectation, device creation's with the device creation.
import type { CallRecord, ExpectRecord } from './records';
import type { Simulation } from './simulation';

/** The expectations checked after each step, by step index (-1: before the first step). */
export function expectationsByStep(expects: readonly ExpectRecord[]): Map<number, ExpectRecord[]> {
  const byStep = new Map<number, ExpectRecord[]>();
  for (const e of expects) {
    const list = byStep.get(e.afterStep);
    if (list) list.push(e);
    else byStep.set(e.afterStep, [e]);
  }
  return byStep;
}

/**
 * The calls step `step` made itself, of `calls`: its record's, or the set-up's for step -1 (the
 * layer's `setupCalls`).
 */
export function ownCalls(sim: Simulation, step: number, calls: readonly CallRecord[]): readonly CallRecord[] {
  const own = sim.ownCallCounts.get(step);
  return own === undefined || own === calls.length ? calls : calls.slice(0, own);
}
