// A driver that hands its own dma-buf's import the exporter's userspace BO (Turnip on msm): the
// memories on that BO share one CPU mapping (DriverTraits.selfImportSharesBo).
import { formatHex } from '../numbers';
import type { DriverTraits } from './driver';
import { setDriverObject } from './memories-by-object';
import { isFreed, sharesBo, type VkMemory } from './vk-memory';

/**
 * Whether the driver's own export imported back is the exporter's BO: `selfImportSharesBo`, on
 * msm. A `fixed-mapping` driver is Turnip on KGSL, which has no GEM-handle lookup:
 * kgsl_bo_init_dmabuf imports with IOCTL_KGSL_GPUOBJ_IMPORT, which always makes a new id, asserts
 * `bo->gem_handle == 0` on a fresh tu_bo, and kgsl_bo_map maps that tu_bo on its own
 * (src/freedreno/vulkan/tu_knl_kgsl.cc).
 */
export function sharesSelfImportBo(driver: DriverTraits): boolean {
  return driver.selfImportSharesBo && !driver.fixedMapping;
}

/**
 * The memories of one driver that share a BO (exported, or imported from an fd), to find the
 * ones on the same BO. Turnip keeps one `struct tu_bo` per GEM handle (tu_device_lookup_bo), and
 * an import of its own export gets the same handle, so `bo->map` is both memories' mapping:
 * tu_bo_map returns it to either, tu_bo_unmap clears it for both, and tu_drm_bo_finish munmaps it
 * only when the last reference goes (src/freedreno/vulkan/tu_knl.cc, tu_knl_drm.cc).
 */
export class SelfImports {
  private readonly members: VkMemory[] = [];

  private readonly shares: boolean;

  constructor(driver: DriverTraits) {
    this.shares = sharesSelfImportBo(driver);
  }

  /** At vkAllocateMemory, once the memory has its BO (file and boOffset). */
  register(memory: VkMemory): void {
    if (this.shares && sharesBo(memory)) this.members.push(memory);
  }

  /** A live memory on the same BO as `memory` that has the BO mapped, if there is one. */
  mappedTwin(memory: VkMemory): VkMemory | undefined {
    if (!this.shares || memory.file === undefined) return undefined;
    return this.members.find(
      (m) =>
        m !== memory &&
        !isFreed(m) &&
        m.file === memory.file &&
        m.boOffset === memory.boOffset &&
        m.driverPointer !== undefined,
    );
  }

  /**
   * Gives `memory` the mapping its BO already has through another memory (tu_bo_map: `bo->map`
   * is set, so no mmap), and says so in the memory's history. The twin, or undefined when the
   * memory has a mapping of its own or its BO has none.
   */
  adopt(memory: VkMemory, step: number): VkMemory | undefined {
    if (memory.driverPointer !== undefined) return undefined;
    const twin = this.mappedTwin(memory);
    if (twin === undefined) return undefined;
    memory.driverPointer = twin.driverPointer;
    memory.driverMapLength = twin.driverMapLength;
    memory.driverMapStep = twin.driverMapStep;
    memory.escape = twin.escape;
    setDriverObject(memory, twin.driverObject);
    memory.history.push({
      step,
      text: `its buffer object is ${twin.name}'s (an import of the driver's own export: one tu_bo), already mapped at ${formatHex(twin.driverPointer!)}`,
    });
    return twin;
  }

  /** The BO's mapping at `pointer` is gone (tu_bo_unmap clears `bo->map`): for every memory on it. */
  forget(memory: VkMemory, pointer: bigint, step: number): void {
    if (!this.shares) return;
    for (const m of this.members) {
      if (m === memory || isFreed(m) || m.file !== memory.file || m.boOffset !== memory.boOffset) continue;
      if (m.driverPointer !== pointer) continue;
      m.driverPointer = undefined;
      m.driverMapLength = undefined;
      setDriverObject(m, undefined);
      m.history.push({
        step,
        text: `${memory.name}'s unmap unmapped its buffer object's one mapping (${formatHex(pointer)}), which was ${m.name}'s too`,
      });
    }
  }
}
