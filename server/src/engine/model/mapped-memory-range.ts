// The VkMappedMemoryRange of vkFlushMappedMemoryRanges / vkInvalidateMappedMemoryRanges: its
// valid-usage rules, and the byte range it names once they hold. The VUIDs are the Vulkan spec's
// (memory.adoc, VkMappedMemoryRange); the facts sheet does not list them.
import { formatHex, formatSize } from '../numbers';
import type { VkMemory } from './vk-memory';
import type { Violation } from './placed-validity';

/** A range of a memory object in memory offsets (not mapping offsets), size resolved. */
export interface MemoryRange {
  readonly offset: bigint;
  readonly size: bigint;
}

/**
 * What the range breaks, for `memory` as mapped now. `size` undefined is VK_WHOLE_SIZE: from
 * `offset` to the end of the current mapping.
 */
export function mappedRangeViolations(
  memory: VkMemory,
  offset: bigint,
  size: bigint | undefined,
): readonly Violation[] {
  if (memory.appPointer === undefined)
    // Nothing else can be checked against a mapping that does not exist.
    return [{ vuid: 'VUID-VkMappedMemoryRange-memory-00684', message: `${memory.name} is not host-mapped` }];
  const out: Violation[] = [];
  // VkPhysicalDeviceLimits::nonCoherentAtomSize of the memory's driver (`non-coherent-atom`).
  const atom = memory.driver.nonCoherentAtomSize;
  const atomText = `nonCoherentAtomSize (${atom} bytes)`;
  const mapStart = memory.mapOffset;
  const mapEnd = memory.mapOffset + memory.mapSize;
  const mapped = `the mapped range ${formatHex(mapStart)}..${formatHex(mapEnd)}`;
  if (size !== undefined && (offset < mapStart || offset + size > mapEnd))
    out.push({
      vuid: 'VUID-VkMappedMemoryRange-size-00685',
      message: `the range ${formatHex(offset)}..${formatHex(offset + size)} is not within ${mapped}`,
    });
  if (size === undefined && (offset < mapStart || offset >= mapEnd))
    out.push({
      vuid: 'VUID-VkMappedMemoryRange-size-00686',
      message: `offset ${formatHex(offset)} (with VK_WHOLE_SIZE) is not within ${mapped}`,
    });
  if (offset % atom !== 0n)
    out.push({
      vuid: 'VUID-VkMappedMemoryRange-offset-00687',
      message: `offset ${formatHex(offset)} is not a multiple of ${atomText}`,
    });
  if (size !== undefined && size % atom !== 0n && offset + size !== memory.allocationSize)
    out.push({
      vuid: 'VUID-VkMappedMemoryRange-size-01390',
      message: `size ${size} is not a multiple of ${atomText}, and the range does not end at the end of ${memory.name} (${formatSize(memory.allocationSize)})`,
    });
  if (size === undefined && mapEnd % atom !== 0n && mapEnd !== memory.allocationSize)
    out.push({
      vuid: 'VUID-VkMappedMemoryRange-size-01389',
      message: `with VK_WHOLE_SIZE the mapping's end ${formatHex(mapEnd)} must be a multiple of ${atomText} or the end of ${memory.name}`,
    });
  return out;
}

/** The bytes a valid range covers: VK_WHOLE_SIZE runs to the end of the current mapping. */
export function resolveMappedRange(memory: VkMemory, offset: bigint, size: bigint | undefined): MemoryRange {
  return { offset, size: size ?? memory.mapOffset + memory.mapSize - offset };
}

/** The whole current mapping, as a range (what unmap copies back). */
export function wholeMapping(memory: VkMemory): MemoryRange {
  return { offset: memory.mapOffset, size: memory.mapSize };
}
