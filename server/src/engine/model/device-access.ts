// The device's (GPU's, copy engine's) own access to a memory object: it reaches the object's pages
// through the GPU's page tables, not through a CPU address. So it never faults on a CPU mapping
// (their protections, a range moved away or emptied by MREMAP_DONTUNMAP are the CPU's business),
// every CPU mapping that shares the pages shows it (the driver's, a remap strategy's moved range,
// an alias), and a copy of the pages (a shadow copy) does not, until something copies it. Facts
// linux-mm §4.1: a BO's pages are the GEM object's, whichever VMA maps them.
import type { Datum, MemoryObject, Segment, Vma } from '../kernel/types';
import type { Simulation } from '../sim/simulation';
import { deviceContents, type VkMemory } from './vk-memory';

/**
 * The built-in actor that is the GPU: `device writes mem + 0x200, 64`. Named as the Vulkan spec
 * names the two sides of memory access, host and device (`host` is already the 64-bit CPU code).
 */
export const DEVICE_ACTOR = 'device';

/**
 * The device writes [offset, offset + length) of the memory. Returns every CPU mapping that shows
 * the bytes now, the driver's first (for the trace).
 */
export function deviceWrite(
  sim: Simulation,
  memory: VkMemory,
  offset: bigint,
  length: bigint,
  datum: Datum,
): CpuView[] {
  const views = cpuViewsOf(sim, memory, offset);
  const through = views[0]?.address;
  // A BO or memfd: into its file's object, which every shared mapping of it reads; before its
  // first mapping the file does not exist yet, and the memory keeps the write until then.
  if (memory.file) sim.space.writeFile(memory.file, fileOffset(memory, offset), length, datum);
  else if (through === undefined) (memory.deviceWrites ??= []).push({ offset, length, datum });
  // Anonymous pages with no file (host memory imported with VK_EXT_external_memory_host): the
  // driver pinned them, and the device writes the pages themselves, whatever protection a CPU
  // mapping of them has now.
  else if (memory.driverObject)
    sim.space.writeObject(
      memory.driverObject,
      objectOffset(memory, memory.driverObject, offset),
      length,
      datum,
    );
  else sim.write('device', through, length, datum);
  return views;
}

/** What the device reads at [offset, offset + length) of the memory, as a read's runs. */
export function deviceRead(
  sim: Simulation,
  memory: VkMemory,
  offset: bigint,
  length: bigint,
): readonly Segment[] {
  if (memory.file) return sim.space.readFile(memory.file, fileOffset(memory, offset), length);
  const through = cpuAddressOf(sim, memory, offset);
  // Pinned anonymous pages (deviceWrite): read as they are, not through the CPU's protection.
  if (through !== undefined && memory.driverObject)
    return sim.space.readObject(
      memory.driverObject,
      objectOffset(memory, memory.driverObject, offset),
      length,
    );
  if (through !== undefined) {
    const read = sim.read('device', through, length);
    if (read.ok) return read.segments;
  }
  return deviceContents(memory, offset, length);
}

/** Where `offset` of the memory lies in its file: the BO's offset on the node, plus the pool's. */
function fileOffset(memory: VkMemory, offset: bigint): bigint {
  return memory.boOffset + memory.poolOffset + offset;
}

/**
 * Where `offset` of the memory lies in `object`. A file or device object counts its pages from the
 * mapping's file offset (the BO's fake offset on a DRM node, else 0; plus the pool's); an
 * anonymous object from the virtual page it was first mapped at (vm_pgoff of an anonymous VMA is
 * its address >> PAGE_SHIFT, kept across mremap), as with host memory imported by
 * external-memory-host.
 */
export function objectOffset(memory: VkMemory, object: MemoryObject, offset: bigint): bigint {
  return object.kind === 'anon' && memory.driverPointer !== undefined
    ? memory.driverPointer + offset
    : fileOffset(memory, offset);
}

/** An address where a CPU mapping shows the memory's object at `offset` now (the driver's own first). */
export function cpuAddressOf(sim: Simulation, memory: VkMemory, offset: bigint): bigint | undefined {
  const object = memory.driverObject;
  if (!object)
    return memory.appPointer !== undefined ? memory.appPointer - memory.mapOffset + offset : undefined;
  // One pass that stops at the driver's own mapping (cpuViewsOf lists them all, for the trace).
  const at = objectOffset(memory, object, offset);
  let other: bigint | undefined;
  for (const vma of sim.space.vmas()) {
    const address = addressIn(sim, vma, object, at);
    if (address === undefined) continue;
    if (vma.owner === memory.driver.name) return address;
    other ??= address;
  }
  return other;
}

/** Where `vma` shows byte `at` of `object`, if it maps it. */
function addressIn(sim: Simulation, vma: Vma, object: MemoryObject, at: bigint): bigint | undefined {
  if (vma.object.id !== object.id) return undefined;
  const first = BigInt(vma.pgoff) * sim.pageSize;
  const last = first + BigInt(vma.endPage - vma.startPage) * sim.pageSize;
  return at >= first && at < last ? sim.addressOfPage(vma.startPage) + (at - first) : undefined;
}

/**
 * The part of the memory `vma` shows now, whichever address it was mapped or moved to: its offsets
 * [first, last) and the address of `first`. By the pages' object, not by a remembered pointer: a
 * remap strategy moves the driver's mapping away and the driver's pointer stays where it was.
 */
export function memoryShownBy(
  sim: Simulation,
  vma: Vma,
  memory: VkMemory,
): { first: bigint; last: bigint; address: bigint } | undefined {
  const object = memory.driverObject;
  if (!object || vma.object.id !== object.id) return undefined;
  const start = objectOffset(memory, object, 0n);
  const vmaFirst = BigInt(vma.pgoff) * sim.pageSize;
  const vmaLast = vmaFirst + BigInt(vma.endPage - vma.startPage) * sim.pageSize;
  const from = start > vmaFirst ? start : vmaFirst;
  const to = start + memory.allocationSize < vmaLast ? start + memory.allocationSize : vmaLast;
  if (from >= to) return undefined;
  return {
    first: from - start,
    last: to - start,
    address: sim.addressOfPage(vma.startPage) + (from - vmaFirst),
  };
}

/** A CPU mapping that shows the memory's object: the address of `offset` in it, and whose it is. */
export interface CpuView {
  readonly address: bigint;
  readonly owner: string;
}

/**
 * Every CPU address that shows the memory's object at `offset` now, the driver's own mapping
 * first: the driver's, a range a remap strategy moved into the window, an alias all share the pages.
 */
export function cpuViewsOf(sim: Simulation, memory: VkMemory, offset: bigint): CpuView[] {
  const object = memory.driverObject;
  if (!object)
    return memory.appPointer !== undefined
      ? [{ address: memory.appPointer - memory.mapOffset + offset, owner: 'app' }]
      : [];
  const at = objectOffset(memory, object, offset);
  const views: CpuView[] = [];
  for (const vma of sim.space.vmas()) {
    const address = addressIn(sim, vma, object, at);
    if (address !== undefined) views.push({ address, owner: vma.owner });
  }
  const driver = memory.driver.name;
  return [...views.filter((v) => v.owner === driver), ...views.filter((v) => v.owner !== driver)];
}
