// The kernel versions that gave userfaultfd(2) what the model uses (ENOSYS / EINVAL / EPERM gates).
/**
 * What userfaultfd(2) gained when: [major, minor] of the first kernel with it. Sources:
 * man:userfaultfd(2) ("first appeared in Linux 4.3 … hugetlbfs and shared memory areas … added
 * in Linux 4.11"), man:ioctl_userfaultfd(2) (UFFD_FEATURE_SIGBUS "since Linux 4.14"), and the
 * kernel commits named below (docs/kernel-model.md "userfaultfd").
 */
export const USERFAULTFD_HISTORY = {
  /** The syscall itself: ENOSYS before. */
  syscall: [4, 3],
  /** vma_can_userfault() takes hugetlbfs and shmem, not only anonymous VMAs (v4.11). */
  shmem: [4, 11],
  /** UFFD_FEATURE_SIGBUS (commit 2d6d6f5a09a9, v4.14): UFFDIO_API refuses the bit (EINVAL) before. */
  sigbus: [4, 14],
  /**
   * UFFDIO_ZEROPAGE on shmem ("userfaultfd: shmem: wire up shmem_mfill_zeropage_pte", Mike
   * Rapoport; in the since-4.13 mm tree beside UFFD_FEATURE_SIGBUS, so v4.14). From 4.11 the
   * shmem branch of __mcopy_atomic said "if zeropage is true return -EINVAL".
   */
  shmemZeropage: [4, 14],
  /**
   * Registration needs VM_MAYWRITE (29ec90660d68, "userfaultfd: shmem/hugetlbfs: only allow to
   * register VM_MAYWRITE vmas", v4.20; also 4.14.87 and 4.19.7, which a `kernel` line without a
   * patch level does not name): EPERM.
   */
  mayWrite: [4, 20],
  /**
   * UFFDIO_COPY/ZEROPAGE into a MAP_PRIVATE shmem mapping installs an anonymous page (5b51072e97d5,
   * "userfaultfd: shmem: allocate anonymous memory for MAP_PRIVATE shmem", v4.20, the series of
   * 29ec90660d68): before, a VMA with vm_ops took the shmem path and filled the file's page cache.
   */
  privateShmemAnonFill: [4, 20],
  /** A move drops the registration unless UFFD_FEATURE_EVENT_REMAP ("userfaultfd: clear flag if remap event not enabled", v5.0). */
  moveDropsRegistration: [5, 0],
  /**
   * UFFD_USER_MODE_ONLY, and vm.unprivileged_userfaultfd defaulting to 0 (commit d0d4730ac2e4,
   * v5.11): without the flag an unprivileged process gets EPERM (it needs CAP_SYS_PTRACE).
   */
  userModeOnly: [5, 11],
} as const satisfies Record<string, readonly [number, number]>;
