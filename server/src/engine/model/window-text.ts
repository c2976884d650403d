// What a pointer below 4 GiB but outside the process's window means, said the same way for
// Vulkan and OpenGL: Wine refuses a pointer only when it has bits above 32 (vulkan-wine §3.3 step
// 5; GL's "we're lucky" test, §3.6), so one that fits is handed over unchanged.
import { formatHex } from '../numbers';
import type { Platform } from '../sim/platform';

/**
 * `32-bit code gets 0x…, outside the window A..B` for a pointer to `size` bytes that 32-bit code
 * cannot use, or undefined when it lies inside the window.
 */
export function outsideWindow(platform: Platform, pointer: bigint, size: bigint): string | undefined {
  const { start, end } = platform.window;
  if (pointer >= start && pointer + size <= end) return undefined;
  const lastByte =
    pointer + size > end && pointer < end ? ` (its last byte ${formatHex(pointer + size - 1n)})` : '';
  return `32-bit code gets ${formatHex(pointer)}${lastByte}, outside the window ${formatHex(start)}..${formatHex(end)}`;
}

export function fitsButOutsideWindow(platform: Platform): string {
  return `It fits in 32 bits, so Wine hands it over unchanged, but the process's 32-bit code is not given addresses there${platform.largeAddressAware ? '' : ' (it is not large-address-aware: pointers above 2 GiB break code that treats them as signed)'}`;
}
