// A driver's behaviour: the traits that decide whether a strategy survives (facts vulkan-wine
// §2 and §4). Declared in a `driver NAME { … }` block; a preset gives a known driver's values.
import { deviceIsCpu } from './software-device';
import type { Argument, DriverNode, TraitNode, Word } from '../syntax/ast';
import type { LanguageProblem } from '../sim/problems';
import { evaluateConstant } from '../sim/evaluate';
import { reportExtraLineValues } from '../sim/extra-line-values';
import { formatSize, GiB, KiB, MiB } from '../numbers';
import { TRAIT_BY_NAME, type TraitSpec } from '../language/vocabulary';
import { didYouMean } from '../language/closest-word';
import { ownEntry } from '../own-entry';
import { checksAmdgpuDomains } from './amdgpu-domains';
import { I915_NO_MMAP_OFFSET, i915HasMmapOffset } from './i915-nodes';
import type { KernelVersion } from '../kernel/types';
import { noVmBindText, nvkLacksVmBind } from './nouveau-vm-bind';

export type MapTiming = 'at-map' | 'at-alloc' | 'at-alloc-cached' | 'pool';
export type Backing = 'device' | 'shmem' | 'anon';
export type Reuse = 'never' | 'after-unmap' | 'after-free';

export interface PlacedSupport {
  readonly supported: boolean;
  /** minPlacedMemoryMapAlignment. */
  readonly alignment: bigint;
  readonly rangePlaced: boolean;
  readonly unmapReserve: boolean;
  /**
   * The driver reports the system page size (os_get_page_size: RADV, NVK, Turnip; facts §2), so
   * `alignment` is its value on 4 KiB pages and a larger `page-size` raises it. ANV's is 4096
   * whatever the page size; an explicit `placed-map` trait says exactly.
   */
  readonly followsPageSize?: boolean;
  /** Why a preset's driver lacks the extension on this system, for placed-unsupported (onKernel). */
  readonly unsupportedBecause?: string;
}

export interface DriverTraits {
  readonly maps: MapTiming;
  readonly backing: Backing;
  readonly cachesPointer: boolean;
  readonly reuses: Reuse;
  readonly poolSize: bigint;
  readonly alignment: bigint;
  readonly internalMappings: bigint;
  readonly placed: PlacedSupport;
  /**
   * How the driver's mappings are made: libc's mmap (a symbol hook sees them), the raw syscall, or
   * inside an ioctl by the kernel itself (ANV before Linux 5.6, onKernel); only `libc` is hookable.
   */
  readonly mmapVia: 'libc' | 'syscall' | 'ioctl';
  /**
   * VK_EXT_external_memory_host with a nonzero minImportedHostPointerAlignment: what Wine falls
   * back to when it cannot place maps (vulkan-wine §3.2), and what Wine 9.0 always uses (§3.4).
   */
  readonly externalMemoryHost: boolean;
  /**
   * The kernel driver a `backing device` driver's BOs come from (a preset property, no trait line
   * sets it). `drm`: one render-node fd (`/dev/dri/renderD128`) for every BO, each mapped at its
   * own fake mmap offset (facts linux-mm §4.1, §6.2), made when the driver first asks for it (the
   * GEM helpers' drm_gem_create_mmap_offset, at the driver's mmap-offset ioctl: the first map).
   * `amdgpu` (radv) and `nouveau` (nvk), TTM drivers: the same node and offsets, but TTM makes the
   * offset with the BO (ttm_bo_init_reserved calls drm_vma_offset_add for every
   * ttm_bo_type_device BO), so a BO with no room for one is never created; DriverOps.allocate.
   * amdgpu refuses before that a BO not smaller than its memory domain (vramSize, gttSize). `i915`: offsets as `drm`
   * (i915's mmap_offset_attach at DRM_I915_GEM_MMAP_OFFSET), but i915's mmap swaps the VMA's file
   * for its per-device anonymous inode, so maps shows `anon_inode:i915.gem` (§4.1, §6.2; Linux
   * 5.6+, DriverOps.newBo). `msm` (turnip): offsets as `drm`, BO mappings without VM_IO
   * from Linux 6.0 (msm_gem_object_mmap; model/msm-nodes.ts). `nvidia`: a new fd per BO, `/dev/nvidia0`, mapped at offset 0 (§4.1:
   * `vm_pgoff` must be 0, the target comes from a per-fd mmap context; §6.2).
   */
  readonly kernelDriver: 'drm' | 'amdgpu' | 'nouveau' | 'i915' | 'msm' | 'nvidia';
  /**
   * VkPhysicalDeviceLimits::nonCoherentAtomSize in bytes: the granularity of flush and invalidate
   * ranges (model/mapped-memory-range.ts). Every modelled driver reports 64; see PRESETS.
   */
  readonly nonCoherentAtomSize: bigint;
  /**
   * The sizes of amdgpu's VRAM and GTT domains in bytes (`vram`, `gtt`; sysfs
   * mem_info_vram_total, mem_info_gtt_total): amdgpu_bo_validate_size refuses a BO not smaller
   * than its domain (model/amdgpu-domains.ts). Only a driver on amdgpu reads them, and no check
   * reads vramSize: radv asks for VRAM|GTT, which amdgpu checks against GTT alone; VRAM's size
   * would decide only a request of VRAM alone (RADV_PERFTEST=nogttspill, not modelled).
   */
  readonly vramSize: bigint;
  readonly gttSize: bigint;
  /**
   * What the driver's vkUnmapMemory2 does when the PROT_NONE `MAP_FIXED` mmap of
   * VK_MEMORY_UNMAP_RESERVE_BIT_EXT fails (a preset property, no trait line sets it). `returned`:
   * the spec's answer, VK_ERROR_MEMORY_MAP_FAILED with the object still host-mapped (vulkan-wine
   * §1.1), as NVK (nvkmd_nouveau_mem_overmap), ANV (anv_device_unmap_bo) and Turnip (tu_bo_unmap)
   * do: each returns the error before it forgets its map. `ignored`: RADV's
   * radv_amdgpu_winsys_bo_unmap casts the mmap's result to void and clears `cpu_map` anyway, and
   * radv_UnmapMemory2 returns VK_SUCCESS: the object is unmapped for Vulkan, though its pages stay
   * mapped where the overmap failed.
   */
  readonly unmapReserveFailure: 'returned' | 'ignored';
  /**
   * The CPU mapping is the memory's GPU address (H6, `fixed-mapping`): Turnip on KGSL maps a
   * replayable BO at vkAllocateMemory with KGSL_MEMFLAGS_USE_CPU_MAP (SVM) and sets `bo->iova =
   * (uint64_t)map` and `never_unmap` ("the CPU mapping must stay fixed for the lifetime of the
   * BO", kgsl_bo_user_map in tu_knl_kgsl.cc). tu_bo_unmap then returns before any munmap or
   * RESERVE mmap, tu_bo_map returns that mapping to every vkMapMemory and refuses a placed map
   * elsewhere, and only vkFreeMemory unmaps it (kgsl_bo_finish; tu_knl.cc). Replayable are the
   * allocations with VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_CAPTURE_REPLAY_BIT or an
   * opaqueCaptureAddress (tu_AllocateMemory, tu_device.cc), host-visible or not.
   */
  readonly fixedMapping: boolean;
  /**
   * How much of the BO a vkMapMemory of a range maps (a preset property, no trait line sets it).
   * `whole-bo`: all of it, whatever the range (radv_amdgpu_winsys_bo_map maps `bo->base.size`;
   * facts vulkan-wine §2 note 1). `to-range-end`: from the BO's start through the range's end,
   * page-rounded: ANV's anv_MapMemory2KHR takes map_offset = 0 on the mmap-offset path and
   * map_size = align64(offset + size - map_offset, 4096) (anv_device.c; newer Mesa moved it to
   * anv_sanitize_map_params), so VK_WHOLE_SIZE alone maps the whole BO (model/own-map-length.ts).
   */
  readonly mapLength: 'whole-bo' | 'to-range-end';
  /**
   * The size of a buffer object the driver imports from a dma-buf (a preset property, no trait
   * line sets it). `allocation`: the driver refuses a dma-buf smaller than the page-rounded
   * allocationSize with VK_ERROR_INVALID_EXTERNAL_HANDLE, as anv does, and maps the allocation's
   * page-rounded size. `kernel-bo`: the driver takes the size the kernel reports for the object
   * and checks nothing against allocationSize: it maps, unmaps and overmaps the whole imported
   * object, larger or smaller than the allocation (NVK and RADV). `kernel-bo-at-least`: it maps
   * the kernel's size as `kernel-bo` does, but refuses a dma-buf smaller than the page-rounded
   * allocationSize as `allocation` does (Turnip on msm). model/imported-bo-length.ts.
   */
  readonly importSize: 'allocation' | 'kernel-bo' | 'kernel-bo-at-least';
  /**
   * Whether host memory imported with VK_EXT_external_memory_host can be DEVICE_LOCAL (a preset
   * property, no trait line sets it), so Wine's import keeps a DEVICE_LOCAL host-visible
   * allocation's type (memory-type-lost does not apply). False is RADV's behaviour: a host pointer
   * may use only its first cached GTT type (radv_GetMemoryHostPointerPropertiesEXT), system memory.
   * True for lavapipe: its one memory type is DEVICE_LOCAL|HOST_VISIBLE|HOST_COHERENT|HOST_CACHED
   * (lvp_GetPhysicalDeviceMemoryProperties) and lvp_GetMemoryHostPointerPropertiesEXT answers
   * memoryTypeBits 1 (src/gallium/frontends/lavapipe/lvp_device.c).
   */
  readonly hostImportDeviceLocal: boolean;
  /**
   * Whether an import of a buffer the driver exported itself (export from one driver, import
   * into the same one) gets the exporter's userspace BO, and so its one CPU mapping (a preset
   * property, no trait line sets it; model/self-import.ts). Turnip on msm: the import's
   * drmPrimeFDToHandle returns the exporter's own GEM handle (drm_gem_prime_fd_to_handle finds
   * the object in the same drm_file), msm_bo_init_dmabuf finds its tu_bo with tu_device_lookup_bo
   * and takes a reference ("Importing the same dmabuf several times would yield the same
   * gem_handle"), tu_bo_map returns the existing `bo->map` or refuses another placed address
   * ("Cannot remap BO to a different address"), tu_bo_unmap unmaps it for both, and only the last
   * reference's tu_drm_bo_finish munmaps (tu_knl_drm_msm.cc, tu_knl.cc, tu_knl_drm.cc). Not
   * NVK: nvkmd_nouveau_import_dma_buf shares the nouveau_ws_bo but makes a new nvkmd_mem with its
   * own `client_map` per import (nvkmd_nouveau_mem.c, nvkmd.c). Not RADV: radv_amdgpu_winsys_bo_from_fd
   * makes a new radv_amdgpu_winsys_bo per import, with its own `cpu_map`, though amdgpu_bo_import
   * hands back the same amdgpu_bo_handle (winsys/amdgpu/radv_amdgpu_bo.c). Not with
   * `fixed-mapping` (Turnip on KGSL): a new tu_bo per import (self-import.ts, sharesSelfImportBo).
   */
  readonly selfImportSharesBo: boolean;
  /**
   * The driver has no GPU (a preset property, no trait line sets it; `backing anon` implies it,
   * model/software-device.ts): its rasterizer runs on the CPU and reaches memory through the
   * driver's own mapping. lavapipe's does whatever backs its memory: llvmpipe draws through the
   * pointer llvmpipe_map_memory returned (lp_screen.c, lp_texture.c). A `backing shmem` driver
   * without a preset is a GPU driver whose BOs are memfds.
   */
  readonly softwareRasterizer: boolean;
}

export interface DriverModel extends DriverTraits {
  readonly name: string;
  readonly node: DriverNode | undefined;
  /** The trait lines that set each value, for hover and related information. */
  readonly traitSources: ReadonlyMap<string, TraitNode>;
  /**
   * Traits left open with `any` (`maps any`; an `any` line opens every trait, recorded as `*`):
   * analysis uses the value above for them, exploration tries every value.
   */
  readonly openTraits?: ReadonlySet<string>;
  /**
   * Why the driver gets no device on the scenario's kernel (onKernel: NVK before Linux 6.6,
   * model/nouveau-vm-bind.ts): the kernel's refusal of its device-creation ioctl. Its set-up
   * records that refusal, and each of its vkAllocateMemory calls fails.
   */
  readonly noDeviceBecause?: string;
}

const MESA_PLACED: PlacedSupport = {
  supported: true,
  alignment: 4n * KiB,
  rangePlaced: false,
  unmapReserve: true,
  followsPageSize: true,
};
const NO_PLACED: PlacedSupport = {
  supported: false,
  alignment: 4n * KiB,
  rangePlaced: false,
  unmapReserve: false,
};

/** A Mesa-like driver: maps BOs on vkMapMemory, keeps no pointer, supports placed maps at 4 KiB. */
export const DEFAULT_TRAITS: DriverTraits = {
  maps: 'at-map',
  backing: 'device',
  cachesPointer: false,
  reuses: 'never',
  poolSize: 64n * MiB,
  alignment: 4n * KiB,
  internalMappings: 0n,
  placed: MESA_PLACED,
  mmapVia: 'libc',
  externalMemoryHost: true,
  kernelDriver: 'drm',
  nonCoherentAtomSize: 64n,
  // A typical discrete card (8 GiB of VRAM) in a machine with 32 GiB of RAM, whose GTT is half
  // of it: amdgpu's default (`amdgpu.gttsize=-1`) is TTM's page limit, half of system memory,
  // since "drm/amdgpu: Set GTT size equal to TTM mem limit" (2023); before, max(3 GiB, half of
  // RAM), and earlier still at most 3/4 of RAM. From the kernel source, not the facts.
  vramSize: 8n * GiB,
  gttSize: 16n * GiB,
  unmapReserveFailure: 'returned',
  fixedMapping: false,
  mapLength: 'whole-bo',
  importSize: 'allocation',
  hostImportDeviceLocal: false,
  selfImportSharesBo: false,
  softwareRasterizer: false,
};

/**
 * The spec's bound on nonCoherentAtomSize (limits.adoc, Required Limits: "max 256"); it is a
 * power of two. Real devices report 1 to 256.
 */
export const MAX_NON_COHERENT_ATOM_SIZE = 256n;

// nonCoherentAtomSize: every preset keeps the default 64, each from its driver's limits table in
// Mesa: radv_physical_device.c (radv_get_physical_device_properties), anv_physical_device.c
// (get_properties), nvk_physical_device.c, tu_device.cc (tu_get_properties), lvp_device.c
// (lvp_get_properties) all set `.nonCoherentAtomSize = 64`. `nvidia` (and `proprietary`, which
// has NVIDIA's kernel layout): NVIDIA's desktop driver reports 64 as well, but no source in the
// facts or Mesa says so: unsourced.
//
// cachesPointer (a mapping that outlives vkUnmapMemory) is set by no Mesa GPU preset: the pointers
// RADV, ANV and Turnip keep (H2) are their internal BOs' (`internal-mappings`), and each drops the
// application's mapping at vkUnmapMemory2. radv_UnmapMemory2 calls radv_amdgpu_winsys_bo_unmap for
// every BO not imported from a host pointer, which munmaps (or maps PROT_NONE over) `cpu_map` and
// sets it to NULL (radv_device_memory.c, radv_amdgpu_bo.c); anv_UnmapMemory2KHR unmaps `mem->map`
// with anv_device_unmap_bo and clears it (anv_device.c, anv_allocator.c); tu_UnmapMemory2KHR's
// tu_bo_unmap munmaps `bo->map` and clears it unless the BO is `never_unmap`, which only KGSL's
// replayable BOs are (tu_device.cc, tu_knl.cc). So a placed map after the application's own map
// and unmap finds nothing mapped (H4 does not apply), which radv's `!bo->cpu_map` assert relies on.
export const PRESETS: Readonly<Record<string, DriverTraits>> = {
  // kernelDriver: radv runs on amdgpu and nvk on nouveau, both TTM drivers (drivers/gpu/drm/ttm);
  // turnip runs on msm, whose BO mappings have no VM_IO from Linux 6.0 (msm_gem_object_mmap,
  // model/msm-nodes.ts). From the kernel source, not the facts.
  // importSize: RADV imports a dma-buf at the kernel's size of the object and never compares it
  // with allocationSize (model/imported-bo-length.ts).
  radv: {
    ...DEFAULT_TRAITS,
    internalMappings: 32n * MiB,
    kernelDriver: 'amdgpu',
    unmapReserveFailure: 'ignored',
    importSize: 'kernel-bo',
  },
  // No `alignment`: ANV maps a BO with one mmap of its page-rounded size (`map_size =
  // align64(…, 4096)`, facts vulkan-wine §2 note 2). Its 2 MiB is the size of slab parents (§4
  // H1/H8), not an alignment of CPU mappings; a driver that aligns them says `alignment 2MiB`.
  anv: {
    ...DEFAULT_TRAITS,
    internalMappings: 64n * MiB,
    placed: { ...MESA_PLACED, followsPageSize: false },
    // ANV on i915. On xe (TTM) maps shows the render node: a driver without the preset, or with
    // another one, models that. Before Linux 5.6 it has no placed maps (onKernel).
    kernelDriver: 'i915',
    mapLength: 'to-range-end',
  },
  // VK_EXT_external_memory_host: RADV with userptr (every amdgpu kernel), ANV and lavapipe expose
  // it; NVK and Turnip do not (their extension tables in nvk_physical_device.c, tu_device.cc);
  // the closed drivers the fact sheet reports on (Qualcomm, Mali) end in Wine's direct map (§2
  // note 7), so neither of Wine's fallbacks found an extension there.
  // importSize: NVK imports a dma-buf at the kernel's size of the object and never compares it
  // with allocationSize (model/imported-bo-length.ts).
  nvk: { ...DEFAULT_TRAITS, externalMemoryHost: false, kernelDriver: 'nouveau', importSize: 'kernel-bo' },
  // importSize: Turnip maps an imported dma-buf at the kernel's size of it and refuses one
  // smaller than allocationSize (msm_bo_init_dmabuf; model/imported-bo-length.ts).
  // selfImportSharesBo: its own dma-buf imported back is the same tu_bo (model/self-import.ts).
  turnip: {
    ...DEFAULT_TRAITS,
    maps: 'at-alloc-cached',
    externalMemoryHost: false,
    kernelDriver: 'msm',
    importSize: 'kernel-bo-at-least',
    selfImportSharesBo: true,
  },
  // lavapipe on Mesa 24.2 and later ("llvmpipe: Use an anonymous file for memory allocations",
  // 24.2.0 release notes): llvmpipe_screen_create makes one memfd per screen
  // (`os_create_anonymous_file(0, "allocation fd")`, lp_screen.c), each allocation takes a
  // page-aligned offset in it from util_vma_heap_alloc (the file grown by ftruncate), and
  // llvmpipe_map_memory mmaps it MAP_SHARED at that offset. `backing shmem` gives each allocation
  // a memfd of its own instead: a simplification that changes only the name in /proc/pid/maps and
  // the file offsets, not the answers that matter here (a shared mapping keeps its pages under
  // MREMAP_DONTUNMAP, can be duplicated with old_size 0, and stays shared across fork). Mesa
  // before 24.2 (os_malloc_aligned: private anonymous memory, measured on 22.3.6) is `preset
  // lavapipe` then `backing anon`: a later line overrides the preset (readDriver).
  lavapipe: {
    ...DEFAULT_TRAITS,
    maps: 'at-alloc',
    backing: 'shmem',
    cachesPointer: true,
    placed: NO_PLACED,
    hostImportDeviceLocal: true,
    softwareRasterizer: true,
  },
  // A closed driver without placed maps, not any one real driver: its extension set is the one
  // the facts report for the closed mobile drivers, Qualcomm's and Mali's (vulkan-wine §2 note 7:
  // neither has VK_EXT_map_memory_placed, and both end in Wine's direct map, so neither has
  // external_memory_host either; AndreRH/hangover#168), and its kernel layout is NVIDIA's, the
  // one closed driver's mmap layout the facts give (linux-mm §4.1, §6.2): KGSL's and kbase's are
  // not modelled. NVIDIA's own driver is `nvidia`.
  proprietary: {
    ...DEFAULT_TRAITS,
    cachesPointer: true,
    reuses: 'after-free',
    placed: NO_PLACED,
    externalMemoryHost: false,
    kernelDriver: 'nvidia',
  },
  // NVIDIA's Linux driver. VK_EXT_map_memory_placed: exposed since the Vulkan developer driver
  // 535.43.10 (its changelog, as an NVIDIA Vulkan developer's review reports it; the facts list
  // NVIDIA as "unconfirmed", vulkan-wine §2 note 7). Its features and minPlacedMemoryMapAlignment
  // are in no source here: memoryUnmapReserve is assumed (Wine takes the placed path only with
  // it, §3.2), memoryMapRangePlaced not, the alignment the page size as in Mesa.
  // VK_EXT_external_memory_host: likely, less sourced: a vulkaninfo from the proprietary Linux
  // driver lists it (nowrep/obs-vkcapture#71, 515.x), and a 2020 report has it in the Linux beta
  // driver (larso0/vmgpu#3); not in the facts. No caches-pointer and no reuse: nothing in the facts says the
  // driver keeps the application's mapping past vkUnmapMemory or hands freed memory out again.
  nvidia: {
    ...DEFAULT_TRAITS,
    kernelDriver: 'nvidia',
  },
};

/**
 * Whether the driver maps this memory at vkAllocateMemory (H3): always for `at-alloc`; for
 * `at-alloc-cached` only HOST_CACHED non-coherent memory the driver makes, whose cache lines
 * Turnip cleans through the mapping (`tu_bo_map` in `msm_bo_init`): not an `imported` dma-buf,
 * which msm_bo_init_dmabuf never maps (tu_knl_drm_msm.cc), so it is mapped at vkMapMemory. Never
 * memory that is not HOST_VISIBLE: no driver has a CPU mapping of it.
 */
export function mapsAtAllocation(
  driver: DriverTraits,
  properties: ReadonlySet<string>,
  shared = false,
  imported = false,
): boolean {
  // KGSL's SVM BOs get their GPU address from the CPU mapping, so even memory that is not
  // HOST_VISIBLE is mapped (kgsl_bo_init maps every replayable BO).
  if (hasFixedMapping(driver, shared)) return true;
  if (!properties.has('host-visible')) return false;
  if (driver.maps === 'at-alloc') return true;
  return (
    driver.maps === 'at-alloc-cached' && !imported && properties.has('cached') && !properties.has('coherent')
  );
}

/** The driver's traits on a system of `pageSize` pages: see PlacedSupport.followsPageSize. */
export function onPageSize<T extends DriverTraits>(driver: T, pageSize: bigint): T {
  const placed = driver.placed;
  if (!placed.followsPageSize || pageSize <= placed.alignment) return driver;
  return { ...driver, placed: { ...placed, alignment: pageSize } };
}

/**
 * The driver's traits on a kernel of `version`: NVK has no device before Linux 6.6
 * (nouveau-vm-bind.ts, noDeviceBecause). ANV exposes VK_EXT_map_memory_placed only with
 * `device->info.has_mmap_offset` (anv_physical_device.c, get_device_extensions; facts
 * vulkan-wine §2 note 2), which on i915 needs DRM_I915_GEM_MMAP_OFFSET, Linux 5.6
 * (model/i915-nodes.ts). A `placed-map` line says what the driver exposes and is kept. Applied
 * after exploration's values too (sim/declarations.ts): an explored value is the driver's
 * behaviour, and the kernel leaves ANV before 5.6 only one.
 */
export function onKernel<T extends DriverModel>(driver: T, version: KernelVersion): T {
  // NVK needs nouveau's VM_BIND (Linux 6.6): before it there is no device at all.
  if (nvkLacksVmBind(driver, version)) return { ...driver, noDeviceBecause: noVmBindText(version) };
  if (!kernelDecides(driver, 'placed-map', version) && !kernelDecides(driver, 'mmap-via', version))
    return driver;
  const placed =
    driver.placed.supported && kernelDecides(driver, 'placed-map', version)
      ? { ...NO_PLACED, unsupportedBecause: I915_NO_MMAP_OFFSET }
      : driver.placed;
  // Without the mmap offset ANV maps with DRM_IOCTL_I915_GEM_MMAP, whose vm_mmap runs in the
  // kernel (i915_gem_mmap_ioctl): neither Wine's mmap hook nor box64's mmap symbol sees it.
  const mmapVia = kernelDecides(driver, 'mmap-via', version) ? 'ioctl' : driver.mmapVia;
  return { ...driver, placed, mmapVia };
}

/**
 * Whether the kernel, not the scenario, decides the trait (`placed-map` or `mmap-via`) for this
 * driver (onKernel): ANV on i915 before Linux 5.6, unless a line gives the trait a value. An
 * `any` line gives none: it asks what the driver may do, and on that kernel it can do one thing
 * (docs/explore.md: the editor analyses the scenario with the default value).
 */
export function kernelDecides(
  driver: DriverModel,
  trait: 'placed-map' | 'mmap-via',
  version: KernelVersion,
): boolean {
  if (driver.kernelDriver !== 'i915' || driver.backing !== 'device' || i915HasMmapOffset(version))
    return false;
  const line = driver.traitSources.get(trait);
  return line === undefined || isAnyLine(line);
}

/** How a mapping not made through libc's mmap is made: why a symbol hook does not see it. */
export function mmapUnseen(via: Exclude<DriverTraits['mmapVia'], 'libc'>): string {
  return via === 'syscall'
    ? 'calls the mmap syscall directly'
    : 'maps through DRM_IOCTL_I915_GEM_MMAP (its kernel is older than Linux 5.6), whose mmap the kernel makes inside the ioctl';
}

/**
 * Whether the driver reaches its memory through its own CPU mapping and keeps that mapping until
 * vkFreeMemory: a driver that caches its pointer (H2), and every driver whose memory is private
 * anonymous pages. Such a driver has no GPU and no object behind the pages, so unmapping would
 * throw the contents away; lavapipe maps in lvp_AllocateMemory and its vkUnmapMemory is a no-op
 * (facts vulkan-wine §2 note 6). A `fixed-mapping` driver keeps it as the memory's GPU address
 * (DriverTraits.fixedMapping).
 */
export function keepsPointer(driver: DriverTraits, shared = false): boolean {
  // A driver with no GPU (deviceIsCpu: backing anon, lavapipe whatever its backing) reaches its
  // memory only through its pointer, so it always has one, whatever a `caches-pointer` line says.
  return driver.cachesPointer || deviceIsCpu(driver) || hasFixedMapping(driver, shared);
}

/**
 * Whether a memory's CPU mapping is its GPU address: a `fixed-mapping` driver's own buffer
 * object, never one shared with another API or process (`shared`: exportable or imported,
 * sharesBo). Turnip on KGSL never makes those replayable: an exportable BO takes the dma-heap
 * path in kgsl_bo_init before KGSL_MEMFLAGS_USE_CPU_MAP, and an import goes through
 * kgsl_bo_init_dmabuf, which maps nothing (mesa src/freedreno/vulkan/tu_knl_kgsl.cc).
 */
export function hasFixedMapping(driver: DriverTraits, shared: boolean): boolean {
  return driver.fixedMapping && !shared;
}

/**
 * Whether Wine takes the placed path for this driver (vulkan-wine §3.2, init_physical_device):
 * the extension with both memoryMapPlaced and memoryUnmapReserve (memoryMapRangePlaced is not
 * needed). Wine's GL interop device asks the same (§3.6).
 */
export function winePlacesMaps(driver: DriverTraits): boolean {
  return driver.placed.supported && driver.placed.unmapReserve;
}

/**
 * In `openTraits`, `!NAME` marks a trait a later line closed again after an `any` line opened
 * every trait (`*`): see isTraitOpen.
 */
const CLOSED = '!';

/**
 * The word that leaves a trait open (`maps any`) or, alone on a line, every trait of the driver
 * (docs/explore.md); the grammar colors it as it colors trait values and trait keywords.
 */
export const OPEN_TRAIT_WORD = 'any';

/** `maps any`: the trait's one value is `any` (read as a word or as a name). */
function isAnyLine(trait: TraitNode): boolean {
  const isAny =
    trait.words[0]?.name === OPEN_TRAIT_WORD ||
    (trait.args[0]?.kind === 'name' && trait.args[0].name === OPEN_TRAIT_WORD);
  return isAny && trait.words.length + trait.args.length === 1;
}

/**
 * A trait line holds one value (docs/language.md, Drivers; sim/extra-line-values.ts). A missing
 * or wrong first value is reported by the trait itself; `placed-map` checks its own words,
 * `gl-client-pointer` takes none.
 */
function reportExtraValues(trait: TraitNode, spec: TraitSpec, problems: LanguageProblem[]): void {
  const name = trait.keyword.name;
  // `maps any pool`: `any` stands alone, which the trait's own value check says once.
  const first = trait.words[0] ?? trait.args[0];
  if (first && (first.kind === 'word' || first.kind === 'name') && first.name === OPEN_TRAIT_WORD) return;
  let extra: readonly (Word | Argument)[] = [];
  if (spec.args === 'expr') extra = [...trait.words, ...trait.args.slice(1)];
  else if (spec.args === 'words') extra = trait.args.slice(1);
  // With no word, a number is the (wrong) value itself, which the trait reports.
  else if (spec.args === 'word')
    extra = trait.words.length > 0 ? [...trait.words.slice(1), ...trait.args] : trait.args.slice(1);
  const takes = `\`${name}\` takes one ${spec.args === 'words' ? 'alignment' : 'value'}${spec.example.includes(' ') ? `, as in \`${spec.example}\`` : ''}`;
  reportExtraLineValues(extra, takes, problems);
}

/** Whether exploration varies `trait` of this driver. */
export function isTraitOpen(driver: DriverModel, trait: string): boolean {
  const open = driver.openTraits;
  return open !== undefined && isOpenIn(open, trait);
}

/** Whether `trait` is open in a set of open traits (see isTraitOpen). */
function isOpenIn(open: ReadonlySet<string>, trait: string): boolean {
  return open.has(trait) || (open.has('*') && !open.has(CLOSED + trait));
}

export function defaultDriver(name: string): DriverModel {
  return { ...DEFAULT_TRAITS, name, node: undefined, traitSources: new Map() };
}

export function readDriver(node: DriverNode, problems: LanguageProblem[]): DriverModel {
  const traits: { -readonly [K in keyof DriverTraits]: DriverTraits[K] } = { ...DEFAULT_TRAITS };
  const sources = new Map<string, TraitNode>();
  const presetTrait = node.traits.find((t) => t.keyword.name === 'preset');
  if (presetTrait) {
    const preset = presetTrait.words[0]?.name;
    const values = preset ? ownEntry(PRESETS, preset) : undefined;
    if (values) Object.assign(traits, values);
    else {
      problems.push({
        code: 'unknown-word',
        range: presetTrait.words[0] ?? presetTrait,
        message: `unknown preset${preset ? ` \`${preset}\`` : ''}${didYouMean(preset, Object.keys(PRESETS))} (known: ${Object.keys(PRESETS).join(', ')})`,
      });
    }
  }
  const open = new Set<string>();
  for (const trait of node.traits) {
    const name = trait.keyword.name;
    const spec = TRAIT_BY_NAME.get(name);
    // `any`: the behaviour is left open for exploration (docs/explore.md).
    if (name === OPEN_TRAIT_WORD && trait.words.length === 0 && trait.args.length === 0) {
      // Every trait open again, also those an earlier line closed.
      for (const entry of [...open]) if (entry.startsWith(CLOSED)) open.delete(entry);
      open.add('*');
      continue;
    }
    if (spec && name !== 'preset' && isAnyLine(trait)) {
      open.add(name);
      open.delete(CLOSED + name);
      sources.set(name, trait);
      continue;
    }
    // A concrete value closes the trait again, also after an `any` line that opened them all.
    open.delete(name);
    if (open.has('*')) open.add(CLOSED + name);
    if (!spec) {
      problems.push({
        code: 'unknown-word',
        range: trait.keyword,
        message: `\`${name}\` is not a driver trait${didYouMean(name, TRAIT_BY_NAME.keys())} (known: ${[...TRAIT_BY_NAME.keys()].join(', ')})`,
      });
      continue;
    }
    const previous = sources.get(name);
    // `maps any` then `maps at-map` is how a trait is closed again: not a duplicate.
    if (previous && name !== 'preset' && !isAnyLine(previous)) {
      problems.push({
        code: 'duplicate-setting',
        range: trait.keyword,
        message: `\`${name}\` is already set for this driver; the later value wins`,
        related: [{ range: previous, message: 'first set here' }],
      });
    }
    sources.set(name, trait);
    reportExtraValues(trait, spec, problems);
    const word = trait.words[0]?.name;
    const oneOf = <T extends string>(allowed: readonly T[]): T | undefined => {
      if (word !== undefined && (allowed as readonly string[]).includes(word)) return word as T;
      problems.push({
        code: 'unknown-word',
        range: trait.words[0] ?? trait,
        message: `\`${name}\` takes one of: ${allowed.join(', ')}${didYouMean(word, allowed)}`,
      });
      return undefined;
    };
    const size = (): bigint | undefined => {
      const arg = trait.args[0];
      if (!arg || arg.kind === 'string') {
        problems.push({
          code: 'syntax-error',
          range: trait,
          message: `\`${name}\` needs a size, e.g. \`${spec.example}\``,
        });
        return undefined;
      }
      return evaluateConstant(arg, problems);
    };
    switch (name) {
      case 'maps':
        traits.maps = oneOf(['at-map', 'at-alloc', 'at-alloc-cached', 'pool'] as const) ?? traits.maps;
        break;
      case 'backing':
        traits.backing = oneOf(['device', 'shmem', 'anon'] as const) ?? traits.backing;
        break;
      case 'caches-pointer':
        // Alone it means yes; `no` turns off a preset's (as `drvmap explore` prints the values).
        traits.cachesPointer =
          word === undefined && trait.args.length === 0
            ? true
            : (oneOf(['yes', 'no'] as const) ?? (traits.cachesPointer ? 'yes' : 'no')) === 'yes';
        break;
      case 'external-memory-host':
        // Alone it means yes, as for caches-pointer.
        traits.externalMemoryHost =
          word === undefined && trait.args.length === 0
            ? true
            : (oneOf(['yes', 'no'] as const) ?? (traits.externalMemoryHost ? 'yes' : 'no')) === 'yes';
        break;
      case 'fixed-mapping':
        // Alone it means yes, as for caches-pointer.
        traits.fixedMapping =
          word === undefined && trait.args.length === 0
            ? true
            : (oneOf(['yes', 'no'] as const) ?? (traits.fixedMapping ? 'yes' : 'no')) === 'yes';
        break;
      case 'gl-client-pointer':
        if (trait.words.length + trait.args.length > 0)
          problems.push({
            code: 'syntax-error',
            range: trait.words[0] ?? trait.args[0] ?? trait,
            message: '`gl-client-pointer` takes no value: write it alone, or leave it out',
          });
        break;
      case 'reuses':
        traits.reuses = oneOf(['never', 'after-unmap', 'after-free'] as const) ?? traits.reuses;
        break;
      case 'mmap-via':
        traits.mmapVia = oneOf(['libc', 'syscall'] as const) ?? traits.mmapVia;
        break;
      case 'non-coherent-atom': {
        const v = size();
        if (v === undefined) break;
        if (v === 0n || (v & (v - 1n)) !== 0n || v > MAX_NON_COHERENT_ATOM_SIZE) {
          problems.push({
            code: 'number-out-of-range',
            range: trait.args[0] ?? trait,
            message: `nonCoherentAtomSize is a power of two from 1 to 256 bytes (the spec's limit; devices report 1 to 256), not ${v} bytes`,
          });
          break;
        }
        traits.nonCoherentAtomSize = v;
        break;
      }
      case 'vram':
      case 'gtt': {
        const v = size();
        if (v === undefined) break;
        if (v < 4096n) {
          problems.push({
            code: 'number-out-of-range',
            range: trait.args[0] ?? trait,
            message: `the ${name === 'vram' ? 'VRAM' : 'GTT'} domain is at least a page, not ${formatSize(v)}`,
          });
          break;
        }
        if (name === 'vram') traits.vramSize = v;
        else traits.gttSize = v;
        break;
      }
      case 'pool-size':
      case 'alignment':
      case 'internal-mappings': {
        const v = size();
        if (v === undefined) break;
        if (name === 'alignment' && (v === 0n || (v & (v - 1n)) !== 0n || v % 4096n !== 0n)) {
          problems.push({
            code: 'number-out-of-range',
            range: trait.args[0] ?? trait,
            message: `alignment must be a power of two and a multiple of the page size, not ${formatSize(v)}`,
          });
          break;
        }
        if (name === 'pool-size') traits.poolSize = v;
        else if (name === 'alignment') traits.alignment = v;
        else traits.internalMappings = v;
        break;
      }
      case 'placed-map': {
        if (trait.words.some((w) => w.name === 'none')) {
          traits.placed = NO_PLACED;
          break;
        }
        const base = traits.placed.supported ? traits.placed : MESA_PLACED;
        let alignment = base.alignment;
        // An ALIGN says exactly; without one the alignment is the preset's (page size or fixed).
        let followsPageSize = base.followsPageSize;
        const arg = trait.args[0];
        if (arg && arg.kind !== 'string') {
          const v = evaluateConstant(arg, problems);
          if (v !== undefined) {
            // Spec: minPlacedMemoryMapAlignment is a power of two, and at most 64 KiB (limits.adoc).
            if (v === 0n || (v & (v - 1n)) !== 0n || v > 64n * KiB) {
              problems.push({
                code: 'number-out-of-range',
                range: arg,
                message: `minPlacedMemoryMapAlignment must be a power of two no larger than 64 KiB (the spec's required limit), not ${formatSize(v)}`,
              });
            } else {
              alignment = v;
              followsPageSize = false;
            }
          }
        }
        for (const w of trait.words) {
          if (w.name !== 'range-placed' && w.name !== 'no-unmap-reserve') {
            problems.push({
              code: 'unknown-word',
              range: w,
              message:
                '`placed-map` takes an alignment and optionally `range-placed`, `no-unmap-reserve`, or `none`',
            });
          }
        }
        traits.placed = {
          supported: true,
          alignment,
          rangePlaced: trait.words.some((w) => w.name === 'range-placed'),
          unmapReserve: !trait.words.some((w) => w.name === 'no-unmap-reserve'),
          followsPageSize,
        };
        break;
      }
    }
  }
  // A software driver (backing anon, or lavapipe whatever its backing) has no GPU: every access
  // goes through its CPU pointer, whatever the line says (exploration leaves this combination out
  // as impossible for backing anon; for lavapipe the pointer is kept either way, keepsPointer).
  const cachesLine = sources.get('caches-pointer');
  // Where the anonymous backing comes from: the `backing` line, or the preset that implies it.
  const anonSource = sources.get('backing') ?? sources.get('preset');
  const anonRelated = anonSource
    ? [{ range: anonSource, message: 'the driver keeps its memory in private anonymous pages here' }]
    : undefined;
  if (deviceIsCpu(traits) && !traits.cachesPointer && cachesLine?.words[0]?.name === 'no') {
    const anon = traits.backing === 'anon';
    const preset = sources.get('preset');
    problems.push({
      code: 'conflicting-traits',
      range: cachesLine.words[0] ?? cachesLine,
      message: `${anon ? 'a driver with `backing anon`' : 'lavapipe'} has no GPU${anon ? '' : ' (llvmpipe draws on the CPU)'}: its accesses always go through its CPU pointer, so \`caches-pointer no\` cannot hold`,
      related: anon
        ? anonRelated
        : preset && [
            { range: preset, message: 'a CPU rasterizer: its memory is reached through its pointer alone' },
          ],
    });
  }
  // GL_MESA_map_buffer_client_pointer has the driver map the buffer's pages again inside the
  // client range: private anonymous memory has no object to map twice (mremap only moves it), as
  // for placed maps. The trait is then not in effect (gl/context.ts); said when the scenario
  // wrote both (an explored `backing anon` says nothing: Wine just takes its other routes).
  const clientPointerLine = sources.get('gl-client-pointer');
  const backingWord = sources.get('backing')?.words[0]?.name;
  const presetWord = sources.get('preset')?.words[0]?.name;
  const anonWritten =
    backingWord === 'anon' ||
    (backingWord === undefined &&
      presetWord !== undefined &&
      ownEntry(PRESETS, presetWord)?.backing === 'anon');
  if (traits.backing === 'anon' && clientPointerLine && anonWritten) {
    problems.push({
      code: 'conflicting-traits',
      related: anonRelated,
      range: clientPointerLine,
      message:
        'a driver with `backing anon` keeps buffers in private anonymous memory, which cannot be mapped a second time inside a client pointer range (mremap only moves pages): `gl-client-pointer` cannot hold, and Wine takes its other routes',
    });
  }
  // Private anonymous memory, when the backing is not left open for exploration (which leaves
  // these combinations out itself, explore/driver-space.ts): its driver keeps the mapping for the
  // object's life (keepsPointer), and it has no placed maps, because there is no object to map a
  // second time at the caller's address: a MAP_FIXED anonymous map there is new zero-filled
  // memory (linux-mm §3.6, §4.3), and lavapipe exposes no VK_EXT_map_memory_placed (vulkan-wine
  // §2 note 6). A default or a preset's placed-map support silently gives way to the backing; a
  // `placed-map` line that says the driver supports it is a contradiction, said as such.
  if (traits.backing === 'anon' && !isOpenIn(open, 'backing')) {
    traits.cachesPointer = true;
    const placedLine = sources.get('placed-map');
    if (traits.placed.supported && placedLine && !isAnyLine(placedLine)) {
      problems.push({
        code: 'conflicting-traits',
        related: anonRelated,
        range: placedLine,
        message:
          "a driver with `backing anon` keeps its memory in private anonymous pages, which have no object to map a second time at the caller's address (a MAP_FIXED anonymous map there is new zero-filled memory): `placed-map` cannot hold, and the driver has no placed maps. A software driver that places maps backs its memory with a memfd: `backing shmem`",
      });
    }
    traits.placed = NO_PLACED;
  }
  // A fixed mapping is the BO's GPU address (Turnip KGSL's replayable BOs: kgsl_bo_init maps each
  // BO of its own at allocation, never a pool slot, and tu_bo_unmap leaves it): a `maps` line
  // that says the driver maps later or from a pool cannot hold, and fixed-mapping's model wins.
  const mapsLine = sources.get('maps');
  if (
    traits.fixedMapping &&
    mapsLine &&
    !isAnyLine(mapsLine) &&
    traits.maps !== 'at-alloc' &&
    traits.maps !== 'at-alloc-cached'
  ) {
    const fixedLine = sources.get('fixed-mapping');
    problems.push({
      code: 'conflicting-traits',
      range: mapsLine,
      message: `a driver with \`fixed-mapping\` maps each buffer object of its own at vkAllocateMemory and keeps it there (its GPU address is the CPU pointer), so \`maps ${traits.maps}\` cannot hold: the driver maps at allocation`,
      ...(fixedLine
        ? { related: [{ range: fixedLine, message: 'the mapping is tied to the GPU address here' }] }
        : {}),
    });
  }
  // Nor does KGSL cache such a BO: vkFreeMemory always runs kgsl_bo_finish, which unmaps it and
  // frees its GPU address (tu_knl_kgsl.cc), so `reuses after-free` cannot hold for it either.
  const reusesLine = sources.get('reuses');
  if (traits.fixedMapping && reusesLine && !isAnyLine(reusesLine) && traits.reuses === 'after-free') {
    const fixedLine = sources.get('fixed-mapping');
    problems.push({
      code: 'conflicting-traits',
      range: reusesLine,
      message:
        'a driver with `fixed-mapping` unmaps a buffer object and frees its GPU address at vkFreeMemory (kgsl_bo_finish), so `reuses after-free` cannot hold for such memory: it is not cached',
      ...(fixedLine
        ? { related: [{ range: fixedLine, message: 'the mapping is tied to the GPU address here' }] }
        : {}),
    });
  }
  // `vram` and `gtt` are amdgpu's domain sizes: another kernel driver does not check a BO
  // against them (nouveau_bo_alloc has no such check), nor does any for a software driver's
  // memory, even on `preset radv` (checksAmdgpuDomains), so there the line would change nothing.
  // A `backing` left open for exploration may still be `device`, where the line counts.
  for (const domain of ['vram', 'gtt'] as const) {
    const line = sources.get(domain);
    if (!line || checksAmdgpuDomains(traits)) continue;
    if (traits.kernelDriver === 'amdgpu' && isOpenIn(open, 'backing')) continue;
    const preset = sources.get('preset');
    // A `backing anon` or `shmem` driver (lavapipe) is a software one: its memory is ordinary
    // process memory, which no kernel GPU driver allocates or checks (language.md, `backing`).
    const software = traits.backing !== 'device';
    const why = software
      ? `this driver is a software one (\`backing ${traits.backing}\`): its memory is ordinary process memory, which no kernel GPU driver checks`
      : `this driver's kernel (${traits.kernelDriver}) has no such check`;
    const from = software ? (sources.get('backing') ?? preset) : preset;
    problems.push({
      code: 'conflicting-traits',
      range: line.keyword,
      message: `\`${domain}\` is the size of amdgpu's ${domain === 'vram' ? 'VRAM' : 'GTT'} domain, checked only by a driver on amdgpu (\`preset radv\`); ${why}, so the line is ignored`,
      related: from
        ? [
            {
              range: from,
              message: software
                ? 'what makes the driver a software one'
                : "the preset that sets the driver's kernel driver",
            },
          ]
        : undefined,
    });
  }
  if (traits.maps === 'pool' && traits.poolSize < 4096n) {
    problems.push({
      code: 'number-out-of-range',
      range: sources.get('pool-size') ?? node,
      message: 'the pool must be at least a page',
    });
    traits.poolSize = DEFAULT_TRAITS.poolSize;
  }
  const model = { ...traits, name: node.name?.name ?? 'driver', node, traitSources: sources };
  return open.size > 0 ? { ...model, openTraits: open } : model;
}
