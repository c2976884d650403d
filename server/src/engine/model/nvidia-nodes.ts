// NVIDIA's device files and how each one's mmap behaves (open-gpu-kernel-modules
// kernel-open/nvidia/nv-mmap.c, nvidia_mmap_helper; facts linux-mm §4.1): which one a BO of the
// `nvidia` kernel layout is mapped through (each BO an fd of its own, mapped at offset 0), and
// which traits a file opened by its path gets (`open device "/dev/nvidia0"`, as the imports
// write NVIDIA's mappings). The one place that decides NVIDIA device traits by path.
import {
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_SHARED,
  type DeviceTraits,
} from '../kernel/types';

/** nvidia_mmap_helper's `if (vma->vm_pgoff != 0) return -EINVAL;`, on every NVIDIA node. */
const OFFSET_REFUSED_BY = 'nvidia_mmap_helper: vm_pgoff must be 0';

/**
 * A GPU node (BAR and vidmem row of facts 4.1): VM_IO|VM_PFNMAP|VM_DONTEXPAND, and VM_DONTDUMP
 * from io_remap_pfn_range (remap_pfn_range, mm/memory.c, sets VM_IO|VM_PFNMAP|VM_DONTEXPAND|
 * VM_DONTDUMP); offset 0 only, and any size other than the RM's mapping context, smaller too, is
 * ENXIO (`if (NV_VMA_SIZE(vma) != memareaSize(mmap_context->memArea)) return -ENXIO;`). Whether
 * its mmap refuses private mappings the facts do not say (kept as a render node's); the driver
 * maps MAP_SHARED anyway.
 */
const NVIDIA_GPU_NODE: DeviceTraits = Object.freeze({
  vmFlags: VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
  rejectsCow: true,
  customGetUnmappedArea: false,
  refusesSplit: false,
  sizeMismatchErrno: 'ENXIO',
  sizeMustMatch: true,
  sizeRefusedBy: 'nvidia_mmap_helper: NV_VMA_SIZE(vma) != memareaSize, the size is not the mapping context’s',
  offsetRefusedBy: OFFSET_REFUSED_BY,
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
  sizeRefusedBy:
    'nvidia_mmap_helper: (page_index + pages) > at->num_pages, the mapping ends past the allocation’s pages',
  offsetRefusedBy: OFFSET_REFUSED_BY,
});

/**
 * /dev/nvidia-uvm: uvm_mmap (kernel-open/nvidia-uvm/uvm.c) sets VM_MIXEDMAP|VM_DONTEXPAND (newer
 * modules add VM_DONTCOPY, not modelled). Its own rules (the offset must equal the address, only
 * MAP_SHARED read-write maps, a range made to the mapping's size) are not modelled: drvmap keeps
 * the one object at offset 0 that `open device` makes, and a mapping past the size it was given
 * is refused as that object's end, not by anything uvm_mmap checks.
 */
const NVIDIA_UVM_NODE: DeviceTraits = Object.freeze({
  vmFlags: VM_MIXEDMAP | VM_DONTEXPAND,
  // uvm_mmap: `if ((vma->vm_flags & (VM_SHARED|VM_READ|VM_WRITE)) != (VM_SHARED|VM_READ|VM_WRITE))
  // return -EINVAL` ("Enforce shared read/writable mappings"): a private mapping is refused.
  rejectsCow: true,
  cowRefusedBy: 'uvm_mmap, which takes shared read-write mappings only',
  customGetUnmappedArea: false,
  refusesSplit: false,
  sizeMismatchErrno: 'EINVAL',
  sizeRefusedBy: 'the size `open device` gave it: uvm_mmap’s own ranges are not modelled',
});

/** A GPU node, `/dev/nvidia0`, `/dev/nvidia1`, …; the control node; nvidia-uvm. */
const NVIDIA_GPU_PATH = /^\/dev\/nvidia\d+$/;
const NVIDIA_CONTROL_PATH = '/dev/nvidiactl';
const NVIDIA_UVM_PATH = '/dev/nvidia-uvm';

/**
 * The traits of the NVIDIA device file at `path`, or undefined for any other path (a render
 * node's are the DRM driver's; NVIDIA's other files, nvidia-modeset and nvidia-caps, are not
 * modelled).
 */
export function nvidiaNodeAt(path: string): DeviceTraits | undefined {
  if (NVIDIA_GPU_PATH.test(path)) return NVIDIA_GPU_NODE;
  if (path === NVIDIA_CONTROL_PATH) return NVIDIA_CONTROL_NODE;
  if (path === NVIDIA_UVM_PATH) return NVIDIA_UVM_NODE;
  return undefined;
}

/** Whether `path` is nvidia-uvm, whose offset is the mapping's own address (uvm_mmap). */
export function isNvidiaUvm(path: string): boolean {
  return path === NVIDIA_UVM_PATH;
}

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
  const name = systemMemory ? NVIDIA_CONTROL_PATH : '/dev/nvidia0';
  return { name, device: nvidiaNodeAt(name)! };
}
