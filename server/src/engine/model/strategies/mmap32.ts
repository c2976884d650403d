// box64's BOX64_MMAP32 (vulkan-wine §6 "Box64", H9): box64's own mmap symbol adds MAP_32BIT to
// every mmap(NULL) native code makes while 32-bit code runs, so the driver's maps land low by
// themselves — at device creation, at allocation, in pools, at vkMapMemory alike. The placement is
// DriverOps' (box64-mmap32.ts), armed for the whole process; the layer in between is Wine's direct
// map, which hands the driver's pointer over. What a symbol cannot catch is a raw syscall
// (box64#1946): that mapping lands where mmap(NULL) does, far above 4 GiB.
import { box64MissedMapping } from '../box64-mmap32';
import { isHostImport } from '../vk-memory';
import { passThrough, type Strategy } from './strategy';

export const mmap32: Strategy = {
  ...passThrough,
  name: 'mmap32',
  map(ctx, memory, offset, size) {
    const result = passThrough.map(ctx, memory, offset, size);
    // Imported host memory is the application's, never the driver's mmap.
    const why = result.ok && !isHostImport(memory) ? box64MissedMapping(ctx.ops.model) : undefined;
    if (why !== undefined) {
      const made = memory.driverMapStep !== undefined ? ctx.sim.stepRange(memory.driverMapStep) : undefined;
      ctx.sim.finding(
        'hook-bypassed',
        `BOX64_MMAP32 never saw this mapping: ${why}`,
        made ? [{ range: made, message: 'the driver mapped it here, with the syscall' }] : [],
        undefined,
        false,
        result.ok ? [result.pointer] : [],
      );
    }
    return result;
  },
};
