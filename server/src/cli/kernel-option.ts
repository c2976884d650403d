// `--kernel X.Y` for check, trace and explore: read as a `kernel` line is, and refused with the
// same words wherever it is given (each command turns the refusal into its own usage error).
import type { KernelVersion } from '../engine/kernel/types';
import { readKernelVersionText } from '../engine/sim/kernel-version-text';

/** The version, or why `--kernel` cannot take `text`. */
export function readKernelOption(text: string): { version: KernelVersion } | { refused: string } {
  const read = readKernelVersionText(text);
  if ('version' in read) return read;
  if ('tagged' in read) return { refused: `write the version without the \`v\`: --kernel ${read.tagged}` };
  if ('range' in read)
    return {
      refused: `--kernel takes one version, not a range: a scenario runs on one kernel (--kernel ${read.range})`,
    };
  if ('neverReleased' in read) return { refused: `--kernel: ${read.neverReleased}` };
  return { refused: `--kernel takes a version such as 6.6, not \`${text}\`` };
}
