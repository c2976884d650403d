// A MADV_DONTNEED refused at the range's start advised nothing (K:mm/madvise.c madvise_walk_vmas
// returns at the first refusal; madvise_dontneed_free_valid_vma refuses VM_LOCKED): its note is
// empty, so the CLI trace (text and JSON) and the panel show the errno and its reason only, not a
// hugetlb explanation that does not apply. A hugetlb refusal keeps its note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { droppedPagesNote } from '../../../server/src/engine/features/dropped-pages';

function notes(text: string): string[] {
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const run = analysis.scenarios[0]!.run;
  return run.simulation.records.map((r) => droppedPagesNote(run, r));
}

test('dontneed refused by a VM_LOCKED mapping mid-VMA: no note, the reason says it all', () => {
  const [, note] = notes(`scenario "l" {
  a = mmap 2 pages rw private anon locked
  d = madvise a + 1 page, 1 page, dontneed
  expect d == EINVAL
}
`);
  assert.equal(note, '');
});

test('dontneed refused by a VM_LOCKED mapping at its start: no note either', () => {
  const [, note] = notes(`scenario "l" {
  a = mmap 2 pages rw private anon locked
  d = madvise a, 1 page, dontneed
  expect d == EINVAL
}
`);
  assert.equal(note, '');
});

test('a refusal after an advised mapping still names what the mappings before it dropped', () => {
  const [, , note] = notes(`scenario "l" {
  a = mmap 1 page rw private anon at 0x4000_0000 fixed
  b = mmap 1 page rw private anon locked at 0x4000_1000 fixed
  d = madvise a, 2 pages, dontneed
  expect d == EINVAL
}
`);
  assert.equal(note, '; private pages 0x4000_0000..0x4000_1000 dropped (they read zero again)');
});

test('a hugetlb refusal at an unaligned start keeps its whole-huge-pages note', () => {
  const [, note] = notes(`scenario "h" {
  h = mmap 2MiB rw private anon hugetlb noreserve at 0x4000_0000
  d = madvise h + 4KiB, 4KiB, dontneed
  expect d == EINVAL
}
`);
  assert.equal(note, '; no page dropped (hugetlb drops whole huge pages only)');
});

// The reviewer's scenario: 90e7e7f5ef3f (v5.18-rc1) allowed MADV_DONTNEED on hugetlb, and until
// 8ebe0a5eaaeb (v6.1-rc3) madvise_dontneed_free_valid_vma rounded the end UP to the huge page.
test('hugetlb dontneed on 5.18 succeeds and drops the whole huge page it names in part', () => {
  const [, note] = notes(`scenario "hugetlb dontneed on 5.18" {
  kernel 5.18
  h = mmap 2MiB rw private anon hugetlb noreserve at 0x4000_0000
  d = madvise h, 4KiB, dontneed
  expect d == ok
}
`);
  assert.equal(
    note,
    '; private pages 0x4000_0000..0x4020_0000 dropped (hugetlb: whole huge pages only, the end rounded up to the huge page on Linux 5.18–6.0)',
  );
});

test('hugetlb dontneed of 4 KiB on 6.1 drops nothing (the end rounded down)', () => {
  const [, note] = notes(`scenario "hugetlb dontneed on 6.1" {
  kernel 6.1
  h = mmap 2MiB rw private anon hugetlb noreserve at 0x4000_0000
  d = madvise h, 4KiB, dontneed
  expect d == ok
}
`);
  assert.equal(note, '; no page dropped (hugetlb drops whole huge pages only)');
});

// Before 5.18 can_madv_lru_vma refuses every hugetlb VMA (mm/madvise.c): no huge-page rule applies,
// so there is no "whole huge pages" note, at an unaligned start or an aligned one; from 5.18 the
// unaligned start keeps it (the guard for the unchanged side).
test('hugetlb dontneed before 5.18 is refused outright: no whole-huge-pages note', () => {
  for (const kernel of ['5.10', '5.17']) {
    for (const at of ['h', 'h + 4KiB']) {
      const [, note] = notes(`scenario "h" {
  kernel ${kernel}
  h = mmap 2MiB rw private anon hugetlb noreserve at 0x4000_0000
  d = madvise ${at}, 4KiB, dontneed
  expect d == EINVAL
}
`);
      assert.equal(note, '', `${kernel} ${at}`);
    }
  }
  const [, note] = notes(`scenario "h" {
  kernel 5.18
  h = mmap 2MiB rw private anon hugetlb noreserve at 0x4000_0000
  d = madvise h + 4KiB, 4KiB, dontneed
  expect d == EINVAL
}
`);
  assert.equal(note, '; no page dropped (hugetlb drops whole huge pages only)');
});
