// Reading a driver block: a preset, then lines that override it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { codes } from './helpers';

const driverOf = (traits: string) => {
  const analysis = analyseDocument(`scenario "d" {\n  driver gpu {\n${traits}\n  }\n}\n`);
  return {
    model: analysis.scenarios[0]!.run.drivers.get('gpu')!,
    problems: analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
  };
};

test("`caches-pointer` alone or `yes` sets it; `no` turns off a preset's", () => {
  assert.equal(driverOf('    caches-pointer').model.cachesPointer, true);
  assert.equal(driverOf('    caches-pointer yes').model.cachesPointer, true);
  assert.equal(driverOf('    preset proprietary').model.cachesPointer, true);
  const off = driverOf('    preset proprietary\n    caches-pointer no');
  assert.equal(off.model.cachesPointer, false);
  assert.deepEqual(off.problems, []);
  const bad = driverOf('    caches-pointer maybe');
  assert.deepEqual(bad.problems, ['unknown-word: `caches-pointer` takes one of: yes, no']);
});

test('`gl-client-pointer` takes no value', () => {
  assert.deepEqual(driverOf('    gl-client-pointer').problems, []);
  assert.deepEqual(driverOf('    gl-client-pointer no').problems, [
    'syntax-error: `gl-client-pointer` takes no value: write it alone, or leave it out',
  ]);
});

test('a driver whose pointer cache is turned off unmaps at vkUnmapMemory2, so a placed map afterwards works', () => {
  const text = (extra: string) => `scenario "e10" {
  driver gpu {
${extra}
  }
  res = reserve 64KiB at 0x2000_0000 by wine
  m = vkAllocateMemory 64KiB host-visible
  q = vkMapMemory2 m
  vkUnmapMemory2 m
  p = vkMapMemory2 m placed at 0x2000_0000
}
`;
  assert.deepEqual(
    analyseDocument(text('    caches-pointer\n    caches-pointer no')).diagnostics.map((d) => d.code),
    ['duplicate-setting'],
  );
  // With a cache the mapping outlives the unmap, and the BO cannot be re-placed (H4).
  assert.deepEqual(
    analyseDocument(text('    caches-pointer')).diagnostics.map((d) => d.code),
    ['placed-map-failed'],
  );
});

test('`large-address-aware` alone or `yes` widens the window to 4 GiB; `no` keeps 2 GiB', () => {
  const windowOf = (setting: string) => {
    const analysis = analyseDocument(`scenario "w" {\n  ${setting}\n}\n`);
    const { start, end } = analysis.scenarios[0]!.run.simulation.platform.window;
    return [start, end, analysis.diagnostics.map((d) => d.message)];
  };
  assert.deepEqual(windowOf('large-address-aware'), [0x1_0000n, 0x1_0000_0000n, []]);
  assert.deepEqual(windowOf('large-address-aware yes'), [0x1_0000n, 0x1_0000_0000n, []]);
  assert.deepEqual(windowOf('large-address-aware no'), [0x1_0000n, 0x8000_0000n, []]);
  assert.deepEqual(windowOf('large-address-aware maybe')[2], [
    '`maybe` is not a large-address-aware (one of: yes, no)',
  ]);
});

test('an unknown word after caches-pointer or large-address-aware is reported and changes nothing', () => {
  const off = driverOf('    preset nvk\n    caches-pointer maybe');
  assert.equal(off.model.cachesPointer, false);
  assert.equal(driverOf('    preset proprietary\n    caches-pointer maybe').model.cachesPointer, true);
  const analysis = analyseDocument('scenario "w" {\n  large-address-aware maybe\n}\n');
  assert.equal(analysis.scenarios[0]!.run.simulation.platform.largeAddressAware, false);
});

test('a placed-map line without an alignment keeps following the page size; with one it says exactly', () => {
  const alignmentOf = (line: string) =>
    analyseDocument(
      `scenario "d" {\n  page-size 16KiB\n  driver gpu {\n    ${line}\n  }\n}\n`,
    ).scenarios[0]!.run.drivers.get('gpu')!.placed.alignment;
  assert.equal(alignmentOf('placed-map no-unmap-reserve'), 16384n);
  assert.equal(alignmentOf('placed-map range-placed'), 16384n);
  assert.equal(alignmentOf('placed-map 4KiB'), 4096n);
  assert.equal(alignmentOf('preset anv\n    placed-map range-placed'), 4096n);
});

test("UNMAP_RESERVE of a plain map reserves the BO's own pages only; a pool suballocation leaves its pool mapped", () => {
  const own = `scenario "r" {
  driver gpu {
    placed-map 64KiB
    caches-pointer
  }
  x = vkAllocateMemory 4KiB host-visible coherent
  px = vkMapMemory2 x
  a = vkAllocateMemory 4KiB host-visible coherent
  pa = vkMapMemory2 a
  vkUnmapMemory2 a reserve
  gpu writes x, 16
  expect mapped px, 4KiB
}
`;
  assert.deepEqual(
    analyseDocument(own).diagnostics.map((d) => d.code),
    [],
  );
  const pool = `scenario "p" {
  driver gpu {
    maps pool
    pool-size 2MiB
    caches-pointer
  }
  a = vkAllocateMemory 1KiB host-visible coherent
  b = vkAllocateMemory 1KiB host-visible coherent
  pa = vkMapMemory2 a
  vkUnmapMemory2 a reserve
  gpu writes b, 16
  pb = vkMapMemory2 b
  vkUnmapMemory2 b reserve
}
`;
  assert.deepEqual(
    analyseDocument(pool).diagnostics.map((d) => d.code),
    [],
  );
});

test('reserve-high reserves everything above 4 GiB: maps land low top-down; the legacy layout never searches below mmap_base', () => {
  const text = (layout: string) => `scenario "fex" {
  layout ${layout}
  strategy reserve-high
  large-address-aware
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
}
`;
  // Top-down: the driver's map lands just below 4 GiB (pointer-outside-window says the window
  // ends there; that is H9's point).
  const topdown = analyseDocument(text('topdown')).scenarios[0]!.run.simulation.records[1]!.outcome;
  assert.deepEqual(topdown, { kind: 'address', value: 0xffff_0000n, step: 1 });
  // Bottom-up from TASK_SIZE/3 upward only (find_start_end): with all of that reserved, ENOMEM.
  const legacy = analyseDocument(text('legacy')).diagnostics;
  assert.deepEqual(
    legacy.map((d) => d.code),
    ['kernel-refused'],
  );
  assert.match(legacy[0]!.message, /fails with ENOMEM/);
});

test('`caches-pointer no` with `backing anon` cannot hold and says so; `caches-pointer any` with it is for explore', () => {
  const no = driverOf('    preset lavapipe\n    backing anon\n    caches-pointer no');
  assert.deepEqual(no.problems, [
    'conflicting-traits: a driver with `backing anon` has no GPU: its accesses always go through its CPU pointer, so `caches-pointer no` cannot hold',
  ]);
  assert.deepEqual(driverOf('    backing anon\n    caches-pointer any').problems, []);
});

test('`backing anon` has no placed maps and keeps its mapping; a `placed-map` line that says otherwise is a conflict', () => {
  const conflict =
    "conflicting-traits: a driver with `backing anon` keeps its memory in private anonymous pages, which have no object to map a second time at the caller's address (a MAP_FIXED anonymous map there is new zero-filled memory): `placed-map` cannot hold, and the driver has no placed maps. A software driver that places maps backs its memory with a memfd: `backing shmem`";
  // The default (and a GPU preset's) placed-map support gives way to the backing, silently.
  for (const traits of ['    backing anon', '    preset radv\n    backing anon', '    preset lavapipe']) {
    const { model, problems } = driverOf(traits);
    assert.deepEqual(problems, [], traits);
    assert.equal(model.placed.supported, false, traits);
    assert.equal(model.cachesPointer, true, traits);
  }
  // A line that says the driver places maps: by `backing anon`, or by a preset that implies it.
  for (const traits of [
    '    backing anon\n    placed-map 4KiB',
    '    preset lavapipe\n    backing anon\n    placed-map 4KiB',
  ]) {
    const { model, problems } = driverOf(traits);
    assert.deepEqual(problems, [conflict], traits);
    assert.equal(model.placed.supported, false, traits);
  }
  // `placed-map none`, an open placed-map, or an open backing: nothing to say.
  assert.deepEqual(driverOf('    backing anon\n    placed-map none').problems, []);
  assert.deepEqual(driverOf('    backing anon\n    placed-map any').problems, []);
  const open = driverOf('    backing any\n    placed-map 4KiB');
  assert.deepEqual(open.problems, []);
  assert.equal(open.model.placed.supported, true);
});

test('a `backing anon` driver that maps at vkMapMemory keeps the mapping at vkUnmapMemory: the data stays', () => {
  const analysis = analyseDocument(`scenario "anon at-map" {
  driver x {
    backing anon
  }
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 mem
  write p, 16, 0xab
  vkUnmapMemory2 mem
  x writes mem, 1
  expect x reads mem + 1, 1 == 0xab
  expect mapped p, 64KiB
}
`);
  assert.deepEqual(
    analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

test('`vkMapMemory2 m at X` without `placed`: the address would be ignored, and that is said', () => {
  const text = (words: string) =>
    `scenario "a" {\n  res = reserve 64KiB at 0x2000_0000 by wine\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory2 m ${words}at 0x2000_0000\n}\n`;
  assert.deepEqual(
    analyseDocument(text('')).diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`),
    [
      'warning placed-address-ignored: `at` gives pPlacedAddress, which the driver reads only with `placed` (VK_MEMORY_MAP_PLACED_BIT_EXT, vulkan-wine §1.1): the map goes wherever the driver puts it. Add `placed`, or drop `at`',
    ],
    'valid usage (the address is ignored): a warning, not an error',
  );
  assert.deepEqual(analyseDocument(text('placed ')).diagnostics, []);
});

test('the anv preset maps each BO with one mmap of its page-rounded size; only an explicit `alignment` pads and trims (H8)', () => {
  // facts vulkan-wine §2 note 2: `map_size = align64(…, 4096)`; ANV's 2 MiB is its slab parents' size.
  const text = (extra: string) => `scenario "h8" {
  driver anv {
    preset anv
${extra}
  }
  strategy hook-mmap
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m
  m2 = vkAllocateMemory 64KiB host-visible
  p2 = vkMapMemory m2
}
`;
  const mmaps = (extra: string) => {
    const run = analyseDocument(text(extra)).scenarios[0]!.run;
    return run.simulation.records
      .flatMap((r) => r.calls)
      .filter((c) => c.actor === 'anv' && /^(mmap|munmap)\(/.test(c.text))
      .map((c) => `${c.text} ${c.result}`);
  };
  assert.deepEqual(mmaps(''), [
    'mmap(0x1_0000, 0x1_0000, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0x1_0000_0000) = 0x1_0000',
    'mmap(0x2_0000, 0x1_0000, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0x1_0001_0000) = 0x2_0000',
  ]);
  const aligned = mmaps('    alignment 2MiB');
  assert.equal(aligned.length, 8, 'reserve, trim head and tail, map over the block: twice');
  assert.match(aligned[0]!, /^mmap\(0x1_0000, 0x21_0000, PROT_NONE, .*MAP_NORESERVE/);
  assert.match(aligned[3]!, /^mmap\(0x20_0000, 0x1_0000, .*MAP_SHARED\|MAP_FIXED/);
  assert.match(aligned[7]!, /^mmap\(0x40_0000, 0x1_0000, .*MAP_SHARED\|MAP_FIXED/);
});

test('a preset is one of the listed presets, never a name every object inherits', () => {
  for (const word of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
    const { problems } = driverOf(`    preset ${word}`);
    assert.equal(problems.length, 1, word);
    assert.match(problems[0]!, new RegExp(`^unknown-word: unknown preset \`${word}\` \\(known: radv,`));
  }
});

test('a range-placed map of part of the object maps only that part: its neighbour survives, and the unmap and free touch only it', () => {
  const text = (driverLine: string) => `scenario "partial" {
  driver g {
    ${driverLine}
  }
  res = reserve 4KiB at 0x2000_0000 by wine
  other = mmap 60KiB rw private anon at 0x2000_1000 fixed-noreplace
  write other, 4, 0x77
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000 size 4KiB
  expect read other, 1 == 0x77
  vkUnmapMemory2 m reserve
  p2 = vkMapMemory2 m placed at 0x2000_0000 size 4KiB
  vkFreeMemory m
  expect read other, 1 == 0x77
  expect unmapped 0x2000_0000, 4KiB
}
`;
  assert.deepEqual(codes(text('placed-map 4KiB range-placed')), []);
  // Without memoryMapRangePlaced the size must be the whole object (09572), and the driver maps
  // it whole: the neighbour is replaced.
  assert.deepEqual(
    [...new Set(codes(text('placed-map 4KiB')))],
    ['expectation-failed', 'fixed-clobber', 'vulkan-valid-usage'],
  );
});

test('a range-placed map of part of an object leaves the BO whole: a later map of all of it, into the same reservation, works and sees the device', () => {
  const text = (preset: string) => `scenario "part then whole" {
  driver g {
${preset}    placed-map 4KiB range-placed
  }
  res = reserve 64KiB at 0x2000_0000 by wine
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000 size 4KiB
  w = g writes m + 0x2000, 4
  vkUnmapMemory2 m reserve
  q = vkMapMemory2 m placed at 0x2000_0000
  expect mapped 0x2000_0000, 64KiB
  expect read q + 0x2000, 4 == w
}
`;
  assert.deepEqual(codes(text('')), []);
  // radv's BO exists from vkAllocateMemory; its cached pointer covers only the part mapped, so
  // here the driver writes nothing past it.
  const radv = text('    preset radv\n')
    .replace('  w = g writes m + 0x2000, 4\n', '')
    .replace('  expect read q + 0x2000, 4 == w\n', '');
  assert.deepEqual(codes(radv), []);
});

test('a re-map is judged against the reservation it was first placed into only while that reservation is still there', () => {
  const text = (between: string) => `scenario "stale" {
  driver g {
    placed-map 4KiB range-placed
  }
  res = reserve 64KiB at 0x2000_0000 by wine
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000 size 4KiB
  vkUnmapMemory2 m reserve
${between}  q = vkMapMemory2 m placed at 0x2000_0000
}
`;
  assert.deepEqual(codes(text('')), []);
  const unmapped = analyseDocument(text('  munmap 0x2000_1000, 60KiB by wine\n')).diagnostics;
  assert.deepEqual(
    unmapped.map((d) => d.code),
    ['fixed-clobber'],
  );
  assert.match(unmapped[0]!.message, /maps over space nobody reserved/);
  const taken = analyseDocument(
    text('  munmap 0x2000_1000, 60KiB by wine\n  other = reserve 60KiB at 0x2000_1000 by host\n'),
  ).diagnostics;
  assert.match(taken[0]!.message, /it replaces other of host \(H7\)/);
});
