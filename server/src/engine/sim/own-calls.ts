// A step's own calls. The timeline keeps the calls an expectation's check made (a read that
// faults pages in through a userfaultfd handler) on the step before it (run.ts,
// keepCallsOfExpectation), appended after the step's own: memory changes step by step. What a
// user reads about the step (its hover, a trace, an exploration's counterexample) lists the
// step's own calls, and the expectation's with the expectation.
import type { CallRecord, ExpectRecord } from './records';

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
 * The calls a step made itself (`calls`: its record's, or the set-up's for step -1), given the
 * expectations checked right after it.
 */
export function ownCalls(
  calls: readonly CallRecord[],
  expectsAfter: readonly ExpectRecord[] | undefined,
): readonly CallRecord[] {
  let made = 0;
  if (expectsAfter) for (const e of expectsAfter) made += e.calls.length;
  return made === 0 ? calls : calls.slice(0, calls.length - made);
}
