// Engine benchmark: generated raw-syscall scenarios of growing size, timed phase by phase.
//
// The scenarios are realistic rather than adversarial: anonymous private and shared mappings with
// and without hints, MAP_FIXED / MAP_FIXED_NOREPLACE at fresh addresses, whole and partial
// munmaps, mremap grow / shrink / move / DONTUNMAP, mprotect, and reads and writes of live
// mappings, steered to keep a few thousand mappings alive. A seeded PRNG makes every run of a
// size the same text.
import { analyseDocument } from '../server/src/engine/analysis';
import { RULES } from '../server/src/engine/rules/registry';
import { runScenario, type ScenarioRun } from '../server/src/engine/sim/run';
import type { FileNode } from '../server/src/engine/syntax/ast';
import { parse } from '../server/src/engine/syntax/parser';
import { reparse } from '../server/src/engine/syntax/incremental-parse';

// ---- the scenario generator ----

/** mulberry32: small, fast, good enough to pick steps; deterministic across platforms. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LiveMapping {
  readonly name: string;
  /** Size in pages. */
  pages: number;
  readonly kind: 'private' | 'shared';
  /** Readable / writable now (after mprotect). */
  readable: boolean;
  writable: boolean;
  /** Emptied by MREMAP_DONTUNMAP: still mapped, but only unmapped later (touching it is a stale access). */
  emptied: boolean;
}

const PAGE = 4096;
/** Fresh MAP_FIXED / MAP_FIXED_NOREPLACE slots: 16 MiB apart from 0x2000_0000_0000 up, never reused. */
const FIXED_BASE = 0x2000_0000_0000;
const FIXED_SLOT = 0x100_0000;
/** Hints land in [HINT_BASE, HINT_BASE + 16 GiB); a taken hint makes the kernel search elsewhere. */
const HINT_BASE = 0x3000_0000_0000;

const hex = (n: number) => '0x' + n.toString(16);
const size = (pages: number) => (pages % 256 === 0 ? `${pages / 256}MiB` : `${pages * 4}KiB`);

function pickPages(random: () => number): number {
  const r = random();
  if (r < 0.45) return 1 + Math.floor(random() * 4);
  if (r < 0.85) return 4 + Math.floor(random() * 60);
  if (r < 0.97) return 64 + Math.floor(random() * 192);
  return 512; // 2 MiB
}

/** The number of live mappings the generator steers towards for a scenario of `steps` steps. */
export function targetLiveMappings(steps: number): number {
  return Math.max(50, Math.min(4000, Math.floor(steps / 20)));
}

/**
 * A scenario of exactly `steps` raw-syscall steps. Names are fresh for every result (`m1`, `m2`…)
 * and a name whose mapping moved is never used again, so the text is what a careful author
 * writes; the few diagnostics it draws are real findings, not generator noise.
 */
export function generateScenario(steps: number, seed = 1): string {
  const random = prng(seed ^ steps);
  const live: LiveMapping[] = [];
  let nextName = 1;
  let nextFixedSlot = 0;
  const target = targetLiveMappings(steps);
  const lines: string[] = [`scenario "bench ${steps} steps" {`, '  kernel 6.6'];
  const pickLive = (predicate: (m: LiveMapping) => boolean = () => true): number => {
    for (let tries = 0; tries < 8; tries++) {
      const i = Math.floor(random() * live.length);
      const m = live[i];
      if (m && predicate(m)) return i;
    }
    return -1;
  };
  const retire = (i: number) => {
    live[i] = live[live.length - 1] as LiveMapping;
    live.pop();
  };
  const fresh = () => `m${nextName++}`;

  for (let step = 0; step < steps; step++) {
    const fill = live.length / target;
    const r = random();
    // Below the target the mix leans to mapping, above it to unmapping.
    const mapBias = fill < 1 ? 0.34 : 0.2;
    const unmapBias = fill < 0.5 ? 0.04 : fill < 1 ? 0.13 : 0.26;
    let line: string | undefined;
    if (live.length === 0 || r < mapBias) {
      const name = fresh();
      const pages = pickPages(random);
      const kind = random() < 0.8 ? 'private' : 'shared';
      const place = random();
      let at = '';
      if (place < 0.1) at = ` at ${hex(HINT_BASE + Math.floor(random() * 0x40_0000) * PAGE)}`;
      else if (place < 0.16) at = ` at ${hex(FIXED_BASE + nextFixedSlot++ * FIXED_SLOT)} fixed-noreplace`;
      else if (place < 0.19) at = ` at ${hex(FIXED_BASE + nextFixedSlot++ * FIXED_SLOT)} fixed`;
      line = `${name} = mmap ${size(pages)} rw ${kind} anon${at}`;
      live.push({ name, pages, kind, readable: true, writable: true, emptied: false });
    } else if (r < mapBias + unmapBias) {
      const i = pickLive();
      const m = live[i];
      if (m && m.pages > 1 && random() < 0.2) {
        // Unmap the tail page: the mapping shrinks, its name still points at its start.
        line = `munmap ${m.name} + ${hex((m.pages - 1) * PAGE)}, 4KiB`;
        m.pages--;
      } else if (m) {
        line = `munmap ${m.name}, ${size(m.pages)}`;
        retire(i);
      }
    } else if (r < mapBias + unmapBias + 0.12) {
      const i = pickLive((m) => !m.emptied);
      const m = live[i];
      if (m) {
        const name = fresh();
        const kindOfRemap = random();
        if (kindOfRemap < 0.45 && m.kind === 'private') {
          // Growing a shared mapping would outgrow its shmem object (SIGBUS past the end): private only.
          const grown = m.pages + 1 + Math.floor(random() * 16);
          line = `${name} = mremap ${m.name}, ${size(m.pages)}, ${size(grown)}, maymove`;
          live[i] = { ...m, name, pages: grown };
        } else if (kindOfRemap < 0.75 && m.pages > 1) {
          const shrunk = 1 + Math.floor(random() * (m.pages - 1));
          line = `${name} = mremap ${m.name}, ${size(m.pages)}, ${size(shrunk)}`;
          live[i] = { ...m, name, pages: shrunk };
        } else if (m.kind === 'private' && kindOfRemap < 0.9) {
          // DONTUNMAP: the pages move to `name`; the old range stays mapped and empty.
          line = `${name} = mremap ${m.name}, ${size(m.pages)}, ${size(m.pages)}, maymove | dontunmap`;
          live.push({ ...m, name, emptied: false });
          m.emptied = true;
        } else {
          // A move to a fresh fixed address.
          line = `${name} = mremap ${m.name}, ${size(m.pages)}, ${size(m.pages)}, maymove | fixed, ${hex(FIXED_BASE + nextFixedSlot++ * FIXED_SLOT)}`;
          live[i] = { ...m, name };
        }
      }
    } else if (r < mapBias + unmapBias + 0.2) {
      const m = live[pickLive((x) => !x.emptied)];
      if (m) {
        const p = random();
        const prot = p < 0.5 ? 'rw' : p < 0.85 ? 'r' : 'none';
        line = `mprotect ${m.name}, ${size(m.pages)}, ${prot}`;
        m.readable = prot !== 'none';
        m.writable = prot === 'rw';
      }
    } else {
      const write = random() < 0.5;
      const m = live[pickLive((x) => !x.emptied && (write ? x.writable : x.readable))];
      if (m) {
        const offset = Math.floor(random() * m.pages) * PAGE + Math.floor(random() * 64) * 16;
        const length = Math.min(m.pages * PAGE - offset, 1 + Math.floor(random() * 256));
        const target = offset ? `${m.name} + ${hex(offset)}` : m.name;
        line = write
          ? `write ${target}, ${length}, ${hex(Math.floor(random() * 256))}`
          : `read ${target}, ${length}`;
      }
    }
    // A step the mix could not make (nothing suitable live) becomes a fresh small mapping.
    if (line === undefined) {
      const name = fresh();
      line = `${name} = mmap 4KiB rw private anon`;
      live.push({ name, pages: 1, kind: 'private', readable: true, writable: true, emptied: false });
    }
    lines.push('  ' + line);
  }
  lines.push('}', '');
  return lines.join('\n');
}

// ---- timing ----

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function timeMs(action: () => unknown): number {
  const started = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export interface EngineTimes {
  readonly steps: number;
  readonly lines: number;
  readonly diagnostics: number;
  readonly liveMappings: number;
  readonly parseMs: number;
  /** Parsing again after a one-character edit in the middle, from the last version's tree (incremental-parse.ts). */
  readonly reparseMs: number;
  readonly simulateMs: number;
  /** Rules + diagnostics: analyseDocument minus parse and simulate (medians), at least rulesMs. */
  readonly checkMs: number;
  /** The rules' `check` functions alone, over a finished run. */
  readonly rulesMs: number;
  readonly totalMs: number;
  readonly runs: number;
}

/**
 * Times one size: parse alone, parse + runScenario (simulate = the difference), the rule checks
 * alone, and the whole analyseDocument. Each is the median of `runs` runs after one warm-up, in
 * one warm process, as the language server analyses on every keystroke: each run's result is
 * dropped before the next, and the garbage collector runs when V8 decides. No full collection is
 * forced between runs: after a forced one V8 shrinks its heap limits and the next run pays for
 * incremental marking it would not otherwise do (≈3× slower at 10k steps), which no editor or
 * CLI run ever sees. A fresh process's first analysis (the CLI's case) is `coldMs`, measured by
 * the memory child.
 */
export function benchSize(steps: number, runs = 5): EngineTimes {
  const text = generateScenario(steps);
  // Warm-up, and the counts to report; the analysis is dropped before timing so that no run
  // pays for the garbage collector walking an earlier run's heap.
  const counts = (() => {
    const sample = analyseDocument(text);
    return {
      diagnostics: sample.diagnostics.length,
      liveMappings: sample.scenarios[0]?.run.simulation.space.vmas().length ?? 0,
    };
  })();
  const parse_: number[] = [];
  const reparse_: number[] = [];
  const edited = editInTheMiddle(text);
  const simulate: number[] = [];
  const rules: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    let file: FileNode | undefined;
    parse_.push(timeMs(() => (file = parse(text))));
    const node = file?.scenarios[0];
    if (!node) throw new Error('the generated text has no scenario');
    let run: ScenarioRun | undefined;
    simulate.push(timeMs(() => (run = runScenario(node, text))));
    const finished = run as ScenarioRun;
    rules.push(
      timeMs(() => {
        let count = 0;
        for (const rule of RULES) rule.check?.(finished, () => count++);
      }),
    );
    file = undefined;
    run = undefined;
    // Keystrokes back and forth, each version reparsed from the last, as the server does.
    let last = { text, file: parse(text) };
    for (let k = 0; k < 4; k++) {
      const next = last.text === text ? edited : text;
      let file: FileNode | undefined;
      reparse_.push(timeMs(() => (file = reparse(last, next))));
      last = { text: next, file: file as FileNode };
    }
    total.push(timeMs(() => analyseDocument(text)));
  }
  const parseMs = median(parse_);
  const simulateMs = median(simulate);
  const totalMs = median(total);
  return {
    steps,
    lines: text.split('\n').length,
    ...counts,
    parseMs,
    reparseMs: median(reparse_),
    simulateMs,
    // On a noisy machine the difference of medians can dip below the directly timed rules.
    checkMs: Math.max(median(rules), totalMs - parseMs - simulateMs),
    rulesMs: median(rules),
    totalMs,
    runs,
  };
}

/** The text with one hex digit of the middle step's last number changed, as a keystroke would. */
function editInTheMiddle(text: string): string {
  const middle = text.indexOf('\n', text.length >> 1) + 1;
  const digit = text.indexOf('0x', middle) + 2;
  const replacement = text[digit] === '1' ? '2' : '1';
  return text.slice(0, digit) + replacement + text.slice(digit + 1);
}

export interface MemoryFigures {
  readonly steps: number;
  /** Peak resident set size of the process that read and analysed the scenario. */
  readonly peakRssMb: number;
  /** RSS of that process before the analysis: Node itself and the text. */
  readonly baselineRssMb: number;
  /** Peak RSS growth during analyseDocument (over the RSS before it). */
  readonly analysisRssMb: number;
  /** V8 heap in use afterwards, with the analysis still referenced (what an editor keeps). */
  readonly retainedHeapMb: number;
  /** The analysis's wall time: the first in a fresh process, unoptimised code included (the CLI's case). */
  readonly coldMs: number;
}

const MB = 1024 * 1024;

/**
 * Meant to run alone in a fresh process that loads only the engine (bench/memory-child.ts): the
 * process's peak RSS is then the analysis's own, not the leftovers of earlier sizes.
 */
export function measureMemory(text: string): MemoryFigures {
  collectGarbage();
  const before = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const analysis = analyseDocument(text);
  const coldMs = Number(process.hrtime.bigint() - started) / 1e6;
  collectGarbage();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const heap = process.memoryUsage().heapUsed;
  const scenario = analysis.scenarios[0];
  if (!scenario) throw new Error('no scenario');
  return {
    steps: scenario.run.simulation.records.length,
    peakRssMb: peakRss / MB,
    baselineRssMb: before / MB,
    analysisRssMb: Math.max(0, peakRss - before) / MB,
    retainedHeapMb: heap / MB,
    coldMs,
  };
}
