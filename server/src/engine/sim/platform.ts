// The platform a scenario runs on, read from its settings. Bad settings are reported and the
// default is kept, so the rest of the scenario still simulates.
import type { Argument, Expression, ScenarioNode, SettingNode, Word } from '../syntax/ast';
import type { Arch, KernelConfig, KernelVersion } from '../kernel/types';
import {
  defaultKernelConfig,
  formatKernelVersion,
  kernelVersionRange,
  kernelVersionTag,
  parseKernelVersion,
} from '../kernel/config';
import { formatHex, formatSize, KiB } from '../numbers';
import { countLines } from '../syntax/text-range';
import type { LanguageProblem } from './problems';
import { evaluateConstant } from './evaluate';
import { reportExtraLineValues } from './extra-line-values';
import { didYouMean } from '../language/closest-word';
import {
  DEFAULT_WINE,
  formatWineVersion,
  type WineSource,
  type WineVersion,
  wineVersionProblem,
} from './wine-version';
import { resolveAddressSpace } from './address-space-settings';
import { linuxOnlyStrategyProblem } from './linux-only';
import { fexPageSizeProblem } from './fex-page-size';
import { machVmMaxAddress, macosPageSize, macosPageSizeProblem } from './macos-geometry';

export type StrategyName =
  | 'none'
  | 'remap-dontunmap'
  | 'remap-move'
  | 'hook-mmap'
  | 'placed'
  | 'alias'
  | 'shadow-copy'
  | 'external-memory-host'
  | 'reserve-high'
  | 'mmap32';

export const STRATEGY_NAMES: readonly StrategyName[] = [
  'none',
  'remap-dontunmap',
  'remap-move',
  'hook-mmap',
  'placed',
  'alias',
  'shadow-copy',
  'external-memory-host',
  'reserve-high',
  'mmap32',
];

export interface AddressWindow {
  /** Inclusive start, exclusive end. */
  readonly start: bigint;
  readonly end: bigint;
}

export interface Platform {
  readonly os: 'linux' | 'macos';
  readonly kernel: KernelConfig;
  readonly window: AddressWindow;
  /** Who set the window in force: why 32-bit code is not given an address outside it. */
  readonly windowFrom: WindowSource;
  readonly largeAddressAware: boolean;
  readonly strategy: StrategyName;
  /**
   * The Wine release whose WOW64 Vulkan mapping applies (`wine 10.15`; sim/wine-version.ts): it
   * decides whether `placed` has a placed path (9.4) and whether vkFreeMemory releases a host
   * import's window range (before 10.15). `wineSource`: a `wine` line set it, a default given for
   * the run (`--wine`, drvmap.defaultWine), or the engine's default.
   */
  readonly wine: WineVersion;
  readonly wineSource: WineSource;
  /** Windows' allocation granularity (64 KiB): Wine's reservations are aligned to it. */
  readonly allocationGranularity: bigint;
  /** The setting nodes that decided each value, for hover and related information. */
  readonly sources: ReadonlyMap<string, SettingNode>;
}

/**
 * Where the window in force comes from: the scenario's `window` line, the editor's
 * drvmap.defaultWindow setting (when it differs from the default), large-address-aware, whose
 * window is Windows' user range, 2 GiB without it and 4 GiB with it (linux-mm §7.1), or, under
 * `strategy reserve-high` without either line, FEX's i386 guest range ({@link FEX_GUEST_WINDOW}).
 * Only the third is explained by large-address-awareness: a window line that reaches past 2 GiB
 * is not, nor is a FEX i386 guest, which has no PE header and so no such flag.
 */
export type WindowSource =
  'window-line' | 'default-window-setting' | 'large-address-aware' | 'fex-guest-range';

/**
 * WOW64 Wine without LARGE_ADDRESS_AWARE: 0x1_0000 .. 2 GiB. Windows' HighestUserAddress is
 * 0x7ffeffff, but Wine's allocator searches up to 2 GiB: wow64's process_init sets
 * `default_zero_bits = HighestUserAddress | 0x7fffffff` (dlls/wow64/syscall.c), the wow64 thunks
 * pass it to every NtAllocateVirtualMemory and NtMapViewOfSection from 32-bit code (get_zero_bits,
 * dlls/wow64/virtual.c), NtAllocateVirtualMemory turns it into limit_high 0x7fffffff
 * (get_zero_bits_limit), and map_view searches below `limit_high + 1` (dlls/ntdll/unix/virtual.c;
 * virtual_set_large_address_space has set user_space_limit to the 64-bit limit). So a view may take
 * the 64 KiB above KUSER_SHARED_DATA, 0x7fff_0000..0x8000_0000 (whose own block stays a hole,
 * sim/wine-user-shared-data.ts), and 32-bit code reaches it: a pointer below 2 GiB is a pointer.
 */
export const DEFAULT_WINDOW: AddressWindow = { start: 0x1_0000n, end: 0x8000_0000n };
/** WOW64 + LAA: default_zero_bits 0xfffeffff | 0x7fffffff = 0xffffffff, so map_view searches to 4 GiB. */
export const LARGE_ADDRESS_AWARE_WINDOW: AddressWindow = { start: 0x1_0000n, end: 0x1_0000_0000n };
/**
 * i386 Wine (old 32-bit Wine under FEX: `reserve-high` with a `large-address-aware` line): no
 * wow64 layer passes zero bits, and map_view's search ends at user_space_limit, 0x7fff0000 without
 * the flag (dlls/ntdll/unix/virtual.c, the !_WIN64 limits). Not box64's `mmap32`: that box64 runs
 * x86-64 Wine (`box64 wine64 …`), whose WOW64 runs the 32-bit code (box64 docs/USAGE.md,
 * BOX64_MMAP32: "64-bit programs that run 32-bit code (like Wine WOW64)"), so
 * {@link DEFAULT_WINDOW}'s zero-bits limit applies there.
 */
export const I386_WINE_WINDOW: AddressWindow = { start: 0x1_0000n, end: 0x7fff_0000n };
/** i386 Wine with LAA: HighestUserAddress 0xfffeffff. */
export const I386_WINE_LARGE_ADDRESS_AWARE_WINDOW: AddressWindow = { start: 0x1_0000n, end: 0xffff_0000n };
/**
 * What an i386 Linux guest of FEX reaches: all of 0x1_0000 .. 4 GiB. FEX's own view of it is its
 * x32 mlockall, which locks exactly `mlock2(0x1'0000, 0x1'0000'0000 - 0x1'0000)`
 * (Source/Tools/LinuxEmulation/LinuxSyscalls/x32/Memory.cpp, FEX-Emu/FEX 091272a8), and guest
 * and thunked-driver maps alike are the kernel's placements below 4 GiB (InitAllocator's
 * passthrough allocator, FEXInterpreter.cpp 00b47772). No LARGE_ADDRESS_AWARE flag halves it: a
 * Linux ELF has none.
 */
export const FEX_GUEST_WINDOW: AddressWindow = { start: 0x1_0000n, end: 0x1_0000_0000n };

export interface PlatformDefaults {
  readonly kernel?: KernelVersion;
  /** The Wine of scenarios without a `wine` line (`--wine`, drvmap.defaultWine); DEFAULT_WINE if unset. */
  readonly wine?: WineVersion;
  readonly window?: AddressWindow;
  /**
   * The process holds CAP_SYS_RAWIO (root). Scenarios model an ordinary process; Run on This
   * Kernel sets it when its harness ran as root, which may map below vm.mmap_min_addr.
   */
  readonly capSysRawio?: boolean;
}

/**
 * The scenario's settings, in order. Found in a loop of its own: the loop below makes closures
 * over each statement, so V8 gives every iteration a context, even for the steps it skips.
 * (Indexed: this runs once, in the interpreter, where `for…of` makes an iterator result each.)
 */
function settingsOf(scenario: ScenarioNode): SettingNode[] {
  const settings: SettingNode[] = [];
  for (let i = 0; i < scenario.body.length; i++) {
    const statement = scenario.body[i]!;
    if (statement.kind === 'setting') settings.push(statement);
  }
  return settings;
}

/**
 * `settings`: the scenario's settings in order, when the caller has already found them;
 * `text`: the document, for the line a message names.
 */
export function readPlatform(
  scenario: ScenarioNode,
  problems: LanguageProblem[],
  defaults: PlatformDefaults = {},
  settings: readonly SettingNode[] = settingsOf(scenario),
  text?: string,
): Platform {
  const sources = new Map<string, SettingNode>();
  let version: KernelVersion | undefined = defaults.kernel;
  let os: Platform['os'] = 'linux';
  let window: AddressWindow | undefined;
  let largeAddressAware = false;
  let strategy: StrategyName = 'none';
  let wine: WineVersion = defaults.wine ?? DEFAULT_WINE;
  let wineSource: WineSource = defaults.wine ? 'given' : 'default';
  let arch: Arch | undefined;
  const overrides: { -readonly [K in keyof KernelConfig]?: KernelConfig[K] } = {};

  for (const statement of settings) {
    const name = statement.keyword.name;
    const previous = sources.get(name);
    if (previous) {
      problems.push({
        code: 'duplicate-setting',
        range: statement.keyword,
        message: `\`${name}\` is already set ${text === undefined ? 'above' : `on line ${lineNumber(text, previous.start)}`}; the later value wins`,
        related: [{ range: previous, message: 'first set here' }],
      });
    }
    sources.set(name, statement);
    const word = statement.words[0];
    const expectWord = (allowed: readonly string[]): string | undefined => {
      if (!word) {
        problems.push({
          code: 'syntax-error',
          range: statement,
          message: `\`${name}\` needs one of: ${allowed.join(', ')}`,
        });
        return undefined;
      }
      if (!allowed.includes(word.name)) {
        problems.push({
          code: 'unknown-word',
          range: word,
          message: `\`${word.name}\` is not ${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}${didYouMean(word.name, allowed)} (one of: ${allowed.join(', ')})`,
        });
        return undefined;
      }
      return word.name;
    };
    const value = (expression: Expression | undefined): bigint | undefined => {
      if (!expression) {
        problems.push({ code: 'syntax-error', range: statement, message: `\`${name}\` needs a value` });
        return undefined;
      }
      return evaluateConstant(expression, problems);
    };
    const firstExpression =
      statement.args[0]?.kind !== 'string' ? (statement.args[0] as Expression | undefined) : undefined;
    reportExtraSettingValues(statement, problems);
    switch (name) {
      case 'kernel': {
        // The text as `uname -r` prints it: major.minor is read, the rest (`.12`, `-45-generic`,
        // `.1-microsoft-standard-WSL2`, `+rpt-rpi-v8`) is not.
        const setting = readVersionSetting(statement, problems, {
          word: 'kernel',
          runsOn: 'a scenario runs on one kernel',
          expected: 'expected a kernel version such as `kernel 6.6` (or as `uname -r` prints it)',
        });
        if (!setting) break;
        version = setting.version;
        const problem = kernelVersionProblem(version, setting.text);
        if (problem) problems.push({ ...problem, range: setting.range });
        break;
      }
      case 'wine': {
        // Read as `kernel` is (the parser keeps the glued run as one version): major.minor, the rest
        // (`.1` of a stable maintenance release, `-rc3`) not.
        const setting = readVersionSetting(statement, problems, {
          word: 'wine',
          runsOn: 'a scenario runs under one Wine',
          expected:
            'expected a Wine version such as `wine 10.15` (as `wine --version` prints it, without `wine-`)',
        });
        if (!setting) break;
        const read = setting.version;
        const problem = wineVersionProblem(read, setting.text);
        if (problem) problems.push({ ...problem, range: setting.range });
        const refused = problem?.code === 'number-out-of-range';
        if (refused && read.major > 99) break;
        // Older than the facts: run as the oldest Wine they describe, as the message says.
        wine = refused ? { major: 9, minor: 0 } : read;
        wineSource = 'line';
        break;
      }
      case 'platform':
        os = (expectWord(['linux', 'macos']) as Platform['os'] | undefined) ?? os;
        break;
      case 'strategy':
        strategy = (expectWord(STRATEGY_NAMES) as StrategyName | undefined) ?? strategy;
        break;
      case 'large-address-aware':
        // Alone it means yes (as the PE header flag is set or not).
        // An unknown word is reported and changes nothing.
        largeAddressAware =
          word === undefined
            ? true
            : (expectWord(['yes', 'no']) ?? (largeAddressAware ? 'yes' : 'no')) === 'yes';
        break;
      case 'privileged': {
        // Alone it means yes (root). An unknown word is reported and changes nothing.
        const answer = word === undefined ? 'yes' : expectWord(['yes', 'no']);
        if (answer !== undefined) overrides.capSysRawio = answer === 'yes';
        break;
      }
      case 'thp': {
        const on = expectWord(['on', 'off']);
        if (on) overrides.thp = on === 'on';
        break;
      }
      case 'layout': {
        const layout = expectWord(['topdown', 'legacy']);
        if (layout) overrides.layout = layout as KernelConfig['layout'];
        break;
      }
      case 'arch':
        arch = (expectWord(ARCH_NAMES) as Arch | undefined) ?? arch;
        break;
      case 'page-size': {
        const v = value(firstExpression);
        if (v === undefined) break;
        if (v !== 4n * KiB && v !== 16n * KiB && v !== 64n * KiB) {
          problems.push({
            code: 'number-out-of-range',
            range: firstExpression ?? statement,
            message: 'page size must be 4 KiB, 16 KiB or 64 KiB',
          });
        } else overrides.pageSize = v;
        break;
      }
      case 'mmap-base':
      case 'mmap-min-addr':
      case 'task-size': {
        const v = value(firstExpression);
        if (v === undefined) break;
        if (v >= 1n << 57n) {
          problems.push({
            code: 'number-out-of-range',
            range: firstExpression ?? statement,
            message: `${formatHex(v)} is beyond any user address space (57 bits with 5-level paging)`,
          });
          break;
        }
        if (name === 'mmap-base') overrides.mmapBase = v;
        else if (name === 'mmap-min-addr') {
          overrides.mmapMinAddr = v;
          // The effective value is max(vm.mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR) (linux-mm 1.4):
          // one below the sysctl's default 4096 means the sysctl is that low too (`mmap-min-addr 0`
          // is a system with vm.mmap_min_addr = 0, where an ordinary process may map at 0).
          if (v < defaultKernelConfig().dacMmapMinAddr) overrides.dacMmapMinAddr = v;
        } else overrides.taskSize = v;
        break;
      }
      case 'window': {
        const start = value(firstExpression);
        const end = statement.rangeEnd ? evaluateConstant(statement.rangeEnd, problems) : undefined;
        if (!statement.rangeEnd) {
          problems.push({
            code: 'syntax-error',
            range: statement,
            message: 'expected `window START .. END`',
          });
          break;
        }
        if (start === undefined || end === undefined) break;
        const problem = windowProblem({ start, end });
        if (problem) {
          problems.push({
            code: 'number-out-of-range',
            range: end > start ? statement.rangeEnd : statement,
            message: problem,
          });
          break;
        }
        window = { start, end };
        break;
      }
    }
  }
  // A default kernel (`--kernel`, drvmap.defaultKernel) gets the note a `kernel` line would, on
  // the scenario's first line: a run that thinks it checks 7.3 must not look checked against it.
  if (!sources.has('kernel') && defaults.kernel) {
    const problem = kernelVersionProblem(
      defaults.kernel,
      `${formatKernelVersion(defaults.kernel)} (the default kernel: this scenario has no \`kernel\` line)`,
    );
    if (problem)
      problems.push({
        ...problem,
        range: { start: scenario.keyword.start, end: (scenario.name ?? scenario.keyword).end },
      });
  }
  // A default Wine past the model (`--wine 11.3`, drvmap.defaultWine) gets the note a `wine` line
  // would, on the scenario's first line, as a default kernel does.
  if (!sources.has('wine') && defaults.wine) {
    const problem = wineVersionProblem(
      defaults.wine,
      `${formatWineVersion(defaults.wine)} (given by --wine or drvmap.defaultWine: this scenario has no \`wine\` line)`,
    );
    if (problem?.code === 'wine-unmodelled')
      problems.push({
        ...problem,
        range: { start: scenario.keyword.start, end: (scenario.name ?? scenario.keyword).end },
      });
  }
  const pageSizeSetting = sources.get('page-size');
  if (
    arch === 'x86_64' &&
    overrides.pageSize !== undefined &&
    overrides.pageSize !== 4n * KiB &&
    pageSizeSetting
  ) {
    // x86-64 pages are 4 KiB; 16 and 64 KiB kernels are arm64 ones (vulkan-wine §2: 16 KiB on Apple M1).
    const at = pageSizeSetting.args[0];
    problems.push({
      code: 'number-out-of-range',
      range: at && at.kind !== 'string' ? at : pageSizeSetting,
      message: `x86-64 pages are 4 KiB; ${formatSize(overrides.pageSize)} pages are an arm64 kernel's (\`arch arm64\`). The page size stays 4 KiB`,
    });
    delete overrides.pageSize;
  }
  const strategyLine = sources.get('strategy');
  if (os === 'macos') {
    // XNU's page size and map end, not Linux's (sim/macos-geometry.ts): 16 KiB pages on arm64
    // unless the line says 4 KiB, no 64 KiB, and MACH_VM_MAX_ADDRESS as the end of the map.
    const refused =
      overrides.pageSize !== undefined
        ? macosPageSizeProblem(overrides.pageSize, arch ?? 'x86_64')
        : undefined;
    if (refused !== undefined && pageSizeSetting) {
      const at = pageSizeSetting.args[0];
      problems.push({
        code: 'number-out-of-range',
        range: at && at.kind !== 'string' ? at : pageSizeSetting,
        message: refused,
      });
      delete overrides.pageSize;
    }
    const macArch = arch ?? impliedArch(overrides.pageSize);
    overrides.pageSize ??= macosPageSize(macArch);
    overrides.taskSize ??= machVmMaxAddress(macArch);
    const note = strategyLine
      ? linuxOnlyStrategyProblem(strategy, strategyLine.words[0] ?? strategyLine)
      : undefined;
    if (note) problems.push(note);
  }
  const base = defaultKernelConfig(version);
  const merged: KernelConfig = {
    ...base,
    ...(defaults.capSysRawio !== undefined ? { capSysRawio: defaults.capSysRawio } : {}),
    ...overrides,
    arch: arch ?? impliedArch(overrides.pageSize),
  };
  // TASK_SIZE and mmap_base: the arch's defaults for what is not set, the legacy layout's base,
  // and impossible pairs reported (address-space-settings.ts).
  const kernel: KernelConfig = {
    ...merged,
    ...resolveAddressSpace(
      merged,
      { taskSize: overrides.taskSize, mmapBase: overrides.mmapBase },
      sources,
      problems,
    ),
  };
  // On macOS the strategy already has its note (FEX is Linux's), so one note there is enough.
  const fexNote =
    os !== 'macos' && strategyLine
      ? fexPageSizeProblem(strategy, kernel.pageSize, strategyLine.words[0] ?? strategyLine)
      : undefined;
  if (fexNote) problems.push(fexNote);
  const windowFrom = windowSource(
    window,
    sources.has('large-address-aware'),
    largeAddressAware,
    strategy,
    defaults.window,
  );
  return {
    os,
    kernel,
    window:
      window ??
      (windowFrom === 'fex-guest-range'
        ? FEX_GUEST_WINDOW
        : windowFrom === 'default-window-setting' && defaults.window
          ? defaults.window
          : wineWindow(strategy, sources.has('large-address-aware'), largeAddressAware)),
    windowFrom,
    largeAddressAware,
    strategy,
    wine,
    wineSource,
    allocationGranularity: 64n * KiB,
    sources,
  };
}

/**
 * Who set the window: a valid `window` line wins over large-address-aware, which wins over the
 * default setting; a setting equal to the default window is large-address-aware's own (no).
 * Under `strategy reserve-high` a scenario without a `window` or `large-address-aware` line is a
 * FEX i386 Linux guest, and gets FEX's guest range, over the default setting too (the strategy
 * is the scenario's own word, as large-address-aware is). A `large-address-aware` line there
 * keeps its window: it describes a Windows program under old 32-bit Wine, itself an i386 guest of
 * FEX, and such a program's signed-pointer code still breaks above 2 GiB without the flag.
 */
function windowSource(
  line: AddressWindow | undefined,
  largeAddressAwareLine: boolean,
  largeAddressAware: boolean,
  strategy: StrategyName,
  setting: AddressWindow | undefined,
): WindowSource {
  if (line !== undefined) return 'window-line';
  if (strategy === 'reserve-high' && !largeAddressAwareLine) return 'fex-guest-range';
  if (largeAddressAware || setting === undefined) return 'large-address-aware';
  const isDefault = setting.start === DEFAULT_WINDOW.start && setting.end === DEFAULT_WINDOW.end;
  return isDefault ? 'large-address-aware' : 'default-window-setting';
}

/**
 * The window Wine gives 32-bit code: WOW64's, up to its zero-bits limit, or i386 Wine's, up to
 * user_space_limit ({@link I386_WINE_WINDOW}). `largeAddressAwareLine`: the scenario has a
 * `large-address-aware` line, whatever its value.
 */
export function wineWindow(
  strategy: StrategyName,
  largeAddressAwareLine: boolean,
  largeAddressAware: boolean,
): AddressWindow {
  const i386 = runsI386Wine(strategy, largeAddressAwareLine);
  if (largeAddressAware) return i386 ? I386_WINE_LARGE_ADDRESS_AWARE_WINDOW : LARGE_ADDRESS_AWARE_WINDOW;
  return i386 ? I386_WINE_WINDOW : DEFAULT_WINDOW;
}

/**
 * Whether the scenario runs i386 Wine, whose ntdll virtual.c is built without _WIN64, rather than
 * WOW64's 64-bit ntdll: only old 32-bit Wine under FEX, `reserve-high` with a `large-address-aware`
 * line (without one, `reserve-high` is an i386 Linux guest and runs no Wine at all, windowSource).
 * Every other strategy runs 64-bit Wine, `mmap32` included: box64 runs x86-64 Wine there and its
 * WOW64 runs the 32-bit code (box64 docs/USAGE.md, BOX64_MMAP32).
 */
export function runsI386Wine(strategy: StrategyName, largeAddressAwareLine: boolean): boolean {
  return strategy === 'reserve-high' && largeAddressAwareLine;
}

export const ARCH_NAMES: readonly Arch[] = ['x86_64', 'arm64'];

/**
 * The architecture a scenario without an `arch` line runs on: x86-64 unless its page size is one
 * only arm64 kernels have (16 KiB on Apple M1, 64 KiB on some arm64 kernels: vulkan-wine §2, H8).
 */
export function impliedArch(pageSize: bigint | undefined): Arch {
  return pageSize === undefined || pageSize === 4n * KiB ? 'x86_64' : 'arm64';
}

/**
 * The last minor release of each major series, and the newest kernel the facts describe
 * (linux-mm.md: "the 6.16 to 6.19 era"). 2.6's patch level is not read, so any 2.6 is 2.6.
 */
const LAST_MINOR: Readonly<Record<number, number>> = { 3: 19, 4: 20, 5: 19, 6: 19 };
const NEWEST_MODELLED: KernelVersion = { major: 6, minor: 19 };

/**
 * The kernel whose rules a scenario's `kernel` line gets: the version itself, or the newest the
 * rules follow when it is later (`kernel-unmodelled`).
 */
export function rulesKernel(version: KernelVersion): KernelVersion {
  const later =
    version.major > NEWEST_MODELLED.major ||
    (version.major === NEWEST_MODELLED.major && version.minor > NEWEST_MODELLED.minor);
  return later ? NEWEST_MODELLED : version;
}

/**
 * The 1-based line of an offset, counted as the editor and LineIndex count lines (a lone `\r`
 * ends one too, or a file saved with old Mac line ends names line 1 throughout). A duplicate
 * setting is rare: no line index for it.
 */
function lineNumber(text: string, offset: number): number {
  return countLines(text.slice(0, offset));
}

/** Why a 32-bit window is not one (empty, or past 4 GiB), or undefined when it is fine. */
export function windowProblem(window: AddressWindow): string | undefined {
  if (window.end <= window.start)
    return `the window is empty: ${formatHex(window.end)} is not above ${formatHex(window.start)}`;
  if (window.end > 1n << 32n) return `a 32-bit window ends at 4 GiB at most, not ${formatHex(window.end)}`;
  return undefined;
}

/** Settings whose value is a word (`strategy placed`); the others take a number or a range. */
const WORD_SETTINGS: ReadonlySet<string> = new Set([
  'platform',
  'strategy',
  'large-address-aware',
  'privileged',
  'thp',
  'layout',
  'arch',
]);

/**
 * A setting line holds one value (docs/language.md, Settings; sim/extra-line-values.ts). A
 * missing or wrong first value is the setting's own problem, reported where it is read.
 */
function reportExtraSettingValues(statement: SettingNode, problems: LanguageProblem[]): void {
  const name = statement.keyword.name;
  let extra: readonly (Word | Argument)[];
  if (WORD_SETTINGS.has(name))
    // With no word, a number is the (wrong) value itself, which the setting reports.
    extra =
      statement.words.length > 0 ? [...statement.words.slice(1), ...statement.args] : statement.args.slice(1);
  else extra = [...statement.args.slice(1), ...statement.words];
  const takes = `\`${name}\` takes one value${name === 'window' ? ', a range `START .. END`' : ''}`;
  reportExtraLineValues(apart(statement, extra), takes, problems);
}

/**
 * The extra values written apart from the value before them. What is glued to it is part of one
 * token as the user wrote it: the rest of a release as `uname -r` prints it (`kernel
 * 6.8.0-45-generic`, `6.1-rc3`), which is not read, or of a misspelt word (`arch x86-64`), which
 * the setting reports as a whole.
 */
function apart(statement: SettingNode, extra: readonly (Word | Argument)[]): (Word | Argument)[] {
  const values = [...statement.words, ...statement.args].sort((a, b) => a.start - b.start);
  const glued = new Set<Word | Argument>();
  for (let i = 1; i < values.length; i++) if (values[i]!.start === values[i - 1]!.end) glued.add(values[i]!);
  return extra.filter((value) => !glued.has(value));
}

/**
 * A version Linux never had is an error; one newer than the facts the simulator follows is
 * simulated with the newest rules it knows, and says so (`kernel-unmodelled`): a later release
 * may have changed a rule (linux-mm.md §3.4: after 6.19 the BOs of drivers whose fops use
 * DRM_GEM_FOPS, and panthor's, get a get_unmapped_area and leave multi-VMA moves; amdgpu's own
 * fops do not), and a scenario must not look checked against it.
 */
export function kernelVersionProblem(
  version: KernelVersion,
  text: string,
): Omit<LanguageProblem, 'range'> | undefined {
  const { major, minor } = version;
  if (major === 2 ? minor !== 6 : major < 2) {
    return { code: 'number-out-of-range', message: `drvmap models Linux 2.6 and later, not ${text}` };
  }
  if (major > 9) return { code: 'number-out-of-range', message: `Linux ${text} does not exist` };
  const last = LAST_MINOR[major];
  if (last !== undefined && minor > last) {
    return {
      code: 'number-out-of-range',
      message: `Linux ${text} does not exist: the ${major}.x series ended with ${major}.${last}`,
    };
  }
  if (rulesKernel(version) !== version) {
    const newest = `${NEWEST_MODELLED.major}.${NEWEST_MODELLED.minor}`;
    return {
      code: 'kernel-unmodelled',
      message: `drvmap's kernel rules go up to Linux ${newest}; ${text} is simulated as ${newest}, so a change made after it (such as DRM buffer objects refused in multi-VMA moves, linux-mm §3.4) is not shown`,
    };
  }
  return undefined;
}

/**
 * The version a `kernel` or `wine` line gives, read alike (major.minor; the parser keeps the glued
 * run as one number token): a `v` prefix or a range is a syntax error saying how to write it.
 */
function readVersionSetting(
  statement: SettingNode,
  problems: LanguageProblem[],
  wording: { readonly word: string; readonly runsOn: string; readonly expected: string },
):
  | { readonly version: KernelVersion; readonly text: string; readonly range: LanguageProblem['range'] }
  | undefined {
  const arg = statement.args[0];
  const text = arg && arg.kind === 'number' ? arg.text : undefined;
  const tagged = text !== undefined ? kernelVersionTag(text) : undefined;
  const range = text !== undefined ? kernelVersionRange(text) : undefined;
  const version = text !== undefined && !tagged && !range ? parseKernelVersion(text) : undefined;
  if (version === undefined || text === undefined) {
    problems.push({
      code: 'syntax-error',
      range: arg ?? statement,
      message: tagged
        ? `write the version without the \`v\`: \`${wording.word} ${tagged}\``
        : range
          ? `\`${wording.word}\` takes one version, not a range: ${wording.runsOn} (\`${wording.word} ${range}\`)`
          : wording.expected,
    });
    return undefined;
  }
  return { version, text, range: arg ?? statement };
}
