// `--kernel X.Y` and `--wine X.Y` for check, trace and explore: read as a `kernel` or `wine` line
// is, and refused with the same words wherever they are given (each command turns the refusal into
// its own usage error).
import type { KernelVersion } from '../engine/kernel/types';
import { readKernelVersionText, readWineVersionText, type VersionText } from '../engine/sim/version-text';
import type { WineVersion } from '../engine/sim/wine-version';

type Refusable<V> = { readonly version: V } | { readonly refused: string };

/** The version, or why `--kernel` cannot take `text`. */
export function readKernelOption(text: string): Refusable<KernelVersion> {
  return refuse(readKernelVersionText(text), '--kernel', 'runs on one kernel', text, 'a version such as 6.6');
}

/**
 * The version, or why `--wine` cannot take `text`. A Wine before 9.0 is refused: a `wine` line
 * runs it as 9.0 with a warning on that line, but an option has no line to warn on.
 */
export function readWineOption(text: string): Refusable<WineVersion> {
  const expected = /^\s*wine-/i.test(text)
    ? 'a version as `wine --version` prints it, without `wine-`, such as 10.15'
    : 'a Wine version such as 10.15';
  return refuse(readWineVersionText(text), '--wine', 'runs under one Wine', text, expected);
}

/**
 * An option's version when it was given (undefined when not), or `fail` with why it was refused:
 * each command throws its own usage error.
 */
export function versionOption<V>(
  text: string | undefined,
  read: (text: string) => Refusable<V>,
  fail: (message: string) => never,
): V | undefined {
  if (text === undefined) return undefined;
  const result = read(text);
  return 'refused' in result ? fail(result.refused) : result.version;
}

function refuse<V>(
  read: VersionText<V>,
  option: string,
  runsOn: string,
  text: string,
  expected: string,
): Refusable<V> {
  if ('version' in read) return read;
  if ('tagged' in read) return { refused: `write the version without the \`v\`: ${option} ${read.tagged}` };
  if ('range' in read)
    return {
      refused: `${option} takes one version, not a range: a scenario ${runsOn} (${option} ${read.range})`,
    };
  if ('outOfRange' in read) return { refused: `${option}: ${read.outOfRange}` };
  return { refused: `${option} takes ${expected}, not \`${text}\`` };
}
