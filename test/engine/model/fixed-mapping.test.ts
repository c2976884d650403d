// H6, `fixed-mapping`: the CPU mapping is the memory's GPU address. Turnip on KGSL maps a
// replayable BO at vkAllocateMemory with KGSL_MEMFLAGS_USE_CPU_MAP, sets `bo->iova = map` and
// `never_unmap` (kgsl_bo_user_map, tu_knl_kgsl.cc): tu_bo_unmap does nothing for it, RESERVE or
// not, tu_bo_map hands the same mapping out again and refuses a placed map elsewhere (tu_knl.cc),
// and only vkFreeMemory unmaps it (kgsl_bo_finish).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf } from './helpers';

const shown = (text: string) => analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

const scenario = (body: string, traits = '    fixed-mapping', strategy = '') => `scenario "s" {
  driver k {
${traits}
  }
${strategy}
${body}
}
`;

const reserveUnmap = `  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 mem
  vkUnmapMemory2 mem reserve
  q = vkMapMemory2 mem
  w = host writes q, 4
  expect q == p
  expect device reads mem, 4 == w`;

test('fixed-mapping: a RESERVE unmap does nothing and the next map returns the same pointer', () => {
  assert.deepEqual(shown(scenario(reserveUnmap)), []);
  assert.deepEqual(callsOf(scenario(reserveUnmap), 2), [
    'app: vkUnmapMemory2KHR(mem, VK_MEMORY_UNMAP_RESERVE_BIT_EXT) ',
    "k: keep the mapping of mem at 0x7fff_f7fe_f000 (fixed-mapping: it is the object's GPU address: no PROT_NONE mmap) ",
  ]);
});

test('without fixed-mapping an at-alloc driver maps PROT_NONE over its mapping, and the next map lands elsewhere', () => {
  const found = shown(scenario(reserveUnmap, '    maps at-alloc'));
  assert.equal(found.length, 1);
  assert.match(found[0]!, /^expectation-failed: .*q/);
});

test('fixed-mapping: the driver maps at allocation, also memory that is not host-visible, and unmaps only at vkFreeMemory', () => {
  const text = scenario(`  mem = vkAllocateMemory 64KiB device-local
  vkFreeMemory mem`);
  assert.deepEqual(shown(text), []);
  assert.match(callsOf(text, 0)[1]!, /^k: mmap\(NULL, 0x1_0000, PROT_READ\|PROT_WRITE, MAP_SHARED, /);
  assert.deepEqual(callsOf(text, 1).slice(1), ['k: munmap(0x7fff_f7fe_f000, 0x1_0000) = 0']);
});

test('fixed-mapping: vkUnmapMemory keeps the mapping, and a `maps pool` driver gives the memory a mapping of its own', () => {
  const text = scenario(
    `  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
  vkUnmapMemory mem
  q = vkMapMemory mem
  expect q == p`,
    '    maps pool\n    fixed-mapping',
  );
  // The pool line cannot hold (conflicting-traits); the pointers' place, above the window under
  // `strategy none`, is reported too.
  assert.deepEqual(
    shown(text)
      .filter((d) => !d.startsWith('pointer-outside-window'))
      .map((d) => d.split(':')[0]),
    ['conflicting-traits'],
  );
  assert.equal(analyse(text).scenarios[0]!.run.simulation.space.vmas().length, 1);
});

test('placed strategy: the placed map fails because the mapping is the GPU address (placed-map-failed, H6)', () => {
  const found = shown(
    scenario(
      `  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem`,
      '    fixed-mapping',
      '  strategy placed',
    ),
  );
  assert.deepEqual(found, [
    'placed-map-failed: the placed map fails with VK_ERROR_MEMORY_MAP_FAILED: k mapped it at 0x7fff_f7fe_f000 at allocation, and that address is its GPU address for the object\'s life (fixed-mapping, H6: Turnip\'s tu_bo_map answers "Cannot remap BO to a different address"), and a mapped BO cannot be re-placed (H4)',
  ]);
});

test('remap-move: moving the pages leaves the GPU on the old address (stale-pointer, H6)', () => {
  const text = (traits: string) =>
    scenario(
      `  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
  w = app writes p, 4
  expect device reads mem, 4 == w
  vkUnmapMemory mem`,
      traits,
      '  strategy remap-move',
    );
  assert.deepEqual(shown(text('    fixed-mapping')), [
    "stale-pointer: wine's mremap moves mem's pages 0x7fff_f7fe_f000 → 0x1_0000, but 0x7fff_f7fe_f000 is also mem's GPU address: k mapped it there at allocation for the object's life (fixed-mapping). The GPU and k's own pointer keep using 0x7fff_f7fe_f000, where nothing is mapped any more, and the CPU and GPU addresses of mem no longer agree (H6)",
  ]);
  // An at-alloc driver whose GPU address is its own: the move is H3's business, not H6's.
  assert.deepEqual(shown(text('    maps at-alloc')), []);
});

test('fixed-mapping takes yes or no; another word is reported', () => {
  assert.deepEqual(shown(scenario(reserveUnmap, '    fixed-mapping no\n    maps at-alloc')).length, 1);
  const found = shown(scenario('  mem = vkAllocateMemory 64KiB host-visible', '    fixed-mapping always'));
  assert.equal(found.length, 1);
  assert.match(found[0]!, /^unknown-word: `fixed-mapping` takes one of: yes, no/);
});

test('fixed-mapping beside `maps at-map` or `maps pool` is conflicting-traits, and the driver maps at allocation', () => {
  for (const maps of ['at-map', 'pool']) {
    const text = scenario(
      '  mem = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory mem',
      `    fixed-mapping\n    maps ${maps}`,
    );
    assert.deepEqual(
      shown(text)
        .filter((d) => !d.startsWith('pointer-outside-window'))
        .map((d) => d.split(':')[0]),
      ['conflicting-traits'],
      maps,
    );
    assert.match(shown(text)[0]!, new RegExp(`\`maps ${maps}\` cannot hold: the driver maps at allocation`));
    assert.ok(
      callsOf(text, 0).some((c) => /^k: mmap\(/.test(c)),
      callsOf(text, 0).join('\n'),
    );
  }
  // `maps at-alloc` says what fixed-mapping does; `maps any` is for exploration to decide.
  assert.deepEqual(
    shown(scenario('  mem = vkAllocateMemory 64KiB host-visible', '    fixed-mapping\n    maps at-alloc')),
    [],
  );
  assert.deepEqual(
    shown(scenario('  mem = vkAllocateMemory 64KiB host-visible', '    fixed-mapping no\n    maps pool')),
    [],
  );
});

test('exportable and imported memory is no fixed mapping: Turnip KGSL never makes it replayable, so the placed map works', () => {
  // kgsl_bo_init takes the dma-heap path for an exportable BO before KGSL_MEMFLAGS_USE_CPU_MAP,
  // and an import goes through kgsl_bo_init_dmabuf, which maps nothing (tu_knl_kgsl.cc).
  const exportable = scenario(
    '  mem = vkAllocateMemory 64KiB host-visible exportable\n  p = vkMapMemory mem\n  expect p == 0x1_0000',
    '    fixed-mapping',
    '  strategy placed',
  );
  assert.deepEqual(shown(exportable), []);
  assert.ok(!callsOf(exportable, 0).some((c) => /^k: mmap\(/.test(c)), callsOf(exportable, 0).join('\n'));
  const imported = scenario(
    `  src = vkAllocateMemory 64KiB host-visible exportable
  f1 = vkGetMemoryFdKHR src dma-buf
  mem = vkAllocateMemory 64KiB host-visible import f1
  p = vkMapMemory mem`,
    '    fixed-mapping',
    '  strategy placed',
  );
  assert.deepEqual(shown(imported), []);
  assert.ok(!callsOf(imported, 2).some((c) => /^k: mmap\(/.test(c)), callsOf(imported, 2).join('\n'));
});

test('a fixed mapping is never cached for reuse: `reuses after-free` beside it is conflicting-traits, and vkFreeMemory unmaps', () => {
  const text = scenario(
    '  a = vkAllocateMemory 64KiB host-visible\n  vkFreeMemory a\n  b = vkAllocateMemory 64KiB host-visible',
    '    fixed-mapping\n    reuses after-free',
  );
  assert.deepEqual(
    shown(text).map((d) => d.split(':')[0]),
    ['conflicting-traits'],
  );
  assert.ok(
    callsOf(text, 1).some((c) => /^k: munmap\(/.test(c)),
    callsOf(text, 1).join('\n'),
  );
  assert.ok(!callsOf(text, 2).some((c) => /reuse cached BO/.test(c)), callsOf(text, 2).join('\n'));
  // `maps at-alloc-cached` (preset turnip's own value) maps at allocation too: no conflict.
  assert.deepEqual(
    shown(
      scenario('  mem = vkAllocateMemory 64KiB host-visible', '    fixed-mapping\n    maps at-alloc-cached'),
    ),
    [],
  );
});
