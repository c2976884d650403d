// Machine-readable output with a stable, versioned shape (documented in docs/cli.md). Lines and
// columns are 1-based; columns count UTF-16 code units, like the editor; offsets are 0-based
// UTF-16 offsets into the text drvmap analysed: the file decoded as UTF-8, a leading byte-order
// mark dropped (read-input.ts). A change that removes or renames a field bumps `schemaVersion`.
import type { Severity } from '../../engine/diagnostics';
import type { CheckReport, Place, ReportedDiagnostic, SeverityCounts } from '../check';
import { portablePath } from '../check';
import type { Trace } from '../trace';
import { TOOL_NAME, TOOL_VERSION } from '../version';

export const JSON_SCHEMA_VERSION = 1;

export interface JsonPosition {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units. */
  readonly column: number;
  /** 0-based, in UTF-16 code units from the start of the text (after a dropped byte-order mark). */
  readonly offset: number;
}

export interface JsonRange {
  readonly start: JsonPosition;
  /** Exclusive. */
  readonly end: JsonPosition;
}

export interface JsonDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: JsonRange;
  readonly scenario: string | null;
  readonly docUrl: string;
  /** The scenario expects it (`expect diagnostic CODE`, an expected failure): "(expected) …", info. */
  readonly expected: boolean;
  readonly related: readonly { readonly message: string; readonly range: JsonRange }[];
}

export interface JsonCheckOutput {
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly files: readonly {
    readonly path: string;
    /** How many scenarios the file has; 0: nothing in it was checked. */
    readonly scenarios: number;
    readonly diagnostics: readonly JsonDiagnostic[];
    readonly counts: SeverityCounts;
  }[];
  readonly unreadable: readonly { readonly path: string; readonly message: string }[];
  readonly summary: SeverityCounts & {
    readonly files: number;
    /** The files with no scenario (`scenarios: 0`). */
    readonly withoutScenario: number;
    readonly threshold: Severity;
    readonly failOn: Severity;
  };
  readonly exitCode: number;
}

function position(p: Place): JsonPosition {
  return { line: p.line + 1, column: p.character + 1, offset: p.offset };
}

export function jsonDiagnostic(d: ReportedDiagnostic): JsonDiagnostic {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    range: { start: position(d.start), end: position(d.end) },
    scenario: d.scenario ?? null,
    docUrl: d.docUrl,
    expected: d.expected,
    related: d.related.map((r) => ({
      message: r.message,
      range: { start: position(r.start), end: position(r.end) },
    })),
  };
}

export function checkJson(report: CheckReport): JsonCheckOutput {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    files: report.files.map((f) => {
      const counts: SeverityCounts = { error: 0, warning: 0, info: 0, hint: 0 };
      for (const d of f.diagnostics) counts[d.severity]++;
      return {
        path: portablePath(f.path),
        scenarios: f.scenarios,
        diagnostics: f.diagnostics.map(jsonDiagnostic),
        counts,
      };
    }),
    unreadable: report.unreadable.map((u) => ({ path: portablePath(u.path), message: u.message })),
    summary: {
      files: report.files.length,
      withoutScenario: report.withoutScenario.length,
      ...report.counts,
      threshold: report.threshold,
      failOn: report.failOn,
    },
    exitCode: report.exitCode,
  };
}

export function formatCheckJson(report: CheckReport): string {
  return JSON.stringify(checkJson(report), null, 2) + '\n';
}

export function traceJson(trace: Trace): object {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    path: portablePath(trace.path),
    scenarios: trace.scenarios,
    outsideScenarios: trace.outsideScenarios,
  };
}

export function formatTraceJson(trace: Trace): string {
  return JSON.stringify(traceJson(trace), null, 2) + '\n';
}
