// NVIDIA's device files in a capture (/proc/PID/maps, strace -y), and which of the language's
// device mappings each is (`open device … [mixedmap]`, docs/language.md).
import { VM_MIXEDMAP } from '../kernel/types';
import { isNvidiaUvm, nvidiaNodeAt } from '../model/nvidia-nodes';

/** NVIDIA's device files, each mmap of which is an object of its own (facts linux-mm §4.1). */
export const NVIDIA_DEVICE = /^\/dev\/nvidia/;

/**
 * Whether a mapping of this NVIDIA device file is VM_MIXEDMAP rather than VM_IO|VM_PFNMAP, as
 * nvidia-nodes.ts, the one place that decides NVIDIA traits by path, says: a GPU node's BAR is
 * VM_IO|VM_PFNMAP, the control node's system memory and nvidia-uvm's mappings VM_MIXEDMAP
 * (nvidia_mmap_helper, kernel-open/nvidia/nv-mmap.c; uvm_mmap, kernel-open/nvidia-uvm/uvm.c).
 * NVIDIA's other files (nvidia-modeset, nvidia-caps) are written `mixedmap`, as they always were.
 */
export function nvidiaMapsMixed(path: string): boolean {
  if (!NVIDIA_DEVICE.test(path)) return false;
  const node = nvidiaNodeAt(path);
  return node === undefined || (node.vmFlags & VM_MIXEDMAP) !== 0;
}

/**
 * The offset an imported map of this file is written with. nvidia-uvm's offset is the mapping's
 * own address (uvm_mmap: `vma->vm_start != (vma->vm_pgoff << PAGE_SHIFT)` → EINVAL), a rule drvmap
 * does not model: read as an object's offset, every uvm line would be a piece of one object
 * reaching up to its address (≈127 TiB). Each uvm map is an object of its own, mapped at 0.
 */
export function importedDeviceOffset(path: string, offset: bigint): bigint {
  return isNvidiaUvm(path) ? 0n : offset;
}
