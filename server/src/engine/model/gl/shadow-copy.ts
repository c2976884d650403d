// Wine's GL copy path (wow64_map_buffer / wow64_unmap_buffer, dlls/opengl32/unix_wgl.c; facts
// vulkan-wine §3.6): buffer_vm_alloc(length + (offset & 0xf)) allocates a per-buffer shadow in the
// window (NtAllocateVirtualMemory with zero_bits, MEM_COMMIT) and reuses it while large enough;
// the host data is copied in unless an INVALIDATE bit is set ("Doing a copy of a mapped buffer
// (expect performance issues)"); at unmap the shadow is copied back only if the map had
// GL_MAP_WRITE_BIT (copy_length = length). Only the offset's 16-byte alignment is kept.
// GL_MAP_PERSISTENT_BIT cannot work on a copy: FIXME, and the map fails.
import { clobberedRuns, reportClobber } from '../strategies/shadow-sync';
import { allocateInWindow, windowFailureReason } from '../strategies/window-allocation';
import { alignUp, formatHex, formatSize, truncate32 } from '../../numbers';
import type { GlBuffer, GlMap, GlShadow } from './buffer';
import type { GlContext, GlMapOutcome } from './context';
import { wineUnmapArea } from '../../sim/wine-fixed-area';
import { wineGlRefusedMapKeepsPointer } from '../../sim/wine-version';

export function copyMap(
  ctx: GlContext,
  buffer: GlBuffer,
  hostPointer: bigint,
  offset: bigint,
  length: bigint,
  access: ReadonlySet<string>,
): GlMapOutcome {
  const sim = ctx.sim;
  if (access.has('persistent')) return refusePersistent(ctx, buffer, hostPointer);
  const need = length + (offset & 0xfn);
  if (!buffer.shadow || buffer.shadow.size < need) {
    if (buffer.shadow) wineUnmapArea(sim, buffer.shadow.start, buffer.shadow.size);
    const size = alignUp(need, sim.pageSize);
    const low = allocateInWindow(sim, size, 'commit', `${buffer.name} (GL shadow)`);
    if (typeof low !== 'bigint') {
      buffer.shadow = undefined;
      // unix_wgl.c: GL_OUT_OF_MEMORY, and the host map is undone before returning NULL.
      sim.note('wine', `glUnmapBuffer(${buffer.name})`, '', true);
      ctx.ops.unmapOwnPointer(buffer.memory);
      return {
        ok: false,
        result: 'GL_OUT_OF_MEMORY',
        reason: windowFailureReason(low, 'no room in the window for the shadow copy'),
      };
    }
    buffer.shadow = { start: low, size };
  }
  const pointer = buffer.shadow.start + (offset & 0xfn);
  // The baseline copyUnmap compares against is needed only when there is a copy-back (a write map).
  const writes = access.has('write');
  let synced: GlShadow['synced'];
  if (access.has('invalidate-range') || access.has('invalidate-buffer')) {
    sim.note('wine', `skip the copy-in of ${buffer.name} (GL_MAP_INVALIDATE_*_BIT)`, '', true);
    // The shadow did not receive the buffer's bytes: both sides are read.
    if (writes) synced = readBaseline(ctx, hostPointer, pointer, length);
  } else {
    sim.note('wine', 'FIXME: Doing a copy of a mapped buffer (expect performance issues)', '', true);
    const copied = sim.copy('wine', hostPointer, pointer, length);
    // After a whole copy both sides hold the bytes the copy read.
    if (writes)
      synced = copied.ok
        ? { device: copied.segments, shadow: copied.segments }
        : readBaseline(ctx, hostPointer, pointer, length);
  }
  buffer.shadow.synced = synced;
  buffer.memory.history.push({
    step: sim.stepIndex,
    text: `wine copied ${formatSize(length)} into its GL shadow at ${formatHex(pointer)}`,
  });
  return { ok: true, pointer, hostPointer };
}

/**
 * GL_MAP_PERSISTENT_BIT on the copy path, in every Wine drvmap models: FIXME, and the map fails
 * (current: `goto unmap`; before 10.15 STATUS_NOT_SUPPORTED, and wow64_glMapBufferRange unmaps).
 * Under Wine 9.0 the call still returns the truncated host pointer (refusedMapResult).
 */
export function refusePersistent(ctx: GlContext, buffer: GlBuffer, hostPointer: bigint): GlMapOutcome {
  const sim = ctx.sim;
  sim.note('wine', 'FIXME: GL_MAP_PERSISTENT_BIT not supported on wow64 (copy path)', '', false);
  const returns = wineGlRefusedMapKeepsPointer(sim.platform.wine)
    ? `glMapBufferRange returns ${danglingText(hostPointer)}`
    : 'glMapBufferRange returns NULL';
  sim.finding(
    'gl-persistent-copy',
    `${buffer.name} is mapped GL_MAP_PERSISTENT_BIT, but its pointer ${formatHex(hostPointer)} does not fit in 32 bits and there is no Vulkan-backed buffer for it: Wine's copy path cannot keep a persistent map in sync, so it prints a FIXME, unmaps the buffer and ${returns}`,
    [{ range: buffer.memory.node, message: `${buffer.name} created here` }],
    undefined,
    false,
    [hostPointer],
  );
  // Wine's thunk unmaps on the host (unmap_buffer); the driver then drops its map.
  sim.note('wine', `glUnmapBuffer(${buffer.name})`, '', true);
  ctx.ops.unmapOwnPointer(buffer.memory);
  return refusedMapResult(ctx, hostPointer, 'GL_MAP_PERSISTENT_BIT on the copy path');
}

/** What 32-bit code gets from Wine 9.0's refused map (wine-version.ts wineGlRefusedMapKeepsPointer). */
export function danglingText(hostPointer: bigint): string {
  return `${formatHex(truncate32(hostPointer))} anyway (Wine 9.0 stored the truncated host pointer as the result before refusing the map): 32-bit code gets a truncated pointer to memory that is no longer mapped`;
}

/** A refused copy-path map: NULL, or under Wine 9.0 the truncated, dangling host pointer. */
export function refusedMapResult(ctx: GlContext, hostPointer: bigint, reason: string): GlMapOutcome {
  if (!wineGlRefusedMapKeepsPointer(ctx.sim.platform.wine)) return { ok: false, result: 'NULL', reason };
  ctx.sim.note(
    'wine',
    `glMapBufferRange = ${formatHex(truncate32(hostPointer))}`,
    danglingText(hostPointer),
    false,
  );
  return { ok: false, result: 'NULL', reason, dangling: truncate32(hostPointer) };
}

/** What the buffer and its shadow hold now, as the baseline of a later copy-back; undefined if either faults. */
export function readBaseline(
  ctx: GlContext,
  hostPointer: bigint,
  pointer: bigint,
  length: bigint,
): GlShadow['synced'] {
  const device = ctx.sim.read('wine', hostPointer, length);
  const shadow = ctx.sim.read('wine', pointer, length);
  return device.ok && shadow.ok ? { device: device.segments, shadow: shadow.segments } : undefined;
}

/**
 * glUnmapBuffer on the copy path: copy back if the map was for writing. The whole mapped length
 * goes back, so a device write into the buffer since the map, on bytes 32-bit code left alone, is
 * destroyed: `shadow-copy-clobbers`, as for a Vulkan shadow (strategies/shadow-sync.ts).
 */
export function copyUnmap(ctx: GlContext, buffer: GlBuffer, map: GlMap): void {
  if (map.hostPointer === undefined) return;
  const sim = ctx.sim;
  if (!map.access.has('write')) {
    sim.note('wine', `no copy-back of ${buffer.name}: mapped without GL_MAP_WRITE_BIT`, '', true);
    return;
  }
  const synced = buffer.shadow?.synced;
  if (synced) {
    const device = sim.read('wine', map.hostPointer, map.length);
    const shadow = sim.read('wine', map.pointer, map.length);
    if (device.ok && shadow.ok) {
      const lost = clobberedRuns(device.segments, shadow.segments, synced.device, synced.shadow);
      if (lost.length > 0)
        reportClobber(
          sim,
          buffer.memory,
          map.offset,
          lost,
          `At glUnmapBuffer Wine copies the whole shadow back (the map has GL_MAP_WRITE_BIT)`,
          [map.pointer, map.hostPointer],
        );
    }
  }
  sim.copy('wine', map.pointer, map.hostPointer, map.length);
}

/**
 * glFlushMappedBufferRange on the copy path: Wine's flush_buffer returns early for a buffer with
 * no Vulkan memory, and the host flush runs on the host map before anything is copied. The
 * shadow's bytes reach the buffer only at glUnmapBuffer's copy-back.
 */
export function copyFlush(ctx: GlContext, map: GlMap, offset: bigint, length: bigint): void {
  if (map.hostPointer === undefined) return;
  ctx.sim.note(
    'wine',
    `glFlushMappedBufferRange on the host map (${formatHex(map.hostPointer + offset)}, ${formatSize(length)}): nothing is copied from the shadow until glUnmapBuffer`,
    '',
    true,
  );
}
