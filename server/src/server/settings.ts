// `drvmap.*` settings: read through workspace/configuration (or initializationOptions.settings),
// turned into the engine's AnalysisOptions.
import type { AnalysisOptions } from '../engine/analysis';
import type { Severity } from '../engine/diagnostics';
import { parseNumberText } from '../engine/syntax/number-literal';
import { defaultKernelConfig, formatKernelVersion } from '../engine/kernel/config';
import type { KernelVersion } from '../engine/kernel/types';
import { formatHex } from '../engine/numbers';
import { DEFAULT_WINDOW, windowProblem, type AddressWindow } from '../engine/sim/platform';
import { readKernelVersionText, readWineVersionText, type VersionText } from '../engine/sim/version-text';
import { DEFAULT_WINE, formatWineVersion, type WineVersion } from '../engine/sim/wine-version';

export interface Settings {
  readonly defaultKernel: string;
  /** The Wine of scenarios without a `wine` line; empty is the engine's default (DEFAULT_WINE). */
  readonly defaultWine: string;
  readonly defaultWindow: string;
  readonly inlayHintsEnabled: boolean;
  readonly severity: Readonly<Record<string, Severity | 'off'>>;
  readonly maxFileSizeKiB: number;
  /** Not a user setting: DRVMAP_DEBOUNCE_MS or initializationOptions.debounceMs (benchmarks use 0). */
  readonly debounceMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  defaultKernel: '6.18',
  defaultWine: formatWineVersion(DEFAULT_WINE),
  defaultWindow: '0x10000..0x80000000',
  inlayHintsEnabled: true,
  severity: {},
  // package.json's default: the same limit in every editor, not only in VS Code.
  maxFileSizeKiB: 512,
  debounceMs: 150,
};

const LEVELS = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Merges a raw `drvmap` configuration object over the defaults, ignoring malformed values. */
export function readSettings(raw: unknown, base: Settings = DEFAULT_SETTINGS): Settings {
  if (!raw || typeof raw !== 'object') return base;
  const r = raw as Record<string, unknown>;
  const inlay = r['inlayHints'];
  const severity: Record<string, Severity | 'off'> = {};
  const rawSeverity = r['severity'];
  if (rawSeverity && typeof rawSeverity === 'object') {
    for (const [code, level] of Object.entries(rawSeverity as Record<string, unknown>)) {
      if (typeof level === 'string' && LEVELS.has(level)) severity[code] = level as Severity | 'off';
    }
  }
  const inlayEnabled =
    inlay && typeof inlay === 'object' && typeof (inlay as Record<string, unknown>)['enabled'] === 'boolean'
      ? ((inlay as Record<string, unknown>)['enabled'] as boolean)
      : typeof r['inlayHints.enabled'] === 'boolean'
        ? (r['inlayHints.enabled'] as boolean)
        : base.inlayHintsEnabled;
  return {
    defaultKernel: typeof r['defaultKernel'] === 'string' ? r['defaultKernel'] : base.defaultKernel,
    defaultWine: typeof r['defaultWine'] === 'string' ? r['defaultWine'] : base.defaultWine,
    defaultWindow: typeof r['defaultWindow'] === 'string' ? r['defaultWindow'] : base.defaultWindow,
    inlayHintsEnabled: inlayEnabled,
    severity: Object.keys(severity).length ? severity : base.severity,
    maxFileSizeKiB:
      typeof r['maxFileSizeKiB'] === 'number' && r['maxFileSizeKiB'] > 0
        ? r['maxFileSizeKiB']
        : base.maxFileSizeKiB,
    debounceMs:
      typeof r['debounceMs'] === 'number' && r['debounceMs'] >= 0 ? r['debounceMs'] : base.debounceMs,
  };
}

export function analysisOptions(settings: Settings): AnalysisOptions {
  const kernel = defaultKernelOf(settings);
  const wine = defaultWineOf(settings);
  const window = defaultWindowOf(settings);
  return {
    ...('value' in kernel ? { kernel: kernel.value } : {}),
    // The manifest's default is the engine's: passed on only when it differs, so that messages
    // call an untouched setting the default rather than a version the user gave.
    ...(wine && 'value' in wine && !sameVersion(wine.value, DEFAULT_WINE) ? { wine: wine.value } : {}),
    ...('value' in window ? { window: window.value } : {}),
    severities: settings.severity,
  };
}

/**
 * Why the defaultKernel, defaultWine or defaultWindow setting is not used, one message each: the server shows
 * them (a bad value must not be replaced silently), and analyses with the built-in default.
 */
export function settingProblems(settings: Settings): string[] {
  const problems: string[] = [];
  const kernel = defaultKernelOf(settings);
  if ('problem' in kernel)
    problems.push(
      `drvmap.defaultKernel \`${settings.defaultKernel}\` is not used: ${kernel.problem}; scenarios without a \`kernel\` line run under ${formatKernelVersion(defaultKernelConfig().version)}`,
    );
  const wine = defaultWineOf(settings);
  if (wine && 'problem' in wine)
    problems.push(
      `drvmap.defaultWine \`${settings.defaultWine}\` is not used: ${wine.problem}; scenarios without a \`wine\` line run under Wine ${formatWineVersion(DEFAULT_WINE)}`,
    );
  const window = defaultWindowOf(settings);
  if ('problem' in window)
    problems.push(
      `drvmap.defaultWindow \`${settings.defaultWindow}\` is not used: ${window.problem}; scenarios without a \`window\` line use ${formatHex(DEFAULT_WINDOW.start)}..${formatHex(DEFAULT_WINDOW.end)}`,
    );
  return problems;
}

const sameVersion = (a: WineVersion, b: WineVersion) => a.major === b.major && a.minor === b.minor;

type Checked<T> = { readonly value: T } | { readonly problem: string };

/**
 * The setting read as a `kernel` line's version or `--kernel` is (parseKernelVersion: `6.6`, or as
 * `uname -r` prints it, `6.6.12-generic`): a release past 6.19 is kept (and noted per scenario).
 */
function defaultKernelOf(settings: Settings): Checked<KernelVersion> {
  return checkedVersion(readKernelVersionText(settings.defaultKernel.trim()), {
    runsOn: 'runs on one kernel',
    unreadable: 'it is not a kernel version such as 6.6',
  });
}

/** The setting read as a `wine` line's version is; undefined when it is empty (the engine's default). */
function defaultWineOf(settings: Settings): Checked<WineVersion> | undefined {
  const text = settings.defaultWine.trim();
  if (text === '') return undefined;
  return checkedVersion(readWineVersionText(text), {
    runsOn: 'runs under one Wine',
    unreadable: /^wine-/i.test(text)
      ? 'write the version without `wine-` (as `wine --version` prints it after the dash), such as 10.15'
      : 'it is not a Wine version such as 10.15',
  });
}

/** A version setting's value, or why it is not used, in the words of its own line. */
function checkedVersion<V>(
  read: VersionText<V>,
  words: { readonly runsOn: string; readonly unreadable: string },
): Checked<V> {
  if ('version' in read) return { value: read.version };
  if ('tagged' in read) return { problem: `write the version without the \`v\` (${read.tagged})` };
  if ('range' in read)
    return {
      problem: `it is a range, and the setting takes one version: a scenario ${words.runsOn} (e.g. ${read.range})`,
    };
  if ('outOfRange' in read) return { problem: read.outOfRange };
  return { problem: words.unreadable };
}

/** The setting read as a `window START .. END` line would be. */
function defaultWindowOf(settings: Settings): Checked<AddressWindow> {
  const parts = settings.defaultWindow.split('..').map((p) => p.trim());
  if (parts.length !== 2) return { problem: 'it is not a range START..END' };
  if (parts[0] === '') return { problem: 'its start is missing (START..END)' };
  if (parts[1] === '') return { problem: 'its end is missing (START..END)' };
  // As a `window` line says it (number-out-of-range), not the number reader's "no digits after ``".
  const negative = parts.find((p) => p.startsWith('-'));
  if (negative !== undefined) return { problem: `\`${negative}\` is negative; addresses are unsigned` };
  const start = parseNumberText(parts[0]!);
  const end = parseNumberText(parts[1]!);
  if (start.value === undefined || end.value === undefined)
    return { problem: start.error ?? end.error ?? 'it is not a range START..END' };
  const value = { start: start.value, end: end.value };
  const problem = windowProblem(value);
  return problem ? { problem } : { value };
}
