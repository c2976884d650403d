// Memory property words: `cached` and `coherent` exist only with `host-visible` (the Vulkan
// spec's allowed memory-type combinations), and no driver maps memory that is not host-visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf } from './helpers';

const turnip = (words: string) => `scenario "types" {
  driver tu {
    preset turnip
  }
  m = vkAllocateMemory 64KiB ${words}
}
`;

test('`cached` or `coherent` without `host-visible` is no memory type: said on the word, with the fix', () => {
  const diagnostics = analyse(turnip('cached')).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      'missing-argument: `cached` without `host-visible`: the spec allows HOST_CACHED only together with HOST_VISIBLE, so no driver offers such a memory type. Add `host-visible` (the memory is simulated as device memory no one maps)',
    ],
  );
  const text = turnip('cached');
  assert.equal(text.slice(diagnostics[0]!.range.start, diagnostics[0]!.range.end), 'cached');
  assert.deepEqual(
    diagnostics[0]!.fix && diagnostics[0]!.fix.kind === 'replace' && diagnostics[0]!.fix.text,
    'host-visible ',
  );
  assert.deepEqual(
    analyse(turnip('coherent device-local')).diagnostics.map((d) => d.code),
    ['missing-argument'],
  );
  assert.deepEqual(analyse(turnip('host-visible cached')).diagnostics, []);
  assert.deepEqual(analyse(turnip('device-local')).diagnostics, []);
});

test('`persistent` without `host-visible` is a map that cannot be made: said on the word, with the fix', () => {
  const diagnostics = analyse(turnip('persistent')).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      'missing-argument: `persistent` without `host-visible`: memory that is not HOST_VISIBLE is never mapped, so it cannot stay mapped. Add `host-visible` (the memory is simulated as device memory no one maps)',
    ],
  );
  assert.equal(
    turnip('persistent').slice(diagnostics[0]!.range.start, diagnostics[0]!.range.end),
    'persistent',
  );
  assert.match(
    analyse(turnip('coherent persistent')).diagnostics[0]!.message,
    /^`coherent` and `persistent` without/,
  );
  assert.deepEqual(analyse(turnip('host-visible persistent')).diagnostics, []);
});

test('no driver maps memory that is not host-visible: not at allocation, not from its pool', () => {
  // Turnip maps HOST_CACHED non-coherent memory at allocation (H3), only when it is host-visible.
  assert.deepEqual(callsOf(turnip('cached'), 0).slice(1), []);
  assert.equal(callsOf(turnip('host-visible cached'), 0).length, 2);
  const pool = (words: string) => `scenario "pool" {
  driver slab {
    maps pool
  }
  m = vkAllocateMemory 64KiB ${words}
}
`;
  const run = (words: string) => analyse(pool(words)).scenarios[0]!.run.vulkan.memories[0]!;
  assert.equal(run('device-local').driverPointer, undefined);
  assert.notEqual(run('host-visible device-local').driverPointer, undefined);
});
