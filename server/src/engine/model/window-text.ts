// What a pointer below 4 GiB but outside the process's window means, said the same way for
// Vulkan and OpenGL: Wine refuses a pointer only when it has bits above 32 (vulkan-wine §3.3 step
// 5; GL's "we're lucky" test, §3.6), so one that fits is handed over unchanged.
import type { Platform } from '../sim/platform';

export function fitsButOutsideWindow(platform: Platform): string {
  return `It fits in 32 bits, so Wine hands it over unchanged, but the process's 32-bit code is not given addresses there${platform.largeAddressAware ? '' : ' (it is not large-address-aware: pointers above 2 GiB break code that treats them as signed)'}`;
}
