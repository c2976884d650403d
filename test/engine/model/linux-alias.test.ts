// The alias strategy on Linux (model/strategies/alias.ts): mremap(old_size = 0) duplicates only
// shared mappings. Before 4.14 the kernel accepts a private one and makes an unrelated mapping
// (facts linux-mm §3.8), which is no alias: reported, and the map fails as the EINVAL does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf } from './helpers';

const aliasOf = (kernel: string, backing: string) => `scenario "alias" {
  kernel ${kernel}
  driver lvp {
    backing ${backing}
    maps at-alloc
  }
  strategy alias
  mem = vkAllocateMemory 64KiB host-visible
  w = lvp writes mem, 16
  p = vkMapMemory mem
  expect app reads p, 16 == w
}
`;

const shown = (text: string) => analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

test('alias of private memory before Linux 4.14: the unrelated mapping is reported, unmapped, and the map fails', () => {
  assert.deepEqual(shown(aliasOf('4.9', 'anon')), [
    "kernel-refused: wine's mremap(old_size = 0) of mem's private mapping at 0x7fff_f7fe_f000 succeeds on Linux 4.9, but what it makes at 0x1_0000 is a new, unrelated zero-filled private mapping, not an alias: 32-bit code and lvp would not share pages (before Linux 4.14; 4.14 refuses it with EINVAL, commit dba58d3b8c50). The alias strategy unmaps it and the map fails",
    'expectation-failed: expectation failed: not checked: `p` has no value: step 3 failed (VK_ERROR_MEMORY_MAP_FAILED)',
  ]);
  assert.deepEqual(callsOf(aliasOf('4.9', 'anon'), 2).slice(-2), [
    'wine: mremap(0x7fff_f7fe_f000, 0, 0x1_0000, MREMAP_MAYMOVE|MREMAP_FIXED, 0x1_0000) = 0x1_0000',
    'wine: munmap(0x1_0000, 0x1_0000) = 0',
  ]);
});

test('alias of private memory on 4.14+: EINVAL, the same failure; of shared memory on 4.9: a real alias', () => {
  assert.deepEqual(
    shown(aliasOf('6.6', 'anon')).map((d) => d.slice(0, 40)),
    ["kernel-refused: wine's mremap(0x7fff_f7f", 'expectation-failed: expectation failed: '],
  );
  assert.deepEqual(shown(aliasOf('4.9', 'shmem')), []);
});

// mremap(old_size = 0) duplicates whole pages, as mach_vm_remap does: a suballocation's
// neighbours in the same pages are exposed to 32-bit code (H1), on Linux as on macOS.
const shmemPool = (sizes: [string, string]) => `scenario "pool" {
  driver gpu {
    maps pool
    backing shmem
    pool-size 2MiB
  }
  strategy alias
  a = vkAllocateMemory ${sizes[0]} host-visible
  b = vkAllocateMemory ${sizes[1]} host-visible
  p = vkMapMemory a
  app writes p + 0x400, 16
}
`;

test('Linux alias of a 1 KiB suballocation exposes its neighbour in the page (fires, naming mremap)', () => {
  const found = shown(shmemPool(['1KiB', '1KiB']));
  assert.deepEqual(found, [
    'alias-exposes-neighbours: mremap(old_size = 0) is page granular: the alias of a covers 0x7fff_f7df_f000..0x7fff_f7e0_0000 (0 B before it and 3 KiB after it), so 32-bit code can read and write b (1 KiB at 0x1_0400..0x1_0800) through the low alias',
  ]);
});

test('Linux alias of page-sized suballocations: nothing else in the pages (does not fire)', () => {
  assert.deepEqual(shown(shmemPool(['4KiB', '4KiB'])), []);
});
