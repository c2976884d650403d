// The alias strategy on `platform macos`: what CrossOver's 32on64 does for GL maps above 4 GiB
// (CrossOver dlls/opengl32/unix_wgl.c, remap_memory / wow64_gl_map_buffer under __APPLE__; facts
// vulkan-wine §6, linux-mm 7.5):
//
//   base = ptr & ~PAGE_MASK; mapping_size = page-rounded (ptr + size - base)
//   buffer_vm_alloc(): reserve low memory (NtAllocateVirtualMemory with zero_bits)
//   mach_vm_remap(task, &lowaddr, mapping_size, 0, VM_FLAGS_FIXED|VM_FLAGS_OVERWRITE,
//                 task, base, FALSE, &cur, &max, VM_INHERIT_DEFAULT)
//   map_ptr = lowaddr + (ptr - base)
//
// The driver's mapping stays and shares the pages, so a cached pointer keeps working. The alias
// is page granular: whatever else lies in the pages holding [ptr, ptr + size) — other
// suballocations of the driver's pool (H1) — becomes readable and writable from 32-bit code.
import { alignDown, alignUp, formatHex } from '../../numbers';
import { machVmRemap } from '../mach-step';
import type { VkMemory } from '../vk-memory';
import type { MapOutcome, StrategyContext } from './strategy';
import { reportAliasNeighbours } from './alias-neighbours';
import { allocateInWindow, windowFailureReason } from './window-allocation';
import { wineUnmapArea } from '../../sim/wine-fixed-area';

export function machAliasMap(
  ctx: StrategyContext,
  memory: VkMemory,
  pointer: bigint,
  size: bigint,
): MapOutcome {
  const sim = ctx.sim;
  const page = sim.pageSize;
  const base = alignDown(pointer, page);
  const mappingSize = alignUp(pointer + size, page) - base;
  // buffer_vm_alloc() is NtAllocateVirtualMemory: 64 KiB-granular window space.
  const reservation = alignUp(mappingSize, sim.platform.allocationGranularity);
  const low = allocateInWindow(sim, reservation, 'reserve', `${memory.name} (low reservation)`);
  if (typeof low !== 'bigint')
    return {
      ok: false,
      vkResult: 'VK_ERROR_OUT_OF_HOST_MEMORY',
      reason: windowFailureReason(low, 'no room in the 32-bit window'),
    };
  const result = machVmRemap(
    sim,
    'wine',
    { target: low, size: mappingSize, source: base, fixed: true, overwrite: true, copy: false },
    `${memory.name} (mach alias)`,
  );
  if (!result.ok) {
    wineUnmapArea(sim, low, reservation);
    return {
      ok: false,
      vkResult: 'VK_ERROR_MEMORY_MAP_FAILED',
      reason: `mach_vm_remap failed with ${result.kr}: ${result.reason}`,
    };
  }
  memory.windowRange = { start: low, size: reservation };
  memory.history.push({
    step: sim.stepIndex,
    text: `wine aliased its pages at ${formatHex(low)} with mach_vm_remap; the driver's mapping stays`,
  });
  reportAliasNeighbours(ctx, memory, { pointer, size, base, length: mappingSize, low }, 'mach_vm_remap');
  return { ok: true, pointer: low + (pointer - base) };
}
