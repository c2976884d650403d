// The fallback that always works: a low shadow buffer, copied in at map (unless invalidated) and
// back at unmap and flush. Costs a copy per map and cannot honour a persistent coherent mapping:
// device writes after the copy are invisible, app writes reach the device only at unmap/flush
// (facts vulkan-wine §3.6: "Doing a copy of a mapped buffer (expect performance issues)"), and a
// copy-back puts the shadow over device writes made since (shadow-sync.ts).
import { alignUp, formatHex } from '../../numbers';
import { isCoherentPersistent } from '../vk-memory';
import { allocateInWindow, windowFailureReason } from './window-allocation';
import { passThrough, type Strategy } from './strategy';
import { copyBack, copyIn, noteSynced } from './shadow-sync';
import { wholeMapping } from '../mapped-memory-range';
import { wineUnmapArea } from '../../sim/wine-fixed-area';

/**
 * Where in its page the shadow's pointer starts: the offset's own place there, so that
 * `*ppData - offset` is page-aligned, as the driver's direct map makes it. vkMapMemory guarantees
 * `*ppData - offset` aligned to minMemoryMapAlignment (vulkan-wine §1.1), which Mesa sets to at
 * most a page (RADV 4096, "A page"; NVK 64). Wine's 16-byte rule (`buffer_vm_alloc(length +
 * (offset & 0xf))`, §3.6) is its GL copy path's (gl/shadow-copy.ts): winevulkan has no shadow
 * copy, its vkMapMemory places the map or maps directly (win32u_vkMapMemory2KHR), so nothing
 * sets a Vulkan shadow's alignment but the guarantee the application was given.
 */
function offsetWithinPage(offset: bigint, pageSize: bigint): bigint {
  return offset % pageSize;
}

export const shadowCopy: Strategy = {
  ...passThrough,
  name: 'shadow-copy',
  map(ctx, memory, offset, size) {
    const own = passThrough.map(ctx, memory, offset, size);
    if (!own.ok) return own;
    if (isCoherentPersistent(memory) || memory.properties.has('coherent')) {
      ctx.sim.finding(
        'shadow-copy-coherent',
        `${memory.name} is HOST_COHERENT${memory.properties.has('persistent') ? ' and stays mapped' : ''}: a shadow copy only syncs at flush and unmap, so device writes after the copy never reach 32-bit code and its writes reach the device late`,
        [],
        undefined,
        false,
        [own.pointer], // the driver's mapping the shadow stands in for
      );
    }
    const within = offsetWithinPage(offset, ctx.sim.pageSize);
    const length = alignUp(size + within, ctx.sim.pageSize);
    const low = allocateInWindow(ctx.sim, length, 'commit', `${memory.name} (shadow)`);
    if (typeof low !== 'bigint') {
      return {
        ok: false,
        vkResult: 'VK_ERROR_OUT_OF_HOST_MEMORY',
        reason: windowFailureReason(low, 'no room for the shadow buffer'),
      };
    }
    const shadowPointer = low + within;
    const copied = ctx.sim.copy('wine', own.pointer, shadowPointer, size);
    memory.shadowBaseline = undefined;
    if (copied.ok) noteSynced(memory, offset, copied.segments);
    memory.windowRange = { start: low, size: length };
    memory.history.push({
      step: ctx.sim.stepIndex,
      text: `wine copied it into a shadow at ${formatHex(low)}`,
    });
    return { ok: true, pointer: shadowPointer };
  },
  flush(ctx, memory, range) {
    copyBack(ctx.sim, memory, range, 'vkFlushMappedMemoryRanges copies the shadow back');
  },
  invalidate(ctx, memory, range) {
    copyIn(ctx.sim, memory, range);
  },
  unmap(ctx, memory) {
    // vkUnmapMemory flushes nothing, but the shadow is about to go: Wine copies back the whole
    // mapping, as its GL path does at unmap (facts §3.6).
    copyBack(ctx.sim, memory, wholeMapping(memory), 'At unmap Wine copies the whole shadow back');
    memory.shadowBaseline = undefined;
    if (memory.windowRange) wineUnmapArea(ctx.sim, memory.windowRange.start, memory.windowRange.size);
    memory.windowRange = undefined;
    passThrough.unmap(ctx, memory);
  },
};
