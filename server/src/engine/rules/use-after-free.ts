// `use-after-free`: A memory object used after vkFreeMemory, or freed twice.
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const useAfterFree: Rule = {
  code: 'use-after-free',
  family: 'vulkan',
  severity: 'error',
  title: 'A memory object used after vkFreeMemory, or freed twice.',
};
