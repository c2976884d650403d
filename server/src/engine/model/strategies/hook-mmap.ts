// Strategy 2: hook the driver's mmap during vkMapMemory and force a low address. It only sees
// mappings made inside the hooked call through libc: a driver that mapped at allocation, hands
// out a pool it mapped long ago, or calls the syscall directly escapes it (facts vulkan-wine §4
// H3, H1, §6 box64#1946).
import { passThrough, type Strategy } from './strategy';

export const hookMmap: Strategy = {
  ...passThrough,
  name: 'hook-mmap',
  map(ctx, memory, offset, size) {
    ctx.ops.hookArmed = true;
    try {
      const result = passThrough.map(ctx, memory, offset, size);
      const why = result.ok ? ctx.ops.escapeOf(memory) : undefined;
      if (why !== undefined) {
        const made = memory.driverMapStep !== undefined ? ctx.sim.stepRange(memory.driverMapStep) : undefined;
        ctx.sim.finding(
          'hook-bypassed',
          `the mmap hook never saw this mapping: ${why}`,
          made ? [{ range: made, message: 'the driver mapped it here, unhooked' }] : [],
          undefined,
          false,
          result.ok ? [result.pointer] : [],
        );
      }
      return result;
    } finally {
      ctx.ops.hookArmed = false;
    }
  },
};
