// NVIDIA's device files in a capture (/proc/PID/maps, strace -y), and which of the language's
// device mappings each is (`open device … [mixedmap]`, docs/language.md).

/** NVIDIA's device files, each mmap of which is an object of its own (facts linux-mm §4.1). */
export const NVIDIA_DEVICE = /^\/dev\/nvidia/;

/** A GPU node, `/dev/nvidia0`, `/dev/nvidia1`, …: not the control node or nvidia-uvm. */
const NVIDIA_GPU_NODE = /^\/dev\/nvidia\d+$/;

/**
 * Whether a mapping of this NVIDIA device file is VM_MIXEDMAP rather than VM_IO|VM_PFNMAP.
 * nvidia_mmap_helper (open-gpu-kernel-modules kernel-open/nvidia/nv-mmap.c) maps a GPU node's BAR
 * with io_remap_pfn_range and sets VM_IO|VM_PFNMAP|VM_DONTEXPAND (io_remap_pfn_range adds
 * VM_DONTDUMP), so MADV_DOFORK is EINVAL there (VM_IO) and MADV_DONTNEED too (VM_PFNMAP); the
 * control node maps system memory with vm_insert_page, which sets VM_MIXEDMAP, and adds
 * VM_SHARED|VM_DONTEXPAND|VM_DONTDUMP, no VM_IO. nvidia-uvm's uvm_mmap (kernel-open/nvidia-uvm/
 * uvm.c) sets VM_MIXEDMAP|VM_DONTEXPAND as well.
 */
export function nvidiaMapsMixed(path: string): boolean {
  return NVIDIA_DEVICE.test(path) && !NVIDIA_GPU_NODE.test(path);
}
