// A driver trait the scenario's kernel leaves one value: ANV on i915 before Linux 5.6 has no
// DRM_I915_GEM_MMAP_OFFSET, so it maps through DRM_IOCTL_I915_GEM_MMAP and exposes no placed
// maps (model/driver.ts onKernel). Exploring `mmap-via` or `placed-map` there would only run the
// same behaviour under labels it does not have (`mmap-via = libc`, a value the kernel rules out):
// the dimension is left out, with a note saying why.
import { formatKernelVersion } from '../kernel/config';
import type { KernelVersion } from '../kernel/types';
import { kernelDecides, type DriverModel } from '../model/driver';

/**
 * Why `trait` is not explored for `driver` on `version`, or undefined when it is. Only while the
 * kernel and the driver's backing are fixed: when either is explored, some runs have the trait
 * free, and each run applies the kernel rule itself (sim/declarations.ts applyDriverOptions).
 */
export function kernelDecidedNote(
  driver: DriverModel,
  trait: string,
  version: KernelVersion,
  varies: { readonly kernel: boolean; readonly backing: boolean },
): string | undefined {
  if (trait !== 'mmap-via' && trait !== 'placed-map') return undefined;
  if (varies.kernel || varies.backing || !kernelDecides(driver, trait, version)) return undefined;
  const value = trait === 'mmap-via' ? 'it maps through DRM_IOCTL_I915_GEM_MMAP' : 'it has no placed maps';
  return `${driver.name}: \`${trait} any\` is not explored — on Linux ${formatKernelVersion(version)} i915 has no DRM_I915_GEM_MMAP_OFFSET (Linux 5.6), so ${value}; write \`${trait} …\` to ask for another value`;
}
