// Differential testing of the simulator against the running kernel (issue 6): random syscall
// programs run on both, and every step's outcome, the read bytes and the arena's mappings must agree.
// On a mismatch fast-check shrinks the program and the failure shows both runs side by side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareRuns, renderMismatch } from './compare';
import { kernelUnavailable } from './env';
import { programArbitrary } from './generate';
import { runKernel } from './kernel-runner';
import type { Program } from './program';
import { runSim } from './sim-runner';

export const DIFFERENTIAL_SEED = 0x6d6d6170;
const RUNS = Number(process.env.DRVMAP_FIDELITY_RUNS ?? 500);
const unavailable = kernelUnavailable();

test(
  'the harness is deterministic: the same program gives the same kernel results',
  { skip: unavailable },
  async () => {
    const [program] = fc.sample(programArbitrary(20, 30), { seed: 7, numRuns: 1 });
    const a = await runKernel(program!);
    const b = await runKernel(program!);
    assert.deepEqual(a.steps, b.steps);
  },
);

test(
  `the simulator agrees with the kernel on ${RUNS} random programs`,
  { skip: unavailable, timeout: 300_000 },
  async () => {
    await fc.assert(
      fc.asyncProperty(programArbitrary(), async (program: Program) => {
        const kernel = await runKernel(program);
        const sim = runSim(program);
        const mismatch = compareRuns(program, kernel, sim);
        if (mismatch) throw new Error(renderMismatch(program, kernel, sim, mismatch));
      }),
      { seed: DIFFERENTIAL_SEED, numRuns: RUNS, endOnFailure: false, maxSkipsPerRun: 0 },
    );
  },
);
