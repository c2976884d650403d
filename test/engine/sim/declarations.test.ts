// `actor` lines and `driver` blocks define names as steps do: once per scenario, in either order,
// and never a word of the language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { definitionAt } from '../../../server/src/engine/features/navigation';

function shown(text: string): string[] {
  const analysis = analyseDocument(text);
  return analysis.diagnostics.map((d) => {
    const at = analysis.lines.position(d.range.start);
    return `${at.line + 1}:${at.character + 1} ${d.code}: ${d.message}`;
  });
}

test('an actor then a driver of the same name is duplicate-name, as the reverse order is', () => {
  const actorFirst = 'scenario "s" {\n  actor gpu\n  driver gpu {\n  }\n}';
  assert.deepEqual(shown(actorFirst), ['3:10 duplicate-name: `gpu` is already an actor']);
  const related = analyseDocument(actorFirst).diagnostics[0]!.related;
  assert.deepEqual(
    related.map((r) => [r.range.start, r.message]),
    [[actorFirst.indexOf('gpu'), 'first defined here']],
  );
  assert.deepEqual(shown('scenario "s" {\n  driver gpu {\n  }\n  actor gpu\n}'), [
    '4:9 duplicate-name: `gpu` is already an actor',
  ]);
});

test('a use of an actor declared before a driver of its name goes to the actor', () => {
  const text =
    'scenario "s" {\n  actor gpu\n  driver gpu {\n  }\n  a = mmap 4KiB rw shared anon\n  gpu writes a, 4\n}';
  const analysis = analyseDocument(text);
  const definition = definitionAt(analysis, text.indexOf('gpu writes'));
  assert.equal(definition?.start, text.indexOf('gpu'));
});

test('an actor or a driver named with a word of the language is reserved-name', () => {
  assert.deepEqual(shown('scenario "s" {\n  actor expect\n  a = mmap 4KiB rw private anon\n}'), [
    '2:9 reserved-name: `expect` is a word of the language; choose another name',
  ]);
  for (const word of ['mmap', 'r', 'EINVAL', 'scenario', 'VK_SUCCESS'])
    assert.deepEqual(
      shown(`scenario "s" {\n  actor ${word}\n}`).map((d) => d.split(' ')[1]),
      ['reserved-name:'],
      word,
    );
  assert.deepEqual(shown('scenario "s" {\n  driver mmap {\n  }\n}'), [
    '2:10 reserved-name: `mmap` is a word of the language; choose another name',
  ]);
  // Declared all the same, as a step's reserved name is bound: its uses resolve.
  assert.deepEqual(
    shown('scenario "s" {\n  actor r\n  a = mmap 4KiB rw private anon\n  r writes a, 4\n}').map(
      (d) => d.split(' ')[1],
    ),
    ['reserved-name:'],
  );
});

test('free names and the built-in actors keep their answers', () => {
  assert.deepEqual(shown('scenario "s" {\n  actor tracer\n  driver gpu {\n  }\n}'), []);
  assert.deepEqual(shown('scenario "s" {\n  actor app\n}'), [
    '2:9 duplicate-name: `app` is already an actor',
  ]);
  assert.deepEqual(shown('scenario "s" {\n  driver wine {\n  }\n}'), [
    '2:10 duplicate-name: `wine` is already an actor',
  ]);
  // The layer's actor is no word of the language: `actor fex` declares it under reserve-high.
  assert.deepEqual(shown('scenario "s" {\n  strategy reserve-high\n  actor fex\n}'), []);
});

test('a block for the implicit driver, `driver driver { … }`, is no reserved-name: its `driver writes` lines keep working', () => {
  const text = `scenario "x" {
  driver driver {
    preset radv
  }
  mem = vkAllocateMemory 64KiB host-visible
  driver writes mem, 4
}`;
  assert.deepEqual(shown(text), []);
  assert.deepEqual(
    shown('scenario "s" {\n  actor driver\n}').map((d) => d.split(' ')[1]),
    ['reserved-name:'],
  );
});

test('`driver driver { … }` beside another driver block is reserved-name: it is no longer the implicit driver', () => {
  const text = `scenario "d" {
  driver lvp {
    preset lavapipe
  }
  driver driver {
    preset radv
  }
}`;
  assert.deepEqual(shown(text), [
    '5:10 reserved-name: `driver` is a word of the language; choose another name',
  ]);
});
