// What every GL route needs: the simulation, and the GL driver's operations on its buffer objects.
import type { Simulation } from '../../sim/simulation';
import type { DriverOps } from '../driver-ops';
import { winePlacesMaps, type DriverModel } from '../driver';
import { wineHasGlVulkanBuffers, type WineVersion } from '../../sim/wine-version';

export interface GlContext {
  readonly sim: Simulation;
  readonly ops: DriverOps;
}

/** A map attempt: the pointer for 32-bit code, or the GL result (`NULL`, a GL error). */
export type GlMapOutcome =
  | {
      readonly ok: true;
      readonly pointer: bigint;
      readonly hostPointer: bigint | undefined;
      readonly slot?: { start: bigint; size: bigint };
    }
  | {
      readonly ok: false;
      readonly result: string;
      readonly reason: string;
      /** What 32-bit code gets anyway: Wine 9.0's truncated pointer to the unmapped host map. */
      readonly dangling?: bigint;
    };

/** GL_MESA_map_buffer_client_pointer: the `gl-client-pointer` driver trait. */
export function hasClientPointer(driver: DriverModel): boolean {
  // Not with private anonymous buffers: nothing to map into the range (model/driver.ts).
  return driver.traitSources.has('gl-client-pointer') && driver.backing !== 'anon';
}

/**
 * Wine's Vulkan interop device for GL (initialize_vk_device): needs memoryMapPlaced and
 * memoryUnmapReserve on a Vulkan device of the same GPU (facts vulkan-wine §3.6). drvmap takes it
 * from the driver's `placed-map` trait. The device and create_buffer_storage came in Wine 10.18
 * (sim/wine-version.ts): an older Wine has neither, whatever the driver.
 */
export function hasVulkanInterop(driver: DriverModel, wine: WineVersion): boolean {
  return wineHasGlVulkanBuffers(wine) && winePlacesMaps(driver);
}
