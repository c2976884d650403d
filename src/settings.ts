// The `drvmap.*` settings as the client hands them to the server (initializationOptions and
// workspace/didChangeConfiguration). Pure: values from the user's settings.json are checked
// here, so a typo cannot reach the server as a surprising type.

export type RuleSeverity = 'error' | 'warning' | 'info' | 'hint' | 'off';
const SEVERITIES: readonly RuleSeverity[] = ['error', 'warning', 'info', 'hint', 'off'];

export interface DrvmapSettings {
  /** Linux version used when a scenario has no `kernel` line, e.g. "6.18". */
  readonly defaultKernel: string;
  /** Wine release used when a scenario has no `wine` line, e.g. "10.15". */
  readonly defaultWine: string;
  /** `START..END` (END exclusive) used when a scenario has no `window` line. */
  readonly defaultWindow: string;
  readonly inlayHints: { readonly enabled: boolean };
  /** Rule code → severity override. */
  readonly severity: Readonly<Record<string, RuleSeverity>>;
  readonly maxFileSizeKiB: number;
}

export const DEFAULT_SETTINGS: DrvmapSettings = {
  defaultKernel: '6.18',
  defaultWine: '10.15',
  defaultWindow: '0x10000..0x80000000',
  inlayHints: { enabled: true },
  severity: {},
  maxFileSizeKiB: 512,
};

/** What the server receives in `initialize`: the settings and whether the workspace is trusted. */
export interface DrvmapInitializationOptions {
  readonly settings: DrvmapSettings;
  /** Untrusted workspaces only simulate; a future native runner stays off. */
  readonly workspaceTrusted: boolean;
}

/** `get(key)` reads one `drvmap.<key>` value (undefined when unset or unreadable). */
export function normalizeSettings(get: (key: string) => unknown): DrvmapSettings {
  const kernel = get('defaultKernel');
  const wine = get('defaultWine');
  const window = get('defaultWindow');
  const inlay = get('inlayHints.enabled');
  const maxSize = get('maxFileSizeKiB');
  return {
    // The kernel, Wine and window are passed on as written: the server reads each as its line is
    // read (a kernel as `uname -r` prints it, `6.6.12-generic`, included) and says why it cannot
    // use one it refuses, rather than this replacing it with the default without a word.
    defaultKernel: typeof kernel === 'string' ? kernel.trim() : DEFAULT_SETTINGS.defaultKernel,
    defaultWine: typeof wine === 'string' ? wine.trim() : DEFAULT_SETTINGS.defaultWine,
    defaultWindow: typeof window === 'string' ? window.trim() : DEFAULT_SETTINGS.defaultWindow,
    inlayHints: { enabled: typeof inlay === 'boolean' ? inlay : DEFAULT_SETTINGS.inlayHints.enabled },
    severity: normalizeSeverity(get('severity')),
    maxFileSizeKiB:
      typeof maxSize === 'number' && Number.isFinite(maxSize) && maxSize >= 1
        ? Math.floor(maxSize)
        : DEFAULT_SETTINGS.maxFileSizeKiB,
  };
}

function normalizeSeverity(raw: unknown): Record<string, RuleSeverity> {
  const result: Record<string, RuleSeverity> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return result;
  for (const [code, value] of Object.entries(raw as Record<string, unknown>)) {
    const severity = typeof value === 'string' ? value.toLowerCase() : undefined;
    if (SEVERITIES.includes(severity as RuleSeverity)) result[code] = severity as RuleSeverity;
  }
  return result;
}
