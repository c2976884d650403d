// How TTM drivers (amdgpu for radv, nouveau for nvk) mapped a buffer object before Linux 5.14.
import { versionAtLeast } from '../kernel/config';
import {
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_MIXEDMAP,
  type DeviceTraits,
  type KernelVersion,
} from '../kernel/types';

/**
 * Whether TTM maps BOs VM_PFNMAP and refuses COW mappings: from f91142c62161 "drm/ttm: nuke
 * VM_MIXEDMAP on BO mappings v3" (Linux 5.14), which made ttm_bo_mmap_obj
 * (drivers/gpu/drm/ttm/ttm_bo_vm.c) set VM_PFNMAP instead of VM_MIXEDMAP and return EINVAL for
 * `is_cow_mapping()`. amdgpu's "Thunk bug" workaround for PROT_NONE private maps came with it
 * (5.14-rc, "Fixes: f91142c62161").
 */
export function ttmMapsPfn(version: KernelVersion): boolean {
  return versionAtLeast(version, 5, 14);
}

/**
 * A TTM BO mapping before 5.14: ttm_bo_mmap_vma_setup set `VM_MIXEDMAP` ("use VM_MIXEDMAP on all
 * mappings", freedesktop.org bug #75719: VM_PFNMAP with PAT write-combine was slow) and
 * `VM_IO | VM_DONTEXPAND | VM_DONTDUMP`, with no COW check: MAP_PRIVATE maps, and madvise's
 * MADV_DONTNEED, which refuses VM_PFNMAP only, zaps it. VM_IO and VM_DONTEXPAND stay, so GUP,
 * MADV_DOFORK, growing mremap and 5.13's MREMAP_DONTUNMAP refuse it as they refuse the later one,
 * and fork copies its PTEs either way (VM_PFNMAP and VM_MIXEDMAP alike, vma_needs_copy).
 */
export const TTM_MIXEDMAP_NODE_TRAITS: DeviceTraits = Object.freeze({
  vmFlags: VM_MIXEDMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP,
  rejectsCow: false,
  customGetUnmappedArea: false,
  refusesSplit: false,
  fakeOffsets: true,
});
