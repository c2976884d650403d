// Wine's last resort on WOW64 when it can neither place maps nor import host memory (vulkan-wine
// §3.5): the driver's own vkMapMemory, and the safety net of §3.3 step 5. A pointer with bits
// above 32 gets the FIXME "returned mapping %p does not fit 32-bit pointer", is unmapped, and the
// application gets VK_ERROR_OUT_OF_HOST_MEMORY.
import { formatHex } from '../../numbers';
import type { VkMemory } from '../vk-memory';
import { passThrough, type MapOutcome, type StrategyContext } from './strategy';

/**
 * The direct map, reported under `code` with `lacks` (what the driver is missing, and so why
 * Wine maps directly) as the start of its message.
 */
export function wineDirectMap(
  ctx: StrategyContext,
  memory: VkMemory,
  offset: bigint,
  size: bigint,
  code: string,
  lacks: string,
): MapOutcome {
  const driver = ctx.ops.model.name;
  const direct = passThrough.map(ctx, memory, offset, size);
  const fits = !direct.ok || direct.pointer <= 0xffff_ffffn;
  ctx.sim.finding(
    code,
    fits
      ? `${lacks}; Wine falls back to mapping directly, which works only while the driver's pointer happens to fit in 32 bits`
      : `${lacks}; Wine falls back to mapping directly, and ${driver}'s pointer ${formatHex(direct.pointer)} does not fit in 32 bits: Wine unmaps it and vkMapMemory fails with VK_ERROR_OUT_OF_HOST_MEMORY (FIXME "returned mapping %p does not fit 32-bit pointer")`,
    [],
    undefined,
    false,
    direct.ok ? [direct.pointer] : [],
  );
  return wineSafetyNet(ctx, memory, direct);
}

/**
 * §3.3 step 5 on a direct map's result: a pointer with bits above 32 is unmapped and the
 * application gets VK_ERROR_OUT_OF_HOST_MEMORY; one that fits is handed over as it is.
 */
export function wineSafetyNet(ctx: StrategyContext, memory: VkMemory, direct: MapOutcome): MapOutcome {
  if (!direct.ok || direct.pointer <= 0xffff_ffffn) return direct;
  ctx.sim.noteFormatted('wine', wineUnmapText, memory.name, '', true);
  passThrough.unmap(ctx, memory);
  return {
    ok: false,
    vkResult: 'VK_ERROR_OUT_OF_HOST_MEMORY',
    reason: `the direct map at ${formatHex(direct.pointer)} does not fit a 32-bit pointer`,
  };
}

const wineUnmapText = (name: string) => `vkUnmapMemory(${name}) (Wine: the mapping does not fit 32 bits)`;
