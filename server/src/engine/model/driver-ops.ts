// What a driver does in the address space: map its buffer objects (device BO, memfd or private
// anonymous memory), keep or drop its own pointer, suballocate from a pool, reuse freed BOs.
import {
  MAP_32BIT,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MAP_SHARED,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_PFNMAP,
  type DeviceTraits,
  type OpenFile,
  type SyscallResult,
} from '../kernel/types';
import { alignUp, formatHex, formatSize, minBig } from '../numbers';
import { RefusedCall } from '../sim/calls';
import type { Simulation } from '../sim/simulation';
import { hasFixedMapping, keepsPointer, mapsAtAllocation, mmapUnseen, type DriverModel } from './driver';
import { driverMappingLength, isHostImport, sharesBo, takeDeviceWrites, type VkMemory } from './vk-memory';
import { allocateInWindow } from './strategies/window-allocation';
import type { AllocationFailure } from './strategies/strategy';
import { box64Placement, reportBox64NoRoom } from './box64-mmap32';
import { reportReservedHighNoRoom } from './reserve-high-no-room';
import { hookNoRoom } from './hook-no-room';
import { NO_ROOM_REASON } from '../kernel/placement';
import { amdgpuDomainOf, amdgpuSizeRefusal, checksAmdgpuDomains } from './amdgpu-domains';
import { setDriverObject } from './memories-by-object';
import { importedBoLength } from './imported-bo-length';
import { SelfImports } from './self-import';
import { NOUVEAU_VM_INIT } from './nouveau-vm-bind';
import { nvidiaNodeFor } from './nvidia-nodes';
import { TTM_MIXEDMAP_NODE_TRAITS, ttmMapsPfn } from './ttm-nodes';
import { msmNodeTraits } from './msm-nodes';
import {
  I915_LEGACY_MAPS_NAME,
  I915_LEGACY_MMAP_TRAITS,
  I915_NODE_TRAITS,
  i915HasMmapOffset,
} from './i915-nodes';

/**
 * What a render node's BO mappings are like (DRM/TTM, facts linux-mm §4.1; TTM before Linux 5.14
 * mapped them otherwise, ttm-nodes.ts).
 */
const RENDER_NODE_TRAITS: DeviceTraits = Object.freeze({
  vmFlags: VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
  rejectsCow: true,
  customGetUnmappedArea: false,
  refusesSplit: false,
});
/** The same, for the one fd through which a Mesa driver maps every BO at its fake offset. */
const DRM_NODE_TRAITS: DeviceTraits = Object.freeze({ ...RENDER_NODE_TRAITS, fakeOffsets: true });
/**
 * amdgpu's node (radv) from Linux 5.14 (before it, ttm-nodes.ts): amdgpu_gem_object_mmap
 * (drivers/gpu/drm/amd/amdgpu/amdgpu_gem.c, 6.x) clears VM_MAYWRITE of a PROT_NONE MAP_PRIVATE
 * map (its "Thunk bug" workaround), then TTM's ttm_bo_mmap_obj refuses any other COW mapping;
 * the same function serves its dma-bufs
 * (drm_gem_dmabuf_mmap → drm_gem_prime_mmap → obj->funcs->mmap).
 */
const AMDGPU_NODE_TRAITS: DeviceTraits = Object.freeze({
  ...DRM_NODE_TRAITS,
  privateProtNoneAllowed: true,
  cowRefusedBy: 'amdgpu_gem_object_mmap → ttm_bo_mmap_obj',
});
/** A BO the driver made: the file it is mapped through, and where it starts there (VkMemory.boOffset). */
export interface DriverBo {
  readonly file: OpenFile;
  readonly offset: bigint;
}

export interface MapRequest {
  /** Where to map (a hint, or exact with `fixed`). */
  readonly address?: bigint;
  readonly fixed?: boolean;
  /** Map only this much of the object from its start (a range-placed map of part of it). */
  readonly length?: bigint;
}

interface CachedBo {
  readonly size: bigint;
  readonly file: OpenFile | undefined;
  readonly boOffset: bigint;
  readonly pointer: bigint | undefined;
  /**
   * How much the mapping still at `pointer` covers (driverMappingLength): ANV's maps only through
   * a range's end (own-map-length.ts), so a BO freed while mapped short stays mapped short, and
   * the memory that reuses it must map again for more (ownMappingTooShort) and unmap what is there.
   */
  readonly mapLength: bigint | undefined;
  readonly object: VkMemory['driverObject'];
  readonly freedStep: number;
  readonly previousOwner: string;
}

/**
 * A mapping a `reuses after-unmap` driver kept at vkUnmapMemory, to hand out at its next map
 * (facts vulkan-wine §4 H5/H11: "a preallocated pool that it returns to the app when 'mapping'
 * and reuses after 'unmapping'"). `owner` is the memory whose BO the pages still are; `whole`
 * says the block is all of that memory's mapping, so mapping the owner again needs no syscall.
 */
interface KeptMapping {
  readonly owner: VkMemory;
  readonly address: bigint;
  readonly size: bigint;
  readonly whole: boolean;
}

/** Where a mapping escaped the hook: the step it was made at, and whether it is a pool's. */
export class Escape {
  constructor(
    readonly step: number,
    readonly viaPool: boolean,
  ) {}
}

export class DriverOps {
  private pool:
    | {
        file: OpenFile | undefined;
        boOffset: bigint;
        base: bigint;
        size: bigint;
        next: bigint;
        free: { offset: bigint; size: bigint }[];
        step: number;
      }
    | undefined;
  private readonly cache: CachedBo[] = [];
  /** `reuses after-unmap`: mappings kept at vkUnmapMemory, oldest first (KeptMapping). */
  private readonly kept: KeptMapping[] = [];
  private started = false;
  /** The render node every BO is mapped through (`kernelDriver` drm or i915), once opened. */
  private renderNode: OpenFile | undefined;
  /** Set by the hook-mmap strategy while the layer is inside vkMapMemory: libc mmaps go low. */
  hookArmed = false;
  /**
   * `strategy mmap32` (BOX64_MMAP32): box64's mmap symbol is there for the whole process, so every
   * libc mmap(NULL) this driver makes goes low, device creation's included (box64-mmap32.ts, H9).
   */
  private readonly box64Mmap32: boolean;
  /** `reserve-high`: FEX holds everything above 4 GiB, so every mmap(NULL) must fit below it. */
  private readonly reservedHigh: boolean;
  /** The memories on a BO the driver shares with its own imports (DriverTraits.selfImportSharesBo). */
  private readonly selfImports: SelfImports;

  /**
   * `boHeldElsewhere(memory)`: whether something besides `memory` still holds its shared BO (an
   * importer, the exporter, an exported fd not yet imported): the BO lives on, and its fake
   * offset with it, until the last of them lets go (VulkanLayer.sharedBoHeldElsewhere).
   */
  constructor(
    private readonly sim: Simulation,
    readonly model: DriverModel,
    private readonly boHeldElsewhere: (memory: VkMemory) => boolean = () => false,
  ) {
    this.box64Mmap32 = sim.platform.strategy === 'mmap32';
    this.reservedHigh = sim.platform.strategy === 'reserve-high';
    this.selfImports = new SelfImports(model);
  }

  get name(): string {
    return this.model.name;
  }

  private get page(): bigint {
    return this.sim.pageSize;
  }

  /** Device creation: the driver's own internal mappings (command buffers, descriptor pools…). */
  start(): void {
    if (this.started) return;
    this.started = true;
    // A driver with no device on this kernel (NVK before 6.6) stops at the ioctl the kernel refuses.
    if (this.model.noDeviceBecause !== undefined) {
      this.sim.addCall(
        new RefusedCall(
          this.name,
          `ioctl(${this.openRenderNode().fd}, ${NOUVEAU_VM_INIT})`,
          'EINVAL',
          this.model.noDeviceBecause,
        ),
      );
      return;
    }
    if (this.model.internalMappings > 0n) {
      this.mmapRaw({
        length: alignUp(this.model.internalMappings, this.page),
        label: `${this.name} internal pools`,
        backing: 'anon',
      });
    }
  }

  // ---- allocation ----

  /**
   * vkAllocateMemory in the driver; a failure (the BO, its fake offset or the driver's mapping
   * at allocation could not be made) is the call's result, and the driver keeps nothing of it.
   */
  allocate(memory: VkMemory): AllocationFailure | undefined {
    if (memory.properties.has('imported-host')) {
      this.importHostMemory(memory);
      return undefined;
    }
    // Memory that is not HOST_VISIBLE is never mapped for the CPU: neither from the mapped pool
    // nor as a cached BO that is still mapped, nor at allocation (mapsAtAllocation).
    if (memory.importedFrom !== undefined) {
      // The exporter's BO, whichever driver maps it (ExportedFd).
      memory.file = memory.importedFrom.bo.file;
      memory.boOffset = memory.importedFrom.bo.offset;
    }
    this.selfImports.register(memory);
    // A fixed mapping is the BO's GPU address, so KGSL maps each replayable BO of its own at
    // allocation, host-visible or not (kgsl_bo_init, kgsl_bo_user_map): never a pool slot.
    const shared = sharesBo(memory);
    const fixed = hasFixedMapping(this.model, shared);
    if (!memory.properties.has('host-visible') && !fixed) return this.makeBoAtAllocation(memory);
    // A fixed mapping's BO is never cached (kgsl_bo_finish at vkFreeMemory): not reused either.
    const reused =
      this.model.reuses === 'after-free' && !shared && !fixed ? this.takeFromCache(memory) : false;
    if (reused) return undefined;
    if (this.model.maps === 'pool' && !shared && !fixed) return this.allocateFromPool(memory);
    const failed = this.makeBoAtAllocation(memory);
    if (
      failed !== undefined ||
      !mapsAtAllocation(this.model, memory.properties, shared, memory.importedFrom !== undefined)
    )
      return failed;
    return this.mapAtAllocation(memory);
  }

  /**
   * Whether the driver's kernel makes a BO's fake offset with the BO, so the BO exists from
   * vkAllocateMemory on: TTM (`kernelDriver` amdgpu or nouveau: ttm_bo_init_reserved's
   * drm_vma_offset_add for every ttm_bo_type_device BO) and msm (msm_gem_new ends with
   * drm_gem_create_mmap_offset; drivers/gpu/drm/msm/msm_gem.c, 6.2+ at least, older versions not
   * checked: MSM_INFO_GET_OFFSET then only reads it). Other render nodes make it at the first map
   * (drm_gem_create_mmap_offset at the GEM helpers' mmap-offset ioctl, i915's mmap_offset_attach),
   * where the model makes the BO.
   */
  private get offsetsAtCreation(): boolean {
    const kernelDriver = this.model.kernelDriver;
    return (
      this.model.backing === 'device' &&
      (kernelDriver === 'amdgpu' || kernelDriver === 'nouveau' || kernelDriver === 'msm')
    );
  }

  /**
   * A TTM or msm driver's BO for the memory, made at vkAllocateMemory with its fake offset
   * (amdgpu's GEM_CREATE, nouveau's GEM_NEW, msm's MSM_GEM_NEW): with no room for the offset the kernel refuses the BO and
   * the allocation fails with VK_ERROR_OUT_OF_DEVICE_MEMORY (radv_amdgpu_winsys_bo_create,
   * nvk's BO creation). amdgpu refuses first, with ENOMEM, a BO not smaller than its memory
   * domain (amdgpu-domains.ts), and radv fails the allocation the same way. Nothing for other
   * drivers, or memory that already has a BO (an import).
   */
  private makeBoAtAllocation(memory: VkMemory): AllocationFailure | undefined {
    if (!this.offsetsAtCreation || memory.file !== undefined) return undefined;
    const size = alignUp(memory.allocationSize, this.page);
    const tooLarge = checksAmdgpuDomains(this.model)
      ? amdgpuSizeRefusal(size, amdgpuDomainOf(memory.properties), this.model)
      : undefined;
    if (tooLarge !== undefined) {
      this.sim.addCall(
        new RefusedCall(
          this.name,
          `ioctl(${this.openRenderNode().fd}, create a ${formatSize(size)} BO)`,
          'ENOMEM',
          tooLarge,
        ),
      );
      return {
        vkResult: 'VK_ERROR_OUT_OF_DEVICE_MEMORY',
        reason: `${this.name} could not create the ${formatSize(size)} buffer object: it is larger than amdgpu's memory domain for it (ENOMEM)`,
      };
    }
    const bo = this.newBo(size);
    if (bo === undefined)
      return {
        vkResult: 'VK_ERROR_OUT_OF_DEVICE_MEMORY',
        reason: `${this.name} could not create the ${formatSize(size)} buffer object: no room for its fake mmap offset (ENOSPC)`,
      };
    memory.file = bo.file;
    memory.boOffset = bo.offset;
    return undefined;
  }

  /**
   * A driver that maps at allocation (H3) maps inside vkAllocateMemory: when that map (or the BO
   * it needs) fails, there is no memory object to return, so the allocation fails. The model
   * answers VK_ERROR_OUT_OF_DEVICE_MEMORY, lavapipe's when its memory cannot be made
   * (lvp_AllocateMemory), one of the codes vkAllocateMemory may return; which code another driver
   * picks is not modelled. The BO made for it is destroyed (nothing maps it): its offset is free.
   */
  private mapAtAllocation(memory: VkMemory): AllocationFailure | undefined {
    const result = this.mapOwnPointer(memory);
    if (result.ok) return undefined;
    this.destroyUnmappedBo(memory);
    return {
      vkResult: 'VK_ERROR_OUT_OF_DEVICE_MEMORY',
      reason: `${this.name} maps ${memory.name} at vkAllocateMemory, and that failed with ${result.errno}: ${result.reason}`,
    };
  }

  /**
   * The BO made for a failed allocation (the memory's own, or the one the failed map made) is
   * closed: nothing maps it, so it is destroyed and its fake offset freed. An imported BO is the
   * exporter's and stays.
   */
  private destroyUnmappedBo(memory: VkMemory): void {
    const bo = memory.file !== undefined ? { file: memory.file, offset: memory.boOffset } : this.lastBo;
    if (bo !== undefined && memory.importedFrom === undefined)
      this.sim.space.releaseBufferObject(bo.file, bo.offset);
    if (memory.importedFrom === undefined) memory.file = undefined;
  }

  /**
   * The application imports its own host memory (VK_EXT_external_memory_host): the driver wraps
   * the pointer (RADV's user_ptr BO, facts §2 note 1) and maps nothing; vkMapMemory returns that
   * pointer. The memory is 32-bit code's, so it comes from the window, committed through Wine.
   */
  private importHostMemory(memory: VkMemory): void {
    const length = alignUp(memory.allocationSize, this.page);
    const host = allocateInWindow(
      this.sim,
      length,
      'commit',
      `${memory.name} (the application's host memory)`,
    );
    if (typeof host !== 'bigint') return;
    memory.driverPointer = host;
    setDriverObject(memory, this.sim.space.vmaAt(this.sim.pageOf(host))?.object);
    memory.driverMapStep = this.sim.stepIndex;
    this.sim.note(this.name, `import host pointer ${formatHex(host)} (no mapping of its own)`, '', true);
  }

  /**
   * The memory's BO, made now at the object's page-rounded size if the driver has not made it yet
   * (an at-map driver makes it at the first map; vkGetMemoryFdKHR and a range-placed map of part
   * of the object need it before, whole). Undefined for a `backing anon` driver, whose memory is
   * private anonymous pages with no object, or when the BO cannot be made (newBo said why).
   */
  boOf(memory: VkMemory): DriverBo | undefined {
    if (this.model.backing === 'anon') return undefined;
    if (memory.file === undefined) {
      const bo = this.newBo(alignUp(memory.allocationSize, this.page), memory.properties);
      if (bo === undefined) return undefined;
      memory.file = bo.file;
      memory.boOffset = bo.offset;
    }
    return { file: memory.file, offset: memory.boOffset };
  }

  /**
   * Why the kernel driver refuses every CPU mapping of the memory's BO, if it does. radv gives
   * memory that is not host-visible RADEON_FLAG_NO_CPU_ACCESS (its device-local-only memory type,
   * radv_physical_device.c), which its amdgpu winsys creates with AMDGPU_GEM_CREATE_NO_CPU_ACCESS;
   * amdgpu_gem_object_mmap (drivers/gpu/drm/amd/amdgpu/amdgpu_gem.c) then returns EPERM, for a
   * mapping of its dma-buf too (drm_gem_prime_mmap calls it).
   */
  cpuAccessRefusal(memory: VkMemory): { errno: 'EPERM'; reason: string } | undefined {
    if (this.model.kernelDriver !== 'amdgpu' || this.model.backing !== 'device') return undefined;
    if (memory.properties.has('host-visible')) return undefined;
    return {
      errno: 'EPERM',
      reason: `${memory.name} is not host-visible, so its buffer object was created with AMDGPU_GEM_CREATE_NO_CPU_ACCESS, and amdgpu_gem_object_mmap refuses any CPU mapping of it`,
    };
  }

  private takeFromCache(memory: VkMemory): boolean {
    const index = this.cache.findIndex((c) => c.size >= memory.allocationSize);
    if (index < 0) return false;
    const cached = this.cache.splice(index, 1)[0]!;
    memory.file = cached.file;
    memory.boOffset = cached.boOffset;
    memory.driverPointer = cached.pointer;
    // The new owner's undefined length means its own page-rounded size (driverMappingLength).
    memory.driverMapLength =
      cached.mapLength === alignUp(memory.allocationSize, this.page) ? undefined : cached.mapLength;
    setDriverObject(memory, cached.object);
    memory.driverMapStep = this.sim.stepIndex;
    memory.history.push({
      step: this.sim.stepIndex,
      text: `${this.name} reused a cached BO freed at step ${cached.freedStep + 1} (was ${cached.previousOwner})`,
    });
    this.sim.note(
      this.name,
      `reuse cached BO${cached.pointer !== undefined ? ` still mapped at ${formatHex(cached.pointer)}` : ''}`,
      '',
      true,
    );
    return true;
  }

  private allocateFromPool(memory: VkMemory): AllocationFailure | undefined {
    if (!this.pool) {
      const size = this.model.poolSize;
      const result = this.mmapBo(size, {}, `${this.name} pool`);
      if (!result.ok) {
        // No pool (its BO, offset or mapping failed): the allocation that needed it fails, and the
        // next one tries again. A BO made for it is destroyed (nothing maps it).
        if (this.lastBo !== undefined)
          this.sim.space.releaseBufferObject(this.lastBo.file, this.lastBo.offset);
        return {
          vkResult: 'VK_ERROR_OUT_OF_DEVICE_MEMORY',
          reason: `${this.name} could not make its ${formatSize(size)} pool: ${result.errno}: ${result.reason}`,
        };
      }
      this.pool = {
        file: this.lastBo?.file,
        boOffset: this.lastBo?.offset ?? 0n,
        base: result.value,
        size,
        next: 0n,
        free: [],
        step: this.sim.stepIndex,
      };
    }
    const pool = this.pool;
    // Suballocation at 256-byte granularity, like pb_slab entries; freed entries are reused first (H1, H5).
    const need = alignUp(memory.allocationSize, 256n);
    const freeIndex = pool.free.findIndex((f) => f.size >= need);
    let offset: bigint;
    if (freeIndex >= 0) {
      offset = pool.free[freeIndex]!.offset;
      pool.free.splice(freeIndex, 1);
    } else if (pool.next + need <= pool.size) {
      offset = pool.next;
      pool.next += need;
    } else {
      // No slot: the memory gets a dedicated BO, mapped at its first vkMapMemory (dropsMapAtUnmap);
      // a TTM or msm driver makes it now (makeBoAtAllocation).
      this.sim.note(this.name, `suballocate ${formatSize(need)} from pool`, 'pool full', false);
      return this.makeBoAtAllocation(memory);
    }
    memory.file = pool.file;
    memory.boOffset = pool.boOffset;
    memory.poolOffset = offset;
    memory.inPool = true;
    memory.driverPointer = pool.base + offset;
    setDriverObject(memory, this.sim.space.vmaAt(this.sim.pageOf(pool.base))?.object);
    memory.driverMapStep = pool.step;
    memory.escape = new Escape(pool.step, true);
    this.sim.note(
      this.name,
      `suballocate ${formatSize(memory.allocationSize)} at pool+${formatHex(offset)}`,
      `= ${formatHex(pool.base + offset)}`,
      true,
    );
    return undefined;
  }

  // ---- mapping ----

  /** The driver's own CPU mapping of the memory (at-map: made now; otherwise the existing one). */
  mapOwnPointer(memory: VkMemory, request: MapRequest = {}): SyscallResult {
    this.adoptSharedMapping(memory);
    const imported = importedBoLength(this.model, memory, this.page);
    const size = request.length ?? imported ?? alignUp(memory.allocationSize, this.page);
    if (memory.driverPointer !== undefined) {
      if (!this.ownMappingTooShort(memory, request, size))
        return { ok: true, value: memory.driverPointer, effects: [] };
      this.dropShortOwnMapping(memory, size);
    }
    // A map of part of the object (range-placed) maps part of the whole BO: the BO is made at
    // the object's size first, never at the part's.
    if (request.length !== undefined && this.model.backing !== 'anon' && this.boOf(memory) === undefined)
      return { ok: false, errno: 'ENOSPC', reason: 'no fake mmap offset for the buffer object', effects: [] };
    // A placed map (an address asked for) is the caller's to place: only a free choice reuses.
    const reuse = request.address === undefined && !request.fixed ? this.takeKept(memory, size) : undefined;
    if (reuse?.owner === memory && reuse.whole) return this.mapKeptOwn(memory, reuse);
    const result = this.mmapBo(
      size,
      reuse ? { address: reuse.address, fixed: true } : request,
      memory.name,
      memory.file ? { file: memory.file, offset: memory.boOffset } : undefined,
      memory.properties,
    );
    this.adoptBo(memory);
    if (result.ok) {
      memory.driverPointer = result.value;
      memory.driverMapLength = request.length ?? imported;
      setDriverObject(memory, this.sim.space.vmaAt(this.sim.pageOf(result.value))?.object);
      memory.driverMapStep = this.sim.stepIndex;
      if (!this.hookArmed || this.model.mmapVia !== 'libc')
        memory.escape = new Escape(this.sim.stepIndex, false);
      else memory.escape = undefined;
      if (this.lastHookMiss !== undefined) this.hookMisses.set(memory, this.lastHookMiss);
      else this.hookMisses.delete(memory);
      this.showDeviceWrites(memory, result.value);
    }
    return result;
  }

  /**
   * The mapping the memory's BO already has through another memory of this driver, made the
   * memory's own (model/self-import.ts): Turnip's tu_bo_map returns `bo->map` without an mmap.
   * The memory whose mapping it is, or undefined.
   */
  adoptSharedMapping(memory: VkMemory): VkMemory | undefined {
    const twin = this.selfImports.adopt(memory, this.sim.stepIndex);
    if (twin !== undefined)
      this.sim.note(
        this.name,
        `${memory.name} is ${twin.name}'s buffer object (its own export imported back): use its mapping`,
        `= ${formatHex(memory.driverPointer!)}`,
        true,
      );
    return twin;
  }

  /** Another memory of this driver on the same BO that has it mapped (model/self-import.ts). */
  sharedMappingOf(memory: VkMemory): VkMemory | undefined {
    return this.selfImports.mappedTwin(memory);
  }

  /** The memory's BO mapping at `pointer` is gone: for the other memories on the BO too. */
  forgetSharedMapping(memory: VkMemory, pointer: bigint): void {
    this.selfImports.forget(memory, pointer, this.sim.stepIndex);
  }

  /**
   * Whether the mapping a driver kept of the memory (`caches-pointer`) ends before what this map
   * needs: a `to-range-end` driver (ANV) mapped only through an earlier range's end
   * (own-map-length.ts). Handing it back would leave the rest of the range unmapped; ANV itself
   * never does, since anv_MapMemory2KHR maps anew at every call (`mem->map` is NULL after
   * anv_UnmapMemory2KHR; anv_device.c), so a driver that keeps its pointer maps again when the one
   * it kept is too short. A placed map (an address asked for) returns what is there, as Turnip's
   * tu_bo_map does for a map already at the placed address (tu_knl.cc).
   */
  private ownMappingTooShort(memory: VkMemory, request: MapRequest, size: bigint): boolean {
    if (request.address !== undefined || request.fixed) return false;
    return memory.driverMapLength !== undefined && memory.driverMapLength < size;
  }

  /**
   * The kept short mapping goes before the longer one is made: the model holds one pointer per
   * memory, and a driver replacing its cached map has no use for the old one.
   */
  private dropShortOwnMapping(memory: VkMemory, size: bigint): void {
    const pointer = memory.driverPointer!;
    const kept = driverMappingLength(memory, this.page);
    this.sim.note(
      this.name,
      `the mapping of ${memory.name} kept at ${formatHex(pointer)} covers ${formatSize(kept)}, less than the ${formatSize(size)} this map needs: unmap it and map again`,
      '',
      true,
    );
    this.sim.munmap(this.name, pointer, kept);
    memory.driverPointer = undefined;
    memory.driverMapLength = undefined;
    setDriverObject(memory, undefined);
  }

  /**
   * The BO the last mmapBo made for the memory is the memory's from then on, whether or not the
   * mmap succeeded: a GEM object's fake offset is made once (drm_gem_create_mmap_offset, i915's
   * mmap_offset_attach) and lasts as long as the object, so the next map of the memory uses the
   * same one, and vkFreeMemory releases it. Private anonymous memory has no BO.
   */
  private adoptBo(memory: VkMemory): void {
    const bo = this.lastBo;
    if (bo === undefined || memory.file !== undefined) return;
    memory.file = bo.file;
    memory.boOffset = bo.offset;
  }

  /**
   * `reuses after-unmap`: the kept mapping the next map gets, of at least `size` bytes: the
   * memory's own if it is still kept whole, else the oldest that is large enough (H5). What the
   * new map does not cover stays kept; the block leaves the list. The memory's own block counts
   * only if it is long enough: after a ranged map by a `to-range-end` driver (ANV) it covers only
   * that range's end, and the driver maps again, as anv_MapMemory2KHR does at every call
   * (anv_device.c); the short block stays kept for a map it fits.
   */
  private takeKept(memory: VkMemory, size: bigint): KeptMapping | undefined {
    if (this.model.reuses !== 'after-unmap') return undefined;
    let index = this.kept.findIndex((k) => k.owner === memory && k.whole && k.size >= size);
    if (index < 0) index = this.kept.findIndex((k) => k.size >= size);
    if (index < 0) return undefined;
    const block = this.kept.splice(index, 1)[0]!;
    if (block.owner === memory && block.whole) return block;
    if (block.size > size)
      this.kept.push({
        owner: block.owner,
        address: block.address + size,
        size: block.size - size,
        whole: false,
      });
    // The old owner's pointer now reaches whatever is mapped here next: it aliases the new object.
    block.owner.history.push({
      step: this.sim.stepIndex,
      text: `${this.name} handed the mapping kept since its vkUnmapMemory (${formatHex(block.address)}) to ${memory.name}`,
    });
    return block;
  }

  /** The memory's own mapping, kept since its vkUnmapMemory, given back without a syscall. */
  private mapKeptOwn(memory: VkMemory, block: KeptMapping): SyscallResult {
    memory.driverPointer = block.address;
    // The block is what an earlier map made, which may be less than the object (ownMapLength):
    // its length, not the map's, is what the next vkUnmapMemory keeps or unmaps.
    memory.driverMapLength = block.size < alignUp(memory.allocationSize, this.page) ? block.size : undefined;
    setDriverObject(memory, this.sim.space.vmaAt(this.sim.pageOf(block.address))?.object);
    memory.driverMapStep = this.sim.stepIndex;
    this.sim.note(
      this.name,
      `reuse the mapping of ${memory.name} kept since its vkUnmapMemory`,
      `= ${formatHex(block.address)}`,
      true,
    );
    return { ok: true, value: block.address, effects: [] };
  }

  /**
   * The new CPU mapping at `pointer` shows what the GPU wrote while none did: the pages are the
   * buffer object's, and the object kept the data (VkMemory.deviceWrites).
   */
  private showDeviceWrites(memory: VkMemory, pointer: bigint): void {
    const writes = takeDeviceWrites(memory);
    if (writes.length === 0) return;
    for (const write of writes) {
      const length = minBig(write.length, memory.allocationSize - write.offset);
      if (length > 0n) this.sim.write(this.name, pointer + write.offset, length, write.datum);
    }
    this.sim.note(
      this.name,
      `the new mapping shows ${writes.length === 1 ? 'the GPU write' : `${writes.length} GPU writes`} made while ${memory.name} was not mapped`,
      '',
      true,
    );
  }

  /** Why the hook left the memory's mapping outside the window at its map, if it found no room. */
  hookMissOf(memory: VkMemory): string | undefined {
    return this.hookMisses.get(memory);
  }

  /** Why the memory's pointer escaped the mmap hook, if it did. */
  escapeOf(memory: VkMemory): string | undefined {
    const escape = memory.escape;
    if (escape === undefined) return undefined;
    if (escape.viaPool)
      return `${memory.name} is a suballocation of the pool ${this.name} mapped at step ${escape.step + 1}, long before this vkMapMemory`;
    if (this.model.mmapVia !== 'libc')
      return `${this.name} ${mmapUnseen(this.model.mmapVia)}, so no symbol hook sees it`;
    // A self-import's mapping is its twin's, made by the twin (self-import.ts adopt).
    const twin = this.sharedMappingOf(memory);
    const maker = twin !== undefined && twin.escape === escape ? twin : memory;
    const via =
      maker === memory
        ? ''
        : ` (${memory.name} is ${maker.name}'s buffer object, ${this.name}'s own export imported back)`;
    if (mapsAtAllocation(this.model, maker.properties, sharesBo(maker), maker.importedFrom !== undefined))
      return `${this.name} mapped ${maker.name} at vkAllocateMemory (step ${escape.step + 1}), before any vkMapMemory hook was armed${via}`;
    return `${this.name} mapped ${maker.name} outside vkMapMemory (step ${escape.step + 1})${via}`;
  }

  /**
   * The driver's unmap at vkUnmapMemory: at-map drivers (and Turnip's at-alloc-cached one,
   * dropsMapAtUnmap) drop the mapping unless they keep it as the memory's own (a cached pointer, or private anonymous memory, which the unmap would throw
   * away), or keep it to hand out again (`reuses after-unmap`).
   */
  unmapOwnPointer(memory: VkMemory): void {
    // Imported host memory is the application's: the driver never maps or unmaps it.
    if (isHostImport(memory)) return;
    if (!this.dropsMapAtUnmap(memory) || keepsPointer(this.model, sharesBo(memory))) return;
    if (memory.driverPointer === undefined) return;
    const size = driverMappingLength(memory, this.page);
    if (this.model.reuses === 'after-unmap') {
      this.kept.push({ owner: memory, address: memory.driverPointer, size, whole: true });
      this.sim.note(
        this.name,
        `keep the mapping of ${memory.name} at ${formatHex(memory.driverPointer)} for the next map`,
        '',
        true,
      );
    } else this.sim.munmap(this.name, memory.driverPointer, size);
    const pointer = memory.driverPointer;
    memory.driverPointer = undefined;
    memory.driverMapLength = undefined;
    setDriverObject(memory, undefined);
    this.forgetSharedMapping(memory, pointer);
  }

  /** At vkFreeMemory: the mappings kept of the memory's BO go with it. */
  private dropKept(memory: VkMemory): void {
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const block = this.kept[i]!;
      if (block.owner !== memory) continue;
      this.kept.splice(i, 1);
      this.sim.munmap(this.name, block.address, block.size);
    }
  }

  /**
   * Whether the driver's vkUnmapMemory drops its mapping of this memory: an at-map driver's, a
   * `maps pool` driver's dedicated BO for what its pool had no room for, and an `at-alloc-cached`
   * driver's whichever call mapped it: Turnip's tu_bo_unmap munmaps the BO msm_bo_init mapped at
   * allocation too (only KGSL's `never_unmap` BOs keep theirs), and its next map maps it again.
   * An `at-alloc` driver keeps it: lvp_UnmapMemory2KHR is a no-op (vulkan-wine §2 note 6).
   */
  private dropsMapAtUnmap(memory: VkMemory): boolean {
    if (this.model.maps === 'pool') return !memory.inPool;
    return this.model.maps === 'at-map' || this.model.maps === 'at-alloc-cached';
  }

  free(memory: VkMemory): void {
    if (memory.properties.has('imported-host')) {
      // The driver drops its wrapper; the host memory stays the application's to free.
      memory.driverPointer = undefined;
      memory.driverMapLength = undefined;
      return;
    }
    // Only a slot the pool handed out goes back to it; a dedicated BO is freed as one, below.
    if (memory.inPool && this.pool) {
      this.pool.free.push({ offset: memory.poolOffset, size: alignUp(memory.allocationSize, 256n) });
      this.sim.note(this.name, `return pool+${formatHex(memory.poolOffset)} to the pool`, '', true);
      return;
    }
    const shared = sharesBo(memory);
    if (this.model.reuses === 'after-free' && !shared && !hasFixedMapping(this.model, shared)) {
      this.cache.push({
        size: memory.allocationSize,
        file: memory.file,
        boOffset: memory.boOffset,
        pointer: memory.driverPointer,
        mapLength: memory.driverPointer !== undefined ? driverMappingLength(memory, this.page) : undefined,
        object: memory.driverObject,
        freedStep: this.sim.stepIndex,
        previousOwner: memory.name,
      });
      this.sim.note(
        this.name,
        `cache BO of ${memory.name}${memory.driverPointer !== undefined ? `, still mapped at ${formatHex(memory.driverPointer)}` : ''}`,
        '',
        true,
      );
      return;
    }
    this.dropKept(memory);
    if (memory.driverPointer !== undefined) {
      // A BO another memory still holds keeps its mapping: Turnip's tu_drm_bo_finish munmaps
      // only at the last reference (model/self-import.ts).
      if (this.sharedMappingOf(memory)?.driverPointer !== memory.driverPointer)
        this.sim.munmap(this.name, memory.driverPointer, driverMappingLength(memory, this.page));
      memory.driverPointer = undefined;
      memory.driverMapLength = undefined;
    }
    // The BO's handle is closed: its fake offset is free for a later BO once nothing maps it. A
    // shared BO is destroyed only when its last reference goes (an importer's handle, the
    // exporter's, an exported fd: each holds the GEM object), whichever driver's memory that is;
    // its offset is on the exporter's node (a file with no fake offsets releases nothing).
    if (memory.file !== undefined && !this.boHeldElsewhere(memory))
      this.sim.space.releaseBufferObject(memory.file, memory.boOffset);
  }

  /** VK_MEMORY_UNMAP_RESERVE_BIT_EXT: "simply mapping over the range with another anonymous mapping". */
  reserveOver(address: bigint, size: bigint): SyscallResult {
    return this.sim.mmap(
      this.name,
      {
        addr: address,
        length: size,
        prot: PROT_NONE,
        flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
        fd: -1,
        offset: 0n,
      },
      'reservation',
    );
  }

  // ---- syscalls ----

  /** The BO the last mmapRaw mapped (undefined for private anonymous memory). */
  private lastBo: DriverBo | undefined;
  /** Why the hook found no window room for the last mmapRaw, if it did not (hookNoRoom). */
  private lastHookMiss: string | undefined;
  /** Per memory mapped outside the window because the hook found no room: why (hookMissOf). */
  private readonly hookMisses = new WeakMap<VkMemory, string>();

  /** mmap of a BO by its backing; large driver alignments over-allocate and trim (H8). */
  mmapBo(
    size: bigint,
    request: MapRequest,
    label: string,
    existing?: DriverBo,
    properties?: ReadonlySet<string>,
  ): SyscallResult {
    return this.mmapRaw({ length: size, label, backing: this.model.backing, request, existing, properties });
  }

  /**
   * A new BO of `length` bytes for a `device` or `shmem` driver. A device BO is made through the
   * driver's render node, at its own fake mmap offset (`kernelDriver` drm or i915, facts linux-mm
   * §4.1), or in an fd of its own mapped at 0 (`nvidia`: of the node the memory type's
   * `properties` choose, nvidia-nodes.ts); a shmem BO is a memfd.
   */
  newBo(length: bigint, properties?: ReadonlySet<string>): DriverBo | undefined {
    const kernelDriver = this.model.kernelDriver;
    if (this.model.backing === 'device' && kernelDriver === 'i915' && !this.i915MapsAnonInode())
      return { file: this.openI915ShmemFile(length), offset: 0n };
    if (this.model.backing === 'device' && kernelDriver !== 'nvidia') {
      const node = this.openRenderNode();
      const offset = this.sim.space.createBufferObject(node, length);
      if (offset === undefined) {
        if (this.offsetsAtCreation) this.refuseBoCreation(length);
        else this.refuseFakeOffset(length);
        return undefined;
      }
      return { file: node, offset };
    }
    const file = this.sim.space.openFile(
      this.model.backing === 'device'
        ? { kind: 'device', ...nvidiaNodeFor(properties), sizeBytes: length, readable: true, writable: true }
        : { kind: 'memfd', name: `${this.name}-bo`, sizeBytes: length, readable: true, writable: true },
    );
    return { file, offset: 0n };
  }

  /**
   * Before 5.6 a BO is mapped as its shmem file (I915_LEGACY_MMAP_TRAITS): the GEM_MMAP ioctl maps
   * obj->base.filp at the offset asked for, which anv_MapMemory2KHR's legacy path rounds down to
   * a page; the model maps from the BO's start, as on the mmap-offset path.
   */
  private openI915ShmemFile(length: bigint): OpenFile {
    return this.sim.space.openFile({
      kind: 'device',
      name: I915_LEGACY_MAPS_NAME,
      sizeBytes: length,
      readable: true,
      writable: true,
      device: I915_LEGACY_MMAP_TRAITS,
    });
  }

  /**
   * The render node, opened at the driver's first BO. The facts require only that every BO be
   * mapped through the fd it was made on (linux-mm §4.1: drm_vma_node_is_allowed); when Mesa
   * opens the node (physical-device probe) is not in them, and opening it here leaves the fds of
   * what the scenario opened before the first BO as they were.
   */
  private openRenderNode(): OpenFile {
    this.renderNode ??= this.sim.space.openFile({
      kind: 'device',
      name: '/dev/dri/renderD128',
      sizeBytes: 0n,
      readable: true,
      writable: true,
      device: this.renderNodeTraits(),
    });
    return this.renderNode;
  }

  /**
   * How the driver's kernel maps a BO through its render node (its GEM object's mmap), on the
   * scenario's kernel: TTM before 5.14 (ttm-nodes.ts) and msm before 6.0 (msm-nodes.ts) mapped
   * VM_MIXEDMAP.
   */
  private renderNodeTraits(): DeviceTraits {
    const kernelDriver = this.model.kernelDriver;
    const version = this.sim.space.config.version;
    // TTM's BO mappings before 5.14 (ttm-nodes.ts), amdgpu's as nouveau's.
    if ((kernelDriver === 'amdgpu' || kernelDriver === 'nouveau') && !ttmMapsPfn(version))
      return TTM_MIXEDMAP_NODE_TRAITS;
    switch (kernelDriver) {
      case 'i915':
        return I915_NODE_TRAITS;
      case 'msm':
        return msmNodeTraits(version);
      case 'amdgpu':
        return AMDGPU_NODE_TRAITS;
      default:
        return DRM_NODE_TRAITS;
    }
  }

  /**
   * No room for the BO in the fake-offset space: drm_vma_offset_add fails with ENOSPC
   * (include/drm/drm_vma_manager.h, DRM_FILE_PAGE_OFFSET_SIZE: just under 1 TiB of offsets), so
   * the driver's mmap-offset ioctl fails and the driver makes no mmap. The GEM helpers make the
   * offset there (drm_gem_create_mmap_offset); i915's DRM_I915_GEM_MMAP_OFFSET in
   * mmap_offset_attach (i915_gem_mman.c, 5.6+). A TTM or msm BO has it already (refuseBoCreation).
   */
  private refuseFakeOffset(length: bigint): void {
    const fd = this.renderNode!.fd;
    const where =
      this.model.kernelDriver === 'i915' && this.i915MapsAnonInode()
        ? 'i915 mmap_offset_attach'
        : 'drm_gem_create_mmap_offset';
    this.sim.addCall(
      new RefusedCall(
        this.name,
        `ioctl(${fd}, mmap offset of a ${formatSize(length)} BO)`,
        'ENOSPC',
        `${where}: drm_vma_offset_add finds no room for ${formatSize(length)} in the fake-offset space of ${this.renderNode!.name} (DRM_FILE_PAGE_OFFSET_SIZE, just under 1 TiB with 4 KiB pages, less what other BOs hold), so the buffer object cannot be mapped`,
      ),
    );
  }

  /**
   * A TTM or msm BO gets its fake offset as it is created (ttm_bo_init_reserved, for every
   * ttm_bo_type_device BO: drm_vma_offset_add; msm_gem_new: drm_gem_create_mmap_offset), so with
   * no room the create ioctl fails with ENOSPC and there is no BO at all
   * (DRM_FILE_PAGE_OFFSET_SIZE, as refuseFakeOffset).
   */
  private refuseBoCreation(length: bigint): void {
    const fd = this.renderNode!.fd;
    const where =
      this.model.kernelDriver === 'msm' ? 'msm_gem_new: drm_gem_create_mmap_offset' : 'ttm_bo_init_reserved';
    this.sim.addCall(
      new RefusedCall(
        this.name,
        `ioctl(${fd}, create a ${formatSize(length)} BO)`,
        'ENOSPC',
        `${where}: drm_vma_offset_add finds no room for ${formatSize(length)} in the fake-offset space of ${this.renderNode!.name} (DRM_FILE_PAGE_OFFSET_SIZE, just under 1 TiB with 4 KiB pages, less what other BOs hold), so the buffer object is not created`,
      ),
    );
  }

  /** i915 maps a BO at its fake offset through its anonymous inode since 5.6 (i915-nodes.ts). */
  private i915MapsAnonInode(): boolean {
    return i915HasMmapOffset(this.sim.space.config.version);
  }

  private mmapRaw(o: {
    length: bigint;
    label: string;
    backing: 'device' | 'shmem' | 'anon';
    request?: MapRequest;
    existing?: DriverBo;
    /** The memory type of the memory the BO is for (newBo). */
    properties?: ReadonlySet<string>;
  }): SyscallResult {
    this.lastHookMiss = undefined;
    const request = o.request ?? {};
    const bo = o.backing === 'anon' ? undefined : (o.existing ?? this.newBo(o.length, o.properties));
    this.lastBo = bo;
    if (o.backing !== 'anon' && bo === undefined)
      return { ok: false, errno: 'ENOSPC', reason: 'no fake mmap offset for the buffer object', effects: [] };
    const flags =
      (o.backing === 'anon' ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED) | (request.fixed ? MAP_FIXED : 0);
    const fd = bo?.file.fd ?? -1;
    const offset = bo?.offset ?? 0n;
    const prot = PROT_READ | PROT_WRITE;
    let address = request.address ?? 0n;
    const alignment = this.model.alignment;
    const wantsAlignment = alignment > this.page && !request.fixed;
    // Flags box64 adds to this call (MAP_32BIT), never to the MAP_FIXED map over an aligned block.
    let box64Flags = 0;
    if (this.hookArmed && !request.fixed && this.model.mmapVia === 'libc') {
      // The hook rewrites the hint to free space in the window, with room for the driver's alignment.
      const low = this.sim.findWindowSpace(
        o.length + (wantsAlignment ? alignment : 0n),
        this.sim.platform.allocationGranularity,
      );
      if (low !== undefined) address = low;
      // No room: why, for the pointer-outside-window the map leads to (the padding of H8).
      const miss =
        low === undefined
          ? hookNoRoom(this.sim, this.name, o.length, wantsAlignment ? alignment : 0n)
          : undefined;
      this.lastHookMiss = miss?.detail;
      this.sim.note(
        'wine',
        `hook: mmap hint ${formatHex(request.address ?? 0n)} → ${miss === undefined ? formatHex(address) : miss.note}`,
        '',
        low !== undefined,
      );
    } else if (this.box64Mmap32 && address === 0n && !request.fixed && this.model.mmapVia === 'libc') {
      // Only mmap(NULL): a call with an address reaches the kernel untouched (custommmap.c `!addr`).
      const placement = box64Placement(this.sim, o.length + (wantsAlignment ? alignment : 0n));
      box64Flags = placement.flags;
      if (placement.hint !== undefined) address = placement.hint;
      // On arm64 box64 then lets the mmap go high, and it succeeds: that matters only for a
      // mapping whose pointer 32-bit code gets, which happens at a step. The driver's own
      // mappings at device creation (set-up) are never handed over.
      if (box64Flags === 0 && placement.hint === undefined && this.sim.stepNode !== undefined)
        reportBox64NoRoom(this.sim, this.name, o.length);
    }
    const result = this.mmapAligned(o, {
      address,
      flags: flags | box64Flags,
      prot,
      fd,
      offset,
      wantsAlignment,
    });
    if (box64Flags !== 0 && !result.ok && result.errno === 'ENOMEM')
      reportBox64NoRoom(this.sim, this.name, o.length);
    // Only the top-down search finding no gap: under `layout legacy` it never looks below
    // mmap_base, and vm.max_map_count is another ENOMEM; kernel-refused says which.
    else if (
      this.reservedHigh &&
      address === 0n &&
      !request.fixed &&
      !result.ok &&
      result.reason === NO_ROOM_REASON
    )
      reportReservedHighNoRoom(this.sim, this.name, o.length);
    return result;
  }

  /**
   * The mmap itself at `address` (a hint, or exact with MAP_FIXED in `flags`), or for a large
   * alignment the padded map and its trim. `flags` may carry MAP_32BIT (box64); the MAP_FIXED map
   * of a BO over its aligned block never does.
   */
  private mmapAligned(
    o: { length: bigint; label: string; backing: 'device' | 'shmem' | 'anon' },
    a: { address: bigint; flags: number; prot: number; fd: number; offset: bigint; wantsAlignment: boolean },
  ): SyscallResult {
    const { address, flags, prot, fd, offset } = a;
    if (!a.wantsAlignment)
      return this.sim.mmap(this.name, { addr: address, length: o.length, prot, flags, fd, offset }, o.label);
    const alignment = this.model.alignment;
    // Map size + alignment, then trim both ends to an aligned block: the pattern drivers use
    // for large aligned reservations; the padding is address space the window loses meanwhile.
    // A buffer object cannot be mapped past its end (EINVAL for a BO, SIGBUS for a memfd), and
    // trimming the head would shift its file offset: reserve anonymous space instead, trim it,
    // then map the BO over the aligned block with MAP_FIXED.
    const fileBacked = o.backing !== 'anon';
    const padded = this.sim.mmap(
      this.name,
      fileBacked
        ? {
            addr: address,
            length: o.length + alignment,
            prot: PROT_NONE,
            flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (flags & MAP_32BIT),
            fd: -1,
            offset: 0n,
          }
        : { addr: address, length: o.length + alignment, prot, flags, fd, offset },
      fileBacked ? 'reservation' : o.label,
    );
    if (!padded.ok) return padded;
    const aligned = alignUp(padded.value, alignment);
    if (aligned > padded.value) this.sim.munmap(this.name, padded.value, aligned - padded.value);
    const tail = padded.value + o.length + alignment - (aligned + o.length);
    if (tail > 0n) this.sim.munmap(this.name, aligned + o.length, tail);
    if (!fileBacked) return { ok: true, value: aligned, effects: padded.effects };
    return this.sim.mmap(
      this.name,
      { addr: aligned, length: o.length, prot, flags: (flags & ~MAP_32BIT) | MAP_FIXED, fd, offset },
      o.label,
    );
  }
}
