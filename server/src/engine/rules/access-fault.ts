// `access-fault`: a read or write faults (SIGSEGV: nothing mapped, or the protection forbids it;
// SIGBUS: past the end of a shared object), or runs past a memory object's end.
import { formatHex } from '../numbers';
import type { Rule } from './rule';

export const accessFault: Rule = {
  code: 'access-fault',
  family: 'kernel',
  severity: 'error',
  title:
    "A read or write by an actor faults: SIGSEGV (unmapped or protected) or SIGBUS (past a shared object's end).",
  check(run, emit) {
    const { records, stepsWith, findings } = run.simulation;
    // An access through a stale pointer (a driver's cached one, an app's after unmap) that
    // faults is reported once, by the finding whose message says so: a second error would make
    // `expect diagnostic stale-pointer` unable to mark the step as expected.
    const explained = new Set<number>();
    for (const f of findings) if (f.explainsFault) explained.add(f.range.start);
    for (const step of stepsWith.fault) {
      const record = records[step]!;
      if (record.outcome.kind !== 'fault' || explained.has(record.node.start)) continue;
      const o = record.outcome;
      // The address that faulted: a mapping holds it when the protection forbade the access.
      emit(
        record.node,
        `${record.actor} gets ${o.signal} at ${formatHex(o.address)}: ${o.reason}`,
        [],
        undefined,
        [o.address],
      );
    }
  },
};
