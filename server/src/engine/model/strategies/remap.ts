// Strategies 1 and its plain-move variant: move the driver's pages into the window with mremap.
// DONTUNMAP leaves the old range mapped but empty (private anonymous) or an alias (shared, 5.13+),
// and is refused for VM_PFNMAP/VM_DONTEXPAND device BOs; a plain MAYMOVE|FIXED move works on BOs
// but the driver's own pointer then points at nothing (facts linux-mm 3.5, 4.2; H2, H11).
import { MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE } from '../../kernel/types';
import { alignDown, alignUp, formatHex, formatSize } from '../../numbers';
import { allocateInWindow, windowFailureReason } from './window-allocation';
import { isFreed, sharesBo } from '../vk-memory';
import { hasFixedMapping } from '../driver';
import { passThrough, type Strategy } from './strategy';
import { wineUnmapArea } from '../../sim/wine-fixed-area';
import type { StrategyContext } from './strategy';
import type { VkMemory } from '../vk-memory';

export function remapStrategy(dontUnmap: boolean): Strategy {
  return {
    ...passThrough,
    name: dontUnmap ? 'remap-dontunmap' : 'remap-move',
    map(ctx, memory, offset, size) {
      const own = passThrough.map(ctx, memory, offset, size);
      if (!own.ok) return own;
      const page = ctx.sim.pageSize;
      const driverPointer = own.pointer - offset;
      // mremap works on whole pages of the parent BO: a suballocation drags its neighbours along,
      // and even a page-aligned child is carved out of the pool the driver still manages (H1:
      // "flag any remap of a sub-page or slab-child object").
      const start = alignDown(driverPointer, page);
      // What the driver mapped: less than the object when it maps only through the range (ANV).
      const end = alignUp(driverPointer + (memory.driverMapLength ?? memory.allocationSize), page);
      const length = end - start;
      const poolChild = memory.inPool;
      if (driverPointer !== start || poolChild) {
        const neighbours = ctx.memories.filter(
          (m) =>
            m !== memory &&
            !isFreed(m) &&
            m.driverPointer !== undefined &&
            m.driverPointer < end &&
            m.driverPointer + m.allocationSize > start,
        );
        const wholePages = driverPointer === start && length === memory.allocationSize;
        ctx.sim.finding(
          'remap-granularity',
          wholePages && neighbours.length === 0
            ? `mremap moves pages of the parent BO: ${memory.name} is a child of ${ctx.ops.name}'s pool at ${formatHex(driverPointer)}, so the move carves ${formatSize(length)} out of the pool mapping the driver still manages (H1)`
            : `mremap moves whole pages: ${memory.name} is a suballocation at ${formatHex(driverPointer)}, so ${formatSize(length)} of pages around it move too${neighbours.length ? ` — including ${neighbours.map((n) => n.name).join(', ')}` : ''} (H1)`,
          neighbours.map((n) => ({ range: n.node, message: `${n.name} shares these pages` })),
          undefined,
          false,
          [driverPointer],
        );
      }
      // Wine first reserves the destination, then moves onto its own reservation with FIXED.
      const low = allocateInWindow(ctx.sim, length, 'reserve', 'reservation');
      if (typeof low !== 'bigint') {
        return {
          ok: false,
          vkResult: 'VK_ERROR_OUT_OF_HOST_MEMORY',
          reason: windowFailureReason(low, 'no room in the 32-bit window'),
        };
      }
      // Who made the mapping the pages leave (the driver, whose pointer stays there): they go
      // back as that actor's mapping at vkUnmapMemory.
      const madeBy = ctx.sim.space.vmaAt(ctx.sim.pageOf(start))?.owner ?? memory.driver.name;
      const flags = MREMAP_MAYMOVE | MREMAP_FIXED | (dontUnmap ? MREMAP_DONTUNMAP : 0);
      const moved = ctx.sim.mremap(
        'wine',
        { oldAddress: start, oldSize: length, newSize: length, flags, newAddress: low },
        `${memory.name} (moved)`,
      );
      if (!moved.ok) {
        wineUnmapArea(ctx.sim, low, length);
        return {
          ok: false,
          vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
          reason: `mremap failed with ${moved.errno}: ${moved.reason}`,
        };
      }
      if (hasFixedMapping(memory.driver, sharesBo(memory)))
        reportGpuAddressLeft(ctx, memory, start, low, dontUnmap);
      memory.movedFrom = { address: start, owner: madeBy };
      memory.windowRange = { start: low, size: length };
      memory.history.push({
        step: ctx.sim.stepIndex,
        kind: 'moved',
        text: `wine moved its pages ${formatHex(start)} → ${formatHex(low)}${dontUnmap ? ' (DONTUNMAP: the old range stays, without the pages)' : ''}`,
      });
      return { ok: true, pointer: low + (driverPointer - start) + offset };
    },
    unmap(ctx, memory) {
      // Move the pages back where the driver expects them (the kindest reading of the proposal).
      // The mremap is Wine's, but what it leaves there is the mapping of whoever made it (the
      // driver's own again): a `reuses after-unmap` driver's MAP_FIXED of its next BO over that
      // kept block replaces its own mapping, not Wine's (fixed-clobber; H5).
      const range = memory.windowRange;
      const from = memory.movedFrom;
      if (range && from !== undefined) {
        ctx.sim.mremap(
          'wine',
          {
            oldAddress: range.start,
            oldSize: range.size,
            newSize: range.size,
            flags: MREMAP_MAYMOVE | MREMAP_FIXED,
            newAddress: from.address,
          },
          memory.name,
          from.owner,
        );
        memory.history.push({
          step: ctx.sim.stepIndex,
          kind: 'moved',
          text: `wine moved the pages back to ${formatHex(from.address)}`,
        });
      }
      memory.windowRange = undefined;
      memory.movedFrom = undefined;
      passThrough.unmap(ctx, memory);
    },
  };
}

/**
 * H6: the pages of a `fixed-mapping` driver's memory left the address that is also the object's
 * GPU address. Turnip on KGSL gives a replayable BO `bo->iova = (uint64_t)map` with
 * KGSL_MEMFLAGS_USE_CPU_MAP (SVM: "the CPU mapping and GPU mapping are the same and the CPU
 * mapping must stay fixed for the lifetime of the BO", kgsl_bo_user_map in tu_knl_kgsl.cc), so
 * the command streams, the device addresses the application was given and Turnip's own `bo->map`
 * (never_unmap: tu_bo_unmap keeps it, tu_bo_map hands it out again, tu_knl.cc) all keep the old
 * address, which no longer is the object's CPU mapping.
 */
function reportGpuAddressLeft(
  ctx: StrategyContext,
  memory: VkMemory,
  from: bigint,
  to: bigint,
  dontUnmap: boolean,
): void {
  const made = memory.driverMapStep !== undefined ? ctx.sim.stepRange(memory.driverMapStep) : undefined;
  const left = dontUnmap
    ? "what MREMAP_DONTUNMAP leaves there is not the object's mapping"
    : 'nothing is mapped any more';
  ctx.sim.finding(
    'stale-pointer',
    `wine's mremap moves ${memory.name}'s pages ${formatHex(from)} → ${formatHex(to)}, but ${formatHex(from)} is also ${memory.name}'s GPU address: ${memory.driver.name} mapped it there at allocation for the object's life (fixed-mapping). The GPU and ${memory.driver.name}'s own pointer keep using ${formatHex(from)}, where ${left}, and the CPU and GPU addresses of ${memory.name} no longer agree (H6)`,
    made
      ? [{ range: made, message: `${memory.driver.name} mapped ${memory.name} here, as its GPU address` }]
      : [],
    undefined,
    false,
    [from],
  );
}
