// Turns `strace -f -y -e trace=memory` output (STRACE_CAPTURE_COMMAND) into a scenario of raw syscalls. Every input line is
// either imported (as a step, commented with the original line) or reported as skipped with a
// reason — never silently dropped. Addresses the trace returned become names (`m1`), and later
// arguments inside those mappings are written relative to them (`m1 + 0x1000`), so the scenario
// still means the same thing when the simulator places mappings elsewhere.
import { stringLiteral } from '../syntax/string-literal';
import { printable } from '../printable';
import { formatHex } from '../numbers';
import { firstIndex } from '../first-index';
import { KnownMappings } from './known-mappings';
import { SortedRuns } from './sorted-runs';
import { newUsedNames, uniqueName } from './unique-name';
import {
  anonHugePageBytes,
  DEFAULT_HUGE_PAGE_SIZE_FLAGS,
  HUGETLB_NORESERVE,
  wholeHugePages,
} from './hugetlb';
import { isPrivateDevZero, memfdName, PRIVATE_DEV_ZERO, straceFd } from './object-name';
import { mapsBelowMinAddr, MIN_ADDR_DEFAULT } from './min-addr';
import { arm64Capture, highestArm64Address, onLargerPages } from './capture-arch';
import { importedProt, type ImportedProt } from './prot-word';
import { unsaidMprotectProt } from './unsaid-mprotect-prot';
import { flagArgumentNames } from './strace-flag-arg';
import { MADVISE_NAMES, UNMODELLED_ADVICE } from '../kernel/madvise';
import { MADVISE_BY_WORD } from '../sim/words';
import { NVIDIA_DEVICE, nvidiaMapsMixed } from './nvidia-device';
import { isNvidiaUvm } from '../model/nvidia-nodes';

export interface ImportedLine {
  /** 1-based line in the input. */
  readonly line: number;
  readonly text: string;
  readonly status: 'imported' | 'skipped';
  readonly reason?: string;
}

export interface ImportResult {
  readonly scenario: string;
  readonly lines: readonly ImportedLine[];
  /** The process ids the trace's lines carry (`strace -f`), in order of first appearance. */
  readonly processes?: readonly string[];
  /**
   * What the capture leaves unknown that changes the whole import (said at the top of the
   * scenario too): for the CLI's stderr, where a scenario redirected to a file is not read.
   */
  readonly warnings?: readonly string[];
}

export interface StraceImportOptions {
  /** Import only this process's calls (`strace -f` traces every child): see processOwnsLine. */
  readonly pid?: string;
}

interface Call {
  readonly name: string;
  /** The name strace printed for a call it could not name (`syscall_0x1ce`): see NAMED_BY_NUMBER. */
  readonly printedAs?: string;
  readonly args: string[];
  readonly result: string;
  readonly line: number;
  readonly text: string;
  readonly pid: string | undefined;
}

// What strace prints before a call: a pid (`[pid 123] `, or `123  ` with -o), then a time (-t,
// -tt, -ttt, or -r's time since the last call, right-aligned: `     0.000123 `, so a line of
// strace -r without a pid starts with spaces).
const PREFIX = /^\s*(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(?:(\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d+\.\d+)\s+)?/;
/**
 * `<... mmap resumed>, 0) = 0x7f…` and `mmap(NULL, 4096, …) = 0x7f…`. With the `s` flag: a line
 * holds no `\n` once split, but may hold a lone CR, U+2028 or U+2029, which `.` does not match;
 * then `(.*)$` cannot reach the end, and the search backtracks from every split of the line in turn,
 * quadratic in its length (a line of 40,000 `)=` and a CR took 5 s). With it, `.` takes them as
 * any other character, and the result is the same for every line without one.
 */
const RESUMED = /^<\.\.\. (\w+) resumed>\s*(.*)$/s;
const CALL = /^(\w+)\((.*)\)\s*=\s*(.+)$/s;
/**
 * The capture the importer reads best: -f follows the driver's threads and children, -y prints
 * each fd with its path so a GPU device fd is told from a file (WITHOUT_PATHS). `drvmap import
 * --help` and the warning below name it; docs/cli.md and README.md show it (test/engine/docs).
 */
export const STRACE_CAPTURE_COMMAND = 'strace -f -y -e trace=memory';
/** The calls imported as steps; every other line of the capture is skipped with a reason. */
export const STRACE_IMPORTED_CALLS = ['mmap', 'munmap', 'mremap', 'mprotect', 'madvise', 'mseal'] as const;
const MODELLED = new Set<string>([...STRACE_IMPORTED_CALLS, 'mmap2']);
const UNFINISHED = '<unfinished ...>';
/** Why a line is skipped that the importer cannot read at all: not in a form strace prints. */
export const NOT_A_STRACE_LINE = 'not a syscall line strace prints';
/**
 * Calls strace prints by number, its tables being older than the kernel's (strace 6.1 has no
 * mseal): `syscall_0x1ce(…)`, in decimal (`syscall_462(…)`) by older ones. mseal is 462 on
 * x86-64 (arch/x86/entry/syscalls/syscall_64.tbl), as on i386 and in the asm-generic table arm64
 * uses ("mseal: wire up mseal syscall", 6.10). Numbers are per architecture: only these are read.
 */
const NAMED_BY_NUMBER: ReadonlyMap<number, string> = new Map([[462, 'mseal']]);

/** The number of a call strace printed as `syscall_0x1ce` or `syscall_462`. */
function syscallNumber(printed: string): number | undefined {
  const number = /^syscall_(0x[0-9a-f]+|\d+)$/i.exec(printed)?.[1];
  return number === undefined ? undefined : Number(number);
}

export function importStrace(
  text: string,
  title = 'imported from strace',
  options: StraceImportOptions = {},
): ImportResult {
  const lines: ImportedLine[] = [];
  const processes = new Set<string>();
  const calls: Call[] = [];
  /** Per pid, its call waiting for a resumed line; `entry` is its line's report, by index. */
  const unfinished = new Map<string, { head: string; prefix: string; line: number; entry: number }>();
  const rawLines = text.split(/\r?\n/);
  const owns = options.pid === undefined ? undefined : processOwnsLine(rawLines, options.pid);
  let inheritedFrom: string | undefined;
  rawLines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    const prefix = PREFIX.exec(raw);
    const pid = prefix?.[1] ?? prefix?.[2];
    const body = raw.slice(prefix?.[0].length ?? 0);
    if (pid !== undefined) processes.add(pid);
    if (owns !== undefined) {
      const verdict = owns(index, pid);
      if (typeof verdict === 'object')
        return void lines.push({ line: lineNo, text: raw, status: 'skipped', reason: verdict.skipped });
      if (verdict === 'inherited' && pid !== undefined) inheritedFrom ??= pid;
    }
    if (/^---\s/.test(body))
      return void lines.push({
        line: lineNo,
        text: raw,
        status: 'skipped',
        reason: 'a signal, not a syscall',
      });
    if (/^\+\+\+\s/.test(body))
      return void lines.push({ line: lineNo, text: raw, status: 'skipped', reason: 'process exit' });
    // A string test, not a regular expression: `^(.*)\s*<unfinished` backtracks quadratically
    // over a long line of spaces.
    const trimmed = body.trimEnd();
    if (trimmed.endsWith(UNFINISHED)) {
      unfinished.set(pid ?? '', {
        head: trimmed.slice(0, -UNFINISHED.length),
        prefix: prefix?.[0] ?? '',
        line: lineNo,
        entry: lines.length,
      });
      lines.push({ line: lineNo, text: raw, status: 'skipped', reason: 'continued on its "resumed" line' });
      return;
    }
    let callText = body;
    let callLine = lineNo;
    // A call joined from two lines is shown with its first line's pid and timestamp: strace
    // prints a whole call with the time it was entered.
    let callPrefix = prefix?.[0] ?? '';
    const resumed = RESUMED.exec(body);
    if (resumed) {
      const start = unfinished.get(pid ?? '');
      if (!start)
        return void lines.push({
          line: lineNo,
          text: raw,
          status: 'skipped',
          reason: 'resumes a call whose start is not in the trace',
        });
      unfinished.delete(pid ?? '');
      // As strace would have printed the call whole: `…, 0) = …`, not `…, 0 ) = …`.
      callText = start.head.trimEnd() + (resumed[2] ?? '');
      callLine = start.line;
      callPrefix = start.prefix;
    }
    const parsed = CALL.exec(callText);
    if (!parsed)
      return void lines.push({ line: lineNo, text: raw, status: 'skipped', reason: NOT_A_STRACE_LINE });
    const printed = parsed[1] ?? '';
    const name = NAMED_BY_NUMBER.get(syscallNumber(printed) ?? -1) ?? printed;
    if (!MODELLED.has(name))
      return void lines.push({
        line: lineNo,
        text: raw,
        status: 'skipped',
        reason: `${name} is not modelled (drvmap models ${STRACE_IMPORTED_CALLS.join(', ')})`,
      });
    const args = symbolicArgs(name, splitArgs(parsed[2] ?? ''));
    const advice = name === 'madvise' ? (args[2] ?? '') : undefined;
    if (advice !== undefined && adviceWord(advice) === undefined)
      return void lines.push({
        line: lineNo,
        text: raw,
        status: 'skipped',
        reason: adviceNotModelled(advice),
      });
    calls.push({
      name: name === 'mmap2' ? 'mmap' : name,
      ...(name !== printed ? { printedAs: printed } : {}),
      args,
      result: (parsed[3] ?? '').trim(),
      line: callLine,
      text: resumed ? callPrefix + callText : raw,
      pid,
    });
    lines.push({ line: lineNo, text: raw, status: 'imported' });
  });
  // By the index kept when the line was reported: a search of the reports for each call left
  // unfinished was quadratic (20,000 pids each leaving one took 1.6 s).
  for (const pending of unfinished.values()) {
    const entry = lines[pending.entry];
    if (entry) Object.assign(entry, { reason: 'unfinished and never resumed' });
  }
  const warnings = capturedWithoutPaths(rawLines, calls) ? [WITHOUT_PATHS] : [];
  const scenario = render(
    calls,
    title,
    inheritedFrom && options.pid ? { from: inheritedFrom, chosen: options.pid } : undefined,
    warnings,
  );
  return { scenario, lines, processes: [...processes], warnings };
}

const WITHOUT_PATHS =
  'captured without strace -y: fds are bare numbers (5, not 5</dev/dri/renderD128>), so a GPU device fd cannot be told from a file, and every fd is imported as a file (`open file "fd 5"`), not as a device\'s buffer objects; capture again with `' +
  STRACE_CAPTURE_COMMAND +
  '`';

/**
 * Whether the capture was made without `strace -y`: a file mapping names its fd by number only,
 * and no line anywhere (an ioctl, an openat's result) shows an fd with its path. With -y strace
 * prints every valid fd as `3</dev/dri/renderD128>` (`-yy`: `3</dev/dri/renderD128<char 226:128>>`);
 * `<unfinished ...>` and `<... resumed>` follow a space, never a digit.
 */
function capturedWithoutPaths(rawLines: readonly string[], calls: readonly Call[]): boolean {
  const bareFd = calls.some((c) => {
    if (c.name !== 'mmap') return false;
    const [, , , flags = '', fd = '-1'] = c.args;
    return !/MAP_ANONYMOUS/.test(flags) && /^\d+$/.test(fd.trim());
  });
  return bareFd && !rawLines.some((raw) => /\d<[^\s>]/.test(raw));
}

/**
 * Which lines are the chosen process's, for `--pid`. strace's memory trace has no fork or clone,
 * so what a child starts from is read from where strace puts the pid (strace's printleader):
 * - `strace -f -o FILE` prefixes every line with its pid (`1234  mmap(…)`). The first process of
 *   the file is taken as the one that forked the chosen one: its lines before the chosen one's
 *   first line are the address space the child starts from ('inherited').
 * - Without `-o`, strace prefixes `[pid N]` only while it traces more than one process: the lines
 *   without a pid before the first prefixed one are the first process before its first fork
 *   (every child starts from them), and those after are whichever process is left once the others
 *   exited — the chosen one's only if it is the one left.
 * The result for each line: true (the chosen process's), 'inherited', or why it is not; asked
 * of the lines in order.
 */
function processOwnsLine(
  rawLines: readonly string[],
  chosen: string,
): (index: number, pid: string | undefined) => true | 'inherited' | { readonly skipped: string } {
  let firstPrefixed = Number.POSITIVE_INFINITY;
  let chosenFirst = Number.POSITIVE_INFINITY;
  let root: string | undefined;
  let sawLine = false;
  const exitedAt = new Map<string, number>();
  const firstAt = new Map<string, number>();
  rawLines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    const prefix = PREFIX.exec(raw);
    const pid = prefix?.[1] ?? prefix?.[2];
    if (!sawLine) root = pid;
    sawLine = true;
    if (pid === undefined) return;
    if (index < firstPrefixed) firstPrefixed = index;
    if (!firstAt.has(pid)) firstAt.set(pid, index);
    if (pid === chosen && index < chosenFirst) chosenFirst = index;
    if (/^\+\+\+\s/.test(raw.slice(prefix?.[0].length ?? 0))) exitedAt.set(pid, index);
  });
  const exitedBefore = (pid: string, index: number) =>
    (exitedAt.get(pid) ?? Number.POSITIVE_INFINITY) < index;
  // The other processes by first line. A line without a pid names the first of them seen before
  // it and not exited: asked in line order, one that has exited stays so, and the search goes on
  // from where the last one stopped. A loop over every process seen, per line, was quadratic.
  const others = [...firstAt].filter(([pid]) => pid !== chosen);
  let running = 0;
  return (index, pid) => {
    if (pid === chosen) return true;
    if (pid !== undefined) {
      if (pid === root && index < chosenFirst) return 'inherited';
      return { skipped: `process ${pid}, not the one chosen (${chosen})` };
    }
    if (index < firstPrefixed) return true;
    if (exitedBefore(chosen, index))
      return { skipped: `no pid, after process ${chosen} exited: another process's` };
    while (running < others.length && exitedBefore(others[running]![0], index)) running++;
    const [other, first = index] = others[running] ?? [];
    if (other !== undefined && first < index)
      return {
        skipped: `no pid, while process ${other} may still run: not known to be process ${chosen}'s`,
      };
    return true;
  };
}

// `strace -X raw` prints flags as numbers (`0x22`), `-X verbose` as a number and a comment
// (`0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */`), and the default output a value it has no name for as a
// number (`0x8 /* MAP_??? */|MAP_FIXED`): all become the names the default output prints, so
// that no flag is lost (strace-flag-arg.ts). The numbers are Linux's generic (and x86-64) values.
const PROT_BITS: readonly [number, string][] = [
  [0x1, 'PROT_READ'],
  [0x2, 'PROT_WRITE'],
  [0x4, 'PROT_EXEC'],
  [0x8, 'PROT_SEM'],
  [0x0100_0000, 'PROT_GROWSDOWN'],
  [0x0200_0000, 'PROT_GROWSUP'],
];
const MAP_TYPES: Readonly<Record<number, string>> = {
  0x1: 'MAP_SHARED',
  0x2: 'MAP_PRIVATE',
  0x3: 'MAP_SHARED_VALIDATE',
  0x8: 'MAP_DROPPABLE',
};
const MAP_BITS: readonly [number, string][] = [
  [0x10, 'MAP_FIXED'],
  [0x20, 'MAP_ANONYMOUS'],
  // x86-64's only: arm64's uapi has neither, so strace prints an arm64 capture's bit as `0x40`,
  // which the kernel ignores (randomisedPlacement).
  [0x40, 'MAP_32BIT'],
  [0x80, 'MAP_ABOVE4G'],
  [0x100, 'MAP_GROWSDOWN'],
  [0x800, 'MAP_DENYWRITE'],
  [0x1000, 'MAP_EXECUTABLE'],
  [0x2000, 'MAP_LOCKED'],
  [0x4000, 'MAP_NORESERVE'],
  [0x8000, 'MAP_POPULATE'],
  [0x10000, 'MAP_NONBLOCK'],
  [0x20000, 'MAP_STACK'],
  [0x40000, 'MAP_HUGETLB'],
  [0x80000, 'MAP_SYNC'],
  [0x100000, 'MAP_FIXED_NOREPLACE'],
  [0x4000000, 'MAP_UNINITIALIZED'],
];
const MREMAP_BITS: readonly [number, string][] = [
  [0x1, 'MREMAP_MAYMOVE'],
  [0x2, 'MREMAP_FIXED'],
  [0x4, 'MREMAP_DONTUNMAP'],
];

/** The call's flag arguments by name, whatever `-X` form the trace used. */
function symbolicArgs(name: string, args: string[]): string[] {
  const at = (i: number, decode: (n: number) => string) => {
    const arg = args[i];
    if (arg !== undefined) args[i] = flagArgumentNames(arg, decode);
  };
  if (name === 'mmap' || name === 'mmap2') {
    at(2, (n) => bitNames(n, PROT_BITS, 'PROT_NONE'));
    at(3, mapFlagNames);
  } else if (name === 'mprotect') at(2, (n) => bitNames(n, PROT_BITS, 'PROT_NONE'));
  else if (name === 'mremap') at(3, (n) => bitNames(n, MREMAP_BITS, '0'));
  else if (name === 'madvise') at(2, (n) => MADVISE_NAMES.get(n) ?? UNMODELLED_ADVICE.get(n) ?? String(n));
  return args;
}

/** The madvise step's word for advice strace printed (`MADV_DONTFORK` → `dontfork`), if it has one. */
function adviceWord(advice: string): string | undefined {
  const name = advice.trim();
  for (const [word, number] of MADVISE_BY_WORD) if (MADVISE_NAMES.get(number) === name) return word;
  return undefined;
}

/** Why an madvise line is skipped: its advice is not one the madvise step takes. */
function adviceNotModelled(advice: string): string {
  const taken = [...MADVISE_NAMES.values()].join(', ');
  const named = /^MADV_/.test(advice) ? advice : `advice ${advice || '(none)'}`;
  return `${named} is not modelled (drvmap's madvise takes ${taken})`;
}

/**
 * mmap's flags by name. With MAP_HUGETLB the top six bits are the page size's log2
 * (MAP_HUGE_SHIFT, 26), printed by strace as `21<<MAP_HUGE_SHIFT`; bit 26 is MAP_UNINITIALIZED
 * only without it.
 */
function mapFlagNames(n: number): string {
  const huge = (n & 0x40000) !== 0 ? (n >>> 26) & 0x3f : 0;
  const rest = huge !== 0 ? n & ~(0x3f << 26) : n;
  const names = [
    MAP_TYPES[rest & 0xf],
    bitNames(rest & ~0xf, MAP_BITS, ''),
    huge ? `${huge}<<MAP_HUGE_SHIFT` : '',
  ];
  return names.filter(Boolean).join('|') || '0';
}

/** `n` as `NAME|NAME`, with bits no name covers kept as a hex number. */
function bitNames(n: number, bits: readonly [number, string][], none: string): string {
  const names: string[] = [];
  let left = n;
  for (const [bit, bitName] of bits) {
    if ((n & bit) !== 0) {
      names.push(bitName);
      left &= ~bit;
    }
  }
  if (left !== 0) names.push(`0x${(left >>> 0).toString(16)}`);
  return names.length > 0 ? names.join('|') : none;
}

function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '{' || c === '[' || c === '(') depth++;
    if (c === '}' || c === ']' || c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** A file the import opened: its open line (`out` index), and the size written there. */
interface OpenedFile {
  readonly name: string;
  readonly line: number;
  size: bigint;
  /** Whether a successful map gave the size (a refused one only stands in until one does). */
  sized: boolean;
  /** `open KIND "PATH"`, and what follows the size (`mixedmap`, `offset X`). */
  readonly opening: string;
  options: string;
  /** A DRM BO: its fake offset (facts linux-mm §4.1). */
  readonly boOffset?: bigint;
  /** The shortest map of it refused with EINVAL, while no map of it has succeeded. */
  refusedEinval?: bigint;
}

/** A DRM BO by its fake offset, for telling an offset inside it. */
interface Bo {
  readonly offset: bigint;
  readonly file: OpenedFile;
}

const byOffset = (a: Bo, b: Bo): boolean => a.offset < b.offset;

const PAGE = 4096n;

/**
 * A DRM BO the capture only ever failed to map with EINVAL: written so that the replay fails the
 * same way (linux-mm §4.1: the offset must be exactly a BO's fake offset, and `obj_size < vma
 * size` is EINVAL). Smaller than the shortest refused map when one page less is still a BO;
 * otherwise one page further on, so that no BO starts at the offset the capture used.
 */
function refusedOnlyBo(file: OpenedFile): void {
  const shortest = file.refusedEinval;
  if (file.sized || shortest === undefined || file.boOffset === undefined) return;
  const shape = refusedOnlyShape(shortest, file.boOffset, PAGE);
  if ('size' in shape) file.size = shape.size;
  else file.options = file.options.replace(/ offset \S+/, ` offset ${formatHex(shape.offset)}`);
}

/** A refused-only BO on `page`-sized pages: one page below `shortest`, else one page further on. */
function refusedOnlyShape(
  shortest: bigint,
  boOffset: bigint,
  page: bigint,
): { size: bigint } | { offset: bigint } {
  const smaller = ((shortest - 1n) / page) * page;
  return smaller >= page ? { size: smaller } : { offset: boOffset + page };
}

/** On an arm64 capture, what a refused-only BO is on 16 and 64 KiB pages, which PAGE is not. */
function refusedOnlyOnLargerPages(shortest: bigint, boOffset: bigint): string {
  return onLargerPages('this BO, made so that the refused map fails,', (page) => {
    const shape = refusedOnlyShape(shortest, boOffset, page);
    return 'size' in shape ? `size ${formatHex(shape.size)}` : `offset ${formatHex(shape.offset)}`;
  });
}

function openLine(file: OpenedFile): string {
  return `  ${file.name} = ${file.opening} ${formatHex(file.size > 0n ? file.size : 4096n)}${file.options}`;
}

function render(
  calls: readonly Call[],
  title: string,
  inherited: { readonly from: string; readonly chosen: string } | undefined,
  warnings: readonly string[],
): string {
  const out: string[] = [`scenario ${stringLiteral(title)} {`];
  for (const warning of warnings) out.push(`  # ${warning}`);
  if (inherited)
    out.push(
      `  # process ${inherited.from}'s calls before process ${inherited.chosen}'s first are the address space it starts from (taken as forked by ${inherited.from}: strace's memory trace does not show the fork)`,
    );
  const known = new KnownMappings();
  // Before the steps: a MAP_32BIT map's comment depends on it (randomisedPlacement).
  const arm64At = highestArm64Address(mappedAddresses(calls));
  const files = new Map<string, OpenedFile>();
  /** Every object opened, also those whose fd was reused since. */
  const opened: OpenedFile[] = [];
  let counter = 0;
  const pids = new Set(calls.map((c) => c.pid).filter((p) => p !== undefined));
  if (pids.size > 1 && !inherited)
    out.push(
      `  # ${pids.size} processes in the trace (${[...pids].join(', ')}); they share one address space here only if they are threads (import one with --pid)`,
    );
  const fileNames = newUsedNames();
  // Each fd's BOs by fake offset, in offset order: to tell an offset inside one (a capture
  // holds tens of thousands of BOs: binary search in sorted runs, as a splice into one sorted
  // array moved every BO above a new one: 80,000 at falling offsets took 8.9 s).
  const bos = new Map<string, SortedRuns<Bo>>();
  const addBo = (fd: string, offset: bigint, file: OpenedFile): void => {
    const runs = bos.get(fd) ?? new SortedRuns<Bo>(byOffset, (items) => ({ items }));
    runs.add({ offset, file });
    bos.set(fd, runs);
  };
  const boContaining = (fd: string, offset: bigint): OpenedFile | undefined => {
    // The BO with the greatest offset at or below, the newest of equals (runs go oldest first).
    let bo: Bo | undefined;
    for (const { items } of bos.get(fd)?.runs ?? []) {
      const candidate = items[firstIndex(items.length, (i) => items[i]!.offset <= offset) - 1];
      if (candidate !== undefined && (bo === undefined || candidate.offset >= bo.offset)) bo = candidate;
    }
    return bo !== undefined && bo.file.sized && offset < bo.offset + bo.file.size ? bo.file : undefined;
  };
  const unknownAddresses: string[] = [];
  /** The lowest address a successful mmap or mremap returned, when below 0x1000. */
  let lowest: bigint | undefined;
  // `destination`: where a call puts a mapping (an mmap address, mremap's new_address), which
  // need not be mapped; only the memory a call acts on is noted when the trace never mapped it.
  const addressExpr = (literal: string, destination = false): string => {
    const value = parseNumber(literal);
    if (value === undefined || value === 0n) return literal === 'NULL' ? '0' : literal;
    const k = known.containing(value);
    if (k) return value === k.start ? k.name : `${k.name} + ${formatHex(value - k.start)}`;
    if (!destination) unknownAddresses.push(formatHex(value));
    return formatHex(value);
  };
  for (const call of calls) {
    out.push(`  # ${call.text.trim()}`);
    const failed = /^-1\s+(E[A-Z]+)/.exec(call.result);
    const returned = failed ? undefined : parseNumber(call.result.split(/\s/)[0] ?? '');
    const bind = `m${++counter}`;
    let step: string;
    let undecided: string | undefined;
    switch (call.name) {
      case 'mmap': {
        const [addr = 'NULL', len = '0', prot = 'PROT_NONE', flags = '0', fd = '-1', offset = '0'] =
          call.args;
        const protection = straceProt(prot);
        const words = [protection.word, ...mapFlagWords(flags)];
        if (!failed && /MAP_HUGETLB/.test(flags) && !/MAP_NORESERVE/.test(flags)) {
          words.push('noreserve');
          out.push(`  # ${HUGETLB_NORESERVE}`);
        }
        let fdPart = '';
        const named = straceFd(fd);
        if (isPrivateDevZero(named.path, flags)) {
          // mmap_zero() makes a MAP_PRIVATE map of /dev/zero anonymous (vma_set_anonymous): it is
          // private anonymous memory (MADV_FREE works on it, as on MAP_ANONYMOUS memory).
          words.push('anon');
          out.push(`  # ${PRIVATE_DEV_ZERO}`);
        } else if (!/MAP_ANONYMOUS/.test(flags) && fd !== '-1') {
          const fdNumber = named.number;
          const path = named.path ?? `fd ${fdNumber}`;
          // nvidia-uvm's offset is its address: each of its maps is an object of its own, at 0
          // (importedDeviceOffset).
          const uvm = isNvidiaUvm(path);
          const mapOffset = uvm ? '0' : offset;
          const drm = /^\/dev\/dri\//.test(path);
          const nvidia = NVIDIA_DEVICE.test(path);
          const device = drm || nvidia;
          // A render node's offset is a BO's fake mmap offset: each BO is an object of its own,
          // opened as the node's BO at that offset (`open device … offset`), as `import maps`
          // does (import/bo-groups.ts). NVIDIA maps at offset 0 only (facts linux-mm §4.1).
          const boOffset = drm ? (parseNumber(offset) ?? 0n) : 0n;
          const fdName = uvm
            ? `${fdNumber}@${offset}`
            : boOffset !== 0n
              ? `${fdNumber}@${boOffset}`
              : fdNumber;
          // Without -y strace does not name the file; an fd number is reused after close, and a
          // non-fixed map at offset 0 is how ld.so starts on each new library.
          if (files.has(fdName) && !/MAP_FIXED/.test(flags) && (parseNumber(mapOffset) ?? 0n) === 0n)
            files.delete(fdName);
          // How far this map reaches into the object: a BO's bytes start at its offset.
          const length = parseNumber(len) ?? 0n;
          const extent = boOffset !== 0n ? length : (parseNumber(mapOffset) ?? 0n) + length;
          // An offset inside a BO already mapped whole that far (by a successful map) is no BO's
          // fake offset: mmap takes only a BO's exact one (facts linux-mm §4.1), so the call was
          // refused, and it is made on that BO, where it is refused too, not on a BO of its own.
          let file =
            files.get(fdName) ?? (failed && boOffset !== 0n ? boContaining(fdNumber, boOffset) : undefined);
          if (file === undefined) {
            const kind = device ? 'device' : /^\/memfd:/.test(path) ? 'memfd' : 'file';
            file = {
              name: uniqueName(`f${fdNumber}`, fileNames),
              line: out.length,
              size: extent,
              sized: !failed,
              opening: `open ${kind} ${stringLiteral(kind === 'memfd' ? memfdName(path) : path)}`,
              options: `${nvidiaMapsMixed(path) ? ' mixedmap' : ''}${boOffset !== 0n ? ` offset ${formatHex(boOffset)}` : ''}`,
              ...(drm && boOffset !== 0n ? { boOffset } : {}),
            };
            files.set(fdName, file);
            opened.push(file);
            if (boOffset !== 0n) addBo(fdNumber, boOffset, file);
            out.push(openLine(file));
          } else if (!failed && (extent > file.size || !file.sized)) {
            // The object is as large as the furthest any successful map of it reaches (a BO
            // mapped 4 KiB, then whole): its open line, written at its first map, is sized again.
            // A refused map says nothing of the size (it may be refused for being too large).
            file.size = file.sized && file.size > extent ? file.size : extent;
            file.sized = true;
            out[file.line] = openLine(file);
          }
          if (failed?.[1] === 'EINVAL' && !file.sized && (file.refusedEinval ?? length + 1n) > length)
            file.refusedEinval = length;
          fdPart = ` fd ${file.name}${mapOffset !== '0' ? ` offset ${mapOffset}` : ''}`;
        }
        const chosen = randomisedPlacement(addr, flags, call.result, returned, arm64At !== undefined);
        if (chosen !== undefined) out.push(`  # ${chosen.why}`);
        const hint = chosen?.hint ?? addr;
        const at = hint === 'NULL' ? '' : ` at ${addressExpr(hint, true)}`;
        if (protection.unsaid !== undefined) out.push(`  # ${protection.unsaid}`);
        step = `${bind} = mmap ${len} ${words.join(' ')}${at}${fdPart}`;
        const unsaid = unsaidMapFlags(flags);
        // A flag left out may be why the call failed (MAP_SYNC → EOPNOTSUPP): without it the step
        // could succeed, so the step and its expectation stay comments rather than an expectation
        // that can only fail. The flags every kernel ignores cannot decide anything.
        const deciding = unsaid.filter((f) => !IGNORED_MAP_FLAGS.has(f));
        if (failed && deciding.length > 0) {
          undecided = `${deciding.join('|')} has no drvmap word and may be why the call failed with ${failed[1]}: the step and its expectation are left as comments`;
        } else if (unsaid.length > 0) out.push(`  # ${unsaid.join('|')}: no drvmap word, left out`);
        break;
      }
      case 'munmap':
        step = `${bind} = munmap ${addressExpr(call.args[0] ?? '0')}, ${call.args[1] ?? '0'}`;
        break;
      case 'madvise':
        step = `${bind} = madvise ${addressExpr(call.args[0] ?? '0')}, ${call.args[1] ?? '0'}, ${adviceWord(call.args[2] ?? '') ?? ''}`;
        break;
      case 'mseal':
        if (call.printedAs !== undefined)
          out.push(`  # ${call.printedAs} is mseal, x86-64's syscall 462, which this strace could not name`);
        // The flags must be 0 (the kernel's only value, and the step's); other flags are EINVAL.
        step = `${bind} = mseal ${addressExpr(call.args[0] ?? '0')}, ${call.args[1] ?? '0'}`;
        break;
      case 'mprotect': {
        const prot = call.args[2] ?? 'PROT_NONE';
        const protection = straceProt(prot);
        if (protection.unsaid !== undefined) out.push(`  # ${protection.unsaid}`);
        step = `${bind} = mprotect ${addressExpr(call.args[0] ?? '0')}, ${call.args[1] ?? '0'}, ${protection.word}`;
        const unsaid = unsaidMprotectProt(prot);
        if (unsaid.deciding.length > 0) {
          const fate = failed
            ? `may be why the call failed with ${failed[1]}: the step and its expectation are left as comments`
            : 'the step without it is another call: it is left as a comment';
          undecided = `${unsaid.deciding.join(', ')}: no drvmap word, and ${fate}`;
        } else if (unsaid.ignored.length > 0)
          out.push(`  # ${unsaid.ignored.join('|')}: no drvmap word, left out (the kernel ignores it)`);
        break;
      }
      default: {
        const [old = '0', oldSize = '0', newSize = '0', flags = '0', newAddr] = call.args;
        const remapFlags = mremapFlags(flags);
        if (remapFlags.unworded !== undefined)
          out.push(
            `  # ${remapFlags.unworded}: no drvmap word, so FLAGS is written as the number the kernel was given`,
          );
        step = `${bind} = mremap ${addressExpr(old)}, ${oldSize}, ${newSize}, ${remapFlags.text}${newAddr ? `, ${addressExpr(newAddr, true)}` : ''}`;
        // strace prints new_address only with MREMAP_FIXED, but with MREMAP_DONTUNMAP alone the
        // kernel reads it as a hint (facts linux-mm 3.2), and glibc's four-argument mremap passes
        // whatever the register holds: the kernel may have refused a hint this step does not show.
        if (!newAddr && remapFlags.dontunmap)
          out.push(
            '  # MREMAP_DONTUNMAP without MREMAP_FIXED: the kernel used new_address as a hint, which strace does not print; the result here may differ',
          );
      }
    }
    // A call that succeeded on memory this trace never mapped (ld.so's RELRO mprotect of what
    // exec mapped) would fail here, where nothing is mapped: kept as a comment, not as a step
    // that says the opposite of what happened. An munmap of nothing succeeds here too: kept.
    const onUnmapped = unknownAddresses.length > 0 && !failed && call.name !== 'munmap';
    if (undecided !== undefined) {
      out.push(`  # ${step}`);
      if (failed) out.push(`  # expect ${bind} == ${failed[1]}`);
      out.push(`  # ${undecided}`);
      unknownAddresses.length = 0;
      continue;
    }
    out.push(onUnmapped ? `  # ${step}` : `  ${step}`);
    if (unknownAddresses.length) {
      out.push(
        `  # ${unknownAddresses.join(', ')}: not mapped by any call in this trace (mapped at exec? import /proc/PID/maps for the initial state)${onUnmapped ? '; the call above succeeded there, so it is left as a comment' : ''}`,
      );
      unknownAddresses.length = 0;
    }
    if (failed) out.push(`  expect ${bind} == ${failed[1]}`);
    // A hugetlb mapping is whole huge pages: mmap rounds an anonymous one's length up
    // (ksys_mmap_pgoff), mremap both sizes of one (K:mm/mremap.c, ALIGN to huge_page_size).
    const hugeBytes =
      call.name === 'mmap'
        ? anonHugePageBytes(call.args[3] ?? '')
        : call.name === 'mremap'
          ? (known.containing(parseNumber(call.args[0] ?? '') ?? 0n)?.hugeBytes ?? 0n)
          : 0n;
    if (!failed) forgetUnmapped(known, call, returned, hugeBytes);
    if (returned !== undefined && !onUnmapped && (call.name === 'mmap' || call.name === 'mremap')) {
      const length = parseNumber(call.name === 'mmap' ? (call.args[1] ?? '0') : (call.args[2] ?? '0')) ?? 0n;
      known.add(bind, returned, returned + wholeHugePages(length, hugeBytes), hugeBytes);
      if (returned < MIN_ADDR_DEFAULT && (lowest === undefined || returned < lowest)) lowest = returned;
    }
  }
  for (const file of opened) {
    refusedOnlyBo(file);
    if (!file.sized && file.refusedEinval !== undefined)
      out[file.line] =
        arm64At !== undefined && file.boOffset !== undefined
          ? `${refusedOnlyOnLargerPages(file.refusedEinval, file.boOffset)}\n${openLine(file)}`
          : openLine(file);
  }
  // After the open lines are rewritten by index: the settings go first, under the header.
  out.splice(
    1,
    0,
    ...(lowest !== undefined ? mapsBelowMinAddr(lowest) : []),
    ...(arm64At !== undefined ? arm64Capture(arm64At) : []),
  );
  out.push('}');
  // The capture's lines are kept as comments, and a call's arguments go into its step as
  // written: whatever control characters strace printed (a file named with ESC) are written
  // `\x1b`, so the scenario cannot drive a terminal or end a comment's line early with a CR.
  return printable(out.join('\n') + '\n');
}

/**
 * The addresses the capture's process had mapped: what a successful mmap or mremap returned, and
 * the address a successful call acted on (a failed one's may lie past TASK_SIZE, as a test's do).
 */
function mappedAddresses(calls: readonly Call[]): bigint[] {
  const addresses: bigint[] = [];
  for (const call of calls) {
    if (/^-1\s/.test(call.result)) continue;
    const address = parseNumber(call.args[0] ?? '');
    if (address !== undefined) addresses.push(address);
    if (call.name === 'mmap' || call.name === 'mremap') {
      const returned = parseNumber(call.result.split(/\s/)[0] ?? '');
      if (returned !== undefined) addresses.push(returned);
    }
  }
  return addresses;
}

/**
 * The hint a successful MAP_32BIT map is written with, and why: where the kernel put it is
 * random. Without MAP_FIXED its bottom-up search starts at a page drawn anew on every call in
 * [0x40000000, 0x42000000) (find_start_end, facts linux-mm §1.3), where the model starts at
 * 0x40000000, so a replay without the address lands elsewhere and a later fixed map the kernel
 * allowed there fails. A free hint below 2 GiB is taken exactly, by the kernel and the model
 * alike, so the address the kernel returned, as the hint, puts the replay where the capture was.
 * Other maps need no such hint: the model places them as the kernel does, below its own
 * mmap_base, so their layout relative to each other is the capture's. On an `arm64` capture the
 * bit is no MAP_32BIT: arm64 has none (include/linux/mman.h defines a missing MAP_32BIT as 0, and
 * arch_get_unmapped_area there is the generic one in mm/mmap.c, which reads no such bit), so the
 * kernel placed the map as any other; the hint is still written, and the comment says why.
 */
function randomisedPlacement(
  addr: string,
  flags: string,
  result: string,
  returned: bigint | undefined,
  arm64: boolean,
): { readonly hint: string; readonly why: string } | undefined {
  const names = flags.split('|').map((f) => f.trim());
  const fixed = names.includes('MAP_FIXED') || names.includes('MAP_FIXED_NOREPLACE');
  if (returned === undefined || fixed || !names.includes('MAP_32BIT')) return undefined;
  // A hint the kernel took is written already, and the model takes it too.
  if (parseNumber(addr) === returned) return undefined;
  const refused = addr === 'NULL' ? '' : ` (the call's own hint ${addr} was not taken)`;
  const hint = result.split(/\s/)[0] ?? '';
  if (arm64)
    return {
      hint,
      why: `0x40 is MAP_32BIT on x86-64 only: arm64 has no such flag, and its kernel ignores the bit and placed the map as any other (the step's \`32bit\` is ignored on arm64 too); the address it returned is written as the hint${refused}, so the replay maps where the capture did`,
    };
  return {
    hint,
    why: `MAP_32BIT: the kernel starts its search at a random page in [0x4000_0000, 0x4200_0000) on every call, the model at 0x4000_0000; the address it returned is written as the hint${refused}, so the replay maps where the capture did`,
  };
}

/** A successful munmap, or an mremap that moved its pages away, ends the mappings it covers whole. */
function forgetUnmapped(
  known: KnownMappings,
  call: Call,
  returned: bigint | undefined,
  hugeBytes: bigint,
): void {
  const start = parseNumber(call.args[0] ?? '');
  if (start === undefined) return;
  if (call.name === 'munmap') {
    const length = parseNumber(call.args[1] ?? '');
    if (length !== undefined) known.forget(start, start + length);
  } else if (call.name === 'mremap' && returned !== undefined && returned !== start) {
    const oldSize = parseNumber(call.args[1] ?? '');
    if (oldSize !== undefined && !/MREMAP_DONTUNMAP/.test(call.args[3] ?? ''))
      known.forget(start, start + wholeHugePages(oldSize, hugeBytes));
  }
}

function parseNumber(text: string): bigint | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t) || /^\d+$/.test(t)) return BigInt(t);
  return undefined;
}

/** The step's word for a protection strace printed (`PROT_WRITE|PROT_EXEC`). */
function straceProt(prot: string): ImportedProt {
  const names = prot.split('|').map((p) => p.trim());
  return importedProt(names.includes('PROT_READ'), names.includes('PROT_WRITE'), names.includes('PROT_EXEC'));
}

const MAP_WORDS: Record<string, string> = {
  MAP_PRIVATE: 'private',
  MAP_SHARED: 'shared',
  MAP_SHARED_VALIDATE: 'shared-validate',
  MAP_ANONYMOUS: 'anon',
  MAP_FIXED: 'fixed',
  MAP_FIXED_NOREPLACE: 'fixed-noreplace',
  MAP_32BIT: '32bit',
  MAP_ABOVE4G: 'above4g',
  MAP_GROWSDOWN: 'growsdown',
  MAP_LOCKED: 'locked',
  MAP_NORESERVE: 'noreserve',
  MAP_POPULATE: 'populate',
  MAP_STACK: 'stack',
  MAP_HUGETLB: 'hugetlb',
  MAP_UNINITIALIZED: 'uninitialized',
  MAP_DROPPABLE: 'droppable',
};

function mapFlagWords(flags: string): string[] {
  return flags
    .split('|')
    .map((f) => MAP_WORDS[f.trim()])
    .filter((w): w is string => w !== undefined);
}

/** Flags with no drvmap word that no kernel acts on (LEGACY_MAP_MASK accepts them; do_mmap ignores them). */
const IGNORED_MAP_FLAGS: ReadonlySet<string> = new Set(['MAP_DENYWRITE', 'MAP_EXECUTABLE', 'MAP_NONBLOCK']);

/** The mmap flags the scenario cannot say (no drvmap word), to be said in a comment. */
function unsaidMapFlags(flags: string): string[] {
  return flags
    .split('|')
    .map((f) => f.trim())
    .filter(
      (f) => f !== '' && f !== '0' && MAP_WORDS[f] === undefined && !DEFAULT_HUGE_PAGE_SIZE_FLAGS.has(f),
    );
}

const MREMAP_WORDS: Readonly<Record<string, string>> = {
  MREMAP_MAYMOVE: 'maymove',
  MREMAP_FIXED: 'fixed',
  MREMAP_DONTUNMAP: 'dontunmap',
};

/**
 * An mremap step's FLAGS from strace's names (symbolicArgs). A bit with no drvmap word, which
 * strace prints as a number (`MREMAP_MAYMOVE|0x8`), decides the call: check_mremap_params refuses
 * any flag outside MREMAP_FIXED|MREMAP_MAYMOVE|MREMAP_DONTUNMAP with EINVAL (facts linux-mm §3.1
 * row 1), so dropping it would replay a call that succeeds. The step takes FLAGS as a number too
 * (language.md, as strace -X raw prints it), so the whole value is written as one and the kernel
 * model answers what the captured kernel did; `unworded` names the bits that made it so.
 */
function mremapFlags(flags: string): { text: string; dontunmap: boolean; unworded?: string } {
  const parts = flags
    .split('|')
    .map((f) => f.trim())
    .filter((f) => f !== '' && f !== '0');
  const words = parts.map((f) => MREMAP_WORDS[f]);
  if (words.every((w) => w !== undefined))
    return { text: words.length ? words.join(' | ') : '0', dontunmap: words.includes('dontunmap') };
  let value = 0n;
  const unworded: string[] = [];
  for (const part of parts) {
    const bit = MREMAP_BITS.find(([, name]) => name === part)?.[0];
    if (bit !== undefined) value |= BigInt(bit);
    else if (/^(?:0x[0-9a-f]+|\d+)$/i.test(part)) {
      value |= BigInt(part);
      unworded.push(part);
    } else unworded.push(part);
  }
  return {
    text: `0x${value.toString(16)}`,
    dontunmap: (value & 0x4n) !== 0n,
    unworded: unworded.join('|'),
  };
}
