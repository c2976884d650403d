// GL_MESA_map_buffer_client_pointer (proposal; GLREG extensions/MESA/MESA_map_buffer_client_pointer.txt,
// OpenGL-Registry PR #678; facts vulkan-wine §3.6): AddClientPointerRangeMESA(addr, size) hands the
// driver page-aligned read-write ranges — global state, reused for every map. A map with
// MAP_CLIENT_POINTER_BIT_MESA (0x4000) is placed inside them; when no room is left it fails with
// OUT_OF_MEMORY and BUFFER_CLIENT_POINTER_SIZE_MESA (0x9790) tells the size needed.
// ReleaseClientPointerRangeMESA is allowed only after every buffer in the ranges is unmapped and
// Flush has been called.
import { MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, MAP_SHARED, PROT_READ, PROT_WRITE } from '../../kernel/types';
import { alignDown, alignUp, formatHex, formatSize } from '../../numbers';
import type { GlBuffer } from './buffer';
import type { GlContext, GlMapOutcome } from './context';
import { takeDeviceWrites } from '../vk-memory';
import { setDriverObject } from '../memories-by-object';

export interface ClientRange {
  readonly start: bigint;
  readonly size: bigint;
  readonly step: number;
  /** Slots the driver placed maps in: [start, start + size) each. */
  readonly used: { start: bigint; size: bigint; buffer: string }[];
}

export class ClientPointerRanges {
  readonly ranges: ClientRange[] = [];
  /** glFlush was called since the last unmap of a client-pointer map. */
  flushed = true;

  add(start: bigint, size: bigint, step: number): void {
    this.ranges.push({ start, size, step, used: [] });
  }

  /** First fit for `size` bytes, page aligned. */
  find(size: bigint, page: bigint): { range: ClientRange; start: bigint } | undefined {
    for (const range of this.ranges) {
      let cursor = range.start;
      const slots = [...range.used].sort((a, b) => (a.start < b.start ? -1 : 1));
      for (const slot of slots) {
        if (slot.start - cursor >= size) return { range, start: cursor };
        cursor = alignUp(slot.start + slot.size, page);
      }
      if (range.start + range.size - cursor >= size) return { range, start: cursor };
    }
    return undefined;
  }

  largestFree(page: bigint): bigint {
    let largest = 0n;
    for (const range of this.ranges) {
      let cursor = range.start;
      const slots = [...range.used].sort((a, b) => (a.start < b.start ? -1 : 1));
      for (const slot of slots) {
        if (slot.start - cursor > largest) largest = slot.start - cursor;
        cursor = alignUp(slot.start + slot.size, page);
      }
      if (range.start + range.size - cursor > largest) largest = range.start + range.size - cursor;
    }
    return largest;
  }

  release(slotStart: bigint): void {
    for (const range of this.ranges) {
      const k = range.used.findIndex((u) => u.start === slotStart);
      if (k >= 0) range.used.splice(k, 1);
    }
  }
}

/** The driver maps the pages of [offset, offset + length) into a slot of the client ranges. */
export function clientPointerMap(
  ctx: GlContext,
  ranges: ClientPointerRanges,
  buffer: GlBuffer,
  offset: bigint,
  length: bigint,
): GlMapOutcome {
  const sim = ctx.sim;
  const page = sim.pageSize;
  const memory = buffer.memory;
  const objectOffset = memory.poolOffset + offset;
  // A DRM BO is mapped from its start: the kernel wants vm_pgoff to be exactly the BO's fake
  // offset (drm_vma_offset_exact_lookup_locked, linux-mm §4.1), so the driver maps the BO up to
  // the end of the range and hands out a pointer into it. A memfd can be mapped from any page.
  const fromStart = ctx.ops.model.backing === 'device';
  const mapFrom = fromStart ? 0n : alignDown(objectOffset, page);
  const needed = alignUp(objectOffset + length, page) - mapFrom;
  sim.note(
    'wine',
    `glMapBufferRange(${buffer.name}, ${formatHex(offset)}, ${formatSize(length)}, …|GL_MAP_CLIENT_POINTER_BIT_MESA)`,
    '',
    true,
  );
  const found = ranges.find(needed, page);
  if (!found) {
    const registered = ranges.ranges.reduce((sum, r) => sum + r.size, 0n);
    sim.finding(
      'gl-client-range-too-small',
      ranges.ranges.length === 0
        ? `${buffer.name} is mapped with MAP_CLIENT_POINTER_BIT_MESA, but no client pointer range is registered: GL_OUT_OF_MEMORY, and BUFFER_CLIENT_POINTER_SIZE_MESA is ${formatSize(needed)} (${formatHex(needed)})`
        : `no room for ${formatSize(needed)} in the client pointer ranges (${formatSize(registered)} registered, largest free block ${formatSize(ranges.largestFree(page))}): GL_OUT_OF_MEMORY, and BUFFER_CLIENT_POINTER_SIZE_MESA is ${formatSize(needed)} (${formatHex(needed)}) — register a larger range with glAddClientPointerRangeMESA`,
      ranges.ranges.map((r) => ({
        range: sim.stepRange(r.step) ?? memory.node,
        message: `client pointer range of ${formatSize(r.size)} registered here`,
      })),
    );
    return {
      ok: false,
      result: 'GL_OUT_OF_MEMORY',
      reason: `BUFFER_CLIENT_POINTER_SIZE_MESA = ${formatSize(needed)}`,
    };
  }
  const file = memory.file ?? openBo(ctx, buffer);
  // No fake offset for the BO (the refused ioctl is in the step's calls): the map is not made.
  if (file === undefined)
    return { ok: false, result: 'GL_OUT_OF_MEMORY', reason: 'no fake mmap offset for the buffer object' };
  const boOffset = memory.boOffset;
  const anon = ctx.ops.model.backing === 'anon';
  const result = sim.mmap(
    ctx.ops.name,
    {
      addr: found.start,
      length: needed,
      prot: PROT_READ | PROT_WRITE,
      flags: (anon ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED) | MAP_FIXED,
      fd: anon ? -1 : file.fd,
      offset: anon ? 0n : boOffset + mapFrom,
    },
    `${buffer.name} (client pointer map)`,
  );
  if (!result.ok) return { ok: false, result: 'GL_OUT_OF_MEMORY', reason: result.reason };
  found.range.used.push({ start: found.start, size: needed, buffer: buffer.name });
  memory.history.push({
    step: sim.stepIndex,
    text: `${ctx.ops.name} placed the map in the client pointer range at ${formatHex(found.start)}`,
  });
  const pointer = found.start + (objectOffset - mapFrom);
  return { ok: true, pointer, hostPointer: pointer, slot: { start: found.start, size: needed } };
}

/** At unmap the slot goes back to the range: the driver leaves read-write client memory there. */
export function clientPointerUnmap(
  ctx: GlContext,
  ranges: ClientPointerRanges,
  slot: { start: bigint; size: bigint },
): void {
  ctx.sim.mmap(
    ctx.ops.name,
    {
      addr: slot.start,
      length: slot.size,
      prot: PROT_READ | PROT_WRITE,
      flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
      fd: -1,
      offset: 0n,
    },
    `client pointer range (${ctx.ops.name})`,
  );
  ranges.release(slot.start);
  ranges.flushed = false;
}

function openBo(ctx: GlContext, buffer: GlBuffer) {
  const memory = buffer.memory;
  const bo = ctx.ops.newBo(alignUp(memory.allocationSize, ctx.sim.pageSize), memory.properties);
  if (bo === undefined) return undefined;
  const { file, offset } = bo;
  memory.file = file;
  memory.boOffset = offset;
  // The BO's own object: the VMA that maps it, made next, shows it too.
  if (memory.driverObject === undefined) setDriverObject(memory, ctx.sim.space.objectOfFile(file, offset));
  // The buffer object keeps what the GPU wrote while nothing mapped it (VkMemory.deviceWrites):
  // now that it has pages, they hold those writes, as a first mapping by the driver shows them.
  for (const w of takeDeviceWrites(memory))
    ctx.sim.space.writeFile(file, offset + memory.poolOffset + w.offset, w.length, w.datum);
  return file;
}
