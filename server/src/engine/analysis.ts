// The engine's façade: text in, plain data out. The language server, the CLI, the tests and the
// benchmarks all call this; nothing here knows about LSP or VS Code.
import { DiagnosticsAbove } from './expected-diagnostics';
import type { EngineDiagnostic, Severity } from './diagnostics';
import { parse } from './syntax/parser';
import { reparse, type ParsedVersion } from './syntax/incremental-parse';
import type { FileNode, ScenarioNode } from './syntax/ast';
import { LineIndex } from './syntax/text-range';
import { runScenario, type RunOptions, type ScenarioRun } from './sim/run';
import type { ExpectRecord } from './sim/records';
import { RULE_BY_CODE, RULES } from './rules/registry';
import { withIntendedFailures } from './intended-failures';
import type { RelatedInformation, FixData } from './diagnostics';
import type { TextRange } from './syntax/text-range';

export interface AnalysisOptions extends RunOptions {
  /** Per-rule severity overrides; 'off' drops the rule. */
  readonly severities?: Readonly<Record<string, Severity | 'off'>>;
}

export interface ScenarioAnalysis {
  readonly node: ScenarioNode;
  readonly run: ScenarioRun;
  readonly diagnostics: readonly EngineDiagnostic[];
  /**
   * Whether each `expect diagnostic CODE` held. The simulation cannot know (its record says
   * `passed: undefined`): the rules run after it, and this verdict is taken after them.
   */
  readonly diagnosticVerdicts: ReadonlyMap<ExpectRecord, boolean>;
}

/**
 * Whether an expectation held: its own verdict, or for `expect diagnostic CODE` the one taken
 * after the rules (diagnosticVerdicts). Undefined when it could not be checked.
 */
export function expectationHeld(scenario: ScenarioAnalysis, record: ExpectRecord): boolean | undefined {
  return record.passed ?? scenario.diagnosticVerdicts.get(record);
}

export interface DocumentAnalysis {
  readonly text: string;
  readonly file: FileNode;
  readonly lines: LineIndex;
  readonly scenarios: readonly ScenarioAnalysis[];
  readonly diagnostics: readonly EngineDiagnostic[];
}

/**
 * `previous`: the analysis of the document's last version, whose tree the parse reuses outside
 * the edited lines (syntax/incremental-parse.ts). It is consumed: reused nodes move to the new
 * tree, so the previous analysis must not be read afterwards.
 */
export function analyseDocument(
  text: string,
  options: AnalysisOptions = {},
  previous?: ParsedVersion,
): DocumentAnalysis {
  const file = previous ? reparse(previous, text) : parse(text);
  const diagnostics: EngineDiagnostic[] = [];
  const make = (
    code: string,
    range: TextRange,
    message: string,
    related: readonly RelatedInformation[] = [],
    fix?: FixData,
    addresses: readonly bigint[] = [],
  ): EngineDiagnostic | undefined => {
    const rule = RULE_BY_CODE.get(code);
    const override = options.severities?.[code];
    if (override === 'off') return undefined;
    const severity = override ?? rule?.severity ?? 'error';
    return {
      code,
      severity,
      range: { start: range.start, end: range.end },
      message,
      related,
      ...(fix ? { fix: plainFix(fix) } : {}),
      ...(addresses.length ? { addresses } : {}),
    };
  };
  for (const error of file.errors) {
    const fix = error.fix && { kind: 'replace' as const, ...error.fix, range: error, preferred: true };
    const d = make(error.code ?? 'syntax-error', error, error.message, [], fix);
    if (d) diagnostics.push(d);
  }
  const scenarios: ScenarioAnalysis[] = [];
  const names = new Map<string, ScenarioNode>();
  let errorStarts: number[] | undefined;
  for (const node of file.scenarios) {
    if (node.name) {
      const previous = names.get(node.name.value);
      if (previous?.name) {
        const d = make(
          'duplicate-name',
          node.name,
          `another scenario is already called "${node.name.value}"`,
          [{ range: previous.name, message: 'first here' }],
        );
        if (d) diagnostics.push(d);
      } else names.set(node.name.value, node);
    }
    const run = runScenario(node, text, options);
    const own: EngineDiagnostic[] = [];
    const push = (d: EngineDiagnostic | undefined) => {
      if (d) own.push(d);
    };
    for (const p of run.problems) {
      // A step the parser had to cut short (`expression too long`, a stray token) lacks the
      // arguments after the cut: the syntax error says why, and saying it again is noise.
      if (
        p.code === 'missing-argument' &&
        syntaxErrorOnLine(text, (errorStarts ??= sortedStarts(file.errors)), p.range.start)
      )
        continue;
      push(make(p.code, p.range, p.message, p.related ?? [], p.fix));
    }
    for (const f of run.simulation.findings)
      push(make(f.code, f.range, f.message, f.related ?? [], f.fix, f.addresses));
    for (const rule of RULES) {
      rule.check?.(run, (range, message, related = [], fix, addresses) =>
        push(make(rule.code, range, message, related, fix, addresses)),
      );
    }
    const diagnosticVerdicts = new Map<ExpectRecord, boolean>();
    const checked = applyDiagnosticExpectations(
      run,
      withIntendedFailures(run, own),
      make,
      diagnosticVerdicts,
    );
    scenarios.push({ node, run, diagnostics: checked, diagnosticVerdicts });
    diagnostics.push(...checked);
  }
  diagnostics.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return new AnalysedDocument(text, file, scenarios, diagnostics);
}

/** Where the syntax errors start, in text order (a scenario's unclosed `{` is reported last). */
function sortedStarts(errors: readonly TextRange[]): number[] {
  return errors.map((e) => e.start).sort((a, b) => a - b);
}

/** Whether a syntax error starts on the line holding `offset`. */
function syntaxErrorOnLine(text: string, errorStarts: readonly number[], offset: number): boolean {
  if (errorStarts.length === 0) return false;
  let lineStart = offset;
  while (lineStart > 0 && !isLineBreak(text.charCodeAt(lineStart - 1))) lineStart--;
  let lineEnd = offset;
  while (lineEnd < text.length && !isLineBreak(text.charCodeAt(lineEnd))) lineEnd++;
  // The first error at or after the line's start.
  let low = 0;
  let high = errorStarts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (errorStarts[middle]! < lineStart) low = middle + 1;
    else high = middle;
  }
  return low < errorStarts.length && errorStarts[low]! <= lineEnd;
}

const isLineBreak = (c: number): boolean => c === 10 || c === 13;

/**
 * The result of analyseDocument. Its LineIndex (an entry per line) is built on first use: only
 * conversions to line/column need it, and publishing an empty diagnostic list makes none.
 */
class AnalysedDocument implements DocumentAnalysis {
  private lineIndex: LineIndex | undefined;

  constructor(
    readonly text: string,
    readonly file: FileNode,
    readonly scenarios: readonly ScenarioAnalysis[],
    readonly diagnostics: readonly EngineDiagnostic[],
  ) {}

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }
}

/**
 * `expect diagnostic CODE` after a step: the step, or an expect line between it and this one,
 * must have that diagnostic (expected-diagnostics.ts). When it does, the diagnostic is expected
 * and shown as information, so a scenario documenting a known hazard passes `drvmap check`; when
 * it does not, the expectation fails.
 */
function applyDiagnosticExpectations(
  run: ScenarioRun,
  diagnostics: readonly EngineDiagnostic[],
  make: (code: string, range: TextRange, message: string) => EngineDiagnostic | undefined,
  verdicts: Map<ExpectRecord, boolean>,
): EngineDiagnostic[] {
  const out = [...diagnostics];
  // Only the diagnostics found by the run are looked at (those added below are on `expect
  // diagnostic` lines): grouped once, so that each expectation reads its own alone.
  const expects = run.simulation.expects;
  let above: DiagnosticsAbove | undefined;
  for (let at = 0; at < expects.length; at++) {
    const expectation = expects[at]!;
    const form = expectation.node.expectation;
    if (form.form !== 'diagnostic' || !form.code) continue;
    const code = form.code;
    if (!RULE_BY_CODE.has(code.name)) {
      const d = make('unknown-word', code, `\`${code.name}\` is not a rule code; see docs/rules.md`);
      if (d) out.push(d);
      verdicts.set(expectation, false);
      continue;
    }
    const step = run.simulation.records[expectation.afterStep];
    verdicts.set(expectation, false);
    if (!step) {
      const d = make(
        'expectation-failed',
        expectation.node,
        `expectation failed: \`expect diagnostic ${code.name}\` checks the step before it, and no step comes before this line`,
      );
      if (d) out.push(d);
      continue;
    }
    above ??= new DiagnosticsAbove(run.simulation.records, expects, diagnostics);
    const matches = above.matching(at, code.name);
    if (matches.length === 0) {
      const d = make(
        'expectation-failed',
        expectation.node,
        `expectation failed: step ${expectation.afterStep + 1} has no \`${code.name}\` diagnostic`,
      );
      if (d) out.push(d);
      continue;
    }
    verdicts.set(expectation, true);
    for (const index of matches) {
      const m = out[index]!;
      // Already marked when an expected failure explained it (intended-failures.ts).
      const message = m.message.startsWith('(expected) ') ? m.message : `(expected) ${m.message}`;
      out[index] = { ...m, severity: 'info', message, intended: true };
    }
  }
  return out;
}

/** The scenario whose text contains the offset (or the last one before it). */
export function scenarioAt(analysis: DocumentAnalysis, offset: number): ScenarioAnalysis | undefined {
  let found: ScenarioAnalysis | undefined;
  for (const s of analysis.scenarios) {
    if (s.node.start <= offset) found = s;
    if (offset <= s.node.end && offset >= s.node.start) return s;
  }
  return found;
}

/**
 * The fix with plain `{ start, end }` ranges. Rules may hand a syntax node as the range; a node
 * carries more (a number literal's bigint value), and the server sends the fix as the LSP
 * diagnostic's `data`, which must be JSON.
 */
function plainFix(fix: FixData): FixData {
  const plain = (r: TextRange): TextRange => ({ start: r.start, end: r.end });
  return fix.kind === 'replace'
    ? { ...fix, range: plain(fix.range) }
    : { ...fix, fixes: fix.fixes.map((f) => ({ title: f.title, range: plain(f.range), text: f.text })) };
}
