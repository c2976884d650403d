// `wine-flush-range-unaligned`: on the Vulkan-backed GL route Wine turns glFlushMappedBufferRange
// into vkFlushMappedMemoryRanges with the application's byte range as it is (flush_buffer:
// offset = map offset + flush offset, size = length; vulkan-wine §3.6). GL allows any byte range,
// so a range that is not a multiple of nonCoherentAtomSize breaks VUID-VkMappedMemoryRange-offset-00687
// or -size-01390 (model/mapped-memory-range.ts) through no fault of the application. The memory is
// HOST_COHERENT (create_buffer_storage, §3.6), where a flush has nothing to do, so the breach is
// harmless: a warning of its own code, as `wine-placed-size-unaligned` is for Wine's 09651, not a
// `vulkan-valid-usage` error that fails `check` for a valid application.
// Found by the simulator while it runs the step (see server/src/engine/model/gl/gl-layer.ts).
import type { Rule } from './rule';

export const wineFlushRangeUnaligned: Rule = {
  code: 'wine-flush-range-unaligned',
  family: 'vulkan',
  severity: 'warning',
  title:
    "Wine's vkFlushMappedMemoryRanges for a glFlushMappedBufferRange whose range is not a multiple of nonCoherentAtomSize breaks VUID-VkMappedMemoryRange-offset-00687/size-01390; harmless on the coherent memory Wine allocates.",
};
