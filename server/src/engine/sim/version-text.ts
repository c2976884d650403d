// One kernel or Wine version given as text outside a scenario (`--kernel`, `--wine`, the
// drvmap.defaultKernel and drvmap.defaultWine settings): read as a `kernel` or `wine` line's
// version is, and refused for the same reasons. Each caller words the refusal for where the text
// came from.
import { kernelVersionRange, kernelVersionTag, parseKernelVersion } from '../kernel/config';
import type { KernelVersion } from '../kernel/types';
import type { LanguageProblem } from './problems';
import { kernelVersionProblem } from './platform';
import { type WineVersion, wineVersionRefusal } from './wine-version';

export type VersionText<V> =
  | { readonly version: V }
  /** A range (`6.8-6.9`): a scenario runs on one kernel, one Wine. `range` is its first version, to suggest. */
  | { readonly range: string }
  /** A git tag (`v6.6`): `uname -r` never prints the `v`, and a `kernel` line refuses it. `version` is the text without it. */
  | { readonly tagged: string }
  | { readonly unreadable: true }
  /** A release that never existed, or one drvmap does not model: why, in the line's words. */
  | { readonly outOfRange: string };

/**
 * A kernel past the rules is read (each scenario that uses it gets the kernel-unmodelled note), as
 * a `kernel` line's is.
 */
export function readKernelVersionText(text: string): VersionText<KernelVersion> {
  return readVersionText(text, kernelVersionProblem);
}

/**
 * A Wine before 9.0 is refused, where a `wine` line runs as 9.0 with a warning: a setting or an
 * option applies to every scenario, and drvmap cannot answer for the Wine it names.
 */
export function readWineVersionText(text: string): VersionText<WineVersion> {
  return readVersionText(text, (version) => {
    const refusal = wineVersionRefusal(version, text);
    return refusal === undefined ? undefined : { code: 'number-out-of-range', message: refusal };
  });
}

function readVersionText(
  text: string,
  problemOf: (version: KernelVersion, text: string) => Omit<LanguageProblem, 'range'> | undefined,
): VersionText<KernelVersion> {
  const tagged = kernelVersionTag(text);
  if (tagged !== undefined) return { tagged };
  const range = kernelVersionRange(text);
  if (range !== undefined) return { range };
  const version = parseKernelVersion(text);
  if (!version) return { unreadable: true };
  const problem = problemOf(version, text);
  return problem?.code === 'number-out-of-range' ? { outOfRange: problem.message } : { version };
}
