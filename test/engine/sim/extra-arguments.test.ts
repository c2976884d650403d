// What a step says about words and values it cannot use: a misspelt flag is an unknown word (with
// the likely one, which a quick fix applies), a value past the last is extra; `open` too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { codeActions } from '../../../server/src/engine/features/code-actions';
import { applyEdits } from '../../../server/src/engine/features/edits';
import { closestWord } from '../../../server/src/engine/language/closest-word';

const problems = (body: string) =>
  analyseDocument(`scenario "s" {\n${body}\n}`).diagnostics.map((d) => `${d.code}: ${d.message}`);

test('a misspelt flag: unknown-word with the word meant, and the quick fix removes it', () => {
  const text = 'scenario "s" {\n  a = mmap 8KiB rw privat anon\n}';
  const analysis = analyseDocument(text);
  const typo = analysis.diagnostics.find((d) => d.code === 'unknown-word');
  assert.equal(typo?.message, '`privat` is not a word mmap knows; did you mean `private`?');
  const [fix] = codeActions(analysis, typo!.range).filter((a) => a.diagnostic.code === 'unknown-word');
  assert.ok(fix);
  const fixed = applyEdits(text, fix.edits);
  assert.match(fixed, /mmap 8KiB rw private anon/);
  assert.deepEqual(analyseDocument(fixed).diagnostics, []);
});

test('a word nothing resembles lists the words the verb knows', () => {
  const [first] = problems('  a = mmap 8KiB rw private anon frobnicate');
  assert.match(
    first ?? '',
    /^unknown-word: `frobnicate` is not a word mmap knows \(it knows: none, r, rw, .*\bat, fd, offset, by\)$/,
  );
});

test('a value past the last is extra, counted right', () => {
  assert.deepEqual(problems('  a = mmap 8KiB rw private anon 5'), [
    'syntax-error: mmap takes 1 value; this one is extra',
  ]);
  assert.deepEqual(problems('  a = mmap 8KiB rw private anon\n  munmap a, 8KiB, 3'), [
    'syntax-error: munmap takes 2 values; this one is extra',
  ]);
});

test('open reports what it cannot use, and takes `by`', () => {
  assert.deepEqual(problems('  g = open memfd "x" 8KiB at 0x1000'), [
    'unknown-word: `at` is not a word open knows (it knows: memfd, file, device, readonly, mixedmap, custom-placement, by, offset)',
    'syntax-error: open takes a name and a size; this one is extra',
  ]);
  const run = analyseDocument('scenario "s" {\n  actor fex\n  g = open memfd "x" 8KiB by fex\n}')
    .scenarios[0]!.run;
  assert.equal(run.simulation.records[0]?.calls[0]?.actor, 'fex');
});

test('closestWord: an edit or two away, never more than a third of the word', () => {
  assert.equal(closestWord('privat', ['private', 'shared']), 'private');
  assert.equal(closestWord('mayomve', ['maymove', 'fixed']), 'maymove');
  assert.equal(closestWord('RW', ['rw', 'r']), 'rw');
  assert.equal(closestWord('mmpa', ['mmap', 'munmap']), 'mmap');
  assert.equal(closestWord('xyz', ['rw', 'rx']), undefined);
  assert.equal(closestWord('frobnicate', ['fixed', 'private']), undefined);
});

test('closestWord: a two-letter actor name gets one edit, only when a single known name is that near', () => {
  const twoLetters = { twoLetters: true };
  assert.equal(closestWord('ap', ['app', 'wine', 'host', 'device', 'driver'], twoLetters), 'app');
  assert.equal(closestWord('AP', ['App', 'wine'], twoLetters), 'App');
  // One edit from several: no guess (`rx` is a word itself; `ry` is one edit from both).
  assert.equal(closestWord('ry', ['rw', 'rx', 'r'], twoLetters), undefined);
  assert.equal(closestWord('rx', ['rw', 'rx', 'r'], twoLetters), 'rx');
  // Two edits from everything: none; a one-letter word still gets none.
  assert.equal(closestWord('zq', ['app', 'wine'], twoLetters), undefined);
  assert.equal(closestWord('a', ['ab'], twoLetters), undefined);
  // Other words keep no edit at two letters: `px` (a misspelt binding) is no `rx`.
  assert.equal(closestWord('ap', ['app']), undefined);
  assert.equal(closestWord('px', ['rx', 'rw', 'private']), undefined);
});

test('a misspelt word on a Vulkan or GL call is reported too (it was dropped, and `placd` made a plain map)', () => {
  const text =
    'scenario "s" {\n  res = reserve 64KiB at 0x2000_0000 by wine\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory2 m placd at 0x2000_0000\n}';
  const analysis = analyseDocument(text);
  const typo = analysis.diagnostics.find((d) => d.code === 'unknown-word');
  assert.equal(typo?.message, '`placd` is not a word vkMapMemory2 knows; did you mean `placed`?');
  const [fix] = codeActions(analysis, typo!.range).filter((a) => a.diagnostic.code === 'unknown-word');
  assert.ok(fix);
  assert.deepEqual(analyseDocument(applyEdits(text, fix.edits)).diagnostics, []);
  assert.deepEqual(problems('  b = glBufferData 64KiB\n  q = glMapBufferRange b, 0, 4KiB write wrte'), [
    'unknown-word: `wrte` is not a word glMapBufferRange knows; did you mean `write`?',
  ]);
  // The KHR spelling of the call knows the same words.
  assert.deepEqual(problems('  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory2KHR m placd'), [
    'unknown-word: `placd` is not a word vkMapMemory2KHR knows; did you mean `placed`?',
  ]);
  assert.deepEqual(problems('  m = vkAllocateMemory 64KiB host-visible 8KiB'), [
    'syntax-error: vkAllocateMemory takes 1 value; this one is extra',
  ]);
});

test('mremap with five values and no flag words reads the fourth as FLAGS written as a number', () => {
  const text = `scenario "m" {
  kernel 6.6
  a = mmap 4KiB rw private anon
  b = mremap a, 4KiB, 4KiB, 0, 0x4000_0000
  expect b == a
  c = mmap 8KiB rw private anon
  d = mremap c, 4KiB, 4KiB, 3, 0x4000_0000
  expect d == 0x4000_0000
  e = mmap 4KiB rw private anon
  f = mremap e, 4KiB, 4KiB, 8, 0x5000_0000
  expect f == EINVAL
}
`;
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`),
    [],
  );
  // With flag words the fourth value is the new address, and a fifth is one too many.
  const words =
    'scenario "w" {\n  a = mmap 4KiB rw private anon\n  b = mremap a, 4KiB, 4KiB, maymove, 0x4000_0000, 0x5000_0000\n}\n';
  assert.deepEqual(
    analyseDocument(words).diagnostics.map((d) => d.code),
    ['syntax-error'],
  );
});

test('mremap with four values and no flag words reads the fourth as FLAGS too (strace -X raw without FIXED)', () => {
  const text = `scenario "m" {
  kernel 6.18
  a = mmap 8KiB rw private anon at 0x7f00_0000_0000 fixed
  b = mmap 4KiB rw private anon at 0x7f00_0000_2000 fixed
  c = mremap a, 8KiB, 16KiB, 1
  expect c != 0x7f00_0000_0000
  d = mremap b, 4KiB, 4KiB, 8
  expect d == EINVAL
  e = mremap b, 4KiB, 8KiB, 0
  expect e == b
}
`;
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`),
    [],
    'MREMAP_MAYMOVE moves the grown mapping; bit 8 is refused; flags 0 grows in place where a moved away',
  );
});

test('a setting takes one value: a second word or number is reported, not dropped (fires)', () => {
  assert.deepEqual(
    problems(
      '  kernel 6.6 7\n  strategy none junk\n  window 0x1_0000..0x7fff_0000 extra\n  page-size 4KiB 8',
    ),
    [
      'syntax-error: `kernel` takes one value; this one is extra',
      'unknown-word: `junk` is extra: `strategy` takes one value',
      'unknown-word: `extra` is extra: `window` takes one value, a range `START .. END`',
      'syntax-error: `page-size` takes one value; this one is extra',
    ],
  );
});

test('settings with their one value, and `large-address-aware` alone: nothing extra (does not fire)', () => {
  assert.deepEqual(
    problems(
      '  kernel 6.6.12\n  strategy none\n  window 0x1_0000..0x7fff_0000\n  page-size 4KiB\n  large-address-aware\n  thp off\n  a = mmap 4KiB rw private anon',
    ),
    [],
  );
});

test('what `uname -r` adds after a release is not an extra value; a misspelt word glued to a number is one error', () => {
  assert.deepEqual(problems('  kernel 6.8.0-45-generic\n  a = mmap 4KiB rw private anon'), []);
  assert.deepEqual(problems('  kernel 6.1-rc3\n  a = mmap 4KiB rw private anon'), []);
  assert.deepEqual(
    problems('  arch x86-64').map((p) => p.split(':')[0]),
    ['unknown-word'],
  );
});

test('a second protection or advice word on a step is an error, as a second value on a setting line is', () => {
  assert.deepEqual(
    problems(
      '  a = mmap 4KiB rw private anon\n  mprotect a, 4KiB, r rw\n  madvise a, 4KiB, dontneed dontfork',
    ),
    [
      'syntax-error: only one protection word is allowed; `r` is already given',
      'syntax-error: only one advice word is allowed; `dontneed` is already given',
    ],
  );
});

test('an option given twice, or `size` with `whole`, is an error; each once is fine', () => {
  const mapped = (options: string) =>
    problems(
      `  strategy placed\n  m = vkAllocateMemory 64KiB host-visible coherent\n  p = vkMapMemory m ${options}`,
    );
  assert.deepEqual(mapped('size 4KiB size 8KiB'), ['syntax-error: `size` is given twice; a step takes one']);
  assert.deepEqual(mapped('size 4KiB whole'), [
    'syntax-error: `whole` is VK_WHOLE_SIZE, and `size` gives a size too: give one of them',
  ]);
  assert.deepEqual(mapped('offset 0 size 4KiB'), []);
  assert.deepEqual(problems('  a = mmap 4KiB rw private anon at 0x1000_0000 at 0x2000_0000'), [
    'syntax-error: `at` is given twice; a step takes one',
  ]);
});
