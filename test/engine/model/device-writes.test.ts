// Device memory keeps what the GPU writes while no CPU mapping shows it: a later mapping (the
// driver's, a placed one, Wine's shadow copy) shows the data, and the driver reads it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';

test('a GPU write before vkMapMemory is what the new mapping shows', () => {
  const text = `scenario "g" {
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
  w = driver writes mem + 0x20, 8
  expect driver reads mem + 0x20, 8 == w
  expect driver reads mem + 0x28, 8 == zero
  p = vkMapMemory mem
  expect read p + 0x20, 8 == w
  expect read p + 0x1f, 1 == zero
  expect read p + 0x28, 8 == zero
}`;
  assert.deepEqual(codes(text), []);
  assert.ok(callsOf(text, 1).some((c) => /GPU writes mem\+0x20, 8 kept in the buffer object/.test(c)));
  assert.ok(
    callsOf(text, 2).some((c) => /the new mapping shows the GPU write made while mem was not mapped/.test(c)),
  );
});

test('without the GPU write the mapping reads zero (the expectation can fail)', () => {
  const text = `scenario "g" {
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  expect read p + 0x20, 8 == 0x11
}`;
  assert.deepEqual(codes(text), ['expectation-failed']);
});

test('later GPU writes over earlier ones: the newest wins where they overlap', () => {
  const text = `scenario "g" {
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
  a = driver writes mem, 16
  b = driver writes mem + 8, 16
  p = vkMapMemory mem
  expect read p, 8 == a
  expect read p + 8, 16 == b
  expect read p + 24, 8 == zero
}`;
  assert.deepEqual(codes(text), []);
});

test('external-memory-host: the GPU writes the imported host pages, and the driver reads them', () => {
  const text = `scenario "emh" {
  wine 9.0
  strategy external-memory-host
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
  w = driver writes mem, 4
  expect app reads p, 4 == w
  w2 = app writes p + 8, 4
  expect driver reads mem + 8, 4 == w2
}`;
  assert.deepEqual(codes(text), []);
});

test('GL: a GPU write before glMapBufferRange reaches the shadow copy', () => {
  const text = `scenario "gl" {
  driver mesa {
    caches-pointer
  }
  b = glBufferData 64KiB
  w = mesa writes b + 0x10, 8
  p = glMapBufferRange b, 0x10, 64 read
  expect app reads p, 8 == w
  glUnmapBuffer b
}`;
  assert.deepEqual(codes(text), []);
  const run = analyse(text).scenarios[0]!.run;
  assert.equal(run.simulation.expects[0]?.passed, true);
});

test('after vkUnmapMemory the buffer object keeps what the CPU wrote, and takes the GPU writes', () => {
  const text = `scenario "s" {
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  w = app writes p, 4
  vkUnmapMemory mem
  expect driver reads mem, 4 == w
  g = driver writes mem + 8, 4
  expect driver reads mem + 8, 4 == g
  expect driver reads mem, 4 == w
  q = vkMapMemory mem
  expect read q, 4 == w
  expect read q + 8, 4 == g
}`;
  assert.deepEqual(codes(text), []);
});

test('offsets into a memory object: any sum of terms after it; before its start is an error', () => {
  const all = (text: string) => analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
  const scenario = (steps: string) => `scenario "o" {
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible coherent
${steps}
}`;
  assert.deepEqual(
    all(scenario('  w = driver writes mem + 8 - 4, 8\n  expect driver reads mem + 4, 8 == w')),
    [],
  );
  assert.deepEqual(all(scenario('  w = driver writes mem - 4, 8')), [
    'number-out-of-range: the offset into `mem` is -4, before its start',
  ]);
  assert.deepEqual(all(scenario('  w = driver writes mem + 0xfffc, 8')), [
    'access-fault: mem is 64 KiB; a write of 8 bytes at +0xfffc runs past its end, so the write is not simulated',
  ]);
});

test('a device write past the end of its memory object is reported and not carried out: a pool neighbour keeps its bytes', () => {
  const text = `scenario "pool oob into neighbour suballoc" {
  driver d {
    maps pool
  }
  a = vkAllocateMemory 64KiB host-visible coherent driver d
  b = vkAllocateMemory 64KiB host-visible coherent driver d
  device writes a + 0xf000, 0x2000, 0xAB
  expect device reads b, 16 == zero
  expect device reads a + 0xf000, 16 == zero
}`;
  assert.deepEqual(
    analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      'access-fault: a is 64 KiB; a write of 8192 bytes at +0xf000 runs past its end, so the write is not simulated',
    ],
  );
  assert.ok(!callsOf(text, 2).some((c) => c.includes('GPU writes')), callsOf(text, 2).join('\n'));
});
