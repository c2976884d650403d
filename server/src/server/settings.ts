// `drvmap.*` settings: read through workspace/configuration (or initializationOptions.settings),
// turned into the engine's AnalysisOptions.
import type { AnalysisOptions } from '../engine/analysis';
import type { Severity } from '../engine/diagnostics';
import { parseNumberText } from '../engine/syntax/number-literal';
import { defaultKernelConfig, formatKernelVersion } from '../engine/kernel/config';
import type { KernelVersion } from '../engine/kernel/types';
import { formatHex } from '../engine/numbers';
import { DEFAULT_WINDOW, windowProblem, type AddressWindow } from '../engine/sim/platform';
import { readKernelVersionText } from '../engine/sim/kernel-version-text';

export interface Settings {
  readonly defaultKernel: string;
  readonly defaultWindow: string;
  readonly inlayHintsEnabled: boolean;
  readonly severity: Readonly<Record<string, Severity | 'off'>>;
  readonly maxFileSizeKiB: number;
  /** Not a user setting: DRVMAP_DEBOUNCE_MS or initializationOptions.debounceMs (benchmarks use 0). */
  readonly debounceMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  defaultKernel: '6.18',
  defaultWindow: '0x10000..0x7fff0000',
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
  const window = defaultWindowOf(settings);
  return {
    ...('value' in kernel ? { kernel: kernel.value } : {}),
    ...('value' in window ? { window: window.value } : {}),
    severities: settings.severity,
  };
}

/**
 * Why the defaultKernel or defaultWindow setting is not used, one message each: the server shows
 * them (a bad value must not be replaced silently), and analyses with the built-in default.
 */
export function settingProblems(settings: Settings): string[] {
  const problems: string[] = [];
  const kernel = defaultKernelOf(settings);
  if ('problem' in kernel)
    problems.push(
      `drvmap.defaultKernel \`${settings.defaultKernel}\` is not used: ${kernel.problem}; scenarios without a \`kernel\` line run under ${formatKernelVersion(defaultKernelConfig().version)}`,
    );
  const window = defaultWindowOf(settings);
  if ('problem' in window)
    problems.push(
      `drvmap.defaultWindow \`${settings.defaultWindow}\` is not used: ${window.problem}; scenarios without a \`window\` line use ${formatHex(DEFAULT_WINDOW.start)}..${formatHex(DEFAULT_WINDOW.end)}`,
    );
  return problems;
}

type Checked<T> = { readonly value: T } | { readonly problem: string };

/**
 * The setting read as a `kernel` line's version or `--kernel` is (parseKernelVersion: `6.6`, or as
 * `uname -r` prints it, `6.6.12-generic`): a release past 6.19 is kept (and noted per scenario).
 */
function defaultKernelOf(settings: Settings): Checked<KernelVersion> {
  const read = readKernelVersionText(settings.defaultKernel.trim());
  if ('version' in read) return { value: read.version };
  if ('tagged' in read) return { problem: `write the version without the \`v\` (${read.tagged})` };
  if ('range' in read)
    return {
      problem: `it is a range, and the setting takes one version: a scenario runs on one kernel (e.g. ${read.range})`,
    };
  if ('neverReleased' in read) return { problem: read.neverReleased };
  return { problem: 'it is not a kernel version such as 6.6' };
}

/** The setting read as a `window START .. END` line would be. */
function defaultWindowOf(settings: Settings): Checked<AddressWindow> {
  const parts = settings.defaultWindow.split('..').map((p) => p.trim());
  if (parts.length !== 2) return { problem: 'it is not a range START..END' };
  if (parts[0] === '') return { problem: 'its start is missing (START..END)' };
  if (parts[1] === '') return { problem: 'its end is missing (START..END)' };
  const start = parseNumberText(parts[0]!);
  const end = parseNumberText(parts[1]!);
  if (start.value === undefined || end.value === undefined)
    return { problem: start.error ?? end.error ?? 'it is not a range START..END' };
  const value = { start: start.value, end: end.value };
  const problem = windowProblem(value);
  return problem ? { problem } : { value };
}
