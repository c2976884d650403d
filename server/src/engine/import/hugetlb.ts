// hugetlb mappings in a capture. MAP_ANONYMOUS|MAP_HUGETLB is an unlinked hugetlbfs file of its
// own (ksys_mmap_pgoff: hugetlb_file_setup), which /proc/PID/maps names `/anon_hugepage (deleted)`
// (docs/kernel-model.md). The model has no huge pages reserved (vm.nr_hugepages = 0, as on the
// machine it was checked on), so a hugetlb map succeeds there only with MAP_NORESERVE
// (hugetlbfs_file_mmap: hugetlb_reserve_pages); a replayed map the capture made is written so.

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
