// `--kernel X.Y` for check, trace and explore: read as a `kernel` line is, and refused with the
// same words wherever it is given (each command turns the refusal into its own usage error).
import { kernelVersionRange, parseKernelVersion } from '../engine/kernel/config';
import type { KernelVersion } from '../engine/kernel/types';
import { kernelVersionProblem } from '../engine/sim/platform';

/** The version, or why `--kernel` cannot take `text`. */
export function readKernelOption(text: string): { version: KernelVersion } | { refused: string } {
  const range = kernelVersionRange(text);
  if (range)
    return {
      refused: `--kernel takes one version, not a range: a scenario runs on one kernel (--kernel ${range})`,
    };
  const version = parseKernelVersion(text);
  if (!version) return { refused: `--kernel takes a version such as 6.6, not \`${text}\`` };
  // A release Linux never had is refused as a `kernel` line is; one past the rules is a note
  // on each scenario that uses it (kernel-unmodelled), not an error.
  const problem = kernelVersionProblem(version, text);
  if (problem?.code === 'number-out-of-range') return { refused: `--kernel: ${problem.message}` };
  return { version };
}
