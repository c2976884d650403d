// Kernel configuration: the defaults of the observed Linux 6.18 x86-64 machine (facts preamble,
// 1.2–1.4), kernel-version parsing and the page geometry every syscall module works in.
import { pageAlign } from './u64';
import type { KernelConfig, KernelVersion } from './types';

export const DEFAULT_KERNEL_VERSION: KernelVersion = { major: 6, minor: 18 };

/** TASK_SIZE with 4-level paging (facts 1.1 row 10, 1.2). */
export const X86_64_TASK_SIZE = 0x7ffffffff000n;

/**
 * mmap_base without ASLR: TASK_SIZE - gap, where gap = RLIMIT_STACK (8 MiB) + stack_guard_gap
 * (1 MiB), clamped up to the 128 MiB minimum (facts 1.2, K:mm/util.c:mmap_base). That is
 * 0x7ffffffff000 - 0x8000000 = 0x7ffff7fff000, the base `setarch -R` processes use.
 */
export const DEFAULT_MMAP_BASE = 0x7ffff7fff000n;

/**
 * RLIMIT_STACK: 8 MiB, the usual soft limit (`ulimit -s 8192`) and the one the mmap_base above
 * assumes. Not configurable: it bounds how far a MAP_GROWSDOWN VMA may grow (acct_stack_growth).
 */
export const ASSUMED_RLIMIT_STACK = 8n * 1024n * 1024n;

/** The x86-64 defaults; `version` changes only the version gates, not the geometry. */
export function defaultKernelConfig(version: KernelVersion = DEFAULT_KERNEL_VERSION): KernelConfig {
  return {
    version,
    arch: 'x86_64',
    pageSize: 4096n,
    taskSize: X86_64_TASK_SIZE,
    mmapBase: DEFAULT_MMAP_BASE,
    mmapMinAddr: 65536n,
    dacMmapMinAddr: 4096n,
    // The processes drvmap models (Wine, FEX, Box64, a game) do not run as root: a MAP_FIXED
    // below vm.mmap_min_addr is EPERM (facts 1.1 row 12: uid 65534 at 0 -> EPERM).
    capSysRawio: false,
    readFaultPreparesAnonVma: false,
    thp: true,
    maxMapCount: 65530,
    layout: 'topdown',
    map32bitBegin: 0x40000000n,
  };
}

/**
 * `6.18`, `5.15.0-91-generic`, `v6.6` → {major, minor}; anything else → undefined, a range
 * (kernelVersionRange) and a space inside (`6.6 7`: two values, not one release) included.
 */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  const match = /^\s*v?(\d{1,3})\.(\d{1,3})(?:[.\-+~_]\S*)?\s*$/.exec(text);
  if (!match || kernelVersionRange(text) !== undefined) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/**
 * `6.8-6.9`, `6.8-6.9.1`, `6.8..6.9` or `6.6.12..6.6.14`: a range, which one run cannot be (a
 * scenario runs on one kernel); the first version. No `uname -r` release has `..` anywhere, or is
 * `X.Y-` followed by nothing but a second dotted version (`6.1.0-21-amd64`,
 * `6.12.0-55.9.1.el10_0.x86_64` are not ranges). The file's `kernel` line and --kernel share it.
 */
export function kernelVersionRange(text: string): string | undefined {
  const first = /^\s*v?(\d{1,3}\.\d{1,3})/.exec(text);
  if (!first) return undefined;
  const rest = text.slice(first[0].length);
  const dashedSecondVersion = /^-v?\d+\.\d+(?:\.\d+)*\s*$/.test(rest);
  return dashedSecondVersion || text.includes('..') ? first[1] : undefined;
}

/** `v6.6` or `v6.6.12`, as a git tag names a release: the version without the `v`. */
export function kernelVersionTag(text: string): string | undefined {
  return /^v(\d+\.\d+(?:\.\d+)?)$/i.exec(text.trim())?.[1];
}

export function versionAtLeast(version: KernelVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

export function formatKernelVersion(version: KernelVersion): string {
  return `${version.major}.${version.minor}`;
}

/** TASK_UNMAPPED_BASE = PAGE_ALIGN(TASK_SIZE / 3): the legacy bottom-up base (facts 1.2), no random offset. */
export function legacyMmapBase(config: KernelConfig): bigint {
  const third = config.taskSize / 3n;
  const rest = third % config.pageSize;
  return rest === 0n ? third : third + (config.pageSize - rest);
}

/** Everything the syscall code needs in page units (JS numbers, exact: TASK_SIZE is ~2^35 pages). */
export interface PageGeometry {
  readonly pageSize: bigint;
  readonly pageBytes: number;
  readonly taskPages: number;
  /** TASK_SIZE in bytes as a double (exact below 2^53; above, larger than any small argument anyway). */
  readonly taskBytes: number;
  readonly mmapBasePage: number;
  /** PAGE_ALIGN(effective mmap_min_addr) in pages: the lowest page the gap search may return. */
  readonly minAddrPage: number;
  readonly map32BeginPage: number;
  readonly map32EndPage: number;
  readonly fourGiBPage: number;
  readonly legacyBasePage: number;
  /** PMD size in pages (2 MiB with 4 KiB pages). */
  readonly pmdPages: number;
  /** stack_guard_gap: 256 pages (facts 1.2). */
  readonly stackGuardPages: number;
  /** RLIMIT_STACK in pages (ASSUMED_RLIMIT_STACK): the largest a growsdown VMA may grow to. */
  readonly stackLimitPages: number;
  readonly rlimitAsPages: number | undefined;
  /**
   * ceil(dac_mmap_min_addr / page size): a page-aligned address is below dac_mmap_min_addr
   * exactly when its page is below this (cap_mmap_addr's test without a bigint).
   */
  readonly dacMinPage: number;
  /** ceil(mmap_min_addr / page size): a nonzero page-aligned hint below it is raised (round_hint_to_min). */
  readonly mmapMinPage: number;
  /** The page round_hint_to_min raises such a hint to: PAGE_ALIGN(mmap_min_addr) (0 if that wraps). */
  readonly mmapMinHintPage: number;
}

function pagesDown(bytes: bigint, pageSize: bigint): number {
  return Number(bytes / pageSize);
}

function pagesUp(bytes: bigint, pageSize: bigint): number {
  return Number((bytes + pageSize - 1n) / pageSize);
}

export function pageGeometry(config: KernelConfig): PageGeometry {
  const p = config.pageSize > 0n ? config.pageSize : 4096n;
  return {
    pageSize: p,
    pageBytes: Number(p),
    taskPages: pagesDown(config.taskSize, p),
    taskBytes: Number(config.taskSize),
    mmapBasePage: pagesDown(config.mmapBase, p),
    minAddrPage: Math.max(1, pagesUp(config.mmapMinAddr, p)),
    map32BeginPage: pagesUp(config.map32bitBegin, p),
    map32EndPage: pagesDown(0x80000000n, p),
    fourGiBPage: pagesDown(0x100000000n, p),
    legacyBasePage: pagesDown(config.layout === 'legacy' ? config.mmapBase : legacyMmapBase(config), p),
    pmdPages: Math.max(1, pagesDown(2n * 1024n * 1024n, p)),
    stackGuardPages: 256,
    stackLimitPages: pagesDown(ASSUMED_RLIMIT_STACK, p),
    rlimitAsPages: config.rlimitAs === undefined ? undefined : pagesDown(config.rlimitAs, p),
    dacMinPage: pagesUp(config.dacMmapMinAddr, p),
    mmapMinPage: pagesUp(config.mmapMinAddr, p),
    mmapMinHintPage: pagesDown(pageAlign(config.mmapMinAddr, p), p),
  };
}
