// Quick fixes. Every fix is only offered when it works: a diagnostic's own fix
// (EngineDiagnostic.fix) and the fixes found here — switch to a placed mapping, align a placed
// address, widen the window, take a suggested spelling — are applied to a copy of their scenario
// and re-simulated, and kept only if the diagnostic is gone. A finding the scenario says is
// intended (`expect diagnostic`) gets none: removing it would fail the scenario's own test.
//
// Verifying costs a re-simulation of the scenario up to the diagnostic's step, and VS Code asks
// for code actions on every cursor move (the light bulb) and for a whole selection at once. So
// one request verifies the fixes of at most VERIFIED_DIAGNOSTICS diagnostics, those nearest the
// start of the range; the fixes of the others are not offered (select fewer lines for them). A
// diagnostic's own fix on a step past OWN_FIX_VERIFY_STEPS is offered as the rule made it, as
// before verification existed: re-running tens of thousands of steps per cursor move would stall
// the server, and the rules make those fixes from the step alone.
//
// Switching the strategy moves every driver mapping of the scenario, so that fix is `strict`: it
// must bring no new problem anywhere, not only remove its own; new is by code and where it
// stands (new-problems.ts), so a second instance of a code the scenario already has counts. It
// was once checked on the whole scenario, and every cursor move on a `pointer-outside-window` line
// re-ran all of it (20k steps: over a second a request, before any hover behind it). Now it is
// checked through its step and at least STRICT_LOOKAHEAD_STEPS more, the whole of any
// hand-written scenario; a scenario that goes on past that still gets the fix, proven to remove
// its diagnostic, but not as the preferred one. The run through the stretch judges its steps as
// the whole run would: an `expect NAME == FAILURE` past it still excuses its step's failure
// (intended-failures.ts). Verification runs are
// kept per version (fix-verification.ts): the strategy edit is the same for every diagnostic, so
// a whole selection and repeated cursor moves share one run.
import { type AnalysisOptions, type DocumentAnalysis, type ScenarioAnalysis } from '../analysis';
import type { EngineDiagnostic } from '../diagnostics';
import { RULE_BY_CODE } from '../rules/registry';
import { alignDown, alignUp, formatHex, formatSize } from '../numbers';
import type { Option, SettingNode, StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import { applyEdits, linesAddedBefore, type TextEdit } from './edits';
import { diagnosticsOnLine } from './diagnostics-by-line';
import { verificationRun, type VerificationRun } from './fix-verification';
import { bringsNewProblem } from './new-problems';
import { statementAt, stepIndexAt } from './locate';
import { evaluateIn, memoryOfName } from './values';

export interface CodeAction {
  readonly title: string;
  readonly kind: 'quickfix';
  readonly diagnostic: EngineDiagnostic;
  readonly edits: readonly TextEdit[];
  readonly preferred: boolean;
}

const overlaps = (a: TextRange, b: TextRange) => a.start <= b.end && b.start <= a.end;

/** The options of a caller that gives none: one object, so that its verification runs are kept. */
const NO_OPTIONS: AnalysisOptions = {};

export function codeActions(
  analysis: DocumentAnalysis,
  range: TextRange,
  options: AnalysisOptions = NO_OPTIONS,
): CodeAction[] {
  const out: CodeAction[] = [];
  let verified = 0;
  scenarios: for (const scenario of analysis.scenarios) {
    if (!overlaps(scenario.node, range)) continue;
    for (const diagnostic of scenario.diagnostics) {
      if (!overlaps(diagnostic.range, range) || diagnostic.intended) continue;
      // The file's own syntax fixes below cost nothing to offer and are still offered.
      if (verified >= VERIFIED_DIAGNOSTICS) break scenarios;
      const fixes = fixesFor(analysis, scenario, diagnostic, options);
      if (fixes.verifiedAny) verified++;
      out.push(...fixes);
    }
  }
  // Syntax errors of the file belong to no scenario's run but may carry fixes too.
  let ofScenarios: Set<EngineDiagnostic> | undefined;
  for (const diagnostic of analysis.diagnostics) {
    if (!diagnostic.fix || !overlaps(diagnostic.range, range)) continue;
    ofScenarios ??= new Set(analysis.scenarios.flatMap((s) => s.diagnostics));
    if (!ofScenarios.has(diagnostic)) out.push(...ownFixes(diagnostic));
  }
  return out;
}

/** How many diagnostics' fixes one code-action request verifies (see the head of this file). */
export const VERIFIED_DIAGNOSTICS = 8;

/** The step count up to a diagnostic past which its own fix is not re-simulated (head of file). */
export const OWN_FIX_VERIFY_STEPS = 5000;

/**
 * The steps past a diagnostic's through which a `strict` fix is checked for new problems (head
 * of file). The run goes on to the next multiple of this, so that the diagnostics of one stretch
 * of the scenario share it: at most twice this many steps past the step, a few ms per thousand.
 */
export const STRICT_LOOKAHEAD_STEPS = 1000;

export function fixesFor(
  analysis: DocumentAnalysis,
  scenario: ScenarioAnalysis,
  diagnostic: EngineDiagnostic,
  options: AnalysisOptions = NO_OPTIONS,
): CodeAction[] & { verifiedAny?: boolean } {
  const out: CodeAction[] & { verifiedAny?: boolean } = [];
  // A step with a language error was not read as written (`mmap 4KiB rw privat anon`): what the
  // kernel or a layer then said of it follows from that error, whose fix is the one to offer.
  if (
    RULE_BY_CODE.get(diagnostic.code)?.family !== 'language' &&
    hasLanguageErrorOnLine(analysis, scenario, diagnostic)
  )
    return out;
  // `strict`: kept only if it brings no new warning or error either (a strategy that the driver
  // cannot carry trades one problem for others).
  const candidates: { title: string; edits: TextEdit[]; preferred?: boolean; strict?: boolean }[] = [];
  const own = ownFixes(diagnostic);
  if (stepsThrough(scenario, diagnostic.range.start) > OWN_FIX_VERIFY_STEPS) out.push(...own);
  else
    for (const fix of own)
      candidates.push({ title: fix.title, edits: [...fix.edits], preferred: fix.preferred });
  switch (diagnostic.code) {
    case 'pointer-outside-window':
      if (scenario.run.simulation.platform.strategy !== 'placed')
        candidates.push({
          title: 'Switch the strategy to placed (VK_EXT_map_memory_placed)',
          edits: [setStrategy(analysis, scenario, 'placed')],
          preferred: true,
          strict: true,
        });
      break;
    case 'window-exhausted':
      if (
        !scenario.run.simulation.platform.largeAddressAware &&
        !scenario.run.simulation.platform.sources.has('window')
      ) {
        // `large-address-aware no` is changed in place; otherwise the setting is added.
        const written = settingOf(scenario, 'large-address-aware');
        candidates.push({
          title: 'Mark the program large-address-aware (a 4 GiB window)',
          edits: [
            written
              ? { range: { start: written.start, end: written.end }, newText: 'large-address-aware' }
              : insertSetting(analysis, scenario, 'large-address-aware'),
          ],
        });
      }
      break;
    case 'vulkan-valid-usage':
      if (diagnostic.message.includes('09577'))
        candidates.push(...alignPlacedAddress(analysis, scenario, diagnostic));
      break;
    case 'unknown-word':
    case 'unknown-name': {
      const suggestion = /did you mean `([^`]+)`\?/.exec(diagnostic.message)?.[1];
      if (suggestion)
        candidates.push({
          title: `Change to \`${suggestion}\``,
          edits: [{ range: diagnostic.range, newText: suggestion }],
          preferred: true,
        });
      break;
    }
  }
  for (const c of candidates) {
    out.verifiedAny = true;
    const verdict = checkFix(analysis, scenario, diagnostic, c.edits, options, c.strict);
    if (!verdict.removes) continue;
    out.push({
      title: c.title,
      kind: 'quickfix',
      diagnostic,
      edits: c.edits,
      // A fix not checked to the end is offered, not applied without a look (head of file).
      preferred: (c.preferred ?? false) && verdict.checkedToEnd,
    });
  }
  return out;
}

function ownFixes(diagnostic: EngineDiagnostic): CodeAction[] {
  const fix = diagnostic.fix;
  if (!fix) return [];
  if (fix.kind === 'replace') {
    return [
      {
        title: fix.title,
        kind: 'quickfix',
        diagnostic,
        edits: [{ range: fix.range, newText: fix.text }],
        preferred: fix.preferred ?? false,
      },
    ];
  }
  return fix.fixes.map((f, i) => ({
    title: f.title,
    kind: 'quickfix' as const,
    diagnostic,
    edits: [{ range: f.range, newText: f.text }],
    preferred: i === 0 && fix.fixes.length === 1,
  }));
}

// ---- edits that change settings ----

function settingOf(scenario: ScenarioAnalysis, keyword: string): SettingNode | undefined {
  return scenario.run.simulation.platform.sources.get(keyword);
}

function setStrategy(analysis: DocumentAnalysis, scenario: ScenarioAnalysis, strategy: string): TextEdit {
  const existing = settingOf(scenario, 'strategy');
  if (existing) return { range: { start: existing.keyword.end, end: existing.end }, newText: ` ${strategy}` };
  return insertSetting(analysis, scenario, `strategy ${strategy}`);
}

/** A new setting line after the scenario's last setting (or at the top of its body). */
function insertSetting(analysis: DocumentAnalysis, scenario: ScenarioAnalysis, line: string): TextEdit {
  const { text, lines } = analysis;
  const node = scenario.node;
  const settings = node.body.filter((s) => s.kind === 'setting' || s.kind === 'driver');
  const after = settings[settings.length - 1];
  const first = node.body[0];
  const indentOf = (offset: number) => {
    const start = lines.lineStart(lines.position(offset).line);
    return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '  ';
  };
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  if (after) {
    const end = lineEnd(text, after.end);
    return { range: { start: end, end }, newText: `${newline}${indentOf(after.start)}${line}` };
  }
  if (first && lines.position(first.start).line > lines.position(node.bodyRange?.start ?? node.start).line) {
    const start = lines.lineStart(lines.position(first.start).line);
    return { range: { start, end: start }, newText: `${indentOf(first.start)}${line}${newline}` };
  }
  const brace = node.bodyRange?.start ?? node.end;
  return { range: { start: brace + 1, end: brace + 1 }, newText: `${newline}  ${line}${newline}` };
}

function lineEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i;
}

// ---- placed address alignment (VUID 09577) ----

function alignPlacedAddress(
  analysis: DocumentAnalysis,
  scenario: ScenarioAnalysis,
  diagnostic: EngineDiagnostic,
): { title: string; edits: TextEdit[] }[] {
  const statement = statementAt(scenario.node, diagnostic.range.start);
  if (statement?.kind !== 'step') return [];
  const step: StepNode = statement;
  const at: Option | undefined = step.options.find((o) => o.keyword.name === 'at');
  if (!at?.value || at.value.kind === 'string') return [];
  const value = evaluateIn(scenario.run, at.value).value;
  const memoryName = step.args[0]?.kind === 'name' ? step.args[0].name : undefined;
  const memory = memoryName ? memoryOfName(scenario.run, memoryName) : undefined;
  const alignment =
    memory?.driver.placed.alignment ?? [...scenario.run.drivers.values()][0]?.placed.alignment;
  if (value === undefined || !alignment) return [];
  const down = alignDown(value, alignment);
  const up = alignUp(value, alignment);
  const range = { start: at.value.start, end: at.value.end };
  const out = [
    {
      title: `Align the placed address down to ${formatHex(down)} (${formatSize(alignment)})`,
      edits: [{ range, newText: formatHex(down) }],
    },
  ];
  if (up !== down)
    out.push({
      title: `Align the placed address up to ${formatHex(up)} (${formatSize(alignment)})`,
      edits: [{ range, newText: formatHex(up) }],
    });
  void analysis;
  return out;
}

// ---- verification ----

function hasLanguageErrorOnLine(
  analysis: DocumentAnalysis,
  scenario: ScenarioAnalysis,
  diagnostic: EngineDiagnostic,
): boolean {
  const line = analysis.lines.position(diagnostic.range.start).line;
  return diagnosticsOnLine(analysis, scenario, line).some(
    (d) => d !== diagnostic && d.severity === 'error' && RULE_BY_CODE.get(d.code)?.family === 'language',
  );
}

/**
 * Applies the edits to the scenario alone (the rest of the file blanked, offsets kept) and checks
 * that no diagnostic with the same code is left at the same statement.
 */
export function removesDiagnostic(
  analysis: DocumentAnalysis,
  scenario: ScenarioAnalysis,
  diagnostic: EngineDiagnostic,
  edits: readonly TextEdit[],
  options: AnalysisOptions = NO_OPTIONS,
  strict = false,
): boolean {
  return checkFix(analysis, scenario, diagnostic, edits, options, strict).removes;
}

/** `checkedToEnd`: a strict fix's search for new problems reached the scenario's last step. */
function checkFix(
  analysis: DocumentAnalysis,
  scenario: ScenarioAnalysis,
  diagnostic: EngineDiagnostic,
  edits: readonly TextEdit[],
  options: AnalysisOptions,
  strict = false,
): { removes: boolean; checkedToEnd: boolean } {
  // The simulation is causal: whether the step still has its diagnostic is decided by the steps
  // up to it, so the rest is not run. A strict check looks for new problems past it too, through
  // a bounded stretch (head of file).
  const upTo = stepsThrough(scenario, diagnostic.range.start);
  const limit = strict ? strictLimit(upTo, options) : upTo;
  const edit = `${scenario.node.start}:${JSON.stringify(edits)}`;
  const edited = () => applyEdits(isolate(analysis.text, scenario.node), edits);
  const after = verificationRun(analysis, edit, edited, limit, options);
  const checkedToEnd = !strict || limit >= scenario.run.simulation.records.length;
  const fails = { removes: false, checkedToEnd };
  if (strict && strictBringsNewProblem(analysis, scenario, edits, after)) return fails;
  // The statement that had the diagnostic, found again after the edit by its line.
  const line = analysis.lines.position(diagnostic.range.start).line;
  const newLine = line + linesAddedBefore(analysis.text, edits, diagnostic.range.start);
  // Nor may it trade the diagnostic for another error or warning on the same line (an edit that
  // stops the step parsing, a fix the actor cannot carry out, a placed address that now spills),
  // counted: one more of a code the line already has is another (new-problems.ts).
  // A failed expectation is the author's claim meeting the run, not a broken edit: `!= ok` after
  // a fix still says what the author expected.
  const serious = (d: { severity: string; code: string }) => isSerious(d) && d.code !== 'expectation-failed';
  const removes =
    !after.diagnostics.some(
      (d) => d.line === newLine && d.code === diagnostic.code && d.severity !== 'info',
    ) &&
    !bringsNewProblem(analysis, edits, diagnosticsOnLine(analysis, scenario, line), after, serious, newLine);
  return removes ? { removes, checkedToEnd } : fails;
}

const isSerious = (d: { severity: string }) => d.severity === 'error' || d.severity === 'warning';

const strictVerdicts = new WeakMap<VerificationRun, boolean>();

/**
 * Whether a strict fix's run has an error or warning the scenario did not have where it stands
 * (new-problems.ts), judged once per run: the strategy edit is the same for every diagnostic.
 */
function strictBringsNewProblem(
  analysis: DocumentAnalysis,
  scenario: ScenarioAnalysis,
  edits: readonly TextEdit[],
  after: VerificationRun,
): boolean {
  let verdict = strictVerdicts.get(after);
  if (verdict === undefined) {
    verdict = bringsNewProblem(analysis, edits, scenario.diagnostics, after, isSerious);
    strictVerdicts.set(after, verdict);
  }
  return verdict;
}

/** Where a strict check stops: the end of the stretch of STRICT_LOOKAHEAD_STEPS past the step. */
function strictLimit(upTo: number, options: AnalysisOptions): number {
  const stretch =
    Math.ceil((upTo + STRICT_LOOKAHEAD_STEPS) / STRICT_LOOKAHEAD_STEPS) * STRICT_LOOKAHEAD_STEPS;
  return Math.min(stretch, options.maxSteps ?? Number.POSITIVE_INFINITY);
}

/** How many steps start at or before `offset`: the run up to the step a diagnostic is on. */
function stepsThrough(scenario: ScenarioAnalysis, offset: number): number {
  return stepIndexAt(scenario, offset) + 1;
}

/** The text with everything outside the range replaced by spaces (line breaks kept), so offsets and lines stay. */
export function isolate(text: string, keep: TextRange): string {
  const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');
  return blank(text.slice(0, keep.start)) + text.slice(keep.start, keep.end) + blank(text.slice(keep.end));
}
