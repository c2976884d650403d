// SARIF 2.1.0 for code-scanning tools (GitHub code scanning, the SARIF viewer, Azure DevOps).
// Every rule is listed in tool.driver.rules with its explanation from docs/rules.md and its
// documentation link; each result points at its rule by id and index. A diagnostic the scenario
// expects is a result suppressed in source (§3.27.23, §3.35). Locations are relative to
// %SRCROOT% (the working directory) so the report is portable; regions are 1-based with an
// exclusive end column, in UTF-16 code units.
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type { Severity } from '../../engine/diagnostics';
import { RULES, ruleDocUrl } from '../../engine/rules/registry';
import type { CheckReport, Place } from '../check';
import { portablePath } from '../check';
import { TOOL_INFORMATION_URI, TOOL_NAME, TOOL_VERSION } from '../version';
import { ruleHelp } from './rule-help';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/**
 * The base of standard input's location. Standard input is no file, so it has no URI: its
 * location is the relative `stdin` on a base id of its own, declared in originalUriBaseIds without
 * a `uri` (SARIF 2.1.0 §3.14.14: a top-level base may leave it out; it cannot then be resolved)
 * and with a description. Not `%SRCROOT%`, which would name a file `stdin` in the working
 * directory; not a location without `uri` (an artifact `index` alone is valid SARIF, but GitHub
 * code scanning refuses a result whose location has no `uri`); not `stdin` on no base, which a
 * reader resolves against wherever it likes.
 */
export const STDIN = 'STDIN';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/**
 * The suppression of a diagnostic the scenario expects: the source says it is intended. GitHub
 * code scanning ignores suppressions when it reads a SARIF upload (docs/cli.md): `--no-expected`
 * leaves such results out instead.
 */
export const EXPECTED_SUPPRESSION = {
  kind: 'inSource',
  justification:
    'The scenario expects this diagnostic (an `expect diagnostic CODE` line after its step, or an `expect` of the failure it explains): it documents the hazard on purpose.',
} as const;

/** SARIF has no "hint": info and hint are both notes. */
export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

export interface SarifOptions {
  /** The directory relative paths are relative to (%SRCROOT%). */
  readonly cwd: string;
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
  index?: number;
}

/** A relative path as a relative URI reference (each segment percent-encoded), or a file: URI. */
export function artifactLocation(path: string): ArtifactLocation {
  if (path === '<stdin>') return { uri: 'stdin', uriBaseId: STDIN };
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  const uri = portablePath(path).split('/').map(encodeURIComponent).join('/');
  return { uri, uriBaseId: SRCROOT };
}

function region(start: Place, end: Place) {
  return {
    startLine: start.line + 1,
    startColumn: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
  };
}

export function checkSarif(report: CheckReport, options: SarifOptions): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.code, i]));
  const rules = RULES.map((r) => {
    const url = ruleDocUrl(r.code);
    const doc = ruleHelp(r.code);
    return {
      id: r.code,
      shortDescription: { text: r.title },
      fullDescription: { text: doc?.summary ?? r.title },
      helpUri: url,
      help: {
        text: `${doc?.text ?? r.title}\n\nSee ${url}`,
        markdown: `${doc?.markdown ?? r.title}\n\n[Documentation of \`${r.code}\`](${url})`,
      },
      defaultConfiguration: { level: sarifLevel(r.severity) },
      properties: { family: r.family, tags: ['drvmap', r.family] },
    };
  });
  const artifacts = report.files.map((f) => ({
    location: artifactLocation(f.path),
    sourceLanguage: 'drvmap',
  }));
  const results = report.files.flatMap((file, fileIndex) => {
    const location = { ...artifactLocation(file.path), index: fileIndex };
    return file.diagnostics.map((d) => {
      const index = ruleIndex.get(d.code);
      return {
        ruleId: d.code,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        level: sarifLevel(d.severity),
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(d.start, d.end) } }],
        ...(d.related.length > 0
          ? {
              relatedLocations: d.related.map((r, id) => ({
                id,
                message: { text: r.message },
                physicalLocation: { artifactLocation: location, region: region(r.start, r.end) },
              })),
            }
          : {}),
        ...(d.expected ? { suppressions: [EXPECTED_SUPPRESSION] } : {}),
        ...(d.scenario !== undefined ? { properties: { scenario: d.scenario } } : {}),
      };
    });
  });
  const notifications = [
    ...report.unreadable.map((u) => ({
      level: 'error',
      message: { text: `cannot read ${u.path}: ${u.message}` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(u.path) } }],
    })),
    // Read, but nothing in it was checked: an empty file, comments only, a file cut short.
    ...report.withoutScenario.map((path) => ({
      level: 'warning',
      message: { text: `${path} has no scenario: nothing in it was checked` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(path) } }],
    })),
  ];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: TOOL_INFORMATION_URI,
            rules,
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { uri: pathToFileURL(resolve(options.cwd) + '/').href },
          ...([...report.files, ...report.unreadable].some((f) => f.path === '<stdin>')
            ? {
                [STDIN]: {
                  description: { text: 'standard input: the scenarios were read from no named file' },
                },
              }
            : {}),
        },
        artifacts,
        invocations: [
          { executionSuccessful: report.unreadable.length === 0, toolExecutionNotifications: notifications },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatCheckSarif(report: CheckReport, options: SarifOptions): string {
  return JSON.stringify(checkSarif(report, options), null, 2) + '\n';
}
