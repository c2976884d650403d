// box64's BOX64_MMAP32 (vulkan-wine §6 "Box64", H9): box64's own mmap symbol adds MAP_32BIT to
// every mmap(NULL) native code makes while 32-bit code runs, so the driver's maps land low by
// themselves — at device creation, at allocation, in pools, at vkMapMemory alike. The placement is
// DriverOps' (box64-mmap32.ts), armed for the whole process. box64 hides no extension, so Wine
// (winevulkan on WOW64) picks its path as ever (§3.2): a placed map into space it reserved, a
// MAP_FIXED call box64 leaves alone, when the driver can; else host memory imported at allocation;
// only with neither does it map directly (§3.5), the path box64's MAP_32BIT is there for (Hangover
// #168's reporter: the hack "was used for quite a while with Turnip driver until the driver has
// included support for that specific VK extension"). This is box64 running x86-64 Wine as a Linux
// program; as Wine's WOW64 CPU DLL (wowbox64.dll: box64 wow64/CMakeLists.txt builds it as a mingw
// PE DLL without src/custommmap.c) box64 exports no mmap, and another strategy applies ("Box64
// can't use mmap in Hangover as it isn't a win32 API", Hangover #151). What a symbol
// cannot catch is a raw syscall (box64#1946): that mapping lands where mmap(NULL) does, far above
// 4 GiB, and Wine's safety net (§3.3 step 5) refuses it.
import { box64MissedMapping } from '../box64-mmap32';
import { box64Prereserve } from '../box64-prereserve';
import { isHostImport } from '../vk-memory';
import { formatHex } from '../../numbers';
import { hostImport } from './host-import';
import { wineMapPath } from './placed';
import { passThrough, type Strategy } from './strategy';
import { wineSafetyNet } from './wine-direct-map';

/** Wine's direct map of a driver box64 has (or has not) pushed low. */
const box64DirectMap: Strategy = {
  ...passThrough,
  map(ctx, memory, offset, size) {
    const result = passThrough.map(ctx, memory, offset, size);
    // Imported host memory is the application's, never the driver's mmap.
    const why = result.ok && !isHostImport(memory) ? box64MissedMapping(ctx.ops.model) : undefined;
    if (why !== undefined) {
      const made = memory.driverMapStep !== undefined ? ctx.sim.stepRange(memory.driverMapStep) : undefined;
      const refused = result.ok && result.pointer > 0xffff_ffffn;
      ctx.sim.finding(
        'hook-bypassed',
        `BOX64_MMAP32 never saw this mapping: ${why}${
          refused
            ? `, ${formatHex(result.pointer)}, which does not fit in 32 bits: Wine unmaps it and vkMapMemory fails with VK_ERROR_OUT_OF_HOST_MEMORY (FIXME "returned mapping %p does not fit 32-bit pointer", vulkan-wine §3.3)`
            : ''
        }`,
        made ? [{ range: made, message: 'the driver mapped it here, with the syscall' }] : [],
        undefined,
        false,
        result.ok ? [result.pointer] : [],
      );
    }
    return wineSafetyNet(ctx, memory, result);
  },
};

export const mmap32: Strategy = {
  ...wineMapPath('mmap32', {
    hostImport,
    direct: box64DirectMap,
  }),
  // box64 reserves its Wine ranges before Wine runs, on every arch (box64-prereserve.ts).
  start: box64Prereserve,
};
