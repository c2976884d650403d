// The benchmark orchestrator (`npm run bench`, bundled by scripts/bench.mjs into out-bench/).
// The engine benchmark always runs; the optional parts (LSP, panel, kernel-vs-simulator, explore)
// run when their modules exist and export their function — scripts/bench.mjs passes whatever it
// found. Everything lands in bench-results.json as flat keys, plus a table on stdout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release, arch, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchSize, generateScenario, type EngineTimes, type MemoryFigures } from './engine-bench';

/** A module that may or may not exist (undefined) and may or may not export what we need. */
export type OptionalModule = Record<string, unknown> | undefined;

export interface OptionalParts {
  /** bench/lsp-bench.ts → benchLsp() */
  readonly lsp?: OptionalModule;
  /** bench/panel-bench.ts → benchPanel() */
  readonly panel?: OptionalModule;
  /** test/fidelity/perf.ts → benchKernelVsSim() */
  readonly fidelity?: OptionalModule;
  /** bench/explore-bench.ts → benchExplore() */
  readonly explore?: OptionalModule;
}

export type Results = Record<string, number | string>;

/** The sizes timed; the doubling pairs give the scaling ratios. */
export const SIZES = [1_000, 10_000, 20_000, 50_000, 100_000, 200_000];
export const MEMORY_SIZES = [10_000, 100_000];
const DOUBLINGS: [number, number][] = [
  [10_000, 20_000],
  [50_000, 100_000],
  [100_000, 200_000],
];

export const TARGETS = {
  totalMs100k: 250,
  peakMb100k: 200,
  doublingRatio: 2.2,
};

export function sizeLabel(steps: number): string {
  return steps % 1000 === 0 ? `${steps / 1000}k` : String(steps);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `firstPaintMs` → `first_paint_ms`. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Flattens what an optional part returned into `prefix.key` entries (numbers and strings only). */
export function flattenResult(prefix: string, value: unknown, into: Results): void {
  if (typeof value === 'number' || typeof value === 'string') {
    into[prefix] = typeof value === 'number' ? round(value, 3) : value;
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      flattenResult(
        key.startsWith(prefix.split('.')[0] + '.') ? key : `${prefix}.${snakeCase(key)}`,
        inner,
        into,
      );
    }
  }
}

function log(text: string): void {
  process.stdout.write(text + '\n');
}

// ---- the engine ----

function engineResults(times: EngineTimes, into: Results): void {
  const k = `engine.${sizeLabel(times.steps)}`;
  into[`${k}.total_ms`] = round(times.totalMs);
  into[`${k}.parse_ms`] = round(times.parseMs);
  into[`${k}.reparse_ms`] = round(times.reparseMs);
  into[`${k}.simulate_ms`] = round(times.simulateMs);
  into[`${k}.check_ms`] = round(times.checkMs);
  into[`${k}.rules_ms`] = round(times.rulesMs);
  into[`${k}.per_step_us`] = round((times.totalMs * 1000) / times.steps, 3);
  into[`${k}.live_mappings`] = times.liveMappings;
  into[`${k}.diagnostics`] = times.diagnostics;
}

/**
 * Runs one size's memory measurement in a fresh Node process that loads only the engine
 * (out-bench/memory-child.js, next to this bundle) and reads the generated scenario from a file.
 */
function memoryInChild(steps: number): MemoryFigures | string {
  const script = process.argv[1];
  if (!script) return 'no script path';
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-bench-'));
  try {
    const file = join(dir, `bench-${steps}.drvmap`);
    writeFileSync(file, generateScenario(steps));
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', join(dirname(script), 'memory-child.js'), file],
      {
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    if (child.status !== 0)
      return `child failed (${child.status ?? child.signal}): ${child.stderr.trim().split('\n').slice(-3).join(' ')}`;
    try {
      return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as MemoryFigures;
    } catch {
      return `unreadable child output: ${child.stdout.slice(0, 200)}`;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runEngine(results: Results, runs: number, sizes: readonly number[]): void {
  log(
    'engine: generated raw-syscall scenarios, median of ' +
      runs +
      ' runs after a warm-up in one warm process (no forced garbage collection between runs)',
  );
  const rows: string[][] = [
    [
      'steps',
      'parse ms',
      'reparse ms',
      'simulate ms',
      'check ms',
      '(rules ms)',
      'total ms',
      'µs/step',
      'live maps',
      'diags',
    ],
  ];
  for (const steps of sizes) {
    const times = benchSize(steps, runs);
    engineResults(times, results);
    rows.push([
      sizeLabel(steps),
      times.parseMs.toFixed(1),
      times.reparseMs.toFixed(2),
      times.simulateMs.toFixed(1),
      times.checkMs.toFixed(1),
      times.rulesMs.toFixed(1),
      times.totalMs.toFixed(1),
      ((times.totalMs * 1000) / steps).toFixed(2),
      String(times.liveMappings),
      String(times.diagnostics),
    ]);
  }
  log(table(rows));
  for (const [small, large] of DOUBLINGS) {
    const a = results[`engine.${sizeLabel(small)}.total_ms`];
    const b = results[`engine.${sizeLabel(large)}.total_ms`];
    if (typeof a === 'number' && typeof b === 'number' && a > 0)
      results[`engine.scaling.${sizeLabel(small)}_to_${sizeLabel(large)}`] = round(b / a, 3);
  }
  const memoryRows: string[][] = [
    ['steps', 'peak RSS MB', 'before MB', 'RSS growth MB', 'retained heap MB', 'cold analysis ms'],
  ];
  for (const steps of MEMORY_SIZES.filter((s) => sizes.includes(s))) {
    const memory = memoryInChild(steps);
    const k = `engine.${sizeLabel(steps)}`;
    if (typeof memory === 'string') {
      results[`${k}.peak_mb`] = `failed: ${memory}`;
      memoryRows.push([sizeLabel(steps), 'failed', memory, '', '', '']);
      continue;
    }
    results[`${k}.peak_mb`] = round(memory.peakRssMb, 1);
    results[`${k}.baseline_rss_mb`] = round(memory.baselineRssMb, 1);
    results[`${k}.analysis_rss_mb`] = round(memory.analysisRssMb, 1);
    results[`${k}.retained_heap_mb`] = round(memory.retainedHeapMb, 1);
    results[`${k}.cold_ms`] = round(memory.coldMs);
    memoryRows.push([
      sizeLabel(steps),
      memory.peakRssMb.toFixed(1),
      memory.baselineRssMb.toFixed(1),
      memory.analysisRssMb.toFixed(1),
      memory.retainedHeapMb.toFixed(1),
      memory.coldMs.toFixed(1),
    ]);
  }
  log(
    '\nengine memory (a fresh process per size that loads only the engine and reads the scenario from a file):',
  );
  log(table(memoryRows));
}

// ---- optional parts ----

interface Part {
  readonly name: keyof OptionalParts;
  readonly module: string;
  readonly fn: string;
  readonly prefix: string;
  readonly after?: (results: Results) => void;
}

const PARTS: readonly Part[] = [
  { name: 'lsp', module: 'bench/lsp-bench.ts', fn: 'benchLsp', prefix: 'lsp.10k' },
  { name: 'panel', module: 'bench/panel-bench.ts', fn: 'benchPanel', prefix: 'panel.10k' },
  {
    name: 'fidelity',
    module: 'test/fidelity/perf.ts',
    fn: 'benchKernelVsSim',
    prefix: 'fidelity.100k',
    after: (r) => {
      const kernel = r['fidelity.100k.kernel_ms'];
      const sim = r['fidelity.100k.sim_ms'];
      if (typeof kernel === 'number' && typeof sim === 'number' && kernel > 0)
        r['fidelity.100k.sim_over_kernel'] = round(sim / kernel, 2);
    },
  },
  { name: 'explore', module: 'bench/explore-bench.ts', fn: 'benchExplore', prefix: 'explore.1k' },
];

async function runPart(part: Part, module: OptionalModule, results: Results): Promise<void> {
  if (!module) {
    log(`${part.name}: skipped: ${part.module} not found`);
    results[`${part.name}.status`] = 'skipped: module not found';
    return;
  }
  const fn = module[part.fn];
  if (typeof fn !== 'function') {
    log(`${part.name}: skipped: ${part.module} does not export ${part.fn}()`);
    results[`${part.name}.status`] = `skipped: no ${part.fn}()`;
    return;
  }
  const started = Date.now();
  try {
    const value: unknown = await (fn as () => unknown)();
    const own: Results = {};
    // A bare number is a time: `explore.1k.ms`.
    flattenResult(typeof value === 'number' ? `${part.prefix}.ms` : part.prefix, value, own);
    Object.assign(results, own);
    part.after?.(results);
    results[`${part.name}.status`] = 'ok';
    const shown = Object.keys(results).filter((k) =>
      k.startsWith(part.prefix.split('.').slice(0, 2).join('.')),
    );
    log(
      `${part.name}: ${shown.map((k) => `${k} = ${results[k]}`).join(', ')}  (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${part.name}: failed: ${message.split('\n')[0]}`);
    results[`${part.name}.status`] = `failed: ${message.split('\n')[0]}`;
  }
}

// ---- output ----

export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map(
      (row, r) =>
        row
          .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
          .join('  ') + (r === 0 ? '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : ''),
    )
    .join('\n');
}

function verdicts(results: Results): string[] {
  const out: string[] = [];
  const check = (label: string, value: number | string | undefined, limit: number, unit: string) => {
    if (typeof value !== 'number') return out.push(`  ?    ${label}: not measured`);
    out.push(`  ${value <= limit ? 'ok  ' : 'MISS'} ${label}: ${value}${unit} (target ≤ ${limit}${unit})`);
  };
  check('engine 100k steps end to end', results['engine.100k.total_ms'], TARGETS.totalMs100k, ' ms');
  check('engine 100k steps peak RSS', results['engine.100k.peak_mb'], TARGETS.peakMb100k, ' MB');
  for (const [small, large] of DOUBLINGS) {
    check(
      `time ×${sizeLabel(small)}→${sizeLabel(large)}`,
      results[`engine.scaling.${sizeLabel(small)}_to_${sizeLabel(large)}`],
      TARGETS.doublingRatio,
      '',
    );
  }
  return out;
}

export interface BenchOptions {
  readonly runs?: number;
  readonly sizes?: readonly number[];
  readonly output?: string;
  /** Skip the optional parts (engine only). */
  readonly engineOnly?: boolean;
}

export async function runBenchmarks(parts: OptionalParts, options: BenchOptions = {}): Promise<Results> {
  const results: Results = {
    timestamp: new Date().toISOString(),
    'machine.node': process.version,
    'machine.platform': `${platform()} ${release()} ${arch()}`,
    'machine.cpu': cpus()[0]?.model ?? 'unknown',
    'machine.cpus': cpus().length,
    'machine.memory_gb': round(totalmem() / 1024 ** 3, 1),
    'machine.gc_exposed': typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'yes' : 'no',
  };
  runEngine(results, options.runs ?? 5, options.sizes ?? SIZES);
  if (!options.engineOnly) {
    log('');
    for (const part of PARTS) await runPart(part, parts[part.name], results);
  }
  log('\ntargets:');
  log(verdicts(results).join('\n'));
  const output = options.output ?? 'bench-results.json';
  writeFileSync(output, JSON.stringify(results, null, 2) + '\n');
  log(`\nwrote ${output}`);
  return results;
}

/** The bundle's entry calls this with the optional modules it could import. */
export async function main(parts: OptionalParts): Promise<void> {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = value('--sizes')
    ?.split(',')
    .map((s) => Number(s.replace(/k$/i, '000')));
  const runs = value('--runs');
  await runBenchmarks(parts, {
    runs: runs ? Number(runs) : undefined,
    sizes,
    output: value('--output'),
    engineOnly: argv.includes('--engine-only'),
  });
}
