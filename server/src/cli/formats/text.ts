// Human-readable output: `file:line:col: severity [code] message` (the form compilers print, so
// editors and CI logs link it), related locations indented below, a summary line last. Every
// string from the file or the command line goes through `t` (printable): no control character
// of the user's reaches the terminal; the palette's colours are the only escapes written.
import type { Severity } from '../../engine/diagnostics';
import type { CheckReport, ReportedDiagnostic, SeverityCounts } from '../check';
import type { ScenarioTrace, Trace, TraceCall, TraceExpectation, TraceMapping, TraceStep } from '../trace';
import type { MapsShown } from '../args';
import { printable as t } from '../../engine/printable';
import { formatSize } from '../../engine/numbers';

export interface TextOptions {
  readonly color: boolean;
}

type Paint = (text: string) => string;

interface Palette {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly severity: (severity: Severity) => Paint;
  readonly ok: Paint;
  readonly bad: Paint;
}

const sgr =
  (open: string, close: string): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

function palette(color: boolean): Palette {
  if (!color) return { bold: plain, dim: plain, severity: () => plain, ok: plain, bad: plain };
  const red = sgr('31', '39');
  const yellow = sgr('33', '39');
  const cyan = sgr('36', '39');
  const dim = sgr('2', '22');
  const bold = sgr('1', '22');
  return {
    bold,
    dim,
    severity: (s) =>
      s === 'error'
        ? (t) => bold(red(t))
        : s === 'warning'
          ? (t) => bold(yellow(t))
          : s === 'info'
            ? cyan
            : dim,
    ok: sgr('32', '39'),
    bad: red,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function describeCounts(counts: SeverityCounts): string {
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
  if (counts.info) parts.push(`${counts.info} info`);
  if (counts.hint) parts.push(plural(counts.hint, 'hint'));
  return parts.join(', ');
}

/** One diagnostic: the headline, then each related location indented. Lines and columns 1-based. */
export function formatDiagnosticText(path: string, d: ReportedDiagnostic, options: TextOptions): string {
  const p = palette(options.color);
  const at = (line: number, character: number) => `${t(path)}:${line + 1}:${character + 1}`;
  let out = `${p.bold(at(d.start.line, d.start.character))}: ${p.severity(d.severity)(d.severity)} ${p.dim(`[${d.code}]`)} ${t(d.message)}\n`;
  for (const r of d.related)
    out += `    ${p.dim(at(r.start.line, r.start.character) + ':')} ${t(r.message)}\n`;
  return out;
}

export function formatCheckText(report: CheckReport, options: TextOptions): string {
  const p = palette(options.color);
  let out = '';
  for (const file of report.files)
    for (const d of file.diagnostics) out += formatDiagnosticText(file.path, d, options);
  const total = report.counts.error + report.counts.warning + report.counts.info + report.counts.hint;
  const checked = `${plural(report.files.length, 'file')} checked`;
  const unreadable = report.unreadable.length ? `, ${report.unreadable.length} unreadable` : '';
  const mark = report.exitCode === 0 ? p.ok('✓') : p.bad('✗');
  // "no problems" only when every file was read: an unreadable one is the problem.
  const found =
    total > 0
      ? describeCounts(report.counts)
      : report.unreadable.length
        ? 'no problems in the files read'
        : 'no problems';
  out += `${mark} ${checked}${unreadable}: ${found}${describeWithoutScenario(report.withoutScenario)}\n`;
  return out;
}

/** `; a.drvmap has no scenario`: nothing in such a file was checked, which "no problems" hides. */
export function describeWithoutScenario(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  const names = paths.map(t);
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `; ${list} ${names.length === 1 ? 'has' : 'have'} no scenario`;
}

// ---- trace ----

/** `7ffff7c00000-7ffff7e00000 rw-p 00000000 [anon:a]  (app, step 1)` */
/** `markMerge`: say that the kernel merged it with the line above (only where that line is listed). */
export function formatMappingLine(m: TraceMapping, markMerge = true): string {
  const head = `${m.startPlain}-${m.endPlain} ${m.perms} ${m.offsetPlain} ${t(m.name)}`;
  // Anonymous mappings carry their label in the name ([anon:a]); file mappings get it here.
  const label = m.label !== null && !m.name.startsWith('[anon:') ? `, ${t(m.label)}` : '';
  // A mapping of an exported fd is named by the dma-buf; say whose buffer object it is: `: …`
  // describes the label; with no label a comma, so that it never reads as describing the step.
  const through = m.through !== null ? `${label !== '' ? ':' : ','} ${t(m.through)}` : '';
  const merged = markMerge && m.mergedWithPrevious ? '; one VMA with the line above' : '';
  // Made before step 1 (createdStep 0): at device creation or by the strategy's set-up.
  const made = m.createdStep === 0 ? 'set-up' : `step ${m.createdStep}`;
  // The fork flags (madvise dontfork, wipeonfork) are what split a mapping from a neighbour
  // that looks the same: smaps' VmFlags.
  const flags = m.forkFlags.length > 0 ? `, ${m.forkFlags.join('|')}` : '';
  // `through` right after the label it describes, so that it never reads as defining a flag.
  return `${head}  (${t(m.owner)}, ${made}${label}${through}${flags}${merged})`;
}

/** One call, `indent` before it: `  host   mmap(…) = 0x…`. */
function formatCall(call: TraceCall, p: Palette, indent: string): string {
  // A syscall's return reads `= value`; any other result is prose, set off by a colon.
  const separator = call.result.startsWith('=') ? ' ' : ': ';
  const result = call.result ? `${separator}${call.ok ? t(call.result) : p.bad(t(call.result))}` : '';
  const reason = !call.ok && call.reason ? p.dim(`  (${t(call.reason)})`) : '';
  return `${indent}${p.dim(t(call.actor).padEnd(6))} ${t(call.text)}${result}${reason}\n`;
}

/** `✓ line 6: expect …  (detail)`, then the calls its check made, indented under it. */
function formatExpectation(e: TraceExpectation, p: Palette, detail: boolean): string {
  let out = `  ${e.passed === false ? p.bad('✗') : e.passed ? p.ok('✓') : '?'} line ${e.line}: ${t(e.text)}${detail && e.detail ? p.dim(`  (${t(e.detail)})`) : ''}\n`;
  for (const call of e.calls) out += formatCall(call, p, '      ');
  return out;
}

function formatStep(step: TraceStep, p: Palette, maps: MapsShown): string {
  let out = `\n${p.bold(`step ${step.step}`)}  ${p.dim(`line ${step.line}`)}  ${t(step.text)}\n`;
  for (const call of step.calls) out += formatCall(call, p, '  ');
  // A step that could not run (an operand has no value) has no result: its diagnostic says why.
  if (step.result) out += `  → ${step.failed ? p.bad(t(step.result)) : t(step.result)}\n`;
  // Device creation ran after the step (it follows the leading `reserve … preloaded` steps): its
  // calls are no part of the step's result, so they come after it, under their own heading.
  if (step.deviceCreation !== undefined) {
    out += `  ${p.dim(`device creation, after step ${step.step}:`)}\n`;
    for (const call of step.deviceCreation) out += formatCall(call, p, '  ');
  }
  for (const d of step.diagnostics)
    out += `  ${p.severity(d.severity)(d.severity)} ${p.dim(`[${d.code}]`)} ${t(d.message)}\n`;
  for (const e of step.expectations) out += formatExpectation(e, p, true);
  if (maps === 'all') {
    // The kernel's count differs when it merged mappings that different steps or names made.
    const vmas =
      step.kernelVmas === step.mappings.length
        ? ''
        : `; ${step.kernelVmas} kernel VMA${step.kernelVmas === 1 ? '' : 's'}, as /proc/PID/maps lists them`;
    out += `  ${p.dim(`mappings (${step.mappings.length}${vmas}):`)}\n`;
    for (const m of step.mappings) out += `    ${formatMappingLine(m)}\n`;
  } else if (maps === 'changed') {
    for (const m of step.removedMappings ?? []) out += `  ${p.bad('-')} ${formatMappingLine(m, false)}\n`;
    for (const m of step.mappings) out += `  ${p.ok('+')} ${formatMappingLine(m, false)}\n`;
  }
  return out;
}

function formatScenario(s: ScenarioTrace, p: Palette, maps: MapsShown): string {
  // The kernel whose rules run: 7.2 is simulated as 6.19 (kernel-unmodelled).
  const kernel = s.rulesKernel === s.kernel ? s.kernel : `${s.kernel} (simulated as ${s.rulesKernel})`;
  // x86-64 has 4 KiB pages; on arm64 the page size (4, 16 or 64 KiB) changes every result.
  const machine =
    s.arch === 'x86_64' && s.pageSize === '4096' ? '' : ` ${s.arch}, ${formatSize(BigInt(s.pageSize))} pages`;
  let out = `${p.bold(`scenario ${s.index}${s.name !== null ? ` "${t(s.name)}"` : ''}`)}  ${p.dim(`line ${s.line}; kernel ${kernel}${machine}; window ${s.window.start}..${s.window.end}`)}\n`;
  // Diagnostics on no step (a setting, a driver block) change every step: before them all.
  for (const d of s.diagnostics)
    out += `  ${p.severity(d.severity)(d.severity)} ${p.dim(`[${d.code}]`)} line ${d.line}: ${t(d.message)}\n`;
  if (s.setupMappings.length > 0 || s.setupCalls.length > 0) {
    out += `\n${p.bold('set-up')}  ${p.dim('before step 1: the driver at device creation, the strategy')}\n`;
    for (const call of s.setupCalls) out += formatCall(call, p, '  ');
    if (s.setupMappings.length > 0) out += `  ${p.dim(`mappings (${s.setupMappings.length}):`)}\n`;
    for (const m of s.setupMappings) out += `    ${formatMappingLine(m)}\n`;
  }
  for (const e of s.expectationsBeforeSteps) out += formatExpectation(e, p, false);
  for (const step of s.steps) out += formatStep(step, p, maps);
  if (s.steps.length === 0) out += '  (no steps)\n';
  if (s.truncated) out += p.dim(`\n  … stopped after ${s.steps.length} steps\n`);
  return out;
}

export function formatTraceText(trace: Trace, options: TextOptions & { maps: MapsShown }): string {
  const p = palette(options.color);
  return trace.scenarios.map((s) => formatScenario(s, p, options.maps)).join('\n');
}
