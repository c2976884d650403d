// Whether NVK gets a device on the scenario's kernel: it runs only on nouveau's VM_BIND uAPI.
// Mesa and kernel source, not the facts files.
import type { KernelVersion } from '../kernel/types';
import { versionAtLeast } from '../kernel/config';
import type { DriverTraits } from './driver';

/**
 * nouveau has DRM_NOUVEAU_VM_INIT (with VM_BIND and EXEC, "drm/nouveau: implement new VM_BIND
 * uAPI") from Linux 6.6. Before, drm_ioctl finds no handler for the driver ioctl and answers
 * EINVAL (drivers/gpu/drm/drm_ioctl.c).
 */
export function nouveauHasVmBind(version: KernelVersion): boolean {
  return versionAtLeast(version, 6, 6);
}

/**
 * Whether the driver is NVK on a nouveau without VM_BIND: nouveau_ws_device_new sets
 * `has_vm_bind` only when DRM_NOUVEAU_VM_INIT succeeds (src/nouveau/winsys/nouveau_device.c), and
 * nvkmd_nouveau_try_create_pdev then returns VK_ERROR_INCOMPATIBLE_DRIVER ("NVK Requires a Linux
 * kernel version 6.6 or later", nvkmd/nouveau/nvkmd_nouveau_pdev.c): the physical device is not
 * enumerated, so there is no NVK device to allocate or map from. A software backing is no nouveau.
 */
export function nvkLacksVmBind(driver: DriverTraits, version: KernelVersion): boolean {
  return driver.kernelDriver === 'nouveau' && driver.backing === 'device' && !nouveauHasVmBind(version);
}

/** The device-creation ioctl NVK makes first, and why the kernel refuses it before 6.6. */
export const NOUVEAU_VM_INIT = 'DRM_IOCTL_NOUVEAU_VM_INIT';

export function noVmBindText(version: KernelVersion): string {
  return `nouveau has no VM_BIND uAPI before Linux 6.6 (this kernel is ${version.major}.${version.minor}): drm_ioctl finds no handler for the ioctl`;
}

/** What that means for the driver, said by kernel-refused at the preset line. */
export const NVK_NO_DEVICE =
  'nouveau_ws_device_new leaves has_vm_bind false, and nvkmd_nouveau_try_create_pdev returns VK_ERROR_INCOMPATIBLE_DRIVER ("NVK Requires a Linux kernel version 6.6 or later"): there is no NVK device on this kernel, so each of its Vulkan calls fails here with VK_ERROR_INCOMPATIBLE_DRIVER instead of mapping';
