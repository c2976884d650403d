// `device writes mem + OFF, LEN`: the GPU reaches a memory object's pages, whatever the CPU
// mappings are. For a driver that caches its pointer (`caches-pointer`; the lavapipe and
// proprietary presets) `DRIVER writes mem` is a CPU write through that pointer (H2), so the
// device's write needs its own actor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';

const moved = (strategy: string, steps: string, traits = '    caches-pointer') => `scenario "gpu" {
  kernel 6.6
  strategy ${strategy}
  driver radv {
${traits}
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
${steps}
}`;

test('a caching driver under remap-move: the GPU write lands in the moved pages; the cached-pointer write still faults (H2)', () => {
  const gpu = moved(
    'remap-move',
    `  g = device writes mem + 0x200, 64
  expect app reads p + 0x200, 64 == g
  expect device reads mem + 0x200, 64 == g`,
  );
  assert.deepEqual(codes(gpu), []);
  assert.ok(callsOf(gpu, 2).some((c) => /^device: GPU writes mem\+0x200, 64 seen at 0x1_0200/.test(c)));
  // The same write by the driver is a CPU write through the pointer the move left behind.
  assert.deepEqual(codes(moved('remap-move', '  g = radv writes mem + 0x200, 64')), ['stale-pointer']);
  // RADV's own preset keeps no pointer to application memory (model/driver.ts PRESETS): its
  // write to the object is the GPU's, seen in the moved pages.
  const preset = moved(
    'remap-move',
    '  g = radv writes mem + 0x200, 64\n  expect app reads p + 0x200, 64 == g',
    '    preset radv',
  );
  assert.deepEqual(codes(preset), []);
});

test('the GPU write never faults on a CPU mapping: PROT_NONE over the mapping is the CPU’s business', () => {
  const text = moved(
    'remap-move',
    `  mprotect p, 1MiB, none by wine
  g = device writes mem + 0x200, 64
  mprotect p, 1MiB, rw by wine
  expect app reads p + 0x200, 64 == g`,
  );
  assert.deepEqual(codes(text), []);
});

test('host memory the driver imported: the GPU reads and writes its pages whatever the CPU mapping’s protection', () => {
  // external-memory-host: the memory is anonymous host pages the driver pinned, no BO file. On a
  // driver without placed maps: with them Wine 9.4 and later import nothing (host-import-not-taken).
  const noPlaced = '    caches-pointer\n    placed-map none';
  const write = moved(
    'external-memory-host',
    `  mprotect p, 1MiB, r
  g = device writes mem + 0x400, 64
  expect app reads p + 0x400, 64 == g
  mprotect p, 1MiB, none
  h = device writes mem + 0x800, 64
  mprotect p, 1MiB, rw
  expect app reads p + 0x800, 64 == h`,
    noPlaced,
  );
  assert.deepEqual(codes(write), []);
  const read = moved(
    'external-memory-host',
    `  w = app writes p + 0x200, 64
  mprotect p, 1MiB, none
  expect device reads mem + 0x200, 64 == w`,
    noPlaced,
  );
  assert.deepEqual(codes(read), []);
});

test('shadow copy: the GPU write is not in the stale shadow until an invalidate, and an unmap over a later one clobbers it', () => {
  const text = `scenario "shadow" {
  strategy shadow-copy
  driver radv {
    preset radv
  }
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
  g = device writes mem + 0x200, 64
  expect app reads p + 0x200, 64 == zero
  vkInvalidateMappedMemoryRanges mem offset 0x200 size 64
  expect app reads p + 0x200, 64 == g
  h = device writes mem + 0x300, 64
  vkUnmapMemory mem
}`;
  const found = analyse(text).diagnostics;
  assert.deepEqual(
    found.map((d) => d.code),
    ['shadow-copy-clobbers'],
  );
  assert.match(found[0]!.message, /destroys what device wrote there at step 5 \(h\)/);
});

test('a GPU access to freed memory is use-after-free; a CPU address or a syscall by the device is wrong-kind', () => {
  const text = `scenario "misuse" {
  mem = vkAllocateMemory 1MiB host-visible
  vkFreeMemory mem
  device writes mem, 4
  a = mmap 4KiB rw private anon
  device writes a, 4
  b = mmap 4KiB rw private anon by device
  expect device reads a, 4 == zero
}`;
  const found = analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
  assert.equal(found.length, 4, found.join('\n'));
  assert.match(found[0]!, /^use-after-free: device writes mem, which was freed at step 2/);
  assert.match(found[1]!, /^wrong-kind: the device reaches memory objects, not CPU addresses/);
  assert.match(
    found[2]!,
    /^wrong-kind: `device` is the GPU: it only reads and writes memory objects .*does not call `mmap`/,
  );
  assert.match(found[3]!, /^wrong-kind: the device reaches memory objects, not CPU addresses/);
});

test('before vkMapMemory the GPU write is kept in the buffer object, and the mapping shows it', () => {
  const early = (preset: string) => `scenario "early" {
  strategy placed
  driver gpu {
    preset ${preset}
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  g = device writes mem + 0x20, 8
  p = vkMapMemory mem
  expect app reads p + 0x20, 8 == g
  expect gpu reads mem + 0x20, 8 == g
}`;
  // anv (i915) makes the BO at its first map: the memory keeps the write until then.
  assert.deepEqual(codes(early('anv')), []);
  assert.ok(callsOf(early('anv'), 1).some((c) => /kept in the buffer object/.test(c)));
  // radv (amdgpu, TTM) made the BO at vkAllocateMemory: the write goes into it at once.
  assert.deepEqual(codes(early('radv')), []);
  assert.ok(callsOf(early('radv'), 1).some((c) => /written into the buffer object/.test(c)));
});

test('lavapipe has no GPU: its rasterizer writes through its own mapping, so a DONTUNMAP move leaves it stale (H11)', () => {
  const text = `scenario "lvp" {
  kernel 6.6
  strategy remap-dontunmap
  driver lvp {
    preset lavapipe
    backing anon
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  g = device writes mem + 0x200, 64
}`;
  assert.deepEqual(codes(text), ['stale-pointer']);
  assert.ok(callsOf(text, 2).some((c) => /^lvp: writes through its cached pointer/.test(c)));
});

test('`device` is a built-in actor: a driver or actor of that name is a duplicate', () => {
  assert.deepEqual(codes('scenario "d" {\n  actor device\n}'), ['duplicate-name']);
  assert.deepEqual(codes('scenario "d" {\n  driver device {\n    preset radv\n  }\n}'), ['duplicate-name']);
});

test('the trace names every CPU mapping that shows a GPU write, the driver’s own first', () => {
  const shared = (strategy: string) => `scenario "gpu" {
  strategy ${strategy}
  driver d {
    backing shmem
  }
  mem = vkAllocateMemory 1MiB host-visible coherent driver d
  p = vkMapMemory mem
  g = device writes mem + 0x200, 64
  expect app reads p + 0x200, 64 == g
  expect read 0x7fff_f7ef_f200, 64 == g
}`;
  for (const strategy of ['alias', 'remap-dontunmap']) {
    assert.deepEqual(codes(shared(strategy)), [], strategy);
    assert.ok(
      callsOf(shared(strategy), 2).some((c) =>
        c.endsWith('GPU writes mem+0x200, 64 seen at 0x7fff_f7ef_f200 (d) and 0x1_0200 (wine)'),
      ),
      `${strategy}: ${callsOf(shared(strategy), 2).join('\n')}`,
    );
  }
});

test('a half-typed `device writes` shows the device’s form (a memory object), not `write a, 4KiB, 0xAB`', () => {
  const run = analyse(
    'scenario "s" {\n  m = vkAllocateMemory 64KiB host-visible\n  device writes\n  device reads\n}\n',
  );
  const messages = run.diagnostics.filter((d) => d.code === 'missing-argument').map((d) => d.message);
  assert.deepEqual(messages, [
    'device writes needs a memory object and a length: `device writes mem + 0x200, 64`',
    'device reads needs a memory object and a length: `device reads mem + 0x200, 64`',
  ]);
});
