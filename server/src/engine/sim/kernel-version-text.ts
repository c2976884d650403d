// One kernel version given as text outside a scenario (`--kernel`, the drvmap.defaultKernel
// setting): read as a `kernel` line's version is, and refused for the same reasons. Each caller
// words the refusal for where the text came from.
import { kernelVersionRange, kernelVersionTag, parseKernelVersion } from '../kernel/config';
import type { KernelVersion } from '../kernel/types';
import { kernelVersionProblem } from './platform';

export type KernelVersionText =
  | { readonly version: KernelVersion }
  /** A range (`6.8-6.9`): a scenario runs on one kernel. `range` is its first version, to suggest. */
  | { readonly range: string }
  /** A git tag (`v6.6`): `uname -r` never prints the `v`, and a `kernel` line refuses it. `version` is the text without it. */
  | { readonly tagged: string }
  | { readonly unreadable: true }
  /** A release Linux never had: why, in the `kernel` line's words. */
  | { readonly neverReleased: string };

/**
 * A release past the rules is read (each scenario that uses it gets the kernel-unmodelled note),
 * as a `kernel` line's is.
 */
export function readKernelVersionText(text: string): KernelVersionText {
  const tagged = kernelVersionTag(text);
  if (tagged !== undefined) return { tagged };
  const range = kernelVersionRange(text);
  if (range !== undefined) return { range };
  const version = parseKernelVersion(text);
  if (!version) return { unreadable: true };
  const problem = kernelVersionProblem(version, text);
  return problem?.code === 'number-out-of-range' ? { neverReleased: problem.message } : { version };
}
