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

/** AMDGPU_GEM_DOMAIN_VRAM or AMDGPU_GEM_DOMAIN_GTT. */
export type AmdgpuDomain = 'VRAM' | 'GTT';

/**
 * The domain radv asks for a memory object's BO: its device-local memory types are VRAM, its
 * host-visible ones that are not device-local GTT (radv's memory heaps,
 * radv_physical_device.c). Memory with neither property is taken as GTT.
 */
export function amdgpuDomainOf(properties: ReadonlySet<string>): AmdgpuDomain {
  return properties.has('device-local') ? 'VRAM' : 'GTT';
}

/**
 * Why amdgpu refuses to create a BO of `size` bytes (page-rounded) in `domain` with ENOMEM, or
 * undefined when it passes the check. A VRAM BO that does not fit is tried again with GTT added
 * (amdgpu_gem_create_ioctl's retry with `initial_domain |= AMDGPU_GEM_DOMAIN_GTT`), and with
 * GTT among the domains the check is against GTT ("the check must succeed to allow fall back to
 * GTT"): it fails only when it fits neither.
 */
export function amdgpuSizeRefusal(
  size: bigint,
  domain: AmdgpuDomain,
  traits: Pick<DriverTraits, 'vramSize' | 'gttSize'>,
): string | undefined {
  // The sizes are compared first: every allocation passes through here, and only a refusal
  // needs its message (formatting one for each BO that passes cost more than the check).
  if (domain === 'GTT' ? size < traits.gttSize : size < traits.vramSize || size < traits.gttSize)
    return undefined;
  const gtt = `the GTT domain (\`gtt\` ${formatSize(traits.gttSize)})`;
  if (domain === 'GTT')
    return `amdgpu_bo_validate_size: a ${formatSize(size)} BO is not smaller than ${gtt} ("BO size > total memory in domain"), so amdgpu_bo_create refuses it before ttm_bo_init_reserved`;
  return `amdgpu_bo_validate_size: a ${formatSize(size)} BO is not smaller than the VRAM domain (\`vram\` ${formatSize(traits.vramSize)}), nor, on amdgpu_gem_create_ioctl's retry with GTT added, than ${gtt} ("BO size > total memory in domain"), so amdgpu_bo_create refuses it before ttm_bo_init_reserved`;
}
