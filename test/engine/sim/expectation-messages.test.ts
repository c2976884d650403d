// What a failed `expect NAME ==|!= VALUE` says: what the step gave and what was expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function failures(body: string): string[] {
  return analyseDocument(`scenario "e" {\n${body}\n}`)
    .diagnostics.filter((d) => d.code === 'expectation-failed')
    .map((d) => d.message);
}

test('an address compared with an errno shows the address, not "ok"', () => {
  const [message] = failures('  a = mmap 4KiB rw private anon\n  expect a == EINVAL');
  assert.match(
    message ?? '',
    /^expectation failed: a is 0x7fff_[0-9a-f_]+ \(it succeeded\), expected EINVAL$/,
  );
});

test('`!=` says the value was expected to differ', () => {
  const [message] = failures('  b = mmap 4KiB rw private anon\n  expect b != b');
  assert.match(message ?? '', /^expectation failed: b is (0x[0-9a-f_]+), expected anything but \1$/);
});

test('an errno compared with an address: the errno and its reason, then what was expected', () => {
  assert.deepEqual(failures('  c = mmap 0 rw private anon\n  expect c == 0x1000'), [
    'expectation failed: c is EINVAL, expected 0x1000',
  ]);
});

test('expectations that hold say nothing', () => {
  assert.deepEqual(
    failures(
      '  a = mmap 4KiB rw private anon\n  c = mmap 0 rw private anon\n  expect a != 0x1000\n  expect c == EINVAL\n  expect a == ok',
    ),
    [],
  );
});

test('an expectation whose operand has no value (its step failed) fails as not checked, so check does not pass it', () => {
  const text = `scenario "s" {
  a = mmap 0 rw private anon
  expect read a, 4 == zero
}`;
  const failed = analyseDocument(text).diagnostics.filter((d) => d.code === 'expectation-failed');
  assert.equal(failed.length, 1);
  assert.match(failed[0]!.message, /^expectation failed: not checked: `a` has no value: step 1 failed/);
  // An expectation about the failure itself is checked as usual.
  const about = analyseDocument('scenario "s" {\n  a = mmap 0 rw private anon\n  expect a == EINVAL\n}');
  assert.deepEqual(about.diagnostics, []);
});

test('a failed read of a memory object at an offset names the offset', () => {
  const text = `scenario "o" {
  driver mesa {
    backing shmem
    maps at-alloc
    caches-pointer
  }
  b = vkAllocateMemory 64KiB host-visible
  expect mesa reads b + 0x100, 1 == 0xab
  expect mesa reads b, 1 == 0xab
}
`;
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => d.message),
    ['expectation failed: mesa reads 0x00 from b + 0x100', 'expectation failed: mesa reads 0x00 from b'],
  );
});

test('an expectation with two failed operands is still one diagnostic, naming both', () => {
  const text = `scenario "two" {
  a = mmap 0 rw private anon
  b = mmap 0 rw private anon
  expect a + 1 == b + 1
}
`;
  const found = analyseDocument(text).diagnostics.filter((d) => d.code !== 'kernel-refused');
  assert.deepEqual(
    found.map((d) => `${d.code}: ${d.message}`),
    [
      'expectation-failed: expectation failed: not checked: `a` has no value: step 1 failed (EINVAL); `b` has no value: step 2 failed (EINVAL)',
    ],
  );
  assert.equal(found[0]!.related?.length, 2);
});

test('a read that faults past its first byte names the fault address and the bytes read before it', () => {
  const body = [
    '  a = mmap 8KiB rw private anon at 0x1000_0000 fixed',
    '  write a, 8KiB, 0xAA',
    '  munmap a + 4KiB, 4KiB',
    '  expect read a + 4KiB - 2, 3 == 0xAA',
    '  expect read a + 4KiB, 1 == 0xAA',
  ].join('\n');
  assert.deepEqual(failures(body), [
    // The kernel's si_addr is the first byte not mapped, not where the read began.
    'expectation failed: host reads from 0x1000_0ffe: 0xaa×2, then SIGSEGV at 0x1000_1000',
    'expectation failed: host reads SIGSEGV at 0x1000_1000',
  ]);
});

test('a read compared with a write that has a fill byte says to compare with the byte, or drop it', () => {
  const text = `scenario "bound write with a byte" {
  a = mmap 4KiB rw private anon
  w = write a, 4, 0xAB
  expect read a, 4 == w
}`;
  const found = analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
  assert.deepEqual(found, [
    'wrong-kind: `w` is a write with a fill byte, not tagged data: compare the read with the byte (`0xAB`), or drop the byte from the write to get data tagged with it',
  ]);
  // A read's name is no data either; the comparisons the message offers work.
  const read = analyseDocument(`scenario "s" {
  a = mmap 4KiB rw private anon
  w = write a, 4, 0xAB
  seen = read a, 4
  expect read a, 4 == seen
  expect read a, 4 == 0xAB
  t = write a + 8, 4
  expect read a + 8, 4 == t
}`).diagnostics.map((d) => `${d.code}: ${d.message}`);
  assert.deepEqual(read, [
    'wrong-kind: `seen` is a read, not written data: compare with a byte (`0xAB`), `zero`, or the name of a write without a fill byte',
  ]);
});

test('a result compared with a step that did not run fails as not checked, with the step as related location', () => {
  const text = `scenario "skipped operand" {
  kernel 5.6
  a = mmap 4KiB rw private anon
  b = mremap a, 4KiB, 4KiB, maymove | dontunmap
  c = mremap b, 4KiB, 4KiB, maymove
  expect c == EFAULT
  expect c != EFAULT
  expect c == 0x1000
}`;
  const failed = analyseDocument(text).diagnostics.filter((d) => d.code === 'expectation-failed');
  assert.equal(failed.length, 3, 'none passes, `!=` included');
  for (const d of failed) {
    assert.equal(
      d.message,
      'expectation failed: not checked: `c` has no value: step 3 failed (not run: an argument is missing or has no value)',
    );
    assert.deepEqual(
      d.related.map((r) => [r.range.start, r.message]),
      [[text.indexOf('c = mremap'), 'failed here']],
    );
  }
});
