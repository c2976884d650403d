// `drvmap check`: analyse files with the engine and turn its diagnostics into a report that every
// output format (text, JSON, SARIF) renders. `checkSources` is pure; `runCheck` does the I/O.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { describeFileKind, describeReadError, InputError, readInputText, type ReadInput } from './read-input';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { analyseDocument, type AnalysisOptions, type DocumentAnalysis } from '../engine/analysis';
import type { EngineDiagnostic, Severity } from '../engine/diagnostics';
import { ruleDocUrl } from '../engine/rules/registry';
import type { LineColumn, LineIndex } from '../engine/syntax/text-range';
import { SEVERITIES, severityRank, type CheckCommand } from './args';
import type { CliIo } from './io';
import { printable } from '../engine/printable';
import { formatCheckText } from './formats/text';
import { folded } from './formats/wrap';
import { formatCheckJson } from './formats/json';
import { formatCheckSarif } from './formats/sarif';

/** A file to check: its path as shown to the user (relative to the working directory when inside it). */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

export interface UnreadableFile {
  readonly path: string;
  readonly message: string;
}

/** A position both ways: the engine's UTF-16 offset and the 0-based line / UTF-16 column. */
export interface Place extends LineColumn {
  readonly offset: number;
}

export interface ReportedRelated {
  readonly message: string;
  readonly start: Place;
  readonly end: Place;
}

export interface ReportedDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly start: Place;
  readonly end: Place;
  readonly related: readonly ReportedRelated[];
  /** The name of the scenario the diagnostic is in, if any. */
  readonly scenario: string | undefined;
  readonly docUrl: string;
  /**
   * The scenario expects it (`expect diagnostic CODE` after its step, or an `expect` of the
   * failure it explains): shown as information, "(expected) …", it documents the hazard.
   */
  readonly expected: boolean;
}

export interface FileReport {
  readonly path: string;
  readonly text: string;
  readonly diagnostics: readonly ReportedDiagnostic[];
  readonly analysis: DocumentAnalysis;
  /** How many scenarios the file has: 0 for an empty file, or one of comments only. */
  readonly scenarios: number;
}

export type SeverityCounts = Record<Severity, number>;

export interface CheckReport {
  readonly files: readonly FileReport[];
  readonly unreadable: readonly UnreadableFile[];
  /** Counts of the reported diagnostics (after the threshold). */
  readonly counts: SeverityCounts;
  readonly threshold: Severity;
  readonly failOn: Severity;
  /**
   * The files read that have no scenario (empty, comments only, cut short before its first
   * `scenario`): nothing in them was checked. Not a diagnostic (the editor says nothing of an
   * empty file); it fails the check as a warning would (failOn warning or lower).
   */
  readonly withoutScenario: readonly string[];
  /**
   * 0 clean, 1 a reported diagnostic at or above failOn (or, with failOn warning or lower, a file
   * with no scenario), 2 an unreadable file.
   */
  readonly exitCode: 0 | 1 | 2;
}

export interface CheckOptions {
  readonly threshold?: Severity;
  readonly failOn?: Severity;
  /** Report the diagnostics the scenarios expect (default true; `--no-expected` leaves them out). */
  readonly expected?: boolean;
  readonly analysis?: AnalysisOptions;
}

export function emptyCounts(): SeverityCounts {
  return { error: 0, warning: 0, info: 0, hint: 0 };
}

function place(lines: LineIndex, offset: number): Place {
  const { line, character } = lines.position(offset);
  return { offset, line, character };
}

/** Turns one engine diagnostic into the report's form (positions resolved, scenario named). */
export function reportDiagnostic(analysis: DocumentAnalysis, d: EngineDiagnostic): ReportedDiagnostic {
  const scenario = analysis.file.scenarios.find((s) => d.range.start >= s.start && d.range.start <= s.end);
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    start: place(analysis.lines, d.range.start),
    end: place(analysis.lines, d.range.end),
    related: d.related.map((r) => ({
      message: r.message,
      start: place(analysis.lines, r.range.start),
      end: place(analysis.lines, r.range.end),
    })),
    scenario: scenario?.name?.value,
    docUrl: ruleDocUrl(d.code),
    expected: d.intended === true,
  };
}

export function checkSource(source: SourceFile, options: CheckOptions = {}): FileReport {
  const threshold = severityRank(options.threshold ?? 'hint');
  const analysis = analyseDocument(source.text, options.analysis ?? {});
  const expected = options.expected ?? true;
  const diagnostics = analysis.diagnostics
    .filter((d) => severityRank(d.severity) >= threshold && (expected || !d.intended))
    .map((d) => reportDiagnostic(analysis, d));
  return {
    path: source.path,
    text: source.text,
    diagnostics,
    analysis,
    scenarios: analysis.file.scenarios.length,
  };
}

export function checkSources(
  sources: readonly SourceFile[],
  unreadable: readonly UnreadableFile[] = [],
  options: CheckOptions = {},
): CheckReport {
  const files = sources.map((s) => checkSource(s, options));
  const counts = emptyCounts();
  for (const f of files) for (const d of f.diagnostics) counts[d.severity]++;
  const failOn = options.failOn ?? 'error';
  const withoutScenario = files.filter((f) => f.scenarios === 0).map((f) => f.path);
  const failing =
    SEVERITIES.filter((s) => severityRank(s) >= severityRank(failOn)).some((s) => counts[s] > 0) ||
    (withoutScenario.length > 0 && severityRank(failOn) <= severityRank('warning'));
  return {
    files,
    unreadable,
    counts,
    threshold: options.threshold ?? 'hint',
    failOn,
    withoutScenario,
    exitCode: unreadable.length > 0 ? 2 : failing ? 1 : 0,
  };
}

/** The path to show for a file: relative to cwd when inside it, with the platform's separators. */
export function displayPath(cwd: string, path: string): string {
  if (path === '-') return '<stdin>';
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  // Outside when it climbs out: `..` as a whole segment, not a name that starts with it
  // (`..err.drvmap` is in the working directory). Absolute on another drive (Windows).
  const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  return rel && !outside ? rel : absolute;
}

/**
 * Every *.drvmap below `dir` that is a regular file (or a link to one). An entry that cannot be
 * followed (a dangling symbolic link, a loop, no permission) or that is no regular file (a named
 * pipe, whose open would wait for a writer forever; a socket; a device) is reported on its own;
 * the rest of the directory is still checked. A directory reached again through a link is walked
 * once.
 */
function findDrvmapFiles(
  dir: string,
  found: string[],
  unreadable: (path: string, error: unknown) => void,
  walked = new Set<string>(),
): void {
  let real: string;
  let names: string[];
  try {
    real = realpathSync(dir);
    names = readdirSync(dir).sort();
  } catch (error) {
    unreadable(dir, error);
    return;
  }
  if (walked.has(real)) return;
  walked.add(real);
  for (const name of names) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      // A dangling link to something that is not a scenario is not worth a word.
      if (name.endsWith('.drvmap')) unreadable(path, error);
      continue;
    }
    if (stat.isDirectory()) findDrvmapFiles(path, found, unreadable, walked);
    else if (!name.endsWith('.drvmap')) continue;
    else if (stat.isFile()) found.push(path);
    else unreadable(path, new InputError(`not a regular file: ${describeFileKind(stat)}`));
  }
}

/**
 * Reads the inputs: files, directories (every *.drvmap below) and `-` (standard input). `read`
 * lists every file read, for the output file to be refused when it is one of them.
 */
export function readInputs(
  inputs: readonly string[],
  io: CliIo,
): { sources: SourceFile[]; unreadable: UnreadableFile[]; read: ReadInput[] } {
  const sources: SourceFile[] = [];
  const unreadable: UnreadableFile[] = [];
  const read: ReadInput[] = [];
  const seen = new Set<string>();
  const add = (path: string, readText: () => string) => {
    const shown = displayPath(io.cwd, path);
    if (seen.has(shown)) return;
    seen.add(shown);
    read.push({ path, shown });
    try {
      sources.push({ path: shown, text: readText() });
    } catch (error) {
      unreadable.push({ path: shown, message: describeReadError(error) });
    }
  };
  for (const input of inputs) {
    if (input === '-') {
      add('-', () => io.readStdin());
      continue;
    }
    const absolute = resolve(io.cwd, input);
    let isDirectory = false;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      // Reported by the read below, with the reason.
    }
    if (isDirectory) {
      const found: string[] = [];
      const before = unreadable.length;
      findDrvmapFiles(absolute, found, (path, error) =>
        unreadable.push({ path: displayPath(io.cwd, path), message: describeReadError(error) }),
      );
      if (found.length === 0 && unreadable.length === before)
        unreadable.push({
          path: displayPath(io.cwd, absolute),
          message: 'no *.drvmap files in this directory',
        });
      for (const file of found) add(file, () => readInputText(file));
    } else add(absolute, () => readInputText(absolute));
  }
  return { sources, unreadable, read };
}

export function analysisOptions(
  command: Pick<CheckCommand, 'kernel' | 'wine' | 'severities'>,
): AnalysisOptions {
  return {
    ...(command.kernel ? { kernel: command.kernel } : {}),
    ...(command.wine ? { wine: command.wine } : {}),
    severities: command.severities,
  };
}

/** Forward slashes for URIs and SARIF, whatever the platform. */
export function portablePath(path: string): string {
  return sep === '\\' ? path.split(sep).join('/') : path;
}

export function runCheck(command: CheckCommand, io: CliIo): number {
  const { sources, unreadable, read } = readInputs(command.files, io);
  const report = checkSources(sources, unreadable, {
    threshold: command.threshold,
    failOn: command.failOn,
    expected: command.expected,
    analysis: analysisOptions(command),
  });
  for (const u of unreadable) io.error(printable(`drvmap: cannot read ${u.path}: ${u.message}\n`));
  const text =
    command.format === 'json'
      ? formatCheckJson(report)
      : command.format === 'sarif'
        ? formatCheckSarif(report, { cwd: io.cwd })
        : folded(
            formatCheckText(report, { color: io.useColor(command.color, command.output !== undefined) }),
            command.width,
          );
  io.emit(text, command.output, read);
  return report.exitCode;
}
