// amdgpu's check of a new BO against the size of its memory domain, which comes before TTM makes
// the BO and its fake offset: DRM_IOCTL_AMDGPU_GEM_CREATE → amdgpu_gem_object_create →
// amdgpu_bo_create, whose amdgpu_bo_validate_size (drivers/gpu/drm/amd/amdgpu/amdgpu_object.c)
// returns false unless `size < man->size` of the domain's TTM manager ("BO size %lu > total
// memory in domain"), and amdgpu_bo_create returns -ENOMEM before ttm_bo_init_reserved. So a
// single BO on amdgpu never reaches drm_vma_offset_add's ENOSPC (no domain is near 1 TiB); that
// needs many BOs. From the kernel source, not the facts. nouveau has no such check.
import { formatSize } from '../numbers';
import type { DriverTraits } from './driver';

/**
 * Whether the driver's BOs are checked against amdgpu's domain sizes (`vram`, `gtt`): only a
 * driver whose memory is amdgpu BOs. A `backing anon` or `shmem` driver is a software one even
 * on `preset radv` (its memory is ordinary process memory, which no kernel GPU driver
 * allocates), and another kernel driver has no such check (nouveau_bo_alloc).
 */
export function checksAmdgpuDomains(traits: Pick<DriverTraits, 'kernelDriver' | 'backing'>): boolean {
  return traits.kernelDriver === 'amdgpu' && traits.backing === 'device';
}

/**
 * The domains radv asks amdgpu for: AMDGPU_GEM_DOMAIN_VRAM|AMDGPU_GEM_DOMAIN_GTT or
 * AMDGPU_GEM_DOMAIN_GTT. Never VRAM alone: radv_amdgpu_winsys_bo_create adds GTT to every VRAM
 * request to make the BO "spillable" (winsys/amdgpu/radv_amdgpu_bo.c; Mesa 21.1 on), unless
 * RADV_PERFTEST=nogttspill, which drvmap does not model.
 */
export type AmdgpuDomain = 'VRAM|GTT' | 'GTT';

/**
 * The domains radv asks for a memory object's BO: its device-local memory types are VRAM (with GTT
 * added, AmdgpuDomain), its host-visible ones that are not device-local GTT (radv's memory heaps,
 * radv_physical_device.c). Memory with neither property is taken as GTT.
 */
export function amdgpuDomainOf(properties: ReadonlySet<string>): AmdgpuDomain {
  return properties.has('device-local') ? 'VRAM|GTT' : 'GTT';
}

/**
 * Why amdgpu refuses to create a BO of `size` bytes (page-rounded) in `domain` with ENOMEM, or
 * undefined when it passes the check. With GTT among the requested domains amdgpu_bo_validate_size
 * checks GTT alone ("If GTT is part of requested domains the check must succeed to allow fall back
 * to GTT": `if (domain & AMDGPU_GEM_DOMAIN_GTT) { … if (size < man->size) return true; … fail }`),
 * and every radv request has GTT, so VRAM's size decides nothing: a device-local BO that fits VRAM
 * but not GTT is refused (a change to check VRAM first, "drm/amdgpu: Allow buffers that don't fit
 * GTT into VRAM", 2025, was turned down: VRAM must be evacuable to GTT on suspend).
 * amdgpu_gem_create_ioctl's retry with GTT added is only for a request of VRAM alone, which radv
 * does not make. The same shape in every version checked: 5.10's (`man->size << PAGE_SHIFT`,
 * pages), the later byte-sized one, and the 2024 rewrite that picks `man` the same way.
 */
export function amdgpuSizeRefusal(
  size: bigint,
  domain: AmdgpuDomain,
  traits: Pick<DriverTraits, 'gttSize'>,
): string | undefined {
  // The sizes are compared first: every allocation passes through here, and only a refusal
  // needs its message (formatting one for each BO that passes cost more than the check).
  if (size < traits.gttSize) return undefined;
  const gtt = `the GTT domain (\`gtt\` ${formatSize(traits.gttSize)})`;
  const asked =
    domain === 'GTT'
      ? ''
      : ': radv asks for VRAM|GTT, and with GTT among the domains amdgpu checks GTT alone, whatever the VRAM';
  return `amdgpu_bo_validate_size: a ${formatSize(size)} BO is not smaller than ${gtt}${asked} ("BO size > total memory in domain"), so amdgpu_bo_create refuses it before ttm_bo_init_reserved`;
}
