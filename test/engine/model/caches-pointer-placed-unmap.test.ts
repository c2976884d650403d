// A driver that caches its pointer (H2) keeps its mapping at vkUnmapMemory2, whether the map was
// placed or not (placed.ts unplace; RADV's winsys keeps `bo->cpu_map` for a layer that skips
// unmaps, radv_amdgpu_winsys_bo_map). Its later write goes through that pointer, and a placed map
// after the unmap meets it (H4): RADV's placed path asserts `!bo->cpu_map` (review: hazards,
// finding 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf } from './helpers';

const shown = (text: string) => analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

const wine = (after: string, traits = '    caches-pointer') => `scenario "s" {
  driver d {
${traits}
  }
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
  vkUnmapMemory mem
${after}
}
`;

test("placed strategy: the driver's write after the unmap goes through its kept pointer, which Wine's free left dangling (stale-pointer, H2)", () => {
  const found = shown(wine('  driver writes mem + 0x10, 4'));
  assert.deepEqual(found, [
    'stale-pointer: d uses its cached pointer 0x1_0010, but nothing is mapped there any more (step 3: wine unmapped it): the access faults (H2)',
  ]);
  // The driver makes neither the munmap nor RESERVE's PROT_NONE mmap; Wine frees its range.
  assert.deepEqual(callsOf(wine(''), 2).slice(1), [
    'wine: vkUnmapMemory2KHR(mem, VK_MEMORY_UNMAP_RESERVE_BIT_EXT) ',
    'd: keep the mapping of mem at 0x1_0000 (caches-pointer: no PROT_NONE mmap) ',
    'wine: munmap(0x1_0000, 0x1_0000) = 0',
  ]);
});

test('placed strategy: a map after the unmap fails, the kept pointer is still held (placed-map-failed, H4)', () => {
  const found = shown(wine('  q = vkMapMemory mem'));
  assert.equal(found.length, 1);
  assert.match(
    found[0]!,
    /^placed-map-failed: .*d already mapped it at 0x1_0000 and keeps that mapping after vkUnmapMemory \(caches-pointer; .*\); its pages there are gone \(mem \(wine VM\) of wine is at 0x1_0000 now\), but it still holds the pointer, and a mapped BO cannot be re-placed \(H4\)$/,
  );
});

test("without caches-pointer the driver's write is the GPU's, and a new map places the BO again", () => {
  assert.deepEqual(
    shown(wine('  driver writes mem + 0x10, 4\n  q = vkMapMemory mem', '    caches-pointer no')),
    [],
  );
});

const direct = (unmap: string) => `scenario "s" {
  driver d {
    caches-pointer
  }
  res = reserve 1MiB at 0x2000_0000 by wine
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 mem placed at 0x2000_0000
  ${unmap}
  driver writes mem + 0x10, 4
  q = vkMapMemory2 mem placed at 0x2000_0000
}
`;

for (const unmap of ['vkUnmapMemory2 mem reserve', 'vkUnmapMemory2 mem'])
  test(`direct calls, \`${unmap}\`: the mapping stays for the driver's write, and a placed map at the same address fails (H4)`, () => {
    const found = shown(direct(unmap));
    assert.equal(found.length, 1);
    assert.match(
      found[0]!,
      /^placed-map-failed: .*d already mapped it at 0x2000_0000 and keeps that mapping after vkUnmapMemory \(caches-pointer; [^)]*\), and a mapped BO cannot be re-placed \(H4\)$/,
    );
    // No munmap and no PROT_NONE mmap by the driver at the unmap.
    assert.deepEqual(
      callsOf(direct(unmap), 3).filter((c) => c.startsWith('d: ')),
      [
        'd: keep the mapping of mem at 0x2000_0000 (caches-pointer: no ' +
          (unmap.endsWith('reserve') ? 'PROT_NONE mmap' : 'munmap') +
          ') ',
      ],
    );
  });
