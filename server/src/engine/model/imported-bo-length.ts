// How much of a buffer object imported from an fd the driver maps (DriverTraits.importSize).
import { alignUp } from '../numbers';
import type { DriverTraits } from './driver';
import type { VkMemory } from './vk-memory';

/**
 * The length of the driver's whole mapping of an imported memory, when it is not the page-rounded
 * allocationSize: a `kernel-bo` driver (NVK, RADV) maps the buffer object at the size the kernel
 * gives it, whatever the import's allocationSize says.
 *
 * NVK: nouveau_ws_bo_from_dma_buf_locked sets `bo->size` from DRM_NOUVEAU_GEM_INFO
 * (src/nouveau/winsys/nouveau_bo.c), nvkmd_nouveau_import_dma_buf makes the memory's `size_B` from
 * it (create_mem_or_close_bo), nvk_AllocateMemory's import path never compares it with
 * allocationSize (nvk_device_memory.c), and nvkmd_nouveau_mem_map, nvkmd_nouveau_mem_unmap and
 * nvkmd_nouveau_mem_overmap all use `size_B` (nvkmd/nouveau/nvkmd_nouveau_mem.c).
 *
 * RADV: radv_alloc_memory imports with radv_bo_from_fd(…, NULL), asking for no size to compare
 * (radv_device_memory.c; only the Android hardware-buffer import compares one), and
 * radv_amdgpu_winsys_bo_from_fd sets `bo->base.size` to amdgpu_bo_import's `alloc_size`, the
 * dma-buf's size (libdrm amdgpu/amdgpu_bo.c: lseek(fd, 0, SEEK_END)); radv_amdgpu_winsys_bo_map
 * mmaps, and radv_amdgpu_winsys_bo_unmap's RESERVE overmap maps PROT_NONE over, `bo->base.size`
 * (winsys/amdgpu/radv_amdgpu_bo.c).
 *
 * Turnip (`kernel-bo-at-least`): msm_bo_init_dmabuf takes `real_size = lseek(prime_fd, 0,
 * SEEK_END)` as the size, tu_bo_init stores it as `bo->size`, and msm_bo_map mmaps `bo->size`
 * (MAP_FIXED for a placed map), tu_bo_unmap munmaps or overmaps it
 * (src/freedreno/vulkan/tu_knl_drm_msm.cc, tu_knl.cc).
 *
 * The kernel's size is the exported buffer's (the fd's size, the exporter's page-rounded object).
 * Undefined for every other memory and driver.
 */
export function importedBoLength(
  driver: DriverTraits,
  memory: VkMemory,
  pageSize: bigint,
): bigint | undefined {
  const from = memory.importedFrom;
  if (from === undefined || driver.importSize === 'allocation') return undefined;
  const whole = from.fd.sizeBytes;
  return whole === alignUp(memory.allocationSize, pageSize) ? undefined : whole;
}

/**
 * Whether the driver refuses a dma-buf smaller than the page-rounded allocationSize with
 * VK_ERROR_INVALID_EXTERNAL_HANDLE: anv, and Turnip, whose tu_bo_init_dmabuf rounds the size up
 * to a page and msm_bo_init_dmabuf fails when `real_size < size` (tu_knl.cc,
 * tu_knl_drm_msm.cc). NVK and RADV check nothing.
 */
export function refusesSmallerImport(driver: DriverTraits): boolean {
  return driver.importSize !== 'kernel-bo';
}
