// Kernel configuration: the defaults of the observed Linux 6.18 x86-64 machine (facts preamble,
// 1.2–1.4), kernel-version parsing and the page geometry every syscall module works in.
import { pageAlign } from './u64';
import type { Arch, KernelConfig, KernelVersion } from './types';

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

/**
 * TASK_UNMAPPED_BASE, the legacy bottom-up base (and the floor of the top-down search's bottom-up
 * fallback), no random offset. x86-64: PAGE_ALIGN(TASK_SIZE / 3) (facts 1.2). arm64:
 * PAGE_ALIGN(DEFAULT_MAP_WINDOW / 4) (arch/arm64/include/asm/processor.h), which the generic
 * arch_pick_mmap_layout (mm/util.c) makes mm->mmap_base under the legacy layout.
 */
export function legacyMmapBase(config: Pick<KernelConfig, 'arch' | 'taskSize' | 'pageSize'>): bigint {
  const base = config.arch === 'arm64' ? arm64DefaultMapWindow(config.taskSize) / 4n : config.taskSize / 3n;
  return pageAlign(base, config.pageSize);
}

/**
 * arm64's TASK_SIZE_64 = 1 << vabits_actual. drvmap takes 48 bits: a 48-bit kernel (the 4 KiB
 * defconfig), and a 52-bit one (the Kconfig default since 6.9) on a CPU without LPA/LPA2 such as
 * Apple's. A 52-bit kernel on LPA hardware has 1 << 52, but mmap(NULL) still stays below
 * DEFAULT_MAP_WINDOW_64 = 1 << VA_BITS_MIN = 1 << 48, as here (arch/arm64/include/asm/processor.h).
 */
export const ARM64_TASK_SIZE = 1n << 48n;

/**
 * DEFAULT_MAP_WINDOW_64 = 1 << VA_BITS_MIN (arch/arm64/include/asm/processor.h): TASK_SIZE itself up
 * to 48-bit VA, and 1 << 48 for a 52-bit one (VA_BITS_MIN is 48 there). STACK_TOP is this window.
 */
export function arm64DefaultMapWindow(taskSize: bigint): bigint {
  return taskSize < 1n << 48n ? taskSize : 1n << 48n;
}

/**
 * mm->mmap_base of the top-down layout without ASLR, for a stack whose top is `stackTop`:
 * PAGE_ALIGN(stackTop - gap), gap = RLIMIT_STACK + stack_guard_gap (256 pages), clamped to
 * [128 MiB, stackTop / 6 * 5] (mm/util.c mmap_base, arm64's; arch/x86/mm/mmap.c mmap_base has the
 * same arithmetic with task_size). DEFAULT_MMAP_BASE is this for x86-64's TASK_SIZE.
 */
export function topDownMmapBase(stackTop: bigint, pageSize: bigint): bigint {
  const minGap = 128n * 1024n * 1024n;
  const maxGap = (stackTop / 6n) * 5n;
  let gap = ASSUMED_RLIMIT_STACK + 256n * pageSize;
  if (gap < minGap) gap = minGap;
  else if (gap > maxGap) gap = maxGap;
  return pageAlign(stackTop - gap, pageSize);
}

/**
 * The address-space defaults of an architecture, for what the scenario does not set. x86-64: the
 * observed machine's (TASK_SIZE and mmap_base above; a `task-size` alone leaves mmap_base where it
 * is, as a 5-level TASK_SIZE does: DEFAULT_MAP_WINDOW stays 47 bits). arm64: TASK_SIZE 1 << 48
 * (ARM64_TASK_SIZE) and the mmap_base mm/util.c gives below DEFAULT_MAP_WINDOW for it.
 */
export function archAddressSpace(
  arch: Arch,
  pageSize: bigint,
  taskSize: bigint | undefined,
): { readonly taskSize: bigint; readonly mmapBase: bigint } {
  if (arch === 'x86_64') return { taskSize: taskSize ?? X86_64_TASK_SIZE, mmapBase: DEFAULT_MMAP_BASE };
  const size = taskSize ?? ARM64_TASK_SIZE;
  return { taskSize: size, mmapBase: topDownMmapBase(arm64DefaultMapWindow(size), pageSize) };
}

/**
 * PMD_SIZE, what THP aligns anonymous maps to (thp_get_unmapped_area(…, PMD_SIZE)) and the default
 * huge page (HPAGE_SHIFT = PMD_SHIFT on both). x86-64: 2 MiB. arm64: PMD_SHIFT =
 * ARM64_HW_PGTABLE_LEVEL_SHIFT(2) = (PAGE_SHIFT - 3) * 2 + 3 (arch/arm64/include/asm/pgtable-hwdef.h):
 * 2 MiB with 4 KiB pages, 32 MiB with 16 KiB, 512 MiB with 64 KiB.
 */
export function pmdBytes(config: Pick<KernelConfig, 'arch' | 'pageSize'>): bigint {
  if (config.arch !== 'arm64') return 1n << 21n;
  const pageShift = BigInt(config.pageSize.toString(2).length - 1);
  return 1n << ((pageShift - 3n) * 2n + 3n);
}

/**
 * The huge page sizes MAP_HUGE_SHIFT may name (hstates; anything else is EINVAL in
 * ksys_mmap_pgoff: hstate_sizelog), smallest first. x86-64: 2 MiB and 1 GiB (a CPU with pdpe1gb,
 * as the observed machine). arm64: what hugetlbpage_init registers (arch/arm64/mm/hugetlbpage.c,
 * its support matrix): CONT_PTE, PMD, CONT_PMD, and PUD only where pud_sect_supported() (4 KiB
 * pages).
 */
export function hugePageSizes(config: Pick<KernelConfig, 'arch' | 'pageSize'>): readonly bigint[] {
  const KiB = 1024n;
  const MiB = 1024n * KiB;
  const GiB = 1024n * MiB;
  if (config.arch !== 'arm64') return [2n * MiB, GiB];
  if (config.pageSize === 16n * KiB) return [2n * MiB, 32n * MiB, GiB];
  if (config.pageSize === 64n * KiB) return [2n * MiB, 512n * MiB, 16n * GiB];
  return [64n * KiB, 2n * MiB, 32n * MiB, GiB];
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
  /** PMD_SIZE in pages (pmdBytes: 2 MiB on x86-64; 2, 32 or 512 MiB on arm64 by page size). */
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
    pmdPages: Math.max(1, pagesDown(pmdBytes(config), p)),
    stackGuardPages: 256,
    stackLimitPages: pagesDown(ASSUMED_RLIMIT_STACK, p),
    rlimitAsPages: config.rlimitAs === undefined ? undefined : pagesDown(config.rlimitAs, p),
    dacMinPage: pagesUp(config.dacMmapMinAddr, p),
    mmapMinPage: pagesUp(config.mmapMinAddr, p),
    mmapMinHintPage: pagesDown(pageAlign(config.mmapMinAddr, p), p),
  };
}
