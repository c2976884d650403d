// A driver's cached pointer left pointing at nothing: stale-pointer reports it, saying the
// access faults, and access-fault does not report the same access again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const scenario = (strategy: string, after = '') => `scenario "s" {
  driver gpu {
    caches-pointer
  }
  strategy ${strategy}
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  gpu writes mem, 4
${after}
}`;

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`);

test('a stale pointer into nothing: one stale-pointer error, no second access-fault', () => {
  assert.deepEqual(codes(scenario('remap-move')), ['error stale-pointer']);
});

test('so `expect diagnostic stale-pointer` leaves the scenario clean', () => {
  assert.deepEqual(codes(scenario('remap-move', '  expect diagnostic stale-pointer')), [
    'info stale-pointer',
  ]);
});

test('a fault with no stale pointer behind it is still an access-fault', () => {
  const text = 'scenario "f" {\n  a = mmap 4KiB rw private anon\n  munmap a, 4KiB\n  write a, 1\n}';
  assert.deepEqual(codes(text), ['error access-fault']);
});

test("a failed expectation of the driver's read says its cached pointer was left empty", () => {
  const text = (kernel: string) => `scenario "lvp" {
  kernel ${kernel}
  driver lvp {
    preset lavapipe
    backing anon
  }
  strategy remap-dontunmap
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  w = app writes p, 4
  expect lvp reads mem, 4 == w
}`;
  const failed = (k: string) =>
    analyseDocument(text(k))
      .diagnostics.filter((d) => d.code === 'expectation-failed')
      .map((d) => d.message);
  assert.deepEqual(failed('5.10'), [
    "expectation failed: lvp reads 0x00 from mem, through its cached pointer 0x7fff_f7fe_f000, which wine's MREMAP_DONTUNMAP at step 2 left empty: it reads fresh memory, not mem's pages (H11)",
  ]);
});

test('a stale pointer onto another mapping that refuses the access: the report says it faults', () => {
  const text = `scenario "s" {
  driver lvp {
    caches-pointer
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  munmap p, 64KiB
  hole = reserve 64KiB at p by wine
  lvp writes mem, 4
}`;
  const found = analyseDocument(text).diagnostics.filter((d) => d.code !== 'pointer-outside-window');
  assert.deepEqual(
    found.map((d) => d.code),
    ['stale-pointer'],
  );
  assert.match(found[0]!.message, /hole of wine \(step 4\) is there now: the access faults \(SIGSEGV\)$/);
});

test("an MREMAP_DONTUNMAP whose destination is the cached pointer replaced it: not H11's emptied source", () => {
  // The call's `emptied` effect is on its source range (a), not on the driver's pointer, which
  // the move's destination replaced: deciding H11 by the call's text said "left this range empty".
  const text = `scenario "dontunmap onto the cached pointer" {
  kernel 6.6
  driver lvp {
    preset lavapipe
    backing anon
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  a = mmap 64KiB rw shared anon
  b = mremap a, 64KiB, 64KiB, maymove | fixed | dontunmap, 0x7fff_f7fe_f000
  lvp writes mem, 4
}`;
  const stale = analyseDocument(text)
    .diagnostics.filter((d) => d.code === 'stale-pointer')
    .map((d) => d.message);
  assert.deepEqual(stale, [
    'lvp uses its cached pointer 0x7fff_f7fe_f000 for mem, but host replaced the mapping at step 3; b of host is there now',
  ]);
});

test("after the driver's own munmap (or anyone's), stale-pointer names the unmap step, as it names a move", () => {
  const text = (unmap: string) => `scenario "radv unmaps own then uses" {
  kernel 6.6
  strategy placed
  driver radv {
    caches-pointer
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  ${unmap}
  radv writes mem, 4
}`;
  for (const [unmap, actor] of [
    ['munmap mem, 64KiB by radv', 'radv'],
    ['munmap p, 64KiB by wine', 'wine'],
    ['munmap 0x1_0000, 64KiB by radv', 'radv'],
  ] as const) {
    const stale = analyseDocument(text(unmap)).diagnostics.filter((d) => d.code === 'stale-pointer');
    assert.deepEqual(
      stale.map((d) => d.message),
      [
        `radv uses its cached pointer 0x1_0000, but nothing is mapped there any more (step 3: ${actor} unmapped it): the access faults (H2)`,
      ],
      unmap,
    );
    assert.deepEqual(
      stale[0]!.related.map((r) => `${r.range.start} ${r.message}`),
      [
        `${text(unmap).indexOf('p = vkMapMemory')} radv cached this pointer here`,
        `${text(unmap).indexOf(unmap)} ${actor} unmapped it here`,
      ],
      unmap,
    );
  }
});
