// The valid-usage rules of VK_KHR_map_memory2 / VK_EXT_map_memory_placed (facts vulkan-wine
// §1.2). Current VUID names are used; the pre-1.4 `VkMemoryMapInfoKHR` spellings are the same
// rules. 09578 (no overlap with another Vulkan mapping) is checked here although the
// validation layers do not check it (VVL issue #11425).
import { exactSize, formatHex, formatSize } from '../numbers';
import type { DriverModel } from './driver';
import { isHostImport, type VkMemory } from './vk-memory';
import { hostRangeOf, type MappedRanges } from './app-mapped';

export interface MapInfo {
  readonly placed: boolean;
  /** pPlacedAddress; undefined when no VkMemoryMapPlacedInfoEXT is chained (or NULL). */
  readonly placedAddress: bigint | undefined;
  readonly offset: bigint;
  /** undefined = VK_WHOLE_SIZE. */
  readonly size: bigint | undefined;
  /** vkMapMemory (not 2): the PLACED flag is never valid there. */
  readonly legacyEntryPoint: boolean;
}

export interface Violation {
  readonly vuid: string;
  readonly message: string;
}

/** `otherMappings`: the mapped memory objects, for the overlap check. */
export function mapViolations(
  memory: VkMemory,
  driver: DriverModel,
  info: MapInfo,
  otherMappings: MappedRanges,
): readonly Violation[] {
  // Most maps are valid: no list until a violation, and no closure per call.
  let out: Violation[] | undefined;
  const size = memory.allocationSize;
  // The core rules, under the entry point's names (vkMapMemory-00678… or VkMemoryMapInfo-07958…).
  const core = info.legacyEntryPoint ? LEGACY_CORE : INFO_CORE;
  if (memory.appPointer !== undefined || memory.mapStep !== undefined) {
    out = withViolation(
      out,
      core.mapped,
      `${memory.name} is already host-mapped (memory must not be currently mapped)${memory.mapStep !== undefined ? ` (since step ${memory.mapStep + 1})` : ''}`,
    );
  }
  if (info.offset >= size)
    out = withViolation(
      out,
      core.offset,
      `offset ${formatHex(info.offset)} is not less than allocationSize ${exactSize(size)}`,
    );
  if (info.size !== undefined && info.size === 0n)
    out = withViolation(out, core.sizeZero, 'size must be greater than 0');
  if (info.size !== undefined && info.offset + info.size > size)
    out = withViolation(
      out,
      core.sizePast,
      `offset + size = ${formatHex(info.offset + info.size)} exceeds allocationSize ${exactSize(size)}`,
    );
  if (!memory.properties.has('host-visible'))
    out = withViolation(
      out,
      core.hostVisible,
      `${memory.name} was not allocated from a HOST_VISIBLE memory type`,
    );
  if (!info.placed) return out ?? NO_VIOLATIONS;
  // Read only for a placed map: exploration records each trait a run reads, and a plain map
  // must not make the driver's placed-map support a dimension of it.
  const placed = driver.placed;
  const align = placed.alignment;
  if (info.legacyEntryPoint) {
    out = withViolation(
      out,
      'VUID-vkMapMemory-flags-09568',
      'VK_MEMORY_MAP_PLACED_BIT_EXT must not be passed to vkMapMemory: there is no way to give an address; use vkMapMemory2',
    );
    return out ?? NO_VIOLATIONS;
  }
  if (!placed.supported)
    out = withViolation(
      out,
      'VUID-VkMemoryMapInfo-flags-09569',
      `the memoryMapPlaced feature is not enabled: ${driver.name} does not expose VK_EXT_map_memory_placed`,
    );
  if (info.placedAddress === undefined || info.placedAddress === 0n) {
    out = withViolation(
      out,
      'VUID-VkMemoryMapInfo-flags-09570',
      'PLACED needs a VkMemoryMapPlacedInfoEXT with a non-NULL pPlacedAddress (`at ADDRESS`)',
    );
  }
  if (!placed.rangePlaced) {
    if (info.offset !== 0n)
      out = withViolation(
        out,
        'VUID-VkMemoryMapInfo-flags-09571',
        `without memoryMapRangePlaced the offset must be 0, not ${formatHex(info.offset)} (no Mesa driver has range placement; Wine maps the whole object)`,
      );
    if (info.size !== undefined && info.size !== size)
      out = withViolation(
        out,
        'VUID-VkMemoryMapInfo-flags-09572',
        `without memoryMapRangePlaced the size must be VK_WHOLE_SIZE or allocationSize (${exactSize(size)}), not ${exactSize(info.size)}`,
      );
  } else if (info.offset % align !== 0n) {
    out = withViolation(
      out,
      'VUID-VkMemoryMapInfo-flags-09573',
      `offset ${formatHex(info.offset)} is not a multiple of minPlacedMemoryMapAlignment (${formatSize(align)})`,
    );
  }
  if (info.size !== undefined && info.size % align !== 0n) {
    out = withViolation(
      out,
      'VUID-VkMemoryMapInfo-flags-09574',
      `size ${exactSize(info.size)} is not a multiple of minPlacedMemoryMapAlignment (${formatSize(align)})`,
    );
  }
  if (info.size === undefined && size % align !== 0n) {
    out = withViolation(
      out,
      'VUID-VkMemoryMapInfo-flags-09651',
      `with VK_WHOLE_SIZE, allocationSize (${exactSize(size)}) must be a multiple of minPlacedMemoryMapAlignment (${formatSize(align)})`,
    );
  }
  if (isHostImport(memory)) {
    out = withViolation(
      out,
      'VUID-VkMemoryMapInfo-flags-09575',
      `${memory.name} was imported as host memory (VK_EXT_external_memory_host); it cannot be placed`,
    );
  }
  if (info.placedAddress !== undefined && info.placedAddress % align !== 0n) {
    out = withViolation(
      out,
      'VUID-VkMemoryMapPlacedInfoEXT-pPlacedAddress-09577',
      `pPlacedAddress ${formatHex(info.placedAddress)} is not aligned to minPlacedMemoryMapAlignment (${formatSize(align)})`,
    );
  }
  if (info.placedAddress !== undefined) {
    const start = info.placedAddress;
    const end = start + (info.size ?? size - info.offset);
    const others = otherMappings.overlapping(start, end);
    for (let i = 0; i < others.length; i++) {
      const other = others[i]!;
      if (other === memory) continue;
      out = withViolation(
        out,
        'VUID-VkMemoryMapPlacedInfoEXT-pPlacedAddress-09578',
        `[${formatHex(start)}, ${formatHex(end)}) overlaps the live mapping of ${other.name} at ${formatHex(hostRangeOf(other)!.start)}; the validation layers do not check this (VVL issue #11425)`,
      );
    }
  }
  return out ?? NO_VIOLATIONS;
}

/** The core map rules' VUIDs for each entry point (facts vulkan-wine §1.2, the core table). */
const LEGACY_CORE = {
  mapped: 'VUID-vkMapMemory-memory-00678',
  offset: 'VUID-vkMapMemory-offset-00679',
  sizeZero: 'VUID-vkMapMemory-size-00680',
  sizePast: 'VUID-vkMapMemory-size-00681',
  hostVisible: 'VUID-vkMapMemory-memory-00682',
};
const INFO_CORE = {
  mapped: 'VUID-VkMemoryMapInfo-memory-07958',
  offset: 'VUID-VkMemoryMapInfo-offset-07959',
  sizeZero: 'VUID-VkMemoryMapInfo-size-07960',
  sizePast: 'VUID-VkMemoryMapInfo-size-07961',
  hostVisible: 'VUID-VkMemoryMapInfo-memory-07962',
};

/** vkMapMemory's core rule that the memory is not mapped now (a compatibility layer may answer it). */
export const MAP_ALREADY_MAPPED = LEGACY_CORE.mapped;

const CORE_RULES: ReadonlySet<string> = new Set([...Object.values(LEGACY_CORE), ...Object.values(INFO_CORE)]);

/**
 * Whether a map rule is one of the core rules (memory mapped, offset, size, host-visible): a call
 * that breaks one has undefined behaviour, and is not simulated further.
 */
export function isCoreMapRule(vuid: string): boolean {
  return CORE_RULES.has(vuid);
}

/** The one empty list of violations (frozen: every valid map shares it). */
const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

function withViolation(out: Violation[] | undefined, vuid: string, message: string): Violation[] {
  const list = out ?? [];
  list.push({ vuid, message });
  return list;
}

/**
 * vkUnmapMemory2's core rule, vkUnmapMemory's 00689: the memory must be mapped. An unmap that
 * breaks it has undefined behaviour, and is not simulated further.
 */
export const UNMAP_NOT_MAPPED = 'VUID-VkMemoryUnmapInfo-memory-07964';

export function unmapViolations(memory: VkMemory, driver: DriverModel, reserve: boolean): Violation[] {
  const out: Violation[] = [];
  if (memory.appPointer === undefined && memory.mapStep === undefined) {
    out.push({
      vuid: UNMAP_NOT_MAPPED,
      message: `${memory.name} is not currently host-mapped`,
    });
  }
  if (reserve && !driver.placed.unmapReserve) {
    out.push({
      vuid: 'VUID-VkMemoryUnmapInfo-flags-09579',
      message: `UNMAP_RESERVE needs the memoryUnmapReserve feature, which ${driver.name} lacks (the validation layers only check this on an already invalid unmap)`,
    });
  }
  if (reserve && isHostImport(memory)) {
    out.push({
      vuid: 'VUID-VkMemoryUnmapInfo-flags-09580',
      message: `${memory.name} was imported as host memory; UNMAP_RESERVE is not allowed`,
    });
  }
  return out;
}
