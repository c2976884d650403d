// How much of a memory object the driver's own mapping covers when the application maps a range
// of it (DriverTraits.mapLength).
import { alignUp } from '../numbers';
import type { DriverTraits } from './driver';
import type { VkMemory } from './vk-memory';

/**
 * The length of the driver's mapping for a vkMapMemory of [offset, offset + size), or undefined
 * when it maps the whole page-rounded BO. ANV (`to-range-end`) maps from the BO's start through
 * the range's end: anv_MapMemory2KHR's map_offset is 0 on the mmap-offset path and its map_size
 * align64(offset + size - map_offset, 4096) (anv_device.c; anv_sanitize_map_params in newer
 * Mesa). Rounded to the page here: the kernel rounds an mmap's length up to it anyway.
 */
export function ownMapLength(
  driver: DriverTraits,
  memory: VkMemory,
  offset: bigint,
  size: bigint,
  pageSize: bigint,
): bigint | undefined {
  if (driver.mapLength !== 'to-range-end' || driver.backing === 'anon') return undefined;
  const whole = alignUp(memory.allocationSize, pageSize);
  const end = alignUp(offset + size, pageSize);
  return end > 0n && end < whole ? end : undefined;
}
