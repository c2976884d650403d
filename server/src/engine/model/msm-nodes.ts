// How msm (turnip's kernel driver) maps a buffer object, by kernel version: the VM_ flags and
// what a copy-on-write mapping of it does.
import { versionAtLeast } from '../kernel/config';
import {
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_MIXEDMAP,
  VM_PFNMAP,
  type DeviceTraits,
  type KernelVersion,
} from '../kernel/types';
import { TTM_MIXEDMAP_NODE_TRAITS } from './ttm-nodes';

/**
 * Whether msm maps BOs VM_PFNMAP: from 8246913a2e30 "drm/msm: Switch to pfn mappings" (Linux
 * 6.0), which made msm_gem_object_mmap (drivers/gpu/drm/msm/msm_gem.c) set
 * `VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP` and msm_gem_fault insert with vmf_insert_pfn.
 */
export function msmMapsPfn(version: KernelVersion): boolean {
  return versionAtLeast(version, 6, 0);
}

/**
 * msm's BO mapping from Linux 6.0: no VM_IO, so MADV_DOFORK (refused only on VM_IO) succeeds;
 * VM_PFNMAP, so MADV_DONTNEED is refused. Neither msm_gem_object_mmap nor drm_gem_mmap_obj checks
 * is_cow_mapping, so MAP_PRIVATE maps, through the node or a dma-buf (drm_gem_prime_mmap calls the
 * same object mmap) — but the mapping keeps VM_MAYWRITE, and msm_gem_fault's vmf_insert_pfn →
 * vmf_insert_pfn_prot (mm/memory.c) has
 * `BUG_ON((vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags))`: its first access, a
 * read as much as a write, oopses the kernel and kills the process.
 */
export const MSM_PFN_NODE_TRAITS: DeviceTraits = Object.freeze({
  vmFlags: VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
  rejectsCow: false,
  customGetUnmappedArea: false,
  refusesSplit: false,
  fakeOffsets: true,
  cowFaultBug: 'msm_gem_fault → vmf_insert_pfn → vmf_insert_pfn_prot',
});

/**
 * msm's BO mapping before Linux 6.0 but for 5.15: `VM_IO | VM_MIXEDMAP | VM_DONTEXPAND |
 * VM_DONTDUMP`, with msm_gem_fault inserting through vmf_insert_mixed. Before 5.15
 * drm_gem_mmap_obj set `VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP` and msm_gem_mmap_obj
 * swapped VM_PFNMAP for VM_MIXEDMAP; 3466d9e217b3 "drm/msm: Fix mmap to include VM_IO and
 * VM_DONTDUMP" (5.16, in 5.15.7) set all four in msm_gem_object_mmap. VM_IO refuses MADV_DOFORK;
 * MADV_DONTNEED, refused on VM_PFNMAP only, zaps; a VM_MIXEDMAP mapping may be COW, so
 * MAP_PRIVATE maps and works, as TTM's did before 5.14: the same four flags and no COW check, so
 * the same traits (ttm-nodes.ts).
 */
export const MSM_MIXEDMAP_NODE_TRAITS: DeviceTraits = TTM_MIXEDMAP_NODE_TRAITS;

/**
 * msm's BO mapping on Linux 5.15, read as 5.15.0 like every `kernel X.Y`: 510410bfc034
 * "drm/msm: Implement mmap as GEM object function" (5.15 merge window) moved the flags into
 * msm_gem_object_mmap, which set only `VM_MIXEDMAP | VM_DONTEXPAND` (drm_gem_mmap_obj no longer
 * sets its defaults when the object has an mmap function), losing VM_IO and VM_DONTDUMP until
 * 3466d9e217b3 (5.15.7). Without VM_IO, MADV_DOFORK succeeds; the rest is as
 * MSM_MIXEDMAP_NODE_TRAITS.
 */
export const MSM_515_NODE_TRAITS: DeviceTraits = Object.freeze({
  ...MSM_MIXEDMAP_NODE_TRAITS,
  vmFlags: VM_MIXEDMAP | VM_DONTEXPAND,
});

/** msm's BO mapping traits on a kernel of `version`. */
export function msmNodeTraits(version: KernelVersion): DeviceTraits {
  if (msmMapsPfn(version)) return MSM_PFN_NODE_TRAITS;
  if (version.major === 5 && version.minor === 15) return MSM_515_NODE_TRAITS;
  return MSM_MIXEDMAP_NODE_TRAITS;
}
