// The valid-usage rules of VkMemoryAllocateInfo and VkImportMemoryHostPointerInfoEXT a
// vkAllocateMemory breaks before any driver runs: a zero allocationSize and a host-pointer import.
// Texts from the spec's VkMemoryAllocateInfo and VkImportMemoryHostPointerInfoEXT (Vulkan-Docs
// chapters/memory.adoc). A call that breaks one is not simulated, as for every other VUID.
import { formatSize } from '../numbers';
import type { DriverModel } from './driver';

/**
 * VkPhysicalDeviceExternalMemoryHostPropertiesEXT::minImportedHostPointerAlignment: 4096 on RADV
 * and ANV (vulkan-wine §3.4), the drivers whose imports drvmap models; drvmap takes it for every
 * driver with VK_EXT_external_memory_host.
 */
export const MIN_IMPORTED_HOST_POINTER_ALIGNMENT = 4096n;

export interface AllocationRefusal {
  readonly code: 'vulkan-valid-usage' | 'number-out-of-range';
  readonly message: string;
  /** Why the call is not simulated, for the step's outcome. */
  readonly why: string;
}

/**
 * allocationSize 0 outside an import: 07897 ("If the parameters do not define an import or export
 * operation, allocationSize must be greater than 0") for plain memory, 07899 ("If the parameters
 * define an export operation and the handle type is not …ANDROID_HARDWARE_BUFFER…") for
 * `exportable` memory, whose handle types (opaque fd, dma-buf) are not Android's. Undefined for
 * an import that exports nothing: zeroSizeImport says why there is no VUID for it.
 */
export function zeroSizeRefusal(exports: boolean, imports: boolean): AllocationRefusal | undefined {
  if (exports)
    return {
      code: 'vulkan-valid-usage',
      message:
        'VUID-VkMemoryAllocateInfo-allocationSize-07899: allocationSize must be greater than 0 for an export operation (VkExportMemoryAllocateInfo, `exportable`)',
      why: 'allocationSize is 0',
    };
  if (imports) return undefined;
  return {
    code: 'vulkan-valid-usage',
    message: 'VUID-VkMemoryAllocateInfo-allocationSize-07897: allocationSize must be greater than 0',
    why: 'allocationSize is 0',
  };
}

/**
 * A zero-size import, which no valid-usage rule forbids: 07897 exempts import operations, 0 is an
 * integer multiple of minImportedHostPointerAlignment (01745), and a host pointer to 0 bytes
 * (01750) is any pointer. What a driver answers (RADV's radv_amdgpu_winsys_bo_from_ptr turns any
 * refused userptr ioctl into VK_ERROR_INVALID_EXTERNAL_HANDLE) is not modelled, so drvmap asks for
 * a size instead of guessing one.
 */
export function zeroSizeImport(what: string): AllocationRefusal {
  return {
    code: 'number-out-of-range',
    message: `allocationSize 0 for ${what}: no valid-usage rule forbids it (07897 exempts imports, and 0 is a multiple of minImportedHostPointerAlignment, 01745), but it imports nothing and what the driver answers is not modelled: give the import its size`,
    why: 'a zero-size import is not modelled',
  };
}

/**
 * An `imported-host` allocation (VkImportMemoryHostPointerInfoEXT chained) the driver cannot take.
 * Without VK_EXT_external_memory_host the application cannot enable the extension, so the
 * structure is no valid member of the pNext chain: VUID-VkMemoryAllocateInfo-pNext-pNext, the one
 * the validation layers report for a structure of an extension the device was created without
 * (and the host-allocation handle type is not supported for import either, 01747, which presumes
 * the structure is valid). With the extension, 01745: allocationSize a multiple of
 * minImportedHostPointerAlignment.
 */
export function hostImportRefusal(driver: DriverModel, size: bigint): AllocationRefusal | undefined {
  if (!driver.externalMemoryHost)
    return {
      code: 'vulkan-valid-usage',
      message: `VUID-VkMemoryAllocateInfo-pNext-pNext: driver ${driver.name} does not expose VK_EXT_external_memory_host (\`external-memory-host no\`), so VkImportMemoryHostPointerInfoEXT is no valid structure in the pNext chain, and its handle type is not supported for import (VUID-VkImportMemoryHostPointerInfoEXT-handleType-01747): \`imported-host\` needs a driver with the extension`,
      why: 'the driver has no VK_EXT_external_memory_host',
    };
  if (size === 0n) return zeroSizeImport('a host pointer import');
  if (size % MIN_IMPORTED_HOST_POINTER_ALIGNMENT !== 0n)
    return {
      code: 'vulkan-valid-usage',
      message: `VUID-VkMemoryAllocateInfo-allocationSize-01745: a host pointer import's allocationSize must be a multiple of minImportedHostPointerAlignment (${formatSize(MIN_IMPORTED_HOST_POINTER_ALIGNMENT)} for driver ${driver.name}: RADV's and ANV's value, which drvmap takes for every driver with VK_EXT_external_memory_host), and ${formatSize(size)} is not: round it up, as Wine does for its own imports`,
      why: 'allocationSize is not a multiple of minImportedHostPointerAlignment',
    };
  return undefined;
}
