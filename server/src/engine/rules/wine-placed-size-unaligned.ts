// `wine-placed-size-unaligned`: Wine's own placed map (offset 0, VK_WHOLE_SIZE) of an allocation
// whose size is not a multiple of minPlacedMemoryMapAlignment breaks
// VUID-VkMemoryMapInfo-flags-09651. The application did nothing wrong, and the breach is harmless
// on a driver that maps the page-rounded BO (every Mesa driver: facts vulkan-wine §3.3, an
// inference from the code; §4 H7), so it is a warning of its own code, not a
// `vulkan-valid-usage` error that fails `check` for a valid application. Where the driver's map
// really does harm (it spills past Wine's reservation), `fixed-clobber` reports that as an error.
// Found by the simulator while it runs the step (see server/src/engine/model/strategies/placed.ts).
import type { Rule } from './rule';

export const winePlacedSizeUnaligned: Rule = {
  code: 'wine-placed-size-unaligned',
  family: 'vulkan',
  severity: 'warning',
  title:
    "Wine's placed map of an allocation whose size is not a multiple of minPlacedMemoryMapAlignment breaks VUID-VkMemoryMapInfo-flags-09651; harmless where the driver maps the page-rounded BO.",
};
