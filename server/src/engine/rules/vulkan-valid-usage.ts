// `vulkan-valid-usage`: A Vulkan valid-usage rule is broken; the message cites the VUID (including 09578, which the validation layers do not check).
// Found by the simulator while it runs the step (see server/src/engine/model/).
import type { Rule } from './rule';

export const vulkanValidUsage: Rule = {
  code: 'vulkan-valid-usage',
  family: 'vulkan',
  severity: 'error',
  title:
    'A Vulkan valid-usage rule is broken; the message cites the VUID (including 09578, which the validation layers do not check).',
};
