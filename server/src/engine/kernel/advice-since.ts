// The release each madvise advice the model does not run first appeared in: before it,
// madvise_behavior_valid() (K:mm/madvise.c) does not know the number and madvise fails with
// EINVAL, which the model can answer; from it on the kernel does something the model does not
// show (unmodelled-advice.ts). The modelled advice is gated in madvise.ts itself.
import { formatKernelVersion, versionAtLeast } from './config';
import type { KernelVersion } from './types';

interface Since {
  readonly version: KernelVersion;
  /** The commit that added it, as man:madvise(2) or the kernel's history names it. */
  readonly commit: string;
}

const since = (major: number, minor: number, commit: string): Since => ({
  version: { major, minor },
  commit,
});

/**
 * By advice number (<uapi/asm-generic/mman-common.h>). MADV_NORMAL…MADV_WILLNEED are as old as
 * madvise and absent here. A `kernel` line is read as major.minor only (`2.6` is 2.6.12 or later),
 * so what 2.6.16–2.6.38 added counts as there on every 2.6: which 2.6 it is cannot be told.
 * Versions from man:madvise(2) ("since Linux …", with the commits it cites) and, for those it
 * does not list, the commit's first release: MADV_DONTNEED_LOCKED 9457056ac426 ("mm: madvise:
 * MADV_DONTNEED_LOCKED", 5.18), MADV_COLLAPSE 7d8faaf15545 ("mm/madvise: introduce MADV_COLLAPSE
 * sync hugepage collapse", 6.1), guard regions 662df3e5c376 (6.13). Advice that needs a config
 * option (CONFIG_KSM, CONFIG_TRANSPARENT_HUGEPAGE, CONFIG_MEMORY_FAILURE) counts as configured,
 * as distribution kernels are.
 */
const ADVICE_SINCE: ReadonlyMap<number, Since> = new Map([
  [9, since(2, 6, 'f6b3ec238d12')], // MADV_REMOVE, 2.6.16
  [12, since(2, 6, 'f8af4da3b4c1')], // MADV_MERGEABLE, 2.6.32
  [13, since(2, 6, 'f8af4da3b4c1')], // MADV_UNMERGEABLE, 2.6.32
  [14, since(2, 6, '0af4e98b6b09')], // MADV_HUGEPAGE, 2.6.38
  [15, since(2, 6, '0af4e98b6b09')], // MADV_NOHUGEPAGE, 2.6.38
  [16, since(3, 4, 'accb61fe7bb0')], // MADV_DONTDUMP
  [17, since(3, 4, 'accb61fe7bb0')], // MADV_DODUMP
  [20, since(5, 4, '9c276cc65a58')], // MADV_COLD
  [21, since(5, 4, '1a4e58cce84e')], // MADV_PAGEOUT
  [22, since(5, 14, '4ca9b3859dac')], // MADV_POPULATE_READ
  [23, since(5, 14, '4ca9b3859dac')], // MADV_POPULATE_WRITE
  [24, since(5, 18, '9457056ac426')], // MADV_DONTNEED_LOCKED
  [25, since(6, 1, '7d8faaf15545')], // MADV_COLLAPSE
  [100, since(2, 6, '9893e49d64a4')], // MADV_HWPOISON, 2.6.32
  [101, since(2, 6, 'afcf938ee0aa')], // MADV_SOFT_OFFLINE, 2.6.33
  [102, since(6, 13, '662df3e5c376')], // MADV_GUARD_INSTALL
  [103, since(6, 13, '662df3e5c376')], // MADV_GUARD_REMOVE
]);

/** Whether a kernel of `version` knows the advice (an unlisted number: the oldest advice). */
export function kernelHasAdvice(advice: number, version: KernelVersion): boolean {
  const first = ADVICE_SINCE.get(advice);
  return first === undefined || versionAtLeast(version, first.version.major, first.version.minor);
}

/** `exists from Linux 6.13 (commit 662df3e5c376)`, for an advice with a first release. */
export function adviceSinceText(advice: number): string | undefined {
  const first = ADVICE_SINCE.get(advice);
  return first && `exists from Linux ${formatKernelVersion(first.version)} (commit ${first.commit})`;
}
