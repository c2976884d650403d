// Extents (kernel/contents.ts): the sorted extents of one object. Insertions and removals near the
// front move the extents before them into spare room at the head (top-down mmap inserts there on
// every call); these compare every path with a plain per-byte model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Extents } from '../../../server/src/engine/kernel/contents';

const SIZE = 400;
const NONE = -1;

function listOf(ext: Extents): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < ext.count; k++) out.push([ext.start(k), ext.end(k), ext.datum(k)]);
  return out;
}

/** The extents the model's bytes make: maximal runs of one datum. */
function expected(model: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < model.length; i++) {
    if (model[i] === NONE) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === i && last[2] === model[i]) last[1] = i + 1;
    else out.push([i, i + 1, model[i]!]);
  }
  return out;
}

function check(ext: Extents, model: number[], what: string): void {
  assert.deepEqual(listOf(ext), expected(model), what);
  assert.equal(ext.isEmpty, ext.count === 0, what);
  for (const pos of [0, 5, 99, 200, SIZE - 1]) {
    const k = ext.firstAfter(pos);
    assert.ok(k === ext.count || ext.end(k) > pos, `${what}: firstAfter(${pos})`);
    assert.ok(k === 0 || ext.end(k - 1) <= pos, `${what}: firstAfter(${pos})`);
  }
}

test('extents inserted top-down, each below the last with its own datum, stay sorted and separate', () => {
  const model = new Array<number>(SIZE).fill(NONE);
  const ext = new Extents(SIZE - 4, SIZE, 1000);
  model.fill(1000, SIZE - 4, SIZE);
  for (let i = 1; i < SIZE / 4; i++) {
    const start = SIZE - 4 * (i + 1);
    ext.assign(start, start + 4, 1000 + i);
    model.fill(1000 + i, start, start + 4);
    check(ext, model, `insert ${i}`);
  }
  assert.equal(ext.count, SIZE / 4);
  // Take them away from the front: the head moves up, then refills.
  for (let i = 0; i < 10; i++) {
    ext.clear(4 * i, 4 * i + 4);
    model.fill(NONE, 4 * i, 4 * i + 4);
    check(ext, model, `clear ${i}`);
  }
  ext.assign(0, 40, 7);
  model.fill(7, 0, 40);
  check(ext, model, 'refill the front');
  ext.clear(0, SIZE);
  assert.ok(ext.isEmpty);
  ext.assign(10, 20, 3);
  assert.deepEqual(listOf(ext), [[10, 20, 3]]);
});

test('random assigns and clears anywhere agree with a per-byte model', () => {
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const model = new Array<number>(SIZE).fill(NONE);
  const ext = new Extents(190, 210, 1);
  model.fill(1, 190, 210);
  for (let i = 0; i < 3000; i++) {
    // Mostly short ranges, skewed to the front half so the head room is used and shrunk.
    const start = random(4) === 0 ? random(SIZE) : random(SIZE / 2);
    const end = Math.min(SIZE, start + 1 + random(random(8) === 0 ? 120 : 6));
    if (random(3) === 0) {
      ext.clear(start, end);
      model.fill(NONE, start, end);
    } else {
      const datum = random(3);
      ext.assign(start, end, datum);
      model.fill(datum, start, end);
    }
    check(ext, model, `operation ${i}`);
  }
});
