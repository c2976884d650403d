// `drvmap explore FILE`: is a strategy safe for every driver behaviour? Runs the engine's
// exploration (server/src/engine/explore) on the scenarios that leave their driver open and
// prints the verdicts: a summary line, the traits that decide it, and per failing class a
// counterexample with its expanded syscall trace. Parses its own arguments (main.ts hands it
// everything after `explore`), so the rest of the CLI is untouched.
import { describeReadError, readInputText } from './read-input';
import { resolve } from 'node:path';
import {
  explore,
  traceStepLabel,
  type ExploreResult,
  type ScenarioExploration,
} from '../engine/explore/explore';
import { STRATEGY_NAMES, type StrategyName } from '../engine/sim/platform';
import type { WineVersion } from '../engine/sim/wine-version';
import { readKernelOption, readWineOption, versionOption } from './version-option';
import { singleOption, splitOptions, UsageError } from './args';
import type { KernelVersion } from '../engine/kernel/types';
import type { CliIo } from './io';
import { printable } from '../engine/printable';
import { displayPath } from './check';
import { JSON_SCHEMA_VERSION } from './formats/json';
import { TOOL_NAME, TOOL_VERSION } from './version';

export const EXPLORE_HELP = `Usage: drvmap explore [options] FILE

Runs each scenario whose driver is left open (\`maps any\`, or an \`any\` line in the driver
block) under every driver behaviour, and says under which ones its strategy is safe, refused
(the kernel or driver says no) or unsafe (with the first hazard), with a counterexample for
each failing class. See docs/explore.md.

Options:
  --scenario N|NAME   only this scenario (1-based index or name)
  --kernel X.Y        the kernel of scenarios without a \`kernel\` line (as check and trace take it)
  --wine X.Y          the Wine of scenarios without a \`wine\` line (as check and trace take it)
  --kernels           also explore kernels 5.6, 5.10, 5.15, 6.18 (scenarios without \`kernel\`;
                      a scenario with one says so in a note); not with --kernel
  --all               open every driver trait, whatever the driver blocks say
  --strategy NAME     explore this strategy instead of the scenario's
  --format text|json  output format (default text)
  --trace full|short  text format: every step of a counterexample, or the last few (default short)
  -h, --help          this help

Exit codes: 0 every explored strategy is safe under every behaviour, 1 some behaviour is not
safe, 2 bad usage, unreadable input, nothing to explore, or a scenario that could not be
explored (errors of the language, more behaviours than explore takes, no such --scenario: said
on standard error, the others still reported); 2 takes priority over 1.
`;

export interface ExploreCommand {
  readonly file: string;
  readonly scenario: string | undefined;
  readonly kernels: boolean;
  /** `--kernel X.Y`: the default kernel, as `drvmap check --kernel` and the editor's setting give it. */
  readonly kernel: KernelVersion | undefined;
  /** `--wine X.Y`: the default Wine release, as `drvmap check --wine` and the editor's setting give it. */
  readonly wine: WineVersion | undefined;
  readonly all: boolean;
  readonly strategy: StrategyName | undefined;
  readonly format: 'text' | 'json';
  readonly trace: 'full' | 'short';
}

export class ExploreUsageError extends Error {}

export function parseExploreArgs(argv: readonly string[]): ExploreCommand | 'help' {
  try {
    return readExploreArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) throw new ExploreUsageError(error.message);
    throw error;
  }
}

/**
 * Options are split as check and trace split theirs (args.ts): an unknown one is named, one given
 * twice is refused rather than the last kept, and `--` ends them.
 */
function readExploreArgs(argv: readonly string[]): ExploreCommand | 'help' {
  const split = splitOptions(
    argv,
    {
      values: ['--scenario', '--kernel', '--wine', '--strategy', '--format', '--trace'],
      flags: ['--kernels', '--all'],
    },
    'explore',
  );
  if (split === 'help') return 'help';
  const value = (name: string): string | undefined => {
    const v = singleOption(split, name, 'explore');
    if (v === '') throw new ExploreUsageError(`${name} needs a value`);
    return v;
  };
  const scenario = value('--scenario');
  const refuse = (message: string): never => {
    throw new ExploreUsageError(message);
  };
  const kernel = versionOption(value('--kernel'), readKernelOption, refuse);
  const wine = versionOption(value('--wine'), readWineOption, refuse);
  const strategyText = value('--strategy');
  if (strategyText !== undefined && !(STRATEGY_NAMES as readonly string[]).includes(strategyText))
    throw new ExploreUsageError(`unknown strategy \`${strategyText}\`; known: ${STRATEGY_NAMES.join(', ')}`);
  const strategy = strategyText as StrategyName | undefined;
  const format = value('--format') ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new ExploreUsageError(`--format takes text or json, not \`${format}\``);
  const trace = value('--trace') ?? 'short';
  if (trace !== 'full' && trace !== 'short')
    throw new ExploreUsageError(`--trace takes full or short, not \`${trace}\``);
  const kernels = split.flags.has('--kernels');
  const all = split.flags.has('--all');
  if (split.positional.length > 1) throw new ExploreUsageError('explore takes one FILE');
  const file = split.positional[0];
  if (file === undefined) throw new ExploreUsageError('explore needs a FILE');
  // --kernel is one kernel instead of the sweep; both at once would drop one without a word.
  if (kernel && kernels)
    throw new ExploreUsageError(
      '--kernel X.Y (one kernel) and --kernels (a sweep of kernels) exclude each other: give one',
    );
  return { file, scenario, kernels, kernel, wine, all, strategy, format, trace };
}

/** `drvmap explore …` (argv without the word `explore`): exit code. */
export function runExplore(argv: readonly string[], io: CliIo): number {
  let command: ExploreCommand | 'help';
  try {
    command = parseExploreArgs(argv);
  } catch (error) {
    if (!(error instanceof ExploreUsageError)) throw error;
    io.error(printable(`drvmap: ${error.message}\nRun \`drvmap explore --help\` for usage.\n`));
    return 2;
  }
  if (command === 'help') {
    io.write(EXPLORE_HELP);
    return 0;
  }
  // As check and trace show it: relative to the working directory, `<stdin>` for `-`.
  const path = displayPath(io.cwd, command.file);
  let text: string;
  try {
    text = command.file === '-' ? io.readStdin() : readInputText(resolve(io.cwd, command.file));
  } catch (error) {
    io.error(printable(`drvmap: cannot read ${path}: ${describeReadError(error)}\n`));
    return 2;
  }
  const result = explore(text, {
    source: path,
    ...(command.scenario !== undefined ? { scenario: command.scenario } : {}),
    kernels: command.kernels,
    ...(command.kernel || command.wine
      ? {
          defaults: {
            ...(command.kernel ? { kernel: command.kernel } : {}),
            ...(command.wine ? { wine: command.wine } : {}),
          },
        }
      : {}),
    openAll: command.all,
    ...(command.strategy ? { strategy: command.strategy } : {}),
  });
  io.write(
    command.format === 'json'
      ? formatExploreJson(result)
      : // Plain text (no colour): escaped whole, scenario names, step text and all.
        printable(formatExploreText(result, { trace: command.trace })),
  );
  for (const problem of result.problems) io.error(printable(`drvmap: ${problem}\n`));
  return exploreExitCode(result);
}

/**
 * 2 when something asked for was not explored: nothing at all, or a scenario refused (language
 * errors, too many behaviours, no such --scenario; every problem is one of those). It takes
 * priority over 1, as an unreadable file does in check: a CI gate must not pass, nor read "unsafe",
 * when a scenario was never run. Else 1 when some explored behaviour is not safe, 0 when all are.
 */
function exploreExitCode(result: ExploreResult): number {
  if (result.scenarios.length === 0 || result.problems.length > 0) return 2;
  return result.scenarios.every((s) => s.counts.safe === s.total) ? 0 : 1;
}

/** The exploration as JSON, versioned as `check` and `trace` output is (formats/json.ts). */
export function formatExploreJson(result: ExploreResult): string {
  return (
    JSON.stringify(
      { schemaVersion: JSON_SCHEMA_VERSION, tool: { name: TOOL_NAME, version: TOOL_VERSION }, ...result },
      (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
      2,
    ) + '\n'
  );
}

const SHORT_TRACE_STEPS = 6;

export function formatExploreText(result: ExploreResult, options: { trace?: 'full' | 'short' } = {}): string {
  const out: string[] = [];
  for (const s of result.scenarios) out.push(...scenarioText(s, options.trace ?? 'short'), '');
  return out.join('\n');
}

function scenarioText(s: ScenarioExploration, trace: 'full' | 'short'): string[] {
  const out: string[] = [];
  out.push(`scenario ${s.index} "${s.name}" (line ${s.line})`);
  out.push(`  ${s.summary}`);
  const dims = s.dimensions.map((d) => `${d.key} {${d.values.join(', ')}}`).join(' × ');
  out.push(
    `  explored: ${dims}: ${s.total} possible behaviours${s.impossible.count ? ` (${s.impossible.count} impossible left out)` : ''}, ${s.runs} simulations`,
  );
  out.push(`  counts: safe ${s.counts.safe}, refused ${s.counts.refused}, unsafe ${s.counts.unsafe}`);
  if (s.counts.safe > 0)
    out.push(
      '  safe: no step of this scenario met a hazard; a hazard needs the step that shows it (the driver writing through its own pointer, the application reading after a move)',
    );
  out.push(
    `  decided by: ${s.deciding.length ? s.deciding.join(', ') : '(nothing: the same for every behaviour)'}`,
  );
  for (const c of s.classes) {
    const ce = c.counterexample;
    out.push('');
    out.push(`  ${c.verdict} (${c.hazard}) under ${c.count}: when ${c.when}`);
    out.push(
      `    counterexample: ${Object.entries(ce.behaviour)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}${s.dimensions.some((d) => d.key === 'kernel') ? '' : ` (kernel ${ce.kernel}${ce.rulesKernel === ce.kernel ? '' : `, simulated as ${ce.rulesKernel}`})`}`,
    );
    out.push(
      `    breaks at line ${ce.breaksAt.line}${ce.breaksAt.step !== undefined ? ` (step ${ce.breaksAt.step})` : ''}: ${ce.breaksAt.text}`,
    );
    out.push(`    ${ce.hazard.code}: ${ce.hazard.message}`);
    out.push('    trace:');
    const steps =
      trace === 'full' || ce.trace.length <= SHORT_TRACE_STEPS
        ? ce.trace
        : ce.trace.slice(-SHORT_TRACE_STEPS);
    if (steps.length < ce.trace.length)
      out.push(`      … ${ce.trace.length - steps.length} earlier steps (--trace full shows them)`);
    for (const step of steps) {
      out.push(
        `      ${traceStepLabel(step)} line ${step.line}: ${step.text}${step.result ? `  ${step.result}` : ''}`,
      );
      for (const call of step.calls)
        out.push(
          `          ${call.ok ? ' ' : '!'} ${call.actor}: ${call.text}${call.result ? ` ${call.result}` : ''}`,
        );
    }
  }
  if (s.impossible.rules.length) {
    out.push('');
    out.push('  left out as impossible:');
    for (const r of s.impossible.rules) out.push(`    ${r.when}: ${r.why}`);
  }
  for (const n of s.notes) out.push(`  note: ${n}`);
  return out;
}
