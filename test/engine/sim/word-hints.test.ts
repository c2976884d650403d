// What an unknown word most likely meant: a unit apart from its number in the wrong case, a C
// constant, a two-letter word reversed; otherwise the nearest known word, or the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function unknownWords(step: string): string[] {
  return analyseDocument(`scenario "w" {\n  ${step}\n}\n`)
    .diagnostics.filter((d) => d.code === 'unknown-word')
    .map((d) => d.message.replace(/^`[^`]+` is not a word mmap knows; /, ''));
}

test('a unit in the wrong case, apart from its number (fires with the spelling)', () => {
  assert.deepEqual(unknownWords('a = mmap 4 kib rw private anon'), [
    'a unit is spelt `KiB` and goes with its number: `4KiB` or `4 KiB`',
  ]);
});

test('C constants: the drvmap word, or the protection words', () => {
  assert.deepEqual(unknownWords('a = mmap 4KiB rw MAP_PRIVATE MAP_ANONYMOUS MAP_HUGE_2MB'), [
    'drvmap writes `MAP_PRIVATE` as `private`',
    'drvmap writes `MAP_ANONYMOUS` as `anon`',
    'drvmap has no word for `MAP_HUGE_2MB`',
  ]);
  assert.match(
    unknownWords('a = mmap 4KiB PROT_READ private anon')[0] ?? '',
    /one word: none, r, rw, rx, wx or rwx/,
  );
});

test('a two-letter word reversed, and a typo, get their word; right words get nothing', () => {
  assert.deepEqual(unknownWords('a = mmap 4KiB wr private anon'), ['did you mean `rw`?']);
  assert.deepEqual(unknownWords('a = mmap 4KiB rw privat anon'), ['did you mean `private`?']);
  assert.deepEqual(unknownWords('a = mmap 4 KiB rw private anon'), []);
});

test('misspelt setting values, traits, presets, access verbs, line keywords and flags: the nearest word, as a quick fix', () => {
  const text = `scenario "s" {
  strategy plaed
  driver d {
    maps at-mapp
    preset radvv
    cachs-pointer
  }
  a = mmap 4KiB rw private anon
  x = mremap a, 4KiB, 4KiB, maymove dontunmapp
  app wrtes a, 4
}
scenario "t" {
  kernal 6.6
}
`;
  const a = analyseDocument(text);
  const hints = a.diagnostics
    .map(
      (d) =>
        /did you mean `([^`]+)`\?/.exec(d.message)?.[1] &&
        `${text.slice(d.range.start, d.range.end)} → ${/did you mean `([^`]+)`\?/.exec(d.message)![1]}`,
    )
    .filter(Boolean);
  assert.deepEqual(hints, [
    'plaed → placed',
    'at-mapp → at-map',
    'radvv → radv',
    'cachs-pointer → caches-pointer',
    'dontunmapp → dontunmap',
    'wrtes → writes',
    'kernal → kernel',
  ]);
  // The code actions offer each suggestion (they read this wording); taking them all leaves no
  // unknown word, unknown name or syntax error.
  const fixed = text
    .replace('plaed', 'placed')
    .replace('at-mapp', 'at-map')
    .replace('radvv', 'radv')
    .replace('cachs-pointer', 'caches-pointer')
    .replace('dontunmapp', 'dontunmap')
    .replace('wrtes', 'writes')
    .replace('kernal', 'kernel');
  assert.deepEqual(
    analyseDocument(fixed).diagnostics.filter(
      (d) => d.code === 'unknown-word' || d.code === 'unknown-name' || d.code === 'syntax-error',
    ),
    [],
  );
});

test('`zero` outside a read expectation says where it belongs, never "did you mean `zero`"', () => {
  const a = analyseDocument(
    'scenario "s" {\n  m = mmap 4KiB rw private anon\n  x = read m, 1\n  expect x == zero\n}\n',
  );
  assert.deepEqual(
    a.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      'unknown-name: `zero` compares the bytes a read sees: write `expect read ADDRESS, LENGTH == zero` (or `expect app reads …`)',
    ],
  );
});
