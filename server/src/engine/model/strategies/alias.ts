// Strategy 4: a second mapping of the same pages in the window, leaving the driver's intact.
// On Linux the layer has no fd, so it uses mremap(old_size = 0): shared mappings only — private
// memory gives EINVAL (before 4.14 an unrelated new mapping, refused here as well) and device
// BOs (VM_DONTEXPAND/VM_PFNMAP) EFAULT (facts linux-mm 3.6, 3.8, 4.3).
// On macOS mach_vm_remap(copy=FALSE) aliases any memory (facts 7.5). Both are page granular, so
// other suballocations in the pages are exposed (alias-neighbours.ts).
import { MREMAP_FIXED, MREMAP_MAYMOVE } from '../../kernel/types';
import { formatKernelVersion } from '../../kernel/config';
import { isShared } from '../../kernel/vma';
import { alignDown, alignUp, formatHex } from '../../numbers';
import { machAliasMap } from './mach-alias';
import { forgetAlias, reportAliasNeighbours, reportAllocationInAlias } from './alias-neighbours';
import { passThrough, type Strategy } from './strategy';
import { allocateInWindow, windowFailureReason } from './window-allocation';
import { wineUnmapArea } from '../../sim/wine-fixed-area';

export const alias: Strategy = {
  ...passThrough,
  name: 'alias',
  allocate(ctx, memory) {
    const failed = passThrough.allocate(ctx, memory);
    // A pool suballocation made into pages an earlier map aliased is exposed too (H1).
    if (failed === undefined) reportAllocationInAlias(ctx, memory);
    return failed;
  },
  map(ctx, memory, offset, size) {
    const own = passThrough.map(ctx, memory, offset, size);
    if (!own.ok) return own;
    // macOS: mach_vm_remap aliases any memory, page granular (CrossOver 32on64).
    if (ctx.sim.platform.os === 'macos') return machAliasMap(ctx, memory, own.pointer, size);
    const page = ctx.sim.pageSize;
    const driverPointer = own.pointer - offset;
    const start = alignDown(driverPointer, page);
    // What the driver mapped: less than the object when it maps only through the range (ANV).
    const length = alignUp(driverPointer + (memory.driverMapLength ?? memory.allocationSize), page) - start;
    const low = allocateInWindow(ctx.sim, length, 'reserve', 'reservation');
    if (typeof low !== 'bigint')
      return {
        ok: false,
        vkResult: 'VK_ERROR_OUT_OF_HOST_MEMORY',
        reason: windowFailureReason(low, 'no room in the 32-bit window'),
      };
    const dup = ctx.sim.mremap(
      'wine',
      {
        oldAddress: start,
        oldSize: 0n,
        newSize: length,
        flags: MREMAP_MAYMOVE | MREMAP_FIXED,
        newAddress: low,
      },
      `${memory.name} (alias)`,
    );
    if (!dup.ok) {
      wineUnmapArea(ctx.sim, low, length);
      return {
        ok: false,
        vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
        reason: `mremap(old_size=0) failed with ${dup.errno}: ${dup.reason}`,
      };
    }
    // Before Linux 4.14 the kernel accepts old_size = 0 on a private mapping but makes a new,
    // unrelated private mapping (linux-mm §3.8, commit dba58d3b8c50 made it EINVAL): an alias
    // that shares nothing with the driver's pages. Not an alias, so it fails as the EINVAL does.
    const source = ctx.sim.space.vmaAt(ctx.sim.pageOf(start));
    if (source && !isShared(source)) {
      ctx.sim.finding(
        'kernel-refused',
        `wine's mremap(old_size = 0) of ${memory.name}'s private mapping at ${formatHex(start)} succeeds on Linux ${formatKernelVersion(ctx.sim.space.config.version)}, but what it makes at ${formatHex(low)} is a new, unrelated zero-filled private mapping, not an alias: 32-bit code and ${memory.driver.name} would not share pages (before Linux 4.14; 4.14 refuses it with EINVAL, commit dba58d3b8c50). The alias strategy unmaps it and the map fails`,
        ctx.sim.madeAt(source),
        undefined,
        false,
        [start],
      );
      wineUnmapArea(ctx.sim, low, length);
      return {
        ok: false,
        vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
        reason:
          'mremap(old_size=0) of a private mapping made an unrelated mapping, not an alias (Linux < 4.14)',
      };
    }
    memory.windowRange = { start: low, size: length };
    memory.history.push({
      step: ctx.sim.stepIndex,
      text: `wine aliased its pages at ${formatHex(low)}; the driver's mapping stays`,
    });
    // Whole pages, as on macOS: the pool's other suballocations in them are exposed too (H1).
    reportAliasNeighbours(
      ctx,
      memory,
      { pointer: own.pointer, size, base: start, length, low },
      'mremap(old_size = 0)',
    );
    return { ok: true, pointer: low + (driverPointer - start) + offset };
  },
  unmap(ctx, memory) {
    forgetAlias(ctx, memory);
    if (memory.windowRange) wineUnmapArea(ctx.sim, memory.windowRange.start, memory.windowRange.size);
    memory.windowRange = undefined;
    passThrough.unmap(ctx, memory);
  },
};
