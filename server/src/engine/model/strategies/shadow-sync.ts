// Keeping a shadow copy and the device memory in step, and finding what a copy-back destroys.
// A shadow cannot tell which of its bytes 32-bit code wrote, so a copy-back writes the whole
// range over the device memory, as Wine's GL copy path copies back the whole mapped length at
// unmap (facts vulkan-wine §3.6). The device may legally write other bytes of a mapped,
// non-coherent allocation meanwhile (an upload and a readback region suballocated from one
// VkDeviceMemory): vkFlushMappedMemoryRanges makes the host's writes available, and must not put
// back bytes the host never wrote. So the shadow remembers what each byte held at the last sync
// (VkMemory.shadowBaseline): a byte the device changed since, and 32-bit code did not, is lost.
import { ContentStore, readSegments } from '../../kernel/contents';
import type { Segment } from '../../kernel/types';
import { formatHex, minBig } from '../../numbers';
import type { Simulation } from '../../sim/simulation';
import type { MemoryRange } from '../mapped-memory-range';
import type { VkMemory } from '../vk-memory';

/** Notes that the shadow and the device agree on `segments`, read at memory offset `offset`. */
export function noteSynced(memory: VkMemory, offset: bigint, segments: readonly Segment[]): void {
  const baseline = (memory.shadowBaseline ??= new ContentStore());
  for (const s of segments) {
    const start = offset + s.offset;
    baseline.write(0, Number(start), Number(start + s.length), s.datum);
  }
}

/**
 * The shadow's bytes over the device memory in `range` (`why`: who copies, for the report), reporting
 * `shadow-copy-clobbers` for device bytes written since the last sync that 32-bit code left alone.
 */
export function copyBack(sim: Simulation, memory: VkMemory, range: MemoryRange, why: string): void {
  if (memory.appPointer === undefined || memory.driverPointer === undefined || range.size <= 0n) return;
  const shadowAddress = memory.appPointer + (range.offset - memory.mapOffset);
  const deviceAddress = memory.driverPointer + range.offset;
  const baseline = memory.shadowBaseline;
  if (baseline !== undefined) {
    const device = sim.read('wine', deviceAddress, range.size);
    const shadow = sim.read('wine', shadowAddress, range.size);
    if (device.ok && shadow.ok) {
      const before = readSegments(baseline, 0, range.offset, range.size, 0);
      const lost = clobberedRuns(device.segments, shadow.segments, before);
      if (lost.length > 0)
        reportClobber(sim, memory, range.offset, lost, why, [shadowAddress, deviceAddress]);
    }
  }
  const copied = sim.copy('wine', shadowAddress, deviceAddress, range.size);
  if (copied.ok) noteSynced(memory, range.offset, copied.segments);
}

/** The device's bytes over the shadow in `range` (an invalidate). */
export function copyIn(sim: Simulation, memory: VkMemory, range: MemoryRange): void {
  if (memory.appPointer === undefined || memory.driverPointer === undefined || range.size <= 0n) return;
  const copied = sim.copy(
    'wine',
    memory.driverPointer + range.offset,
    memory.appPointer + (range.offset - memory.mapOffset),
    range.size,
  );
  if (copied.ok) noteSynced(memory, range.offset, copied.segments);
}

/**
 * The runs (offsets from the range's start, with the device's datum) where the device changed a
 * byte since the last sync and the shadow did not: the copy-back puts the old byte back. A byte
 * both changed is the application's own race (it wrote what the device writes), not the layer's.
 * `shadowBaseline` is what the shadow held at the sync when it did not receive the device's bytes
 * (a GL map with GL_MAP_INVALIDATE_*_BIT skips the copy-in); otherwise both held `baseline`.
 */
export function clobberedRuns(
  device: readonly Segment[],
  shadow: readonly Segment[],
  baseline: readonly Segment[],
  shadowBaseline: readonly Segment[] = baseline,
): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  let l = 0;
  let pos = 0n;
  while (i < device.length && j < shadow.length && k < baseline.length && l < shadowBaseline.length) {
    const d = device[i]!;
    const s = shadow[j]!;
    const b = baseline[k]!;
    const sb = shadowBaseline[l]!;
    const end = minBig(
      minBig(d.offset + d.length, s.offset + s.length),
      minBig(b.offset + b.length, sb.offset + sb.length),
    );
    if (s.datum === sb.datum && d.datum !== b.datum) {
      const last = out[out.length - 1];
      if (last !== undefined && last.datum === d.datum && last.offset + last.length === pos)
        out[out.length - 1] = { offset: last.offset, length: end - last.offset, datum: d.datum };
      else out.push({ offset: pos, length: end - pos, datum: d.datum });
    }
    pos = end;
    if (d.offset + d.length === end) i++;
    if (s.offset + s.length === end) j++;
    if (b.offset + b.length === end) k++;
    if (sb.offset + sb.length === end) l++;
  }
  return out;
}

/**
 * Reports `shadow-copy-clobbers` for `lost` (runs from `rangeOffset` of the memory, as
 * clobberedRuns gives them); `why` says who copies back, and when.
 */
export function reportClobber(
  sim: Simulation,
  memory: VkMemory,
  rangeOffset: bigint,
  lost: readonly Segment[],
  why: string,
  /** The shadow and the device mapping: the panel marks both. */
  addresses: readonly bigint[],
): void {
  const first = lost[0]!;
  const start = rangeOffset + first.offset;
  const tag = sim.tags.get(first.datum);
  const what = !tag
    ? 'what the device wrote there'
    : `what ${tag.actor} wrote there at step ${tag.step + 1}${tag.label.startsWith('data written by') ? '' : ` (${tag.label})`}`;
  let bytes = 0n;
  for (const run of lost) bytes += run.length;
  const more = lost.length > 1 ? ` (and ${lost.length - 1} more run(s), ${bytes} bytes in all)` : '';
  const writeStep = tag ? sim.stepRange(tag.step) : undefined;
  sim.finding(
    'shadow-copy-clobbers',
    `${why} over ${memory.name}+${formatHex(start)}..${formatHex(start + first.length)}${more} and destroys ${what} after the shadow last synced; 32-bit code did not write those bytes. A shadow copy cannot tell which bytes 32-bit code wrote: it copies back the whole range (Wine's GL copy path copies back the whole length, vulkan-wine §3.6)`,
    writeStep ? [{ range: writeStep, message: 'the device write that is lost' }] : [],
    undefined,
    false,
    addresses,
  );
}
