// Command-line parsing: argv in, a typed command out. Anything malformed is a UsageError, which
// the CLI reports on stderr with exit code 2. No I/O here, so every case is unit-testable.
import type { Severity } from '../engine/diagnostics';
import type { KernelVersion } from '../engine/kernel/types';
import { RULE_BY_CODE } from '../engine/rules/registry';
import type { WineVersion } from '../engine/sim/wine-version';
import { readKernelOption, readWineOption, versionOption } from './version-option';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** error > warning > info > hint. */
export function severityRank(severity: Severity): number {
  return 3 - SEVERITIES.indexOf(severity);
}

export type CheckFormat = 'text' | 'json' | 'sarif';
export type TraceFormat = 'text' | 'json';
/** Which mappings `drvmap trace` lists after each step. */
export type MapsShown = 'all' | 'changed' | 'none';
/** `auto`: colour when stdout is a terminal and NO_COLOR is not set. */
export type ColorMode = 'auto' | 'always' | 'never';

export interface CommonOptions {
  readonly color: ColorMode;
  /** `--kernel X.Y`: the kernel version of scenarios that do not say `kernel`. */
  readonly kernel: KernelVersion | undefined;
  /** `--wine X.Y`: the Wine release of scenarios that do not say `wine`. */
  readonly wine: WineVersion | undefined;
  /** `--width COLUMNS`: fold the text output's lines at spaces to this width (none by default). */
  readonly width: number | undefined;
  /** `--rule CODE=LEVEL|off`, repeatable: per-rule severity overrides. */
  readonly severities: Readonly<Record<string, Severity | 'off'>>;
}

export interface CheckCommand extends CommonOptions {
  readonly kind: 'check';
  readonly files: readonly string[];
  readonly format: CheckFormat;
  /** Diagnostics below this severity are not reported (default: hint, i.e. everything). */
  readonly threshold: Severity;
  /** Exit 1 when a reported diagnostic is at least this severe (default: error). */
  readonly failOn: Severity;
  /** Report the diagnostics the scenarios expect (false with `--no-expected`). */
  readonly expected: boolean;
  /** `--output FILE`: write the report there instead of stdout. */
  readonly output: string | undefined;
}

export interface TraceCommand extends CommonOptions {
  readonly kind: 'trace';
  readonly file: string;
  /** A scenario name, or a 1-based index; undefined traces every scenario. */
  readonly scenario: string | undefined;
  readonly format: TraceFormat;
  /** `--maps all|changed|none` (`--no-maps` is `none`): which mappings each step lists. */
  readonly maps: MapsShown;
  readonly output: string | undefined;
}

export type Command =
  | { readonly kind: 'help'; readonly topic: 'main' | 'check' | 'trace' }
  | { readonly kind: 'version' }
  | CheckCommand
  | TraceCommand;

export class UsageError extends Error {
  constructor(
    message: string,
    readonly topic: 'main' | 'check' | 'trace' | 'explore' | 'import' = 'main',
  ) {
    super(message);
  }
}

export const MAIN_HELP = `drvmap — check and trace driver mapping scenarios (*.drvmap)

Usage:
  drvmap check [options] FILE|DIR…      report diagnostics (for editors' users and CI)
  drvmap trace [options] FILE           the step-by-step timeline of a scenario
  drvmap explore [options] FILE         is the strategy safe under every driver behaviour?
                                        (options: --scenario, --strategy, --kernel, --wine, --kernels,
                                        --all, --format, --trace; docs/explore.md)
  drvmap import strace|maps FILE        a scenario from strace output or /proc/PID/maps
                                        (strace: --pid PID for one process of an strace -f capture)
  drvmap --help | help [COMMAND]        this help, or a command's (check, trace, explore, import)
  drvmap --version

Exit codes: 0 clean; 1 problems found (check: a diagnostic at --fail-on; trace: a language error;
explore: a behaviour that is not safe; import: nothing imported from lines not in the format);
2 bad usage or unreadable input.
Documentation: docs/cli.md; rule codes: docs/rules.md.
`;

export const CHECK_HELP = `Usage: drvmap check [options] FILE|DIR|-…

Checks each file (a directory: every *.drvmap below it; -: standard input) and prints the
diagnostics the editor shows.

Options:
  --format text|json|sarif      output format (default text)
  --severity-threshold LEVEL    report only diagnostics at least this severe:
                                error, warning, info or hint (default hint: everything)
  --fail-on LEVEL               exit 1 when a reported diagnostic is at least this severe
                                (default error: warnings alone still exit 0); warning or
                                lower also fails on a file with no scenario
  --no-expected                 leave out the diagnostics the scenarios expect, "(expected) …"
                                (by default they are notes; SARIF marks them suppressed)
  --rule CODE=LEVEL             override a rule's severity (LEVEL: error|warning|info|hint|off);
                                repeatable
  --kernel X.Y                  kernel version for scenarios without a \`kernel\` line
  --wine X.Y                    Wine release for scenarios without a \`wine\` line (default 10.15)
  --width COLUMNS               fold long lines at spaces to COLUMNS (76 for a plain-text email)
  -o, --output FILE             write the report to FILE instead of standard output
  --color, --no-color           force colour on or off (default: on a terminal, unless NO_COLOR
                                or FORCE_COLOR says otherwise; docs/cli.md)

Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 bad usage or an unreadable file.
`;

export const TRACE_HELP = `Usage: drvmap trace [options] FILE

Prints each step of a scenario: its line and text, the calls it expanded to (actor, call,
result), its result, its diagnostics and the mappings after it (like /proc/PID/maps).
Diagnostics on no step (a setting such as \`kernel v5.10\`) come first, under the header.

Options:
  --scenario NAME|N             the scenario to trace: its name or 1-based number (default: all);
                                a name two scenarios have is refused: give the number
  --format text|json            output format (default text)
  --maps all|changed|none       the mappings after each step: all of them (default), only
                                those the step added or removed (+/-), or none
  --no-maps                     the same as --maps none
  --rule CODE=LEVEL             override a rule's severity; repeatable
  --kernel X.Y                  kernel version for scenarios without a \`kernel\` line
  --wine X.Y                    Wine release for scenarios without a \`wine\` line (default 10.15)
  --width COLUMNS               fold long lines at spaces to COLUMNS (76 for a plain-text email)
  -o, --output FILE             write to FILE instead of standard output
  --color, --no-color           force colour on or off

Exit codes: 0 traced, 1 traced but a scenario has an error of the language (not traced as
written), 2 bad usage, unreadable file, a file with no scenario, no such scenario or a name two
scenarios have.
`;

export function helpText(topic: 'main' | 'check' | 'trace'): string {
  return topic === 'check' ? CHECK_HELP : topic === 'trace' ? TRACE_HELP : MAIN_HELP;
}

function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** Options that take a value, per command; `--name=value` and `--name value` both work. */
const VALUE_OPTIONS: Record<'check' | 'trace', readonly string[]> = {
  check: [
    '--format',
    '--severity-threshold',
    '--fail-on',
    '--rule',
    '--kernel',
    '--wine',
    '--width',
    '--output',
    '-o',
  ],
  trace: ['--format', '--scenario', '--maps', '--rule', '--kernel', '--wine', '--width', '--output', '-o'],
};
const FLAG_OPTIONS: Record<'check' | 'trace', readonly string[]> = {
  check: ['--color', '--no-color', '--no-expected'],
  trace: ['--color', '--no-color', '--no-maps'],
};

/** A command's options: those that take a value, and flags; `aliases` maps a short name to its long one. */
export interface OptionSpec {
  readonly values: readonly string[];
  readonly flags: readonly string[];
  readonly aliases?: Readonly<Record<string, string>>;
}

/** A command line split into options and operands. */
export interface SplitOptions {
  /** Every value given, per option (its long name), in order: repetition is the reader's to allow. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
  readonly positional: readonly string[];
}

/**
 * How every command reads its options (check, trace, explore, import): `--name value` and
 * `--name=value`; `-` is an operand (standard input); after `--` every word is an operand, so a
 * file named like an option is reachable; `-h`/`--help` before `--` asks for help (`'help'`).
 * An option the command does not have is a UsageError naming it.
 */
export function splitOptions(
  argv: readonly string[],
  spec: OptionSpec,
  command: 'check' | 'trace' | 'explore' | 'import',
): SplitOptions | 'help' {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: string[] = [];
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (onlyPositional || arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositional = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (spec.values.includes(name)) {
      let value: string | undefined;
      if (eq > 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined) throw new UsageError(`${name} needs a value`, command);
      const key = spec.aliases?.[name] ?? name;
      values.set(key, [...(values.get(key) ?? []), value]);
    } else if (spec.flags.includes(name) && eq < 0) {
      flags.add(name);
    } else {
      throw new UsageError(`unknown option ${name} for \`drvmap ${command}\``, command);
    }
  }
  return { values, flags, positional };
}

/** The value of an option that may be given once (undefined when it is not given). */
export function singleOption(
  split: SplitOptions,
  name: string,
  command: 'check' | 'trace' | 'explore' | 'import',
): string | undefined {
  const all = split.values.get(name);
  if (all && all.length > 1) throw new UsageError(`${name} is given more than once`, command);
  return all?.[0];
}

export function parseArgs(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given; try `drvmap check FILE`');
  if (first === '--help' || first === '-h') return { kind: 'help', topic: 'main' };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help', topic: 'main' };
    if (topic === 'check' || topic === 'trace') return { kind: 'help', topic };
    throw new UsageError(`no help for \`${topic}\`; commands are check, trace, explore and import`);
  }
  if (first === '--version' || first === '-V' || first === 'version') return { kind: 'version' };
  if (first !== 'check' && first !== 'trace') {
    throw new UsageError(
      first.startsWith('-')
        ? `unknown option ${first}`
        : `unknown command \`${first}\`; commands are check, trace, explore and import`,
    );
  }
  const command = first;
  const split = splitOptions(
    rest,
    { values: VALUE_OPTIONS[command], flags: FLAG_OPTIONS[command], aliases: { '-o': '--output' } },
    command,
  );
  if (split === 'help') return { kind: 'help', topic: command };
  const { values, flags, positional } = split;
  const single = (name: string): string | undefined => singleOption(split, name, command);
  const severityOption = (name: string, fallback: Severity): Severity => {
    const value = single(name);
    if (value === undefined) return fallback;
    if (!isSeverity(value))
      throw new UsageError(`${name} takes error, warning, info or hint, not \`${value}\``, command);
    return value;
  };

  const color: ColorMode =
    flags.has('--color') && flags.has('--no-color')
      ? fail('--color and --no-color contradict each other')
      : flags.has('--color')
        ? 'always'
        : flags.has('--no-color')
          ? 'never'
          : 'auto';
  function fail(message: string): never {
    throw new UsageError(message, command);
  }

  const kernel = versionOption(single('--kernel'), readKernelOption, fail);
  const wine = versionOption(single('--wine'), readWineOption, fail);

  const widthText = single('--width');
  let width: number | undefined;
  if (widthText !== undefined) {
    width = /^[0-9]{1,4}$/.test(widthText) ? Number(widthText) : NaN;
    if (!(width >= 40 && width <= 1000))
      fail(
        `--width takes a number of columns from 40 to 1000, such as 76 for an email, not \`${widthText}\``,
      );
    if ((single('--format') ?? 'text') !== 'text')
      fail('--width folds the text format only: give it without --format json or sarif');
  }

  const severities: Record<string, Severity | 'off'> = {};
  for (const spec of values.get('--rule') ?? []) {
    const eq = spec.indexOf('=');
    const code = eq > 0 ? spec.slice(0, eq) : '';
    const level = eq > 0 ? spec.slice(eq + 1) : '';
    if (!code || !level) fail(`--rule takes CODE=LEVEL, e.g. --rule stale-pointer=warning, not \`${spec}\``);
    if (!RULE_BY_CODE.has(code)) fail(`--rule: \`${code}\` is not a rule code (see docs/rules.md)`);
    if (level !== 'off' && !isSeverity(level))
      fail(`--rule ${code}: the level is error, warning, info, hint or off, not \`${level}\``);
    severities[code] = level as Severity | 'off';
  }

  const output = single('--output');
  if (command === 'check') {
    const format = single('--format') ?? 'text';
    if (format !== 'text' && format !== 'json' && format !== 'sarif')
      fail(`--format takes text, json or sarif, not \`${format}\``);
    if (positional.length === 0) fail('no files given; usage: drvmap check FILE…');
    return {
      kind: 'check',
      files: positional,
      format,
      threshold: severityOption('--severity-threshold', 'hint'),
      failOn: severityOption('--fail-on', 'error'),
      expected: !flags.has('--no-expected'),
      output,
      color,
      kernel,
      wine,
      width,
      severities,
    };
  }
  const format = single('--format') ?? 'text';
  if (format !== 'text' && format !== 'json') fail(`--format takes text or json, not \`${format}\``);
  if (positional.length === 0) fail('no file given; usage: drvmap trace FILE [--scenario NAME|N]');
  if (positional.length > 1) fail(`trace takes one file, not ${positional.length}`);
  const maps = single('--maps') ?? (flags.has('--no-maps') ? 'none' : 'all');
  if (maps !== 'all' && maps !== 'changed' && maps !== 'none')
    fail(`--maps takes all, changed or none, not \`${maps}\``);
  if (flags.has('--no-maps') && maps !== 'none') fail('--no-maps and --maps disagree');
  return {
    kind: 'trace',
    file: positional[0] as string,
    scenario: single('--scenario'),
    format,
    maps,
    output,
    color,
    kernel,
    wine,
    width,
    severities,
  };
}
