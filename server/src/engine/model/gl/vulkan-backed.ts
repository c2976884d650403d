// Wine's Vulkan-backed persistent GL buffers (current upstream, dlls/opengl32/unix_wgl.c; facts
// vulkan-wine §3.6): wow64_glBufferStorage with GL_MAP_PERSISTENT_BIT calls create_buffer_storage
// — vkAllocateMemory (HOST_VISIBLE|HOST_COHERENT, plus DEVICE_LOCAL unless GL_CLIENT_STORAGE_BIT,
// exportable as an OPAQUE_FD), vkGetMemoryFdKHR, glImportMemoryFdEXT, glBufferStorageMemEXT. A map
// is buffer_vm_alloc(buffer->size) in the window plus vkMapMemory2KHR(PLACED, WHOLE_SIZE), and
// returns vm_ptr + offset; unmap is vkUnmapMemory2KHR(UNMAP_RESERVE), and the range stays the
// buffer's for the next map.
import { NO_MAPPED_RANGES } from '../app-mapped';
import { CallSettledLater } from '../../sim/calls';
import type { AllocationFailure } from '../strategies/strategy';
import { alignUp, formatSize } from '../../numbers';
import { placeMap, unplace } from '../strategies/placed';
import { allocateInWindow, windowFailureReason } from '../strategies/window-allocation';
import type { GlBuffer } from './buffer';
import type { GlContext, GlMapOutcome } from './context';

/**
 * The memory type create_buffer_storage asks for: HOST_VISIBLE|HOST_COHERENT, plus DEVICE_LOCAL
 * unless GL_CLIENT_STORAGE_BIT (so on amdgpu radv asks for VRAM|GTT, amdgpu-domains.ts).
 */
export function vulkanBackedProperties(flags: ReadonlySet<string>): Set<string> {
  return new Set([
    'host-visible',
    'coherent',
    ...(flags.has('client-storage') ? [] : ['device-local']),
    ...(flags.has('persistent') ? ['persistent'] : []),
  ]);
}

const callText = (text: string): string => text;

/**
 * The calls create_buffer_storage makes, for the trace. A failed vkAllocateMemory is its result:
 * Wine logs the ERR and makes no Vulkan-backed buffer.
 */
export function createBufferStorage(ctx: GlContext, buffer: GlBuffer): AllocationFailure | undefined {
  const props = [
    'HOST_VISIBLE',
    'HOST_COHERENT',
    ...(buffer.memory.properties.has('device-local') ? ['DEVICE_LOCAL'] : []),
  ];
  const allocation = new CallSettledLater(
    'wine',
    callText,
    `vkAllocateMemory(${formatSize(buffer.memory.allocationSize)}, ${props.join('|')}, export OPAQUE_FD)`,
    '= VK_SUCCESS',
  );
  ctx.sim.noteCall(allocation);
  // The driver allocates as it always does: one that maps at allocation (H3) has mapped the BO
  // before any placed map, which then fails (H4). Exportable memory is a BO of its own, never a
  // suballocation of the driver's pool.
  if (ctx.ops.model.maps !== 'pool') {
    const failed = ctx.ops.allocate(buffer.memory);
    if (failed !== undefined) {
      allocation.settle(`= ${failed.vkResult}`, false);
      ctx.sim.note('wine', 'ERR: vkAllocateMemory failed', '', false);
      return failed;
    }
  }
  // vkGetMemoryFdKHR opens an fd on the memory's BO (as VulkanLayer.exportFd does): the trace
  // shows its number like every other call's. glImportMemoryFdEXT transfers its ownership to GL
  // (GL_EXT_memory_object_fd, as VkImportMemoryFdInfoKHR does to Vulkan), and Mesa's import
  // closes it, as RADV's does (VulkanLayer.allocate): Wine never uses it again.
  const bo = ctx.ops.boOf(buffer.memory);
  const exportCall = `vkGetMemoryFdKHR(${buffer.name}, VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT)`;
  const storage = `+ glBufferStorageMemEXT(${buffer.name})`;
  const size = formatSize(buffer.memory.allocationSize);
  if (bo === undefined) {
    // No BO to open an fd on (a driver keeping memory in anonymous pages, or no fake offset
    // left): no number to show, and the simulation goes on without one.
    ctx.sim.note('wine', exportCall, '= an fd, handed to GL', true);
    ctx.sim.note(
      'wine',
      `glImportMemoryFdEXT(${size}, GL_HANDLE_TYPE_OPAQUE_FD_EXT, that fd) ${storage}`,
      '',
      true,
    );
    return undefined;
  }
  const fd = ctx.sim.space.openExport(
    bo.file,
    bo.offset,
    alignUp(buffer.memory.allocationSize, ctx.sim.pageSize),
    `${buffer.name}'s buffer object through the opaque fd Wine hands to GL`,
  );
  ctx.sim.note('wine', exportCall, `= ${fd.fd}`, true);
  ctx.sim.note(
    'wine',
    `glImportMemoryFdEXT(${size}, GL_HANDLE_TYPE_OPAQUE_FD_EXT, ${fd.fd}) ${storage}`,
    '',
    true,
  );
  ctx.sim.closeFile(fd, `glImportMemoryFdEXT for ${buffer.name} took it, and the GL driver closed it`);
  return undefined;
}

export function vulkanMap(ctx: GlContext, buffer: GlBuffer, offset: bigint): GlMapOutcome {
  const sim = ctx.sim;
  const memory = buffer.memory;
  // buffer_vm_alloc(buffer->size): NtAllocateVirtualMemory commits the size rounded up to the host
  // page at a 64 KiB-aligned base, and the rest of that 64 KiB stays unmapped (as for the
  // placed strategy): a write past the buffer faults. It reuses the buffer's range while it is
  // large enough: an unmap leaves it reserved (UNMAP_RESERVE), and it is freed only with the buffer.
  const size = alignUp(memory.allocationSize, sim.pageSize);
  const kept = memory.windowRange;
  let low: bigint;
  if (kept && kept.size >= size) low = kept.start;
  else {
    const found = allocateInWindow(sim, size, 'commit', `${buffer.name} (wine VM)`);
    // As on the copy path: GL_OUT_OF_MEMORY, and glMapBufferRange returns NULL.
    if (typeof found !== 'bigint')
      return {
        ok: false,
        result: 'GL_OUT_OF_MEMORY',
        reason: windowFailureReason(found, 'buffer_vm_alloc found no room in the window'),
      };
    low = found;
    memory.windowRange = { start: low, size };
  }
  const result = placeMap({ sim, ops: ctx.ops, memories: [], appMapped: NO_MAPPED_RANGES }, memory, low, {
    offset: 0n,
    size: undefined,
    caller: 'wine',
    forCall: 'glMapBufferRange',
  });
  if (!result.ok) {
    // unix_wgl.c: ERR "vkMapMemory2KHR failed", and glMapBufferRange returns NULL; the range
    // stays the buffer's.
    sim.note('wine', 'ERR: vkMapMemory2KHR failed', '', false);
    return { ok: false, result: 'NULL', reason: result.reason };
  }
  return { ok: true, pointer: low + offset, hostPointer: low + offset };
}

/** unmap_vk_buffer: vkUnmapMemory2KHR(UNMAP_RESERVE); the range stays reserved for the next map. */
export function vulkanUnmap(ctx: GlContext, buffer: GlBuffer): void {
  const memory = buffer.memory;
  ctx.sim.note('wine', `vkUnmapMemory2KHR(${buffer.name}, VK_MEMORY_UNMAP_RESERVE_BIT_EXT)`, '', true);
  const result = unplace(
    { sim: ctx.sim, ops: ctx.ops, memories: [], appMapped: NO_MAPPED_RANGES },
    memory,
    true,
  );
  // unmap_vk_buffer: ERR "VkMemoryUnmapInfoKHR failed", nothing more; the driver keeps its map
  // there, which the next map of the buffer places at the same address.
  if (!result.ok) ctx.sim.note('wine', 'ERR: VkMemoryUnmapInfoKHR failed', `${result.vkResult}`, false);
}
