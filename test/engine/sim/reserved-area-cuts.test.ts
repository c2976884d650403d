// Under `strategy mmap32` box64 hands Wine three reserved areas (0x1_0000..0x1_8000,
// 0x11_0000..0x3011_0000, 0x7f00_0000..0x8200_0000; box64 src/tools/wine_tools.c), and no Wine view
// spans an area's edge (wine-mirror/wine dlls/ntdll/unix/virtual.c map_view). A window-exhausted
// message that counted their room as free called an empty window "fragmented" without saying by
// what: it must name the areas whose edges refused the request, and only under reserved areas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { areasCutting, areasRefusing } from '../../../server/src/engine/sim/reserved-area-cuts';

/** The window-exhausted messages of a scenario. */
function exhausted(text: string): string[] {
  return analyseDocument(text)
    .diagnostics.filter((d) => d.code === 'window-exhausted')
    .map((d) => d.message);
}

test("window-exhausted under mmap32: an empty window's room cut by box64's reserved areas names them", () => {
  const messages = exhausted(`scenario "box64 reserved areas split the window" {
  strategy mmap32
  a = vkAllocateMemory 1280MiB host-visible
  pa = vkMapMemory a
}
`);
  // WOW64's window (box64 runs x86-64 Wine): up to 2 GiB, the 64 KiB above KUSER_SHARED_DATA's
  // block free too.
  assert.deepEqual(messages, [
    "no ≈1.3 GiB (1280 MiB) block is free in the 32-bit window 0x1_0000..0x8000_0000: ≈2.0 GiB (2097024 KiB) is free in total, but fragmented: box64's start-up reservations (0x1_0000..0x1_8000, 0x11_0000..0x3011_0000, 0x7f00_0000..0x8200_0000) cut it, and no Wine view spans their edges — the largest free block is ≈1.2 GiB (1293248 KiB); 0 mappings lie in it",
  ]);
});

test('window-exhausted under mmap32 + large-address-aware: only the area whose edge cut a gap that would have held the map is named', () => {
  const steps: string[] = [];
  for (let i = 1; i <= 17; i++)
    steps.push(`  a${i} = vkAllocateMemory 256MiB host-visible`, `  p${i} = vkMapMemory a${i}`);
  // Fourteen views fill the second area and 0x3011_0000..0x7011_0000 and 0x8200_0000..0xf200_0000;
  // 0x7011_0000..0x8200_0000 (≈286.9 MiB) is free to the kernel but cut at 0x7f00_0000.
  const messages = exhausted(`scenario "seventeen persistent maps" {
  strategy mmap32
  large-address-aware
${steps.join('\n')}
}
`);
  assert.equal(messages.length, 3);
  // WOW64's large-address-aware window runs to 4 GiB, the zero-bits limit + 1.
  for (const message of messages)
    assert.equal(
      message,
      "no 256 MiB block is free in the 32-bit window 0x1_0000..0x1_0000_0000: ≈511.9 MiB (524160 KiB) is free in total, but fragmented: box64's start-up reservation 0x7f00_0000..0x8200_0000 cuts it, and no Wine view spans its edges — the largest free block is ≈238.9 MiB (244672 KiB); 14 mappings lie in it (driver 14)",
    );
});

test('window-exhausted under placed (no reserved areas): a fragmented window names no box64 reservation', () => {
  const messages = exhausted(`scenario "a host mapping splits the window" {
  strategy placed
  res = reserve 64KiB at 0x4000_0000 by host
  a = vkAllocateMemory 1280MiB host-visible
  pa = vkMapMemory a
}
`);
  // The message it gave before reserved areas were named, word for word.
  assert.deepEqual(messages, [
    'no ≈1.3 GiB (1280 MiB) block is free in the 32-bit window 0x1_0000..0x8000_0000: ≈2.0 GiB (2096960 KiB) is free in total, but fragmented — the largest free block is ≈1023.9 MiB (1048512 KiB); 1 mapping lies in it (host 1)',
  ]);
  assert.doesNotMatch(messages[0]!, /box64|reservation|spans/);
});

test('areasCutting: an area that holds the whole range cuts nothing; one with an edge inside does', () => {
  const areas = [
    [0x1_0000n, 0x1_8000n],
    [0x11_0000n, 0x3011_0000n],
  ] as const;
  assert.deepEqual(areasCutting(areas, 0x20_0000n, 0x30_0000n), []);
  assert.deepEqual(areasCutting(areas, 0x1_0000n, 0x1_8000n), []);
  assert.deepEqual(areasCutting(areas, 0x1_0000n, 0x20_0000n), [...areas]);
  // A cut gap too small for the request refuses nothing: mappings, not the areas, are to blame.
  assert.deepEqual(areasRefusing([{ usable: 0x1f_0000n, areas: [...areas] }], 0x20_0000n), []);
});
