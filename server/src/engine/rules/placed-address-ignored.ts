// `placed-address-ignored`: vkMapMemory2 with an address (`at`, pPlacedAddress) but without
// `placed`: valid, and the driver ignores the address (facts vulkan-wine §1.1: pPlacedAddress is
// ignored unless PLACED is set), which is surely not what the scenario meant.
// Found by the simulator while it runs the step (see server/src/engine/model/vulkan-layer.ts).
import type { Rule } from './rule';

export const placedAddressIgnored: Rule = {
  code: 'placed-address-ignored',
  family: 'vulkan',
  severity: 'warning',
  title:
    'vkMapMemory2 with an address but without `placed`: the driver ignores pPlacedAddress unless VK_MEMORY_MAP_PLACED_BIT_EXT is set.',
};
