// hugetlb mappings in a capture. MAP_ANONYMOUS|MAP_HUGETLB is an unlinked hugetlbfs file of its
// own (ksys_mmap_pgoff: hugetlb_file_setup), which /proc/PID/maps names `/anon_hugepage (deleted)`
// (docs/kernel-model.md). The model has no huge pages reserved (vm.nr_hugepages = 0, as on the
// machine it was checked on), so a hugetlb map succeeds there only with MAP_NORESERVE
// (hugetlbfs_file_mmap: hugetlb_reserve_pages); a replayed map the capture made is written so.
import { hugePageBytes } from '../kernel/mmap';
import { MAP_ANONYMOUS, MAP_HUGETLB } from '../kernel/types';

/** The maps name of an anonymous hugetlb mapping (without " (deleted)"). */
export const ANON_HUGEPAGE = '/anon_hugepage';

/**
 * The size bits that name x86-64's default huge page (2 MiB), as strace prints them (mem.c
 * print_mmap_flags: `21<<MAP_HUGE_SHIFT`) or as the header names them: `hugetlb` means that size.
 */
export const DEFAULT_HUGE_PAGE_SIZE_FLAGS: ReadonlySet<string> = new Set([
  '21<<MAP_HUGE_SHIFT',
  'MAP_HUGE_2MB',
]);

/** Said above a hugetlb map the import adds `noreserve` to. */
export const HUGETLB_NORESERVE =
  'hugetlb: the capture had huge pages for this map, the model has none (vm.nr_hugepages = 0), so it maps with noreserve (MAP_NORESERVE), as the only way it maps there; a touch of it is SIGBUS in the replay';

/** MAP_HUGE_SHIFT: the huge page size's log2 sits in mmap's top six flag bits. */
const MAP_HUGE_SHIFT = 26;
const SIZE_NAMES: Readonly<Record<string, number>> = { MAP_HUGE_2MB: 21, MAP_HUGE_1GB: 30 };

/**
 * The huge page size in bytes of a MAP_ANONYMOUS|MAP_HUGETLB map with these flags (strace's names),
 * or 0n for any other map. ksys_mmap_pgoff rounds such a map's length up to it (the engine's
 * hugePageBytes: the MAP_HUGE_SHIFT size, or the default 2 MiB), so the mapping the capture made
 * reaches that far. strace's numbers are x86-64's.
 */
export function anonHugePageBytes(flags: string): bigint {
  const names = flags.split('|').map((f) => f.trim());
  if (!names.includes('MAP_HUGETLB') || !names.includes('MAP_ANONYMOUS')) return 0n;
  let sizeLog = 0;
  for (const name of names) {
    const shifted = /^(\d+)<<MAP_HUGE_SHIFT$/.exec(name);
    if (shifted) sizeLog = Number(shifted[1]);
    else if (SIZE_NAMES[name] !== undefined) sizeLog = SIZE_NAMES[name];
  }
  const bits = ((sizeLog & 0x3f) << MAP_HUGE_SHIFT) | MAP_HUGETLB | MAP_ANONYMOUS;
  return hugePageBytes(bits, { arch: 'x86_64', pageSize: 4096n });
}

/** `length` rounded up to whole huge pages of `hugeBytes` (unchanged for 0n: not hugetlb). */
export function wholeHugePages(length: bigint, hugeBytes: bigint): bigint {
  return hugeBytes === 0n ? length : ((length + hugeBytes - 1n) / hugeBytes) * hugeBytes;
}
