// A GL buffer object as the simulator tracks it: the driver's buffer object (a VkMemory record,
// so the driver model — its `maps`, `backing`, cached pointer — and `driver writes b + …` work as
// for Vulkan memory), its storage, and the current map with the route Wine took for it.
import type { Segment } from '../../kernel/types';
import type { VkMemory } from '../vk-memory';

/** How Wine made the map reachable (facts vulkan-wine §3.6, current upstream, in this order). */
export type GlRoute =
  /** The driver's pointer already fits in 32 bits ("we're lucky"). */
  | 'lucky'
  /** A Vulkan-backed persistent buffer, mapped with vkMapMemory2 PLACED into low memory. */
  | 'vulkan'
  /** GL_MESA_map_buffer_client_pointer: the driver maps inside the client pointer range. */
  | 'client-pointer'
  /** The shadow copy in the window (buffer_vm_alloc), copied in and back. */
  | 'copy'
  /**
   * CrossOver on macOS (`#ifdef __APPLE__`, remap_memory; facts vulkan-wine §6): a low alias of
   * the driver's pages made with mach_vm_remap, instead of the copy.
   */
  | 'mach-alias'
  /**
   * `strategy reserve-high`: FEX's generated libGL thunk, no Wine between: the host driver's own
   * pointer, passed to the guest as its low 32 bits (ThunkLibs/libGL, common/Host.h to_guest).
   */
  | 'thunk';

export interface GlRange {
  readonly start: bigint;
  readonly end: bigint;
  readonly step: number;
}

export interface GlMap {
  readonly route: GlRoute;
  /** What 32-bit code got. */
  readonly pointer: bigint;
  /** The driver's own pointer to the mapped range (the host map), when there is one. */
  readonly hostPointer: bigint | undefined;
  readonly offset: bigint;
  readonly length: bigint;
  readonly access: ReadonlySet<string>;
  readonly step: number;
  /** Writes by 32-bit code into the map, relative to its start. */
  readonly writes: GlRange[];
  /** Ranges given to glFlushMappedBufferRange, relative to the start of the map. */
  readonly flushed: GlRange[];
  /** The slot of the client pointer range the driver placed the map in. */
  readonly slot?: { readonly start: bigint; readonly size: bigint };
}

export interface GlBuffer {
  readonly name: string;
  readonly memory: VkMemory;
  /** glBufferData (mutable) or glBufferStorage (immutable, with flags). */
  readonly storage: 'mutable' | 'immutable';
  readonly flags: ReadonlySet<string>;
  /** Wine made it from exported Vulkan memory (create_buffer_storage). */
  readonly vulkanBacked: boolean;
  map: GlMap | undefined;
  /** The step of the last map attempt, when it failed (what a later "not mapped" error follows from). */
  mapFailedStep: number | undefined;
  /** Wine's per-buffer shadow in the window, reused while large enough (buffer_vm_alloc). */
  shadow: GlShadow | undefined;
}

export interface GlShadow {
  readonly start: bigint;
  readonly size: bigint;
  /**
   * What the buffer (through the host map) and the shadow held over the mapped length when the
   * current map began: what the copy-back at unmap compares with to find device writes it destroys.
   * Kept only for a map with GL_MAP_WRITE_BIT: no other map is copied back.
   */
  synced?: { readonly device: readonly Segment[]; readonly shadow: readonly Segment[] };
}

/** Bytes of `writes` that no range of `covered` contains, as [start, end) runs. */
export function uncovered(writes: readonly GlRange[], covered: readonly GlRange[]): GlRange[] {
  const out: GlRange[] = [];
  for (const w of writes) {
    let pieces: GlRange[] = [w];
    for (const c of covered) {
      if (c.step < w.step) continue; // a flush before the write does not cover it
      pieces = pieces.flatMap((piece) => {
        if (c.end <= piece.start || c.start >= piece.end) return [piece];
        const rest: GlRange[] = [];
        if (c.start > piece.start) rest.push({ start: piece.start, end: c.start, step: piece.step });
        if (c.end < piece.end) rest.push({ start: c.end, end: piece.end, step: piece.step });
        return rest;
      });
    }
    out.push(...pieces);
  }
  return out;
}
