// TASK_SIZE and mmap_base as a scenario's settings give them: arm64's defaults (1 << 48 and the
// mm/util.c mmap_base below it), its legacy base, and the settings no kernel has, reported
// (the arm64 review's findings 3 and 4). x86-64's answers stay the observed machine's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

test('arm64 defaults: TASK_SIZE 1 << 48, mmap_base (1 << 48) - 128 MiB, the last page below TASK_SIZE mappable', () => {
  assert.deepEqual(
    codes(`scenario "default geometry with 16 KiB pages" {
  page-size 16KiB
  a = mmap 16KiB rw private anon
  expect a == 0xffff_f7ff_c000
  c = mmap 16KiB rw private anon at 0xffff_ffff_c000 fixed
  expect c == 0xffff_ffff_c000
  d = mmap 16KiB rw private anon at 0x7fff_ffff_c000 fixed
  expect d == 0x7fff_ffff_c000
}
`),
    [],
  );
  assert.deepEqual(
    codes(`scenario "arm64, 4 KiB pages, 47-bit VA" {
  arch arm64
  task-size 0x8000_0000_0000
  a = mmap 4KiB rw private anon
  expect a == 0x7fff_f7ff_f000
}
`),
    [],
    'mmap_base follows a TASK_SIZE set alone on arm64',
  );
});

test('x86-64 defaults are unchanged: mmap_base 0x7fff_f7ff_f000, also with a larger task-size alone', () => {
  assert.deepEqual(
    codes(`scenario "x86" {
  task-size 0xff_ffff_ffff_f000
  a = mmap 4KiB rw private anon
  expect a == 0x7fff_f7ff_e000
  b = mmap 4KiB rw private anon at 0x7fff_ffff_e000 fixed
  expect b == 0x7fff_ffff_e000
}
`),
    [],
  );
});

test('`layout legacy` on arm64 starts at PAGE_ALIGN(DEFAULT_MAP_WINDOW / 4); on x86-64 at PAGE_ALIGN(TASK_SIZE / 3)', () => {
  assert.deepEqual(
    codes(`scenario "legacy layout on arm64, 48-bit VA, 16 KiB pages" {
  page-size 16KiB
  task-size 0x1_0000_0000_0000
  layout legacy
  a = mmap 16KiB rw private anon
  expect a == 0x4000_0000_0000
}
`),
    [],
  );
  assert.deepEqual(
    codes(`scenario "legacy layout on x86-64" {
  layout legacy
  a = mmap 4KiB rw private anon
  expect a == 0x2aaa_aaaa_b000
}
`),
    [],
  );
});

test('mmap-base at or above TASK_SIZE is number-out-of-range, and the base TASK_SIZE gives is used (fires)', () => {
  const found = codes(`scenario "x86-64 base past TASK_SIZE" {
  mmap-base 0xffff_b7ff_c000
  a = mmap 4KiB rw private anon
  expect a == 0x7fff_f7ff_e000
}
`);
  assert.deepEqual(found, [
    "number-out-of-range: mmap_base 0xffff_b7ff_c000 is not below TASK_SIZE 0x7fff_ffff_f000 (the x86-64 default; set `task-size` to the machine's): no kernel sets mm->mmap_base there, and every mmap without an address would fail with ENOMEM; 0x7fff_f7ff_f000, the mmap_base that TASK_SIZE gives, is used",
  ]);
  const both = codes(`scenario "arm64 base past its TASK_SIZE" {
  page-size 16KiB
  task-size 0x8000_0000_0000
  mmap-base 0x8000_0000_0000
  a = mmap 16KiB rw private anon
  expect a == 0x7fff_f7ff_c000
}
`);
  assert.equal(both.length, 1, both.join('\n'));
  assert.match(
    both[0]!,
    /^number-out-of-range: mmap_base 0x8000_0000_0000 is not below TASK_SIZE 0x8000_0000_0000:/,
  );
  const small = codes(`scenario "x86-64 TASK_SIZE below the default base" {
  task-size 0x1_0000_0000
  a = mmap 4KiB rw private anon
}
`);
  assert.equal(small.length, 1, small.join('\n'));
  assert.match(
    small[0]!,
    /^number-out-of-range: mmap_base 0x7fff_f7ff_f000 is not below TASK_SIZE 0x1_0000_0000 \(the default; set `mmap-base` below it\)/,
  );
});

test('the arm64 48-bit mmap_base alone is fine under arm64 (does not fire)', () => {
  assert.deepEqual(
    codes(`scenario "arm64 48-bit: mmap-base set, task-size left" {
  page-size 16KiB
  mmap-base 0xffff_b7ff_c000
  a = mmap 16KiB rw private anon
  expect a == 0xffff_b7ff_8000
}
`),
    [],
  );
});

test('a task-size or mmap-base that is not a page multiple is number-out-of-range, and the default stays (fires)', () => {
  const found = codes(`scenario "x86 geometry with 16 KiB pages" {
  page-size 16KiB
  task-size 0x7fff_ffff_f000
  mmap-base 0x7fff_f7ff_f000
  a = mmap 16KiB rw private anon
  expect a == 0xffff_f7ff_c000
}
`);
  assert.deepEqual(found, [
    'number-out-of-range: TASK_SIZE is a whole number of pages: 0x7fff_ffff_f000 is not a multiple of the 16 KiB page (on arm64 it is 1 << VA bits, TASK_SIZE_64); the default stays',
    'number-out-of-range: mmap_base is page aligned: 0x7fff_f7ff_f000 is not a multiple of the 16 KiB page; the default stays',
  ]);
  assert.deepEqual(
    codes(`scenario "page multiples" {
  page-size 16KiB
  task-size 0x8000_0000_0000
  mmap-base 0x7fff_f800_0000
}
`),
    [],
  );
});
