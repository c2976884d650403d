// The memories of each kernel object, by offset in it (memories-by-object.ts): what a driver call
// past its memory's end looks up instead of scanning every memory ever allocated (perfhunt
// finding 2: N past-end calls after N allocations were O(N²)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MemoryObject } from '../../../server/src/engine/kernel/types';
import type { DriverModel } from '../../../server/src/engine/model/driver';
import { memoriesPlacedIn, setDriverObject } from '../../../server/src/engine/model/memories-by-object';
import { newMemory, type VkMemory } from '../../../server/src/engine/model/vk-memory';
import type { StepNode } from '../../../server/src/engine/syntax/ast';

let nextId = 1;
const object = (kind: MemoryObject['kind'] = 'device'): MemoryObject => ({
  id: nextId++,
  kind,
  name: '/dev/dri/renderD128',
  sizeBytes: kind === 'anon' ? undefined : 1n << 30n,
});

/** A memory of `size` bytes at `poolOffset` in its pool (or, for an anon object, at `pointer`). */
function memory(name: string, size: bigint, poolOffset: bigint, pointer?: bigint): VkMemory {
  const m = newMemory({
    name,
    node: undefined as unknown as StepNode,
    driver: { name: 'lvp' } as DriverModel,
    allocationSize: size,
    properties: new Set(['host-visible']),
    step: 0,
    history: 'allocated',
  });
  m.poolOffset = poolOffset;
  m.driverPointer = pointer;
  return m;
}

const names = (found: VkMemory[]) => found.map((m) => m.name);

test('only the memories whose bytes in the object meet the range, by offset; a large one that starts before it too', () => {
  const pool = object();
  const a = memory('a', 0x1000n, 0n);
  const b = memory('b', 0x1000n, 0x1000n);
  const big = memory('big', 0x10000n, 0x2000n);
  const c = memory('c', 0x1000n, 0x12000n);
  for (const m of [c, a, big, b]) setDriverObject(m, pool);
  assert.deepEqual(names(memoriesPlacedIn(pool, 0x1800n, 0x1900n)), ['b']);
  assert.deepEqual(names(memoriesPlacedIn(pool, 0xf000n, 0x12001n)), ['big', 'c']);
  assert.deepEqual(names(memoriesPlacedIn(pool, 0x1000n, 0x2000n)), ['b'], 'a ends where the range starts');
  assert.deepEqual(names(memoriesPlacedIn(pool, 0n, 1n << 40n)), ['a', 'b', 'big', 'c']);
  assert.deepEqual(names(memoriesPlacedIn(object(), 0n, 1n << 40n)), [], 'another object shows none of them');
});

test('setting the object again moves the memory; setting none takes it out; freed memories stay for the caller to skip', () => {
  const first = object();
  const second = object();
  const a = memory('a', 0x1000n, 0n);
  setDriverObject(a, first);
  setDriverObject(a, second);
  assert.equal(a.driverObject, second);
  assert.deepEqual(names(memoriesPlacedIn(first, 0n, 0x1000n)), []);
  assert.deepEqual(names(memoriesPlacedIn(second, 0n, 0x1000n)), ['a']);
  setDriverObject(a, undefined);
  assert.equal(a.driverObject, undefined);
  assert.deepEqual(names(memoriesPlacedIn(second, 0n, 0x1000n)), []);
  const b = memory('b', 0x1000n, 0n);
  setDriverObject(b, first);
  b.freedStep = 3;
  assert.deepEqual(names(memoriesPlacedIn(first, 0n, 0x1000n)), ['b']);
});

test('an anonymous object counts from the page it was first mapped at: the memory is placed at its pointer', () => {
  const anon = object('anon');
  const host = memory('host', 0x2000n, 0n, 0x7000_0000n);
  setDriverObject(host, anon);
  assert.deepEqual(names(memoriesPlacedIn(anon, 0x7000_1000n, 0x7000_3000n)), ['host']);
  assert.deepEqual(names(memoriesPlacedIn(anon, 0n, 0x2000n)), []);
});
