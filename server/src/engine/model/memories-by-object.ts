// Which memory objects show each kernel object, by where they lie in it: VkMemory.driverObject,
// kept in an index as it is set. A driver call that runs past its memory object reaches the
// objects a mapping shows around it (sim/driver-address.ts); in a pool every suballocation shares
// the pool's object, so they are looked up by offset, not by scanning every memory ever allocated.
import type { MemoryObject } from '../kernel/types';
import { objectOffset } from './device-access';
import { firstIndex } from '../first-index';
import type { VkMemory } from './vk-memory';

/** A memory and where its first byte lies in the object (objectOffset when it was set). */
interface Placed {
  readonly memory: VkMemory;
  readonly start: bigint;
}

interface ObjectMemories {
  /** By start, ties in the order they were set. Freed memories stay: their pages may still be shown. */
  readonly placed: Placed[];
  /** The largest allocationSize placed so far: how far before a range a memory may start and reach it. */
  longest: bigint;
}

/**
 * By the object itself: each simulation makes its own objects, with ids unique in it and never
 * copied (kernel/objects.ts), so the object is its id here, and a finished analysis's index goes
 * with its objects.
 */
const byObject = new WeakMap<MemoryObject, ObjectMemories>();

/**
 * Sets the memory's driverObject (the one place that does). Call it after the memory's place in
 * the object is set (file, boOffset, poolOffset, driverPointer: objectOffset), which stays while
 * the memory shows the object: the drivers and strategies set the object last, and change the
 * place only by setting the object again or freeing the memory.
 */
export function setDriverObject(memory: VkMemory, object: MemoryObject | undefined): void {
  const old = memory.driverObject;
  if (old !== undefined) removePlaced(old, memory);
  (memory as { driverObject: MemoryObject | undefined }).driverObject = object;
  if (object === undefined) return;
  let entry = byObject.get(object);
  if (entry === undefined) {
    entry = { placed: [], longest: 0n };
    byObject.set(object, entry);
  }
  const start = objectOffset(memory, object, 0n);
  const placed = entry.placed;
  // Usually at the end: a pool hands out offsets upwards, and most objects have one memory.
  let index = placed.length;
  while (index > 0 && placed[index - 1]!.start > start) index--;
  placed.splice(index, 0, { memory, start });
  if (memory.allocationSize > entry.longest) entry.longest = memory.allocationSize;
}

function removePlaced(object: MemoryObject, memory: VkMemory): void {
  const placed = byObject.get(object)?.placed;
  if (placed === undefined) return;
  const index = placed.findIndex((p) => p.memory === memory);
  if (index >= 0) placed.splice(index, 1);
}

/**
 * The memories whose driverObject is `object` and whose bytes in it meet [from, to) (object
 * offsets), by start; freed ones too (the caller decides). Every memory that shows part of
 * [from, to) of the object is in it; memoryShownBy says exactly which part.
 */
export function memoriesPlacedIn(object: MemoryObject, from: bigint, to: bigint): VkMemory[] {
  const entry = byObject.get(object);
  if (entry === undefined) return [];
  const placed = entry.placed;
  // The first that may reach `from`: none starting before from - longest does.
  const earliest = from - entry.longest;
  const low = firstIndex(placed.length, (i) => placed[i]!.start < earliest);
  const found: VkMemory[] = [];
  for (let i = low; i < placed.length && placed[i]!.start < to; i++) {
    const { memory, start } = placed[i]!;
    if (start + memory.allocationSize > from) found.push(memory);
  }
  return found;
}
