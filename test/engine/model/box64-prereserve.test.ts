// box64's start-up reservation for Wine (box64 src/tools/wine_tools.c wine_prereserve): three
// PROT_NONE ranges mapped before Wine runs, 0x1_0000..0x1_8000, 0x11_0000..0x3011_0000 and
// 0x7f00_0000..0x8200_0000. They are VMAs the kernel sees, so the x86-64 MAP_32BIT search (bottom-up
// in [1 GiB, 2 GiB), linux-mm §1.3) stops at 0x7f00_0000; and they are Wine's reserved areas
// (wine_main_preload_info), which ntdll maps over with MAP_FIXED and gives back as placeholders
// (dlls/ntdll/unix/virtual.c map_fixed_area, unmap_area).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { panelState } from '../../../server/src/engine/features/panel-state';
import { analyse, callsOf, codes } from './helpers';

const direct = ['placed-map none', 'external-memory-host no'];

const scenario = (traits: readonly string[], steps: readonly string[]) => `
scenario "box64" {
  strategy mmap32
  driver gpu {
${traits.map((t) => `    ${t}\n`).join('')}  }
${steps.map((s) => `  ${s}\n`).join('')}}
`;

test("box64's reservation for Wine: three PROT_NONE VMAs of the box64 actor, made at set-up", () => {
  const run = analyse(scenario(direct, [])).scenarios[0]!.run;
  const setup = run.vulkan.setupCalls.map((c) => `${c.actor}: ${c.text}`);
  assert.match(setup[0]!, /^box64: wine_prereserve: /);
  for (const [i, at, size] of [
    [1, '0x1_0000', '0x8000'],
    [2, '0x11_0000', '0x3000_0000'],
    [3, '0x7f00_0000', '0x300_0000'],
  ] as const)
    assert.match(
      setup[i]!,
      new RegExp(
        `^box64: mmap\\(${at}, ${size}, PROT_NONE, MAP_PRIVATE\\|MAP_FIXED\\|MAP_ANONYMOUS\\|MAP_NORESERVE,`,
      ),
    );
  const held = run.simulation.space.vmas().filter((v) => v.owner === 'box64');
  assert.deepEqual(
    held.map((v) => [v.startPage, v.endPage, v.prot, v.label]),
    [
      [0x10, 0x18, 0, 'Wine reserved area'],
      [0x110, 0x30110, 0, 'Wine reserved area'],
      [0x7f000, 0x82000, 0, 'Wine reserved area'],
    ],
  );
});

test("x86-64: a raw MAP_32BIT map cannot overlap box64's 0x7f00_0000..0x8200_0000: the range's usable top is 0x7f00_0000", () => {
  const text = scenario(direct, [
    'a = mmap 992MiB rw private anon 32bit',
    'b = mmap 16MiB rw private anon 32bit',
    'expect b == ENOMEM',
  ]);
  assert.deepEqual(codes(text), []);
  assert.match(callsOf(text, 0)[0]!, /= 0x4020_0000/);
  assert.match(callsOf(text, 1)[0]!, /MAP_32BIT, .*= -1 ENOMEM/);
});

test("x86-64: the driver's MAP_32BIT map finds box64's reservation in the way: ENOMEM, window-exhausted, VK_ERROR_MEMORY_MAP_FAILED", () => {
  const text = scenario(
    [...direct, 'internal-mappings 944MiB'],
    [
      'mem = vkAllocateMemory 64MiB host-visible coherent',
      'p = vkMapMemory mem',
      'expect p == VK_ERROR_MEMORY_MAP_FAILED',
    ],
  );
  assert.deepEqual(codes(text), ['kernel-refused', 'window-exhausted']);
  const message = analyse(text).diagnostics.find((d) => d.code === 'window-exhausted')!.message;
  assert.match(message, /it holds gpu 944 MiB, box64 16 MiB/);
});

test("x86-64: fifteen 64 MiB driver maps fit below box64's reservation, the sixteenth does not", () => {
  const steps: string[] = [];
  for (let i = 1; i <= 16; i++)
    steps.push(`m${i} = vkAllocateMemory 64MiB host-visible coherent`, `p${i} = vkMapMemory m${i}`);
  const text = scenario(direct, [
    ...steps,
    'expect p15 == 0x7800_0000',
    'expect p16 == VK_ERROR_MEMORY_MAP_FAILED',
  ]);
  assert.deepEqual(codes(text), ['kernel-refused', 'window-exhausted']);
});

// map_view without an address tries map_reserved_area first, bottom-up over the areas in address
// order, and takes the lowest 64 KiB-aligned fit wholly inside one (find_reserved_free_area); only
// when none has room does map_free_area look between them (wine-mirror/wine
// dlls/ntdll/unix/virtual.c, read at 01aa909c).
const radv = (steps: readonly string[]) => `
scenario "radv under mmap32" {
  driver radv {
    preset radv
  }
  strategy mmap32
${steps.map((s) => `  ${s}\n`).join('')}}
`;

test("Wine's window allocation takes box64's reserved areas first: a 16 MiB view lands at 0x11_0000, in one MAP_FIXED call", () => {
  const text = radv([
    'mem = vkAllocateMemory 16MiB host-visible coherent',
    'p = vkMapMemory mem',
    'expect p == 0x11_0000',
  ]);
  assert.deepEqual(codes(text), []);
  const wine = callsOf(text, 1).filter((c) => /^wine: mmap/.test(c));
  assert.equal(wine.length, 1, wine.join('\n'));
  assert.match(
    wine[0]!,
    /^wine: mmap\(0x11_0000, 0x100_0000, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_FIXED\|MAP_ANONYMOUS,/,
  );
});

test("a view that fits box64's first area takes it; the next goes to the second area, not the gap between them", () => {
  const text = radv([
    'a = vkAllocateMemory 32KiB host-visible coherent',
    'p = vkMapMemory a',
    'b = vkAllocateMemory 32KiB host-visible coherent',
    'q = vkMapMemory b',
    'expect p == 0x1_0000',
    'expect q == 0x11_0000',
  ]);
  assert.deepEqual(codes(text), []);
});

test('with the areas below it taken, a view goes to the area at 0x7f00_0000; one no area holds goes to the lowest free space', () => {
  const text = radv([
    'low = reserve 0x3000_0000 at 0x11_0000 by wine',
    'a = vkAllocateMemory 8MiB host-visible coherent',
    'p = vkMapMemory a',
    'expect p == 0x7f00_0000',
    // 16 MiB: more than 0x7f00_0000..0x8000_0000 (the window's end) holds.
    'b = vkAllocateMemory 16MiB host-visible coherent',
    'q = vkMapMemory b',
    'expect q == 0x3011_0000',
  ]);
  assert.deepEqual(codes(text), []);
  const free = callsOf(text, 4).filter((c) => /^wine: mmap/.test(c));
  assert.equal(free.length, 1, free.join('\n'));
  assert.match(free[0]!, /^wine: mmap\(0x3011_0000, 0x100_0000, .*MAP_FIXED_NOREPLACE,/);
});

test("Wine's window search reaches box64's area below 2 GiB; the release puts the placeholder back, and MAP_32BIT still cannot have it", () => {
  const text = scenario(
    [],
    [
      'low = reserve 0x3010_0000 at 0x1_0000 by wine',
      'mid = mmap 0x4eef_0000 none private anon noreserve at 0x3011_0000 fixed-noreplace by host',
      'mem = vkAllocateMemory 8MiB host-visible coherent',
      'p = vkMapMemory mem',
      'expect p == 0x7f00_0000',
      'vkUnmapMemory mem',
      'vkFreeMemory mem',
      'q = mmap 8MiB rw private anon 32bit',
      'expect q == ENOMEM',
    ],
  );
  assert.deepEqual(codes(text), []);
  // Wine's own reservation over box64's areas: MAP_FIXED inside them, MAP_FIXED_NOREPLACE outside.
  const reserve = callsOf(text, 0);
  assert.equal(reserve.length, 3, reserve.join('\n'));
  assert.match(reserve[1]!, /^wine: mmap\(0x1_8000, 0xf_8000, .*MAP_FIXED_NOREPLACE/);
  const mapped = callsOf(text, 3).filter((c) => /^wine: mmap/.test(c));
  assert.match(
    mapped[0]!,
    /^wine: mmap\(0x7f00_0000, 0x80_0000, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_FIXED\|MAP_ANONYMOUS,/,
  );
  const released = callsOf(text, 4).filter((c) => /^wine: /.test(c) && /mmap|munmap/.test(c));
  assert.match(
    released.at(-1)!,
    /^wine: mmap\(0x7f00_0000, 0x80_0000, PROT_NONE, MAP_PRIVATE\|MAP_FIXED\|MAP_ANONYMOUS\|MAP_NORESERVE,/,
  );
  const vma = analyse(text).scenarios[0]!.run.simulation.space.vmaAt(0x7f000);
  assert.equal(vma?.label, 'Wine reserved area');
  assert.equal(vma?.prot, 0);
});

test("only Wine maps over box64's areas: another actor's MAP_FIXED_NOREPLACE reservation there fails with EEXIST", () => {
  assert.deepEqual(codes(scenario([], ['res = reserve 1MiB at 0x7f00_0000 by wine'])), []);
  const host = scenario([], ['res = reserve 1MiB at 0x7f00_0000 by host', 'expect res == EEXIST']);
  assert.deepEqual(codes(host), []);
  // Nor does Wine map over a view of its own there (map_fixed_area's find_view_range).
  const twice = scenario(
    [],
    [
      'a = reserve 1MiB at 0x7f00_0000 by wine',
      'b = reserve 1MiB at 0x7f00_0000 by wine',
      'expect b == EEXIST',
    ],
  );
  assert.deepEqual(codes(twice), []);
});

test("the panel lists box64's reservation among the mappings, and counts it as window room Wine hands out", () => {
  const text = scenario(direct, ['a = mmap 4KiB rw private anon by host']);
  const state = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: text.indexOf('a =') });
  assert.ok(state);
  assert.equal(state.mappings.filter((m) => m.label === 'Wine reserved area').length, 3);
  // Only KUSER_SHARED_DATA's 64 KiB at 0x7ffe_0000 is used: no view of Wine's lies there.
  assert.equal(state.windowUsedBytes, String(0x1_0000));
  // The panel says why mapped PROT_NONE ranges count as free (an editor user read it as a wrong figure).
  assert.equal(state.reservedAreasFree, true);
  const elsewhere = `scenario "s" {\n  strategy placed\n  a = mmap 4KiB rw private anon\n}\n`;
  assert.equal(
    panelState(analyseDocument(elsewhere), { uri: 'u', version: 1, offset: elsewhere.indexOf('a =') })
      ?.reservedAreasFree,
    undefined,
  );
  // window-exhausted counts the same: a placeholder holds nothing of the window.
  const stats = analyse(text).scenarios[0]!.run.simulation.windowStats();
  assert.equal(stats.mappings, 0);
  // WOW64's window (box64 runs x86-64 Wine) ends at 2 GiB.
  assert.equal(stats.freeBytes, 0x8000_0000n - 0x1_0000n - 0x1_0000n);
});

test("window-exhausted and the panel count no block across a reserved area's edge, since no view spans one", () => {
  const text = scenario(direct, ['a = mmap 4KiB rw private anon by host']);
  const stats = analyse(text).scenarios[0]!.run.simulation.windowStats();
  // 0x1_0000..0x1_8000, ..0x11_0000, ..0x3011_0000, ..0x7f00_0000, ..0x7ffe_0000 (KUSER_SHARED_DATA's
  // 64 KiB follow), and 0x7fff_0000..0x8000_0000, up to WOW64's window end (box64 runs x86-64 Wine).
  assert.equal(stats.gaps, 6);
  assert.equal(stats.largestFree, 0x7f00_0000n - 0x3011_0000n);
  const state = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: text.indexOf('a =') });
  assert.ok(state);
  assert.deepEqual(
    state.windowGaps.map((g) => [g.start, g.end]),
    [
      ['0x30110000', '0x7f000000'],
      ['0x110000', '0x30110000'],
      ['0x7f000000', '0x7ffe0000'],
      ['0x18000', '0x110000'],
      ['0x7fff0000', '0x80000000'],
      ['0x10000', '0x18000'],
    ],
  );
});

test('on 64 KiB pages the first area is the whole page the kernel mapped, and Wine maps over it in one call', () => {
  // mmap(0x1_0000, 0x8000) makes the VMA 0x1_0000..0x2_0000 on a 64 KiB kernel: the placeholder
  // Wine maps over is that page, not a half-page whose end no MAP_FIXED may start at (EINVAL).
  const text = `scenario "radv under mmap32, 64 KiB pages" {
  page-size 64KiB
  driver radv {
    preset radv
  }
  strategy mmap32
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  expect p == 0x1_0000
}
`;
  assert.deepEqual(codes(text), []);
  assert.ok(!callsOf(text, 1).some((c) => c.includes('0x1_8000')), callsOf(text, 1).join('\n'));
  // On 4 KiB pages the area is 0x1_0000..0x1_8000, which 64 KiB does not fit: the next area.
  assert.deepEqual(codes(text.replace('  page-size 64KiB\n', '').replace('0x1_0000', '0x11_0000')), []);
  assert.deepEqual(
    codes(
      `scenario "s" {\n  page-size 64KiB\n  strategy mmap32\n  res = reserve 64KiB at 0x1_0000 by wine\n}\n`,
    ),
    [],
  );
});

test('many maps into the reserved areas cost each a bounded walk, not one over every view placed before', () => {
  // Each search resumes where the last of its size found room (findWindowSpace): 2,000 maps walked
  // about 2 million views when every search started at the area's start.
  const maps = 2000;
  const steps = Array.from({ length: maps }, (_, i) => [
    `m${i} = vkAllocateMemory 64KiB host-visible coherent`,
    `p${i} = vkMapMemory m${i}`,
  ]).flat();
  const run = analyse(scenario(['preset radv'], steps)).scenarios[0]!.run;
  assert.deepEqual(codes(scenario(['preset radv'], steps)), []);
  assert.ok(run.simulation.reservedAreaVisits <= 32 * maps, `${run.simulation.reservedAreaVisits} visits`);
  // A view freed low is found again: the cursor goes back below it.
  const again = scenario(
    ['preset radv'],
    [
      ...steps.slice(0, 20),
      'vkFreeMemory m0',
      'n = vkAllocateMemory 64KiB host-visible coherent',
      'q = vkMapMemory n',
    ],
  );
  assert.deepEqual(codes(again), []);
  const first = callsOf(again, 1).find((c) => c.includes('vkMapMemory2KHR'));
  const reused = callsOf(again, 22).find((c) => c.includes('vkMapMemory2KHR'));
  assert.match(first ?? '', /pPlacedAddress=(0x[0-9a-f_]+)/);
  assert.equal(
    /pPlacedAddress=(0x[0-9a-f_]+)/.exec(reused ?? '')?.[1],
    /pPlacedAddress=(0x[0-9a-f_]+)/.exec(first!)?.[1],
  );
});
