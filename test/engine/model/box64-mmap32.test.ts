// `strategy mmap32`: box64's BOX64_MMAP32. box64's own mmap symbol adds MAP_32BIT to every libc
// mmap(NULL) for the whole process (vulkan-wine §6 "Box64", H9), which x86-64 places bottom-up in
// [1 GiB, 2 GiB) (linux-mm §1.3); calls with an address are untouched, a raw syscall escapes it.
// box64 hides no extension, so Wine maps directly only on a driver with neither placed maps nor
// external_memory_host (vulkan-wine §3.2, §3.5): `direct` is such a driver, the one box64 is for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';
import { explore } from '../../../server/src/engine/explore/explore';
import { scenario } from '../explore/helpers';

/** A driver on which Wine maps directly (neither of its WOW64 extensions). */
const direct = ['placed-map none', 'external-memory-host no'];

const mapping = (strategy: string, traits: readonly string[], steps: readonly string[], extra = '') => `
scenario "box64" {
  strategy ${strategy}
${extra}
  driver gpu {
${traits.map((t) => `    ${t}\n`).join('')}  }
${steps.map((s) => `  ${s}\n`).join('')}}
`;

test('mmap32: the driver mmap(NULL) at vkMapMemory gets MAP_32BIT and lands in [1 GiB, 2 GiB)', () => {
  const text = mapping('mmap32', direct, [
    'mem = vkAllocateMemory 1MiB host-visible',
    'p = vkMapMemory mem',
    'expect p == 0x4000_0000',
    'app writes p, 64',
  ]);
  assert.deepEqual(codes(text), []);
  const calls = callsOf(text, 1);
  assert.ok(
    calls.some((c) => /^gpu: mmap\(NULL, 0x10_0000, .*MAP_SHARED\|MAP_32BIT, /.test(c)),
    calls.join('\n'),
  );
  assert.ok(calls.some((c) => /^box64: BOX64_MMAP32/.test(c)));
});

test('mmap32: internal pools made at device creation, pools and allocation-time maps land low too (H9)', () => {
  for (const [traits, low] of [
    [['internal-mappings 32MiB'], 'internal pools'],
    [['maps pool', 'pool-size 8MiB'], 'gpu pool'],
    [['maps at-alloc'], 'mem'],
  ] as const) {
    const text = mapping(
      'mmap32',
      [...direct, ...traits],
      ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'],
    );
    const run = analyse(text).scenarios[0]!.run;
    assert.deepEqual(
      analyse(text).diagnostics.map((d) => d.code),
      [],
      traits.join(' '),
    );
    // The driver's own: box64's start-up reservation for Wine is a VMA of the process too.
    const vmas = run.simulation.space.kernelView().filter((v) => v.owner !== 'box64');
    assert.ok(vmas.length > 0);
    for (const v of vmas) {
      const start = BigInt(v.startPage) * 4096n;
      const end = BigInt(v.endPage) * 4096n;
      assert.ok(
        start >= 0x4000_0000n && end <= 0x8000_0000n,
        `${traits.join(' ')}: ${low} at ${start.toString(16)}`,
      );
    }
  }
});

test('mmap32 exhausts the window sooner than hook-mmap: internal pools take the 1 GiB MAP_32BIT range', () => {
  const steps = ['mem = vkAllocateMemory 64MiB host-visible', 'p = vkMapMemory mem'];
  // hook-mmap is armed only inside vkMapMemory: the 960 MiB of pools stay high.
  assert.deepEqual(codes(mapping('hook-mmap', ['internal-mappings 960MiB'], steps)), []);
  const text = mapping('mmap32', [...direct, 'internal-mappings 960MiB'], steps);
  assert.deepEqual(codes(text), ['kernel-refused', 'window-exhausted']);
  const message = analyse(text).diagnostics.find((d) => d.code === 'window-exhausted')!.message;
  assert.match(message, /MAP_32BIT range 0x4000_0000\.\.0x8000_0000/);
  assert.match(message, /it holds gpu 960 MiB/);
  // Even without internal pools, MAP_32BIT's range is 1 GiB where the window is 2 GiB.
  const big = ['a = vkAllocateMemory 768MiB host-visible', 'b = vkAllocateMemory 768MiB host-visible'];
  const both = [...big, 'p = vkMapMemory a', 'q = vkMapMemory b'];
  assert.deepEqual(codes(mapping('hook-mmap', [], both)), []);
  assert.deepEqual(codes(mapping('mmap32', direct, both)), ['kernel-refused', 'window-exhausted']);
});

test('mmap32: a driver that calls the mmap syscall directly escapes box64 and lands above 4 GiB', () => {
  const text = mapping(
    'mmap32',
    [...direct, 'mmap-via syscall'],
    [
      'mem = vkAllocateMemory 1MiB host-visible',
      'p = vkMapMemory mem',
      'expect p == VK_ERROR_OUT_OF_HOST_MEMORY',
    ],
  );
  // Wine's safety net (vulkan-wine §3.3 step 5, §3.5): the pointer above 4 GiB is unmapped and the
  // application gets VK_ERROR_OUT_OF_HOST_MEMORY, never the pointer.
  assert.deepEqual(codes(text), ['hook-bypassed']);
  assert.ok(
    callsOf(text, 1).some((c) =>
      /^wine: vkUnmapMemory\(mem\) \(Wine: the mapping does not fit 32 bits\)/.test(c),
    ),
    callsOf(text, 1).join('\n'),
  );
  const bypass = analyse(text).diagnostics.find((d) => d.code === 'hook-bypassed')!.message;
  assert.match(
    bypass,
    /^BOX64_MMAP32 never saw this mapping: gpu calls the mmap syscall directly, not box64's mmap symbol/,
  );
  assert.match(bypass, /Wine unmaps it and vkMapMemory fails with VK_ERROR_OUT_OF_HOST_MEMORY/);
  assert.ok(!callsOf(text, 1).some((c) => /MAP_32BIT|box64/.test(c)));
});

test('mmap32 changes only mmap(NULL): a placed map (MAP_FIXED) and the BO map over an aligned block get no MAP_32BIT', () => {
  const placed = mapping(
    'mmap32',
    [],
    [
      'res = reserve 64KiB at 0x2000_0000 by wine',
      'mem = vkAllocateMemory 64KiB host-visible',
      'p = vkMapMemory2 mem placed at 0x2000_0000',
      'expect p == 0x2000_0000',
    ],
  );
  assert.deepEqual(codes(placed), []);
  const fixed = callsOf(placed, 2).filter((c) => /^gpu: mmap/.test(c));
  assert.equal(fixed.length, 1);
  assert.match(fixed[0]!, /MAP_SHARED\|MAP_FIXED, /);
  assert.doesNotMatch(fixed[0]!, /MAP_32BIT/);
  // alignment 2MiB: the padded reservation is mmap(NULL) and goes low with MAP_32BIT; the BO is
  // then mapped over the aligned block with MAP_FIXED, an address box64 passes on as it is.
  const aligned = mapping(
    'mmap32',
    [...direct, 'alignment 2MiB'],
    ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'],
  );
  const maps = callsOf(aligned, 1).filter((c) => /^gpu: mmap/.test(c));
  assert.equal(maps.length, 2, maps.join('\n'));
  assert.match(
    maps[0]!,
    /^gpu: mmap\(NULL, 0x30_0000, PROT_NONE, MAP_PRIVATE\|MAP_ANONYMOUS\|MAP_32BIT\|MAP_NORESERVE,/,
  );
  assert.match(maps[1]!, /MAP_SHARED\|MAP_FIXED, /);
  assert.doesNotMatch(maps[1]!, /MAP_32BIT/);
});

// On arm64 box64 is built without NOALIGN, so box_mmap drops MAP_32BIT and passes the block
// find31bitBlockNearHint(NULL, length, 0) finds as a plain hint. Read in box64 src/custommem.c at
// 93fc3be: that walk starts at WINE_LOWEST (0x3000_0000) and goes on while its cursor is below
// 0xc000_0000, then wraps to LOWEST (0x1_0000) up to 0x3000_0000, in 64 KiB steps; a block only
// has to start below the limit. Not "below 2 GiB" as vulkan-wine §6 has it. The walk reads
// box64's record (mapallmem), which holds what box64 reserved for Wine at start-up
// (src/tools/wine_tools.c `my_wine_reserve`, called from src/core.c when the program is wine64):
// 0x1_0000..0x1_8000, 0x11_0000..0x3011_0000 and 0x7f00_0000..0x8200_0000.
const arm64Map = (steps: readonly string[], settings = '  arch arm64', size = '16MiB') =>
  mapping(
    'mmap32',
    direct,
    [...steps, `mem = vkAllocateMemory ${size} host-visible coherent`, 'p = vkMapMemory mem'],
    settings,
  );

/** box64's trace line of step `step` (0-based): the search and the hint it found, or none. */
const box64Note = (text: string, step: number) => {
  const note = callsOf(text, step).find((c) => /^box64: BOX64_MMAP32/.test(c));
  assert.ok(note, callsOf(text, step).join('\n'));
  return note;
};

test('mmap32 on arm64: no MAP_32BIT; box64 hints the first free 64 KiB-aligned block from 0x3000_0000 outside its Wine reservation: 0x3011_0000', () => {
  for (const settings of ['  arch arm64', '  page-size 16KiB']) {
    const text = arm64Map([], settings);
    assert.deepEqual(codes(text), [], settings);
    // WINE_LOWEST lies inside box64's 0x11_0000..0x3011_0000, so the walk's first free block is its end.
    assert.match(box64Note(text, 1), /find31bitBlockNearHint\(NULL, 16 MiB\).* hint 0x3011_0000/, settings);
    const maps = callsOf(text, 1).filter((c) => /^gpu: mmap/.test(c));
    assert.match(
      maps[0]!,
      /^gpu: mmap\(0x3011_0000, 0x100_0000, PROT_READ\|PROT_WRITE, MAP_SHARED, /,
      settings,
    );
  }
  // Something at 0x3011_0000: the next 64 KiB-aligned free block above it.
  const taken = arm64Map(['low = mmap 4KiB rw private anon at 0x3011_0000 fixed by host']);
  assert.match(box64Note(taken, 2), /hint 0x3012_0000/);
});

test('mmap32 sets up box64: its start-up reservation for Wine is a box64 line of the set-up, on every arch', () => {
  for (const settings of ['  arch arm64', '']) {
    const setup = analyse(arm64Map([], settings)).scenarios[0]!.run.vulkan.setupCalls.map(
      (c) => `${c.actor}: ${c.text}`,
    );
    assert.match(
      setup[0] ?? '',
      /^box64: wine_prereserve: 0x1_0000\.\.0x1_8000, 0x11_0000\.\.0x3011_0000, 0x7f00_0000\.\.0x8200_0000/,
      settings,
    );
  }
});

test('mmap32 on arm64: with 0x3000_0000..0x7f00_0000 taken box64 skips its own 0x7f00_0000..0x8200_0000 and finds 0x8200_0000, outside the window', () => {
  const text = arm64Map(['heap = reserve 0x4f00_0000 at 0x3000_0000 by wine'], '  arch arm64', '8MiB');
  assert.match(box64Note(text, 2), /hint 0x8200_0000/);
  assert.deepEqual(codes(text), ['pointer-outside-window']);
  const message = analyse(text).diagnostics[0]!.message;
  assert.match(message, /^32-bit code gets 0x8200_0000, outside the window 0x1_0000\.\.0x8000_0000/);
});

test('mmap32 on arm64: with 0x3000_0000 up to its own area taken box64 finds 0x8200_0000, outside the window without large-address-awareness', () => {
  // Up to 0x7f00_0000, not 2 GiB: a MEM_RESERVE over KUSER_SHARED_DATA's page (0x7ffe_0000) is
  // Wine's STATUS_CONFLICTING_ADDRESSES, and box64's own area starts at 0x7f00_0000.
  const text = arm64Map(['heap = reserve 0x4f00_0000 at 0x3000_0000 by wine']);
  assert.match(box64Note(text, 2), /hint 0x8200_0000/);
  // The first walk finds room above its reservation before it wraps below 0x3000_0000.
  assert.deepEqual(codes(text), ['pointer-outside-window']);
  const message = analyse(text).diagnostics[0]!.message;
  assert.match(message, /^32-bit code gets 0x8200_0000, outside the window 0x1_0000\.\.0x8000_0000/);
  // The same under large-address-aware: 0x8200_0000 is inside its window, and the map is safe.
  const laa = arm64Map(
    ['low = reserve 0x7eff_0000 at 0x1_0000 by wine'],
    '  arch arm64\n  large-address-aware',
  );
  assert.match(box64Note(laa, 2), /hint 0x8200_0000/);
  assert.deepEqual(codes(laa), []);
});

test('mmap32 on arm64: a block only has to start below 3 GiB; with none from 0x3000_0000 box64 wraps to 0x1_0000, where its reservation leaves 0x2_0000..0x11_0000', () => {
  // 0x3000_0000..0xbfff_0000 taken: the free block at 0xbfff_0000 starts below 3 GiB and runs past it.
  const past = arm64Map(['held = mmap 0x8fff_0000 none private anon noreserve at 0x3000_0000 fixed by host']);
  assert.match(box64Note(past, 2), /hint 0xbfff_0000/);
  // 0x3000_0000..3 GiB taken: the first walk ends at 3 GiB; the second one skips 0x1_0000..0x1_8000
  // and finds 0x2_0000, with 960 KiB before 0x11_0000.
  const held = 'held = mmap 0x9000_0000 none private anon noreserve at 0x3000_0000 fixed by host';
  assert.match(box64Note(arm64Map([held], '  arch arm64', '512KiB'), 2), /hint 0x2_0000$/);
  // 16 MiB does not fit there, and the rest up to 0x3000_0000 is box64's: no block, the map goes high.
  assert.match(box64Note(arm64Map([held]), 2), /mmap\(NULL\) as it is/);
});

test('mmap32 on arm64: no block starts below 3 GiB; the map goes high, Wine refuses it, and window-exhausted names both walks', () => {
  const text = arm64Map(['held = mmap 0xbfff_0000 none private anon noreserve at 0x1_0000 fixed by host']);
  assert.match(
    box64Note(text, 2),
    /no free block starts in 0x3000_0000\.\.0xc000_0000, then 0x1_0000\.\.0x3000_0000: mmap\(NULL\) as it is/,
  );
  assert.deepEqual(codes(text), ['window-exhausted']);
  // The driver's mmap(NULL) lands far above 4 GiB, and Wine's direct map refuses it (§3.3 step 5).
  assert.ok(
    callsOf(text, 2).some((c) =>
      /^wine: vkUnmapMemory\(mem\) \(Wine: the mapping does not fit 32 bits\)/.test(c),
    ),
    callsOf(text, 2).join('\n'),
  );
  const message = analyse(text).diagnostics.find((d) => d.code === 'window-exhausted')!.message;
  assert.match(
    message,
    /box64's find31bitBlockNearHint found no free 16 MiB block starting in 0x3000_0000\.\.0xc000_0000, then 0x1_0000\.\.0x3000_0000 outside its own reservation for Wine \(0x1_0000\.\.0x1_8000, 0x11_0000\.\.0x3011_0000, 0x7f00_0000\.\.0x8200_0000\), so the mmap went where mmap\(NULL\) goes, above 4 GiB; 0x1_0000\.\.0xc000_0000 holds host ≈3\.0 GiB/,
  );
});

test('explore: mmap32 is explorable, and on the direct map safe exactly when the driver maps through libc', () => {
  const text = scenario(
    'mmap32',
    [...direct, 'mmap-via any'],
    ['mem = vkAllocateMemory 1MiB host-visible coherent', 'p = vkMapMemory mem', 'app writes p, 64'],
  );
  const s = explore(text).scenarios[0]!;
  assert.equal(s.strategy, 'mmap32');
  assert.equal(s.safeWhen, 'mmap-via = libc');
  // And `--strategy mmap32` explores it for a scenario written for another strategy.
  const other = scenario(
    'hook-mmap',
    [...direct, 'mmap-via any'],
    ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'],
  );
  assert.equal(explore(other, { strategy: 'mmap32' }).scenarios[0]!.safeWhen, 'mmap-via = libc');
  // Wine's placed and host-import paths are explored too: a syscall driver with placed maps is
  // safe, as Wine places the map itself (vulkan-wine §3.2).
  const open = explore(
    scenario(
      'mmap32',
      ['placed-map any', 'external-memory-host any', 'mmap-via any'],
      ['mem = vkAllocateMemory 1MiB host-visible coherent', 'p = vkMapMemory mem', 'app writes p, 64'],
    ),
  ).scenarios[0]!;
  assert.equal(
    open.behaviours.find((b) => b.values['placed-map'] === '4KiB' && b.values['mmap-via'] === 'syscall')
      ?.verdict,
    'safe',
  );
});

test('mmap32 on a driver with placed maps: Wine places the application map in space it reserved, box64 moves only the driver mmap(NULL)s', () => {
  // vulkan-wine §3.2: box64 hides no extension, so Wine ≥ 9.4 places the map (a MAP_FIXED call
  // box64 passes on); the driver's internal pools still take MAP_32BIT (H9).
  for (const via of ['libc', 'syscall']) {
    const text = mapping(
      'mmap32',
      ['internal-mappings 32MiB', `mmap-via ${via}`],
      [
        'mem = vkAllocateMemory 1MiB host-visible',
        'p = vkMapMemory mem',
        'expect p == 0x11_0000',
        'app writes p, 64',
      ],
    );
    // Wine's first reserved area (box64's 0x1_0000..0x1_8000) is too small for 1 MiB: the next.
    // A raw syscall does not matter here: the driver's map is MAP_FIXED at Wine's address.
    assert.deepEqual(codes(text), [], via);
    const calls = callsOf(text, 1);
    assert.ok(
      calls.some((c) => /^wine: vkMapMemory2KHR\(mem, PLACED, pPlacedAddress=0x11_0000/.test(c)),
      calls.join('\n'),
    );
    assert.ok(
      calls.some((c) => /^gpu: mmap\(0x11_0000, 0x10_0000, .*MAP_SHARED\|MAP_FIXED, /.test(c)),
      calls.join('\n'),
    );
    assert.ok(!calls.some((c) => /MAP_32BIT|box64/.test(c)), calls.join('\n'));
    if (via === 'libc') {
      const pools = analyse(text)
        .scenarios[0]!.run.simulation.space.kernelView()
        .find((v) => v.label === 'gpu internal pools')!;
      const start = BigInt(pools.startPage) * 4096n;
      assert.ok(start >= 0x4000_0000n && start < 0x8000_0000n, start.toString(16));
    }
  }
  // With external_memory_host only, Wine 9.0's import: the map never calls the driver (§3.4).
  const imported = mapping(
    'mmap32',
    ['placed-map none', 'external-memory-host yes'],
    ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem', 'app writes p, 64'],
  );
  assert.deepEqual(codes(imported), []);
  assert.ok(!callsOf(imported, 1).some((c) => /^gpu: mmap/.test(c)), callsOf(imported, 1).join('\n'));
});
