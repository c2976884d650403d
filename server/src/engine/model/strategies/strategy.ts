// A strategy is how the compatibility layer makes driver memory reachable by 32-bit code: it
// turns each Vulkan call the application makes into what the layer and the driver really do.
import type { Simulation } from '../../sim/simulation';
import type { DriverOps } from '../driver-ops';
import type { VkMemory } from '../vk-memory';
import type { MappedRanges } from '../app-mapped';
import type { MemoryRange } from '../mapped-memory-range';
import { ownMapLength } from '../own-map-length';

/** vkAllocateMemory failing: in the compatibility layer (before the driver allocates), or in the driver. */
export interface AllocationFailure {
  readonly vkResult: string;
  readonly reason: string;
}

export type MapOutcome =
  | { readonly ok: true; readonly pointer: bigint }
  | { readonly ok: false; readonly vkResult: string; readonly reason: string };

export interface StrategyContext {
  readonly sim: Simulation;
  readonly ops: DriverOps;
  /** All memory objects, for overlap checks. */
  readonly memories: readonly VkMemory[];
  /**
   * The memory objects 32-bit code has mapped now (an app pointer): the placed-map overlap check
   * needs only these, not every object ever allocated.
   */
  readonly appMapped: MappedRanges;
}

export interface Strategy {
  readonly name: string;
  /**
   * At vkAllocateMemory, after (or instead of) the driver's allocation; a failure (the layer
   * found no room for its own part, or the driver could not make the memory) is the call's result.
   */
  allocate(ctx: StrategyContext, memory: VkMemory): AllocationFailure | undefined;
  map(ctx: StrategyContext, memory: VkMemory, offset: bigint, size: bigint): MapOutcome;
  /**
   * vkMapMemory of memory 32-bit code has mapped already (VUID-vkMapMemory-memory-00678): the
   * pointer the layer hands back when it answers before the driver is called (VK_SUCCESS), or
   * undefined when the call reaches the driver, which refuses it (VK_ERROR_MEMORY_MAP_FAILED).
   * Absent: the driver answers.
   */
  mapAgain?(ctx: StrategyContext, memory: VkMemory, offset: bigint): bigint | undefined;
  unmap(ctx: StrategyContext, memory: VkMemory): void;
  free(ctx: StrategyContext, memory: VkMemory): void;
  /**
   * vkFreeMemory of memory 32-bit code still has mapped, when the layer orders it its own way;
   * otherwise `unmap`, then `free`.
   */
  freeMapped?(ctx: StrategyContext, memory: VkMemory): void;
  /** vkFlushMappedMemoryRanges of a valid range of the current mapping (memory offsets). */
  flush(ctx: StrategyContext, memory: VkMemory, range: MemoryRange): void;
  /** vkInvalidateMappedMemoryRanges of a valid range of the current mapping (memory offsets). */
  invalidate(ctx: StrategyContext, memory: VkMemory, range: MemoryRange): void;
  /** Once, before the first step (reserve-high reserves everything above 4 GiB). */
  start?(sim: Simulation): void;
}

/** The driver's own behaviour with nothing in between: the base every strategy builds on. */
export const passThrough: Strategy = {
  name: 'none',
  allocate(ctx, memory) {
    return ctx.ops.allocate(memory);
  },
  map(ctx, memory, offset, size) {
    // A driver that maps only through the range's end (ANV) maps less than the BO (ownMapLength).
    const length = ownMapLength(ctx.ops.model, memory, offset, size, ctx.sim.pageSize);
    const result = ctx.ops.mapOwnPointer(memory, length !== undefined ? { length } : {});
    if (!result.ok)
      return {
        ok: false,
        vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
        reason: `${ctx.ops.name}'s mmap failed with ${result.errno}: ${result.reason}`,
      };
    return { ok: true, pointer: result.value + offset };
  },
  unmap(ctx, memory) {
    ctx.ops.unmapOwnPointer(memory);
  },
  free(ctx, memory) {
    ctx.ops.free(memory);
  },
  flush() {},
  invalidate() {},
};
