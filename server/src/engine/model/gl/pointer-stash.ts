// Wine's GL copy path before 10.15 (sim/wine-version.ts, WINE_GL_UNIX_COPY; facts vulkan-wine
// §3.6 "Older"): dlls/opengl32/unix_wgl.c wow64_map_buffer answers the first call with
// STATUS_INVALID_ADDRESS and the size, the PE side (wgl.c glMapBufferRange) allocates the copy
// with _aligned_malloc(length, 16) and calls again, and the second call copies the host data in
// (unless INVALIDATE) and saves the 32-bit pointer in the first 4 bytes of the host mapping
// (`*(PTR32 *)ptr = *ret`: "we'll overwrite it on unmap"). wow64_unmap_buffer reads the pointer
// back from there and copies the copy over the host mapping only with GL_MAP_WRITE_BIT, so after
// any other map those 4 bytes of the buffer keep the pointer. The PE side frees the copy at unmap
// (gl_unmap_buffer: _aligned_free). A range under 4 bytes has no room for the pointer: "Buffer
// too small for metadata!", and the map fails.
import { allocateInWindow, windowFailureReason } from '../strategies/window-allocation';
import { wineUnmapArea } from '../../sim/wine-fixed-area';
import { alignUp, formatHex, formatSize } from '../../numbers';
import type { GlBuffer, GlMap, GlShadow } from './buffer';
import type { GlContext, GlMapOutcome } from './context';
import { copyUnmap, readBaseline, refusedMapResult, refusePersistent } from './shadow-copy';

/** sizeof(PTR32): the pointer Wine keeps in the buffer. */
const STASH_BYTES = 4n;

export function stashMap(
  ctx: GlContext,
  buffer: GlBuffer,
  hostPointer: bigint,
  length: bigint,
  access: ReadonlySet<string>,
  legacyMap = false,
): GlMapOutcome {
  const sim = ctx.sim;
  if (access.has('persistent')) return refusePersistent(ctx, buffer, hostPointer);
  if (length < STASH_BYTES) {
    sim.note('wine', 'FIXME: Buffer too small for metadata!', '', false);
    // STATUS_BUFFER_TOO_SMALL: wow64_ext_glMapBufferRange unmaps on the host. The later pre-10.15
    // unix_wgl.c returns 0; Wine 9.0's had already stored the truncated pointer as the result.
    sim.note('wine', `glUnmapBuffer(${buffer.name})`, '', true);
    ctx.ops.unmapOwnPointer(buffer.memory);
    return refusedMapResult(
      ctx,
      hostPointer,
      `the map is ${length} bytes, and Wine before 10.15 needs ${STASH_BYTES} to keep its 32-bit pointer in the buffer ("Buffer too small for metadata!")`,
    );
  }
  sim.note(
    'wine',
    `STATUS_INVALID_ADDRESS: the PE side allocates a copy (_aligned_malloc(${formatSize(length)}, 16)) and maps again`,
    '',
    true,
  );
  // The copy is PE heap memory, drvmap's stand-in a committed range in the window of its size.
  const size = alignUp(length, sim.pageSize);
  const low = allocateInWindow(sim, size, 'commit', `${buffer.name} (GL copy)`);
  if (typeof low !== 'bigint')
    // STATUS_NO_MEMORY: glMapBufferRange returns NULL, and wgl.c leaves the host map in place.
    return {
      ok: false,
      result: 'NULL',
      reason: windowFailureReason(low, '_aligned_malloc found no room in the window for the copy'),
    };
  buffer.shadow = { start: low, size };
  const writes = access.has('write');
  if (access.has('invalidate-range') || access.has('invalidate-buffer'))
    sim.note('wine', `skip the copy-in of ${buffer.name} (GL_MAP_INVALIDATE_*_BIT)`, '', true);
  else if (legacyMap) {
    // glMapBuffer / glMapNamedBuffer (unix_wgl.c wow64_gl_map_buffer, wow64_gl_map_named_buffer):
    // the second call re-enters wow64_map_buffer with the literal size 0, and only the first call
    // turns 0 into GL_BUFFER_SIZE, so `memcpy( UlongToPtr(*ret), ptr, size )` copies nothing. The
    // copy keeps what _aligned_malloc left there; the unmap still copies GL_BUFFER_MAP_LENGTH back.
    sim.note('wine', 'FIXME: Doing a copy of a mapped buffer (expect performance issues)', '', true);
    sim.note('wine', `memcpy(${formatHex(low)}, ${formatHex(hostPointer)}, 0)`, '', true);
    const heap = sim.newTag(`uninitialised _aligned_malloc bytes (not ${buffer.name}'s data)`, 'wine');
    sim.write('wine', low, length, heap);
  } else {
    sim.note('wine', 'FIXME: Doing a copy of a mapped buffer (expect performance issues)', '', true);
    sim.copy('wine', hostPointer, low, length);
  }
  const stash = sim.newTag(`Wine's 32-bit pointer ${formatHex(low)}, kept in ${buffer.name}`, 'wine');
  const kept = sim.write('wine', hostPointer, STASH_BYTES, stash);
  sim.note(
    'wine',
    `*(PTR32 *)${formatHex(hostPointer)} = ${formatHex(low)}: the 32-bit pointer saved in the buffer data`,
    kept.ok ? '' : `faults: ${kept.signal} at ${formatHex(kept.address)}`,
    kept.ok,
  );
  // The copy-back compares with the buffer as it is after the stash, which it overwrites.
  const synced: GlShadow['synced'] = writes ? readBaseline(ctx, hostPointer, low, length) : undefined;
  buffer.shadow.synced = synced;
  buffer.memory.history.push({
    step: sim.stepIndex,
    text: `wine copied ${formatSize(legacyMap ? 0n : length)} into a GL copy at ${formatHex(low)} and kept that pointer in the first ${STASH_BYTES} bytes of the map`,
  });
  return { ok: true, pointer: low, hostPointer };
}

/** glUnmapBuffer before 10.15: the copy-back with GL_MAP_WRITE_BIT, then the PE side frees the copy. */
export function stashUnmap(ctx: GlContext, buffer: GlBuffer, map: GlMap): void {
  if (map.hostPointer === undefined) return;
  const sim = ctx.sim;
  if (map.access.has('write')) copyUnmap(ctx, buffer, map);
  else
    sim.note(
      'wine',
      `no copy-back of ${buffer.name}: mapped without GL_MAP_WRITE_BIT, so its bytes ${formatHex(map.offset)}..${formatHex(map.offset + STASH_BYTES)} keep the 32-bit pointer ${formatHex(map.pointer)} Wine saved there`,
      '',
      false,
    );
  const shadow = buffer.shadow;
  if (shadow) {
    sim.note('wine', `_aligned_free(${formatHex(shadow.start)})`, '', true);
    wineUnmapArea(sim, shadow.start, shadow.size);
    buffer.shadow = undefined;
  }
  if (!map.access.has('write'))
    buffer.memory.history.push({
      step: sim.stepIndex,
      text: `unmapped without a copy-back: bytes ${formatHex(map.offset)}..${formatHex(map.offset + STASH_BYTES)} hold Wine's pointer ${formatHex(map.pointer)}`,
    });
}
