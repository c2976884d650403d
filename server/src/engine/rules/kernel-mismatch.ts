// `kernel-mismatch`: The running kernel and the simulation disagree about a step (after "drvmap: Run on This Kernel").
// Not found by the analysis: the editor runs the scenario's raw syscalls through the kernel
// harness and the server compares (server/src/engine/export/kernel-compare.ts).
import type { Rule } from './rule';

export const kernelMismatch: Rule = {
  code: 'kernel-mismatch',
  family: 'kernel',
  severity: 'warning',
  title: 'The running kernel and the simulation disagree about a step (after "drvmap: Run on This Kernel").',
  requiresKernel: true,
};
