// `drvmap.*` settings: read through workspace/configuration (or initializationOptions.settings),
// turned into the engine's AnalysisOptions.
import type { AnalysisOptions } from '../engine/analysis';
import type { Severity } from '../engine/diagnostics';
import { parseNumberText } from '../engine/syntax/number-literal';

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
  maxFileSizeKiB: 2048,
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
  const kernel = /^(\d+)\.(\d+)/.exec(settings.defaultKernel.trim());
  const window = parseWindow(settings.defaultWindow);
  return {
    ...(kernel ? { kernel: { major: Number(kernel[1]), minor: Number(kernel[2]) } } : {}),
    ...(window ? { window } : {}),
    severities: settings.severity,
  };
}

function parseWindow(text: string): { start: bigint; end: bigint } | undefined {
  const parts = text.split('..').map((p) => p.trim());
  if (parts.length !== 2) return undefined;
  const start = parseNumberText(parts[0]!).value;
  const end = parseNumberText(parts[1]!).value;
  if (start === undefined || end === undefined || end <= start || end > 1n << 32n) return undefined;
  return { start, end };
}
