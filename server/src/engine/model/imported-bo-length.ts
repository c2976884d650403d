// How much of a buffer object imported from an fd the driver maps (DriverTraits.importSize).
import { alignUp } from '../numbers';
import type { DriverTraits } from './driver';
import type { VkMemory } from './vk-memory';

/**
 * The length of the driver's whole mapping of an imported memory, when it is not the page-rounded
 * allocationSize: a `kernel-bo` driver (NVK) maps the buffer object at the size the kernel gives
 * it, whatever the import's allocationSize says. nouveau_ws_bo_from_dma_buf_locked sets `bo->size`
 * from DRM_NOUVEAU_GEM_INFO (src/nouveau/winsys/nouveau_bo.c), nvkmd_nouveau_import_dma_buf makes
 * the memory's `size_B` from it (create_mem_or_close_bo), nvk_AllocateMemory's import path never
 * compares it with allocationSize (nvk_device_memory.c), and nvkmd_nouveau_mem_map,
 * nvkmd_nouveau_mem_unmap and nvkmd_nouveau_mem_overmap all use `size_B`
 * (nvkmd/nouveau/nvkmd_nouveau_mem.c). The kernel's size is the exported buffer's (the fd's size,
 * the exporter's page-rounded object). Undefined for every other memory and driver.
 */
export function importedBoLength(
  driver: DriverTraits,
  memory: VkMemory,
  pageSize: bigint,
): bigint | undefined {
  const from = memory.importedFrom;
  if (from === undefined || driver.importSize !== 'kernel-bo') return undefined;
  const whole = from.fd.sizeBytes;
  return whole === alignUp(memory.allocationSize, pageSize) ? undefined : whole;
}
