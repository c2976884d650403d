// userfaultfd on the old range of a DONTUNMAP move (kernel/userfaultfd.ts, model/uffd-step.ts) and
// the `uffd-snapshot-stale` rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';

const moved = (handler: string, rest: string) => `scenario "uffd" {
  kernel 6.6
  a = mmap 8KiB rw private anon
  write a, 8KiB, 0xAB
  b = mremap a, 8KiB, 8KiB, maymove | dontunmap
  uffd a, 8KiB ${handler}
${rest}
}
`;

test('no handler: the old range reads zero-fill', () => {
  const text = `scenario "none" {
  kernel 6.6
  a = mmap 4KiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 4KiB, 4KiB, maymove | dontunmap
  expect read a, 1 == zero
}
`;
  assert.deepEqual(codes(text), []);
});

test('copy-from: the first touch copies the moved page; a later write is not seen (fires)', () => {
  const text = moved('copy-from b', '  read a, 16\n  write b, 16, 0x42\n  expect read a, 16 == 0xAB');
  assert.deepEqual(codes(text), ['uffd-snapshot-stale']);
});

test('copy-from: reading only, both sides agree (does not fire)', () => {
  const text = moved('copy-from b', '  read a, 16\n  read a + 4KiB, 16\n  expect read a + 4KiB, 1 == 0xAB');
  assert.deepEqual(codes(text), []);
});

test('copy-from: a write through the old range lands in the copy (fires on that step)', () => {
  const analysis = analyse(moved('copy-from b', '  write a + 16, 4, 0x11\n  expect read b + 16, 1 == 0xAB'));
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['uffd-snapshot-stale'],
  );
});

test('map-moved: both sides see each other (does not fire)', () => {
  const text = moved(
    'map-moved b',
    '  write a + 16, 4, 0x11\n  expect read b + 16, 1 == 0x11\n  write b + 32, 1, 0x22\n  expect read a + 32, 1 == 0x22',
  );
  assert.deepEqual(codes(text), []);
});

test('fail: the access gets SIGBUS', () => {
  const text = moved('fail', '  got = read a, 1\n  expect got == SIGBUS');
  assert.deepEqual(codes(text), ['access-fault']);
});

test('faults are counted per page and listed in the calls of the step that touched them', () => {
  const text = moved('zero', '  read a, 8KiB\n  read a, 8KiB');
  const first = callsOf(text, 4).join('\n');
  assert.match(first, /userfaultfd: 2 fault\(s\)/);
  assert.match(first, /2 fault\(s\) serviced so far/);
  assert.doesNotMatch(callsOf(text, 5).join('\n'), /userfaultfd/, 'present pages do not fault again');
});

test('registration is refused on device mappings and holes (EINVAL)', () => {
  const text = `scenario "refused" {
  bo = open device "renderD128" 64KiB
  a = mmap 64KiB rw shared fd bo
  u = uffd a, 64KiB zero
  expect u == EINVAL
  v = uffd 0x5000_0000, 4KiB zero
  expect v == EINVAL
}
`;
  assert.deepEqual(codes(text), []);
});

test('the armed mapping is labelled, and a 6.17+ multi-mapping move stops at it (EFAULT, partial)', () => {
  const text = `scenario "multi" {
  kernel 6.18
  a = mmap 8KiB rw private anon
  mprotect a + 4KiB, 4KiB, r
  uffd a + 4KiB, 4KiB zero
  b = mremap a, 8KiB, 8KiB, maymove | fixed, 0x3000_0000
  expect b == EFAULT
  expect mapped 0x3000_0000, 4KiB
  expect unmapped 0x3000_1000, 4KiB
}
`;
  const analysis = analyse(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    [],
  );
  const run = analysis.scenarios[0]!.run;
  const labels = run.simulation.space.vmasAt(2).map((v) => v.label);
  assert.ok(labels.includes('range (userfaultfd zero)'), labels.join(', '));
});
