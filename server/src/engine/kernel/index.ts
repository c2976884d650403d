// The kernel model's public surface.
export * from './types';
export { AddressSpace, FIRST_FD, FIRST_TAG } from './address-space';
export {
  DEFAULT_KERNEL_VERSION,
  DEFAULT_MMAP_BASE,
  X86_64_TASK_SIZE,
  defaultKernelConfig,
  formatKernelVersion,
  legacyMmapBase,
  pageGeometry,
  parseKernelVersion,
  versionAtLeast,
} from './config';
export type { PageGeometry } from './config';
export { kernelView } from './vma-set';
export { kernelMergeable, simMergeable, VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE } from './vma';
export type { MsealResult } from './mseal';
export {
  MADV_DOFORK,
  MADV_DONTFORK,
  MADV_DONTNEED,
  MADV_FREE,
  MADV_KEEPONFORK,
  MADV_WIPEONFORK,
  MADVISE_NAMES,
} from './madvise';
export { Timeline } from './timeline';
