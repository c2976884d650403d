// How i915 maps a buffer object for the CPU, by kernel version, and which traits a file opened by
// an i915 path gets (`open device "anon_inode:i915.gem"`, as the imports write i915's mappings):
// the one place that decides i915 device traits. Kernel source, not the facts files, except where
// cited.
import {
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_PFNMAP,
  type DeviceTraits,
  type KernelVersion,
} from '../kernel/types';
import { versionAtLeast } from '../kernel/config';

/** The name i915's BO mappings show in /proc/PID/maps since 5.6 (facts linux-mm §4.1, §6.2). */
export const I915_GEM_INODE = 'anon_inode:i915.gem';

/**
 * i915 has DRM_I915_GEM_MMAP_OFFSET (cc662126b413) and maps BOs through its per-device anonymous
 * inode ("drm/i915/gem: Drop local vma->vm_file reference") since Linux 5.6: both came in one pull
 * ("drm pull for 5.6-rc1"); i915_gem_mman.c `mmap_singleton`, `anon_inode_getfile("i915.gem", …)`,
 * `vma_set_file`. Mesa's `has_mmap_offset` is I915_PARAM_MMAP_GTT_VERSION >= 4, which that ioctl
 * brought (intel/common i915 device info).
 */
export function i915HasMmapOffset(version: KernelVersion): boolean {
  return versionAtLeast(version, 5, 6);
}

/** Why ANV has no placed maps before 5.6 (DriverTraits via onKernel, said by placed-unsupported). */
export const I915_NO_MMAP_OFFSET =
  "its kernel is older than Linux 5.6, so i915 has no DRM_I915_GEM_MMAP_OFFSET and ANV's `has_mmap_offset` is false: anv_physical_device.c sets `.EXT_map_memory_placed = device->info.has_mmap_offset`";

/**
 * i915's node (5.6+): i915_gem_mmap sets VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP|VM_IO and swaps in its
 * anon inode (facts 4.1). Neither it nor i915_gem_object_mmap has an is_cow_mapping check (they
 * refuse only a writable map of a read-only object), so MAP_PRIVATE maps. Its dma-buf mmap
 * without local memory (i915_gem_dmabuf_mmap) maps the object's shmem file instead, through
 * call_mmap(obj->base.filp, vma) with the VMA's offset as the caller gave it (no fake offset
 * added): no VM_PFNMAP, no COW check, and maps shows the caller's offset. That mapping's name
 * (the shmem file's, not `/dmabuf:`) is not modelled.
 */
export const I915_NODE_TRAITS: DeviceTraits = Object.freeze({
  vmFlags: VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
  rejectsCow: false,
  customGetUnmappedArea: false,
  refusesSplit: false,
  fakeOffsets: true,
  boMapsName: I915_GEM_INODE,
  exportedAs: { vmFlags: 0, rejectsCow: false, mapsCallerOffset: true },
});

/**
 * Before 5.6 ANV maps with DRM_IOCTL_I915_GEM_MMAP: i915_gem_mmap_ioctl does
 * `vm_mmap(obj->base.filp, 0, args->size, PROT_READ | PROT_WRITE, MAP_SHARED, args->offset)`, a
 * plain shared mapping of the object's shmem file (i915_gem_mman.c, earlier i915_gem.c):
 * shmem_mmap sets none of VM_PFNMAP, VM_IO, VM_DONTEXPAND, so mremap, MREMAP_DONTUNMAP and
 * MADV_DOFORK work on it. I915_MMAP_WC changes only vm_page_prot. The model maps that file through
 * an fd of its own; the kernel's mapping, made inside the ioctl, has none.
 */
export const I915_LEGACY_MMAP_TRAITS: DeviceTraits = Object.freeze({
  vmFlags: 0,
  rejectsCow: false,
  customGetUnmappedArea: false,
  refusesSplit: false,
});

/** What /proc/PID/maps shows for a legacy mapping: the shmem file shmem_file_setup("i915", …) made. */
export const I915_LEGACY_MAPS_NAME = '/i915 (deleted)';

/**
 * The traits of a device file opened by `path`, when the path is i915's: its anonymous inode maps
 * as i915_gem_mmap does (I915_NODE_TRAITS; `open device … offset X` makes the BO's fake offset).
 */
export function i915NodeAt(path: string): DeviceTraits | undefined {
  if (path !== I915_GEM_INODE) return undefined;
  const { vmFlags, rejectsCow, customGetUnmappedArea, refusesSplit } = I915_NODE_TRAITS;
  return { vmFlags, rejectsCow, customGetUnmappedArea, refusesSplit };
}
