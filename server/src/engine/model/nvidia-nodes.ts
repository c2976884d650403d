// Which NVIDIA device file a BO of the `nvidia` kernel layout is mapped through, and how that
// file's mmap behaves (open-gpu-kernel-modules kernel-open/nvidia/nv-mmap.c, nvidia_mmap_helper;
// facts linux-mm §4.1). Each BO gets an fd of its own, mapped at offset 0.
import {
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_SHARED,
  type DeviceTraits,
} from '../kernel/types';

/**
 * A GPU node (BAR and vidmem row of facts 4.1): VM_IO|VM_PFNMAP|VM_DONTEXPAND, offset 0 only,
 * and a size other than the RM's mapping context is ENXIO (`NV_VMA_SIZE(vma) !=
 * memareaSize(...)`). Whether its mmap refuses private mappings the facts do not say (kept as a
 * render node's); the driver maps MAP_SHARED anyway.
 */
const NVIDIA_GPU_NODE: DeviceTraits = Object.freeze({
  vmFlags: VM_IO | VM_PFNMAP | VM_DONTEXPAND,
  rejectsCow: true,
  customGetUnmappedArea: false,
  refusesSplit: false,
  sizeMismatchErrno: 'ENXIO',
  sizeRefusedBy: 'nvidia_mmap_helper: the size is not the mapping context’s',
});

/**
 * The control node's system-memory mapping (facts 4.1, "NVIDIA, system memory"): the pages go in
 * with vm_insert_page, which sets VM_MIXEDMAP, and the helper adds VM_SHARED ("to avoid any
 * undesired copy-on-write effects", so a private map is not refused) and VM_DONTEXPAND|
 * VM_DONTDUMP; no VM_IO, so MADV_DOFORK works. A mapping past the allocation's pages is ERANGE
 * (`(page_index + pages) > at->num_pages`); a shorter one is allowed.
 */
const NVIDIA_CONTROL_NODE: DeviceTraits = Object.freeze({
  vmFlags: VM_MIXEDMAP | VM_SHARED | VM_DONTEXPAND | VM_DONTDUMP,
  rejectsCow: false,
  customGetUnmappedArea: false,
  refusesSplit: false,
  sizeMismatchErrno: 'ERANGE',
  sizeRefusedBy: 'nvidia_mmap_helper: the mapping ends past the allocation’s pages',
});

/**
 * The device file a memory's BO is mapped through. The RM ties a mapping to the control device
 * when its address is in none of the GPU's BARs, i.e. system memory (RmCreateMmapContextLocked,
 * src/nvidia/arch/nvalloc/unix/src/osapi.c: `pNv = nv_get_ctl_state()`); the GPU nodes map BAR
 * memory ("Nvidia device node(nvidia#) maps device's BAR memory, Nvidia control node(nvidiactrl)
 * maps system memory", nv-mmap.c). That the driver puts host-visible memory without DEVICE_LOCAL
 * in system memory, and DEVICE_LOCAL memory behind BAR1, is an inference from those sources (an
 * NVIDIA Vulkan developer's review), not observed. Without a memory type (a driver's pool, a BO
 * made for no memory object) the GPU node is kept.
 */
export function nvidiaNodeFor(properties: ReadonlySet<string> | undefined): {
  readonly name: string;
  readonly device: DeviceTraits;
} {
  const systemMemory =
    properties !== undefined && properties.has('host-visible') && !properties.has('device-local');
  return systemMemory
    ? { name: '/dev/nvidiactl', device: NVIDIA_CONTROL_NODE }
    : { name: '/dev/nvidia0', device: NVIDIA_GPU_NODE };
}
