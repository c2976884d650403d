// Whether `device` on a driver is its CPU: a software rasterizer has no GPU, so what the scenario
// calls the device reaches memory through the driver's own mapping and meets what that pointer
// meets (a move leaves it behind: stale-pointer). Memory imported from a host pointer is the
// exception: the driver then works on the application's own pages.
import type { DriverTraits } from './driver';

export function deviceIsCpu(driver: DriverTraits): boolean {
  // Private anonymous memory has no object a GPU could reach: only a CPU driver keeps it there.
  return driver.backing === 'anon' || driver.softwareRasterizer;
}
