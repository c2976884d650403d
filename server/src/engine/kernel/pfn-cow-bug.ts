// A copy-on-write mapping of a driver whose fault handler inserts pfns: the first access oopses.
import { formatHex } from '../numbers';
import { deviceOf } from './state';
import type { KernelState } from './state';
import { VM_PFNMAP, type Vma } from './types';
import { isCowMapping } from './vma';

/**
 * Why an access at `address` through `vma` kills the process, when the VMA is a COW mapping of a
 * `cowFaultBug` driver (DeviceTraits.cowFaultBug): mmap let it through, but the driver's fault
 * handler ends in vmf_insert_pfn_prot (mm/memory.c), whose
 * `BUG_ON((vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags))` fires on the first
 * fault, read or write: a kernel oops, and the faulting task dies (make_task_dead from die(), with
 * SIGSEGV as its exit signal — no handler runs). Undefined for every other VMA.
 */
export function pfnCowBug(state: KernelState, vma: Vma, address: bigint): string | undefined {
  if ((vma.vmFlags & VM_PFNMAP) === 0 || !isCowMapping(vma.vmFlags)) return undefined;
  const chain = deviceOf(state, vma)?.cowFaultBug;
  if (chain === undefined) return undefined;
  return `${formatHex(address)} is in a copy-on-write (MAP_PRIVATE) VM_PFNMAP mapping of ${vma.object.name || 'a device'}: its fault (${chain}) hits BUG_ON((vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags)) in vmf_insert_pfn_prot (mm/memory.c), a kernel oops that kills the process; the mmap itself succeeded, since the driver checks no COW mapping`;
}

/** Whether pfnCowBug may answer for `vma` (a cheap test on its flags, for the fast path). */
export function mayHitPfnCowBug(vma: Vma): boolean {
  return (vma.vmFlags & VM_PFNMAP) !== 0 && isCowMapping(vma.vmFlags);
}
