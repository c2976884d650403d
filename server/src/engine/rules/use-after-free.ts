// `use-after-free`: A memory object used after vkFreeMemory, or freed twice; or a vkMapMemory
// pointer used after its mapping ended (H5). Found by the Vulkan layer while it runs the step
// (model/vulkan-layer.ts).
import type { Rule } from './rule';

export const useAfterFree: Rule = {
  code: 'use-after-free',
  family: 'vulkan',
  severity: 'error',
  title:
    'A memory object used after vkFreeMemory, or freed twice; or a pointer from vkMapMemory used after its mapping ended.',
};
