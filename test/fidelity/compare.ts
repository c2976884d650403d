// Compares a kernel run with a simulator run of the same program, step by step, and renders the
// first difference side by side.
import type { MapLine, Outcome, Program, Rle, RunResult, StepResult } from './program';
import { programToString, stepToString } from './program';

export type MismatchClass =
  | 'crash'
  | 'outcome' // ok vs errno vs signal
  | 'errno'
  | 'value' // both succeeded with different return values (e.g. placement)
  | 'signal' // different signal or fault address
  | 'bytes'
  | 'maps' // the mapped pages, their permissions, offsets or names differ
  | 'maps-merge'; // the same pages, permissions and offsets, but split into different VMAs

export interface Mismatch {
  readonly step: number;
  readonly cls: MismatchClass;
  /** A short key grouping mismatches of the same kind (op, class, both outcomes). */
  readonly key: string;
  readonly detail: string;
}

export interface CompareOptions {
  /** Treat VMA boundaries that differ only by merging as equal (default false: exact maps). */
  readonly ignoreMergeBoundaries?: boolean;
}

export function outcomeSummary(o: Outcome): string {
  switch (o.kind) {
    case 'ok':
      return 'ok';
    case 'errno':
      return o.errno;
    case 'signal':
      return o.signal;
  }
}

function outcomeText(o: Outcome): string {
  switch (o.kind) {
    case 'ok':
      return o.rel
        ? `ok A+0x${o.value.toString(16)}`
        : `ok ${o.value < 0 ? '-' : ''}0x${Math.abs(o.value).toString(16)}`;
    case 'errno':
      return `FAIL ${o.errno}`;
    case 'signal':
      return `${o.signal} at ${o.rel ? 'A+' : ''}0x${o.at.toString(16)}`;
  }
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'ok' && b.kind === 'ok') return a.value === b.value && a.rel === b.rel;
  if (a.kind === 'errno' && b.kind === 'errno') return a.errno === b.errno;
  if (a.kind === 'signal' && b.kind === 'signal')
    return a.signal === b.signal && a.at === b.at && a.rel === b.rel;
  return false;
}

function sameRle(a: Rle | undefined, b: Rle | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every(([v, n], i) => y[i]![0] === v && y[i]![1] === n);
}

const lineKey = (m: MapLine): string => `${m.start}-${m.end} ${m.perms} ${m.offset} ${m.name}`;

export function sameMaps(a: readonly MapLine[], b: readonly MapLine[]): boolean {
  return a.length === b.length && a.every((m, i) => lineKey(m) === lineKey(b[i]!));
}

/** Splits every line at every boundary of both lists, so that two lists differing only in merging compare equal. */
function fragments(lines: readonly MapLine[], cuts: readonly number[]): string[] {
  const out: string[] = [];
  for (const m of lines) {
    let start = m.start;
    for (const c of cuts) {
      if (c <= start || c >= m.end) continue;
      out.push(fragmentKey(m, start, c));
      start = c;
    }
    out.push(fragmentKey(m, start, m.end));
  }
  return out;
}

function fragmentKey(m: MapLine, start: number, end: number): string {
  const offset = m.name === '' ? m.offset : m.offset + (start - m.start);
  return `${start}-${end} ${m.perms} ${offset} ${m.name}`;
}

export function sameMapsModuloMerging(a: readonly MapLine[], b: readonly MapLine[]): boolean {
  const cuts = [...new Set([...a, ...b].flatMap((m) => [m.start, m.end]))].sort((x, y) => x - y);
  const fa = fragments(a, cuts);
  const fb = fragments(b, cuts);
  return fa.length === fb.length && fa.every((k, i) => k === fb[i]);
}

function compareMaps(
  ka: readonly MapLine[],
  sa: readonly MapLine[],
  opts: CompareOptions,
): 'maps' | 'maps-merge' | undefined {
  if (sameMaps(ka, sa)) return undefined;
  if (sameMapsModuloMerging(ka, sa)) return opts.ignoreMergeBoundaries ? undefined : 'maps-merge';
  return 'maps';
}

/** The first difference between the two runs, or undefined when they agree. */
export function compareRuns(
  program: Program,
  kernel: RunResult,
  sim: RunResult,
  opts: CompareOptions = {},
): Mismatch | undefined {
  if (kernel.crash !== undefined || sim.crash !== undefined) {
    return {
      step: -1,
      cls: 'crash',
      key: `crash (kernel ${kernel.crash ?? '-'} / sim ${sim.crash ?? '-'})`,
      detail: 'a runner crashed',
    };
  }
  for (let i = 0; i < program.steps.length; i++) {
    const step = program.steps[i]!;
    const k = kernel.steps[i];
    const s = sim.steps[i];
    if (!k || !s) return { step: i, cls: 'crash', key: 'missing step result', detail: `step ${i} missing` };
    const op = step.op === 'mremap' ? `mremap` : step.op;
    const ko = outcomeSummary(k.outcome);
    const so = outcomeSummary(s.outcome);
    if (k.outcome.kind !== s.outcome.kind) {
      return { step: i, cls: 'outcome', key: `${op}: kernel ${ko} / sim ${so}`, detail: '' };
    }
    if (!sameOutcome(k.outcome, s.outcome)) {
      const cls: MismatchClass =
        k.outcome.kind === 'errno' ? 'errno' : k.outcome.kind === 'signal' ? 'signal' : 'value';
      return { step: i, cls, key: `${op}: ${cls} (kernel ${ko} / sim ${so})`, detail: '' };
    }
    if (!sameRle(k.bytes, s.bytes)) return { step: i, cls: 'bytes', key: `${op}: bytes`, detail: '' };
    if (k.maps && s.maps) {
      const cls = compareMaps(k.maps, s.maps, opts);
      if (cls) return { step: i, cls, key: `${op}: ${cls} (${ko})`, detail: '' };
    }
  }
  const cls = compareMaps(kernel.finalMaps, sim.finalMaps, opts);
  if (cls) return { step: program.steps.length - 1, cls, key: `final: ${cls}`, detail: '' };
  return undefined;
}

function mapText(m: MapLine): string {
  const name = m.name === '' ? '' : ` ${m.name}`;
  return `A+${m.start.toString(16)}-A+${m.end.toString(16)} ${m.perms} ${m.offset.toString(16)}${name}`;
}

function rleText(r: Rle | undefined): string {
  if (!r) return '';
  return r.map(([b, n]) => `${n}x${b.toString(16).padStart(2, '0')}`).join(' ');
}

function stepLines(r: StepResult | undefined): string[] {
  if (!r) return ['(no result)'];
  const lines = [outcomeText(r.outcome)];
  if (r.bytes) lines.push(`bytes: ${rleText(r.bytes)}`);
  for (const m of r.maps ?? []) lines.push(mapText(m));
  return lines;
}

function sideBySide(left: string[], right: string[], titles: [string, string]): string {
  const width = Math.max(titles[0].length, ...left.map((l) => l.length)) + 2;
  const rows = [`${titles[0].padEnd(width)}| ${titles[1]}`, `${'-'.repeat(width)}+${'-'.repeat(width)}`];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i] ?? '';
    const r = right[i] ?? '';
    rows.push(`${l.padEnd(width)}| ${r}${l === r ? '' : '   <<'}`);
  }
  return rows.join('\n');
}

/** The program, the mismatching step and both runs' results at that step, side by side. */
export function renderMismatch(program: Program, kernel: RunResult, sim: RunResult, m: Mismatch): string {
  // Steps after the mismatch cannot matter: leave them out.
  const shown = m.step >= 0 ? { steps: program.steps.slice(0, m.step + 1) } : program;
  const hidden = program.steps.length - shown.steps.length;
  const parts = [
    `MISMATCH [${m.cls}] ${m.key}`,
    'program (A = arena base):',
    programToString(shown) + (hidden > 0 ? `\n     (${hidden} later steps not shown)` : ''),
  ];
  if (m.step >= 0) {
    parts.push(`\nat step ${m.step}: ${stepToString(program.steps[m.step]!)}`);
    if (m.step > 0) {
      parts.push('maps before it (kernel):');
      const before = kernel.steps[m.step - 1]?.maps ?? [];
      parts.push(before.length ? before.map((x) => `  ${mapText(x)}`).join('\n') : '  (none)');
    }
    const isFinal = m.key.startsWith('final');
    const left = isFinal ? kernel.finalMaps.map(mapText) : stepLines(kernel.steps[m.step]);
    const right = isFinal ? sim.finalMaps.map(mapText) : stepLines(sim.steps[m.step]);
    parts.push(sideBySide(left, right, ['kernel', 'simulator']));
  } else {
    parts.push(
      `kernel crash: ${kernel.crash ?? '-'}, simulator crash: ${sim.crash ?? '-'} ${sim.crashMessage ?? ''}`,
    );
  }
  return parts.join('\n');
}
