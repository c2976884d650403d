// The kernel selftests of facts 5.1 (mremap_dontunmap.c) and 5.2 (mremap_test.c) as syscall
// programs, each run on the real kernel and on the simulator, with the expected results asserted on both.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { kernelUnavailable } from './env';
import { runKernelBatch } from './kernel-runner';
import type { RunResult } from './program';
import { programToString } from './program';
import { checkExpectations, selftestCases } from './selftest-cases';
import { runSim } from './sim-runner';

const cases = selftestCases();
const unavailable = kernelUnavailable();

function verdict(name: string, side: string, errors: string[], program: string): void {
  assert.equal(errors.length, 0, `${side}: ${name}\n${errors.join('\n')}\nprogram:\n${program}`);
}

describe('kernel selftests as syscall programs', () => {
  let kernelRuns: RunResult[] = [];
  before(async () => {
    if (!unavailable) kernelRuns = await runKernelBatch(cases.map((c) => c.program));
  });
  cases.forEach((c, i) => {
    test(`${c.source}: ${c.name} (kernel)`, { skip: unavailable }, () => {
      const run = kernelRuns[i]!;
      verdict(c.name, 'kernel', checkExpectations(c, run), programToString(c.program));
    });
    test(`${c.source}: ${c.name} (simulator)`, () => {
      const run = runSim(c.program);
      verdict(c.name, 'simulator', checkExpectations(c, run), programToString(c.program));
    });
  });
});
