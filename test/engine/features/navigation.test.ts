import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { applyEdits } from '../../../server/src/engine/features/edits';
import {
  definitionAt,
  highlightsAt,
  nameProblem,
  prepareRename,
  referencesAt,
  rename,
} from '../../../server/src/engine/features/navigation';
import { codes, offsetOf } from './fixture';
import { DONTUNMAP, REMAP_VULKAN, SAMPLES } from './samples';

describe('navigation', () => {
  test('definition from a reference', () => {
    const text = DONTUNMAP;
    const a = analyseDocument(text);
    const use = offsetOf(text, 'a, 2MiB');
    const def = definitionAt(a, use);
    assert.ok(def);
    assert.equal(text.slice(def.start, def.end), 'a');
    assert.equal(def.start, offsetOf(text, 'a = mmap'));
  });

  test('references with and without the declaration', () => {
    const text = DONTUNMAP;
    const a = analyseDocument(text);
    const refs = referencesAt(a, offsetOf(text, 'a = mmap'));
    assert.deepEqual(
      refs.map((r) => text.slice(r.start, r.end)),
      ['a', 'a', 'a', 'a'],
    );
    assert.equal(referencesAt(a, offsetOf(text, 'a = mmap'), false).length, 3);
  });

  test('highlights: the definition writes, the uses read', () => {
    const text = DONTUNMAP;
    const a = analyseDocument(text);
    const h = highlightsAt(a, offsetOf(text, 'b, 1'));
    assert.deepEqual(
      h.map((x) => x.kind),
      ['write', 'read'],
    );
  });

  test('drivers are names too', () => {
    const text = `scenario "s" {\n  driver mesa {\n  }\n  mem = vkAllocateMemory 4KiB host-visible\n  mesa writes mem, 4\n}\n`;
    const a = analyseDocument(text);
    const refs = referencesAt(a, offsetOf(text, 'mesa writes'));
    assert.equal(refs.length, 2);
  });

  test('rename everywhere in the scenario, keeping the diagnostics', () => {
    const text = REMAP_VULKAN;
    const a = analyseDocument(text);
    const offset = offsetOf(text, 'mem + 0x100');
    const prepared = prepareRename(a, offset);
    assert.ok(!('error' in prepared));
    assert.equal(prepared.placeholder, 'mem');
    const result = rename(a, offset, 'memory0');
    assert.ok('edits' in result);
    const renamed = applyEdits(text, result.edits);
    assert.ok(!/\bmem\b/.test(renamed));
    assert.equal((renamed.match(/memory0/g) ?? []).length, 3);
    assert.deepEqual(codes(analyseDocument(renamed)), codes(a));
  });

  test('names JavaScript objects inherit (constructor, toString) are names like any other', () => {
    const text = REMAP_VULKAN;
    const a = analyseDocument(text);
    const offset = offsetOf(text, 'mem + 0x100');
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const result = rename(a, offset, name);
      assert.ok('edits' in result, name);
      assert.deepEqual(codes(analyseDocument(applyEdits(text, result.edits))), codes(a), name);
    }
  });

  test('a unit word is a free name (docs: `page` is a unit only after a number), refused only where a use follows a number', () => {
    const text =
      'scenario "p" {\n  a = mmap 4KiB rw private anon\n  write a, 1\n  b = mremap a, 4KiB, 8KiB, maymove\n}\n';
    const analysis = analyseDocument(text);
    for (const unit of ['page', 'MiB', 'K']) {
      const result = rename(analysis, offsetOf(text, 'a = mmap'), unit);
      assert.ok('edits' in result, unit);
      assert.deepEqual(codes(analyseDocument(applyEdits(text, result.edits))), codes(analysis), unit);
    }
    // A use right after a number (a syntax error line here) would read as that number's unit.
    const afterNumber = `${text.slice(0, -2)}  write 4 a\n}\n`;
    assert.deepEqual(rename(analyseDocument(afterNumber), offsetOf(afterNumber, 'a = mmap'), 'page'), {
      error: '`page` is a unit: on line 5 it would read as the unit of the number before it',
    });
  });

  test('rename is refused for reserved words, vocabulary, duplicates and bad spellings', () => {
    const a = analyseDocument(SAMPLES.DONTUNMAP!);
    const offset = offsetOf(SAMPLES.DONTUNMAP!, 'a = mmap');
    for (const bad of ['mmap', 'EINVAL', 'rw', 'dontunmap', 'b', '1abc', 'a b', 'placed', 'app', '']) {
      const r = rename(a, offset, bad);
      assert.ok('error' in r, `renaming to ${JSON.stringify(bad)} should be refused`);
    }
    assert.equal(nameProblem('mapping_2', undefined), undefined);
    assert.equal(nameProblem('low-map', undefined), undefined);
  });

  test('rename refuses a name the scenario already uses without defining it, and takes uses above the definition along', () => {
    const captured = 'scenario "s" {\n  a = mmap 4KiB rw private anon\n  write a, 4\n  expect zz == 0\n}\n';
    const r = rename(analyseDocument(captured), offsetOf(captured, 'a = mmap'), 'zz');
    assert.deepEqual(r, {
      error: '`zz` is already used in this scenario (line 4): that use would then mean the renamed value',
    });
    // The same name in another scenario is no reason to refuse.
    const other = `${captured.replace('  expect zz == 0\n', '')}scenario "t" {\n  zz = mmap 4KiB rw private anon\n}\n`;
    assert.ok('edits' in rename(analyseDocument(other), offsetOf(other, 'a = mmap'), 'zz'));
    // Only name uses count: a misspelt rule code, setting word or driver trait is not one.
    const words = [
      'scenario "w" {',
      '  strategy plced',
      '  driver mesa {',
      '    preset nvkk',
      '  }',
      '  a = mmap 4KiB rw private anon',
      '  munmap a + 0x10, 4KiB',
      '  expect diagnostic nosuchcode',
      '}',
      '',
    ].join('\n');
    for (const name of ['plced', 'nvkk', 'nosuchcode'])
      assert.ok('edits' in rename(analyseDocument(words), offsetOf(words, 'a = mmap'), name), name);
    // Uses in a step's options and an actor are names too.
    const option = 'scenario "o" {\n  a = mmap 4KiB rw private anon\n  b = mmap 4KiB rw shared fd ff\n}\n';
    assert.match(
      (rename(analyseDocument(option), offsetOf(option, 'a = mmap'), 'ff') as { error: string }).error,
      /`ff` is already used in this scenario \(line 3\)/,
    );

    const early = 'scenario "s" {\n  write a, 4\n  a = mmap 4KiB rw private anon\n  write a, 4\n}\n';
    const a = analyseDocument(early);
    const result = rename(a, offsetOf(early, 'a = mmap'), 'x');
    assert.ok('edits' in result);
    const renamed = applyEdits(early, result.edits);
    assert.equal(renamed, 'scenario "s" {\n  write x, 4\n  x = mmap 4KiB rw private anon\n  write x, 4\n}\n');
    assert.deepEqual(codes(analyseDocument(renamed)), codes(a));
  });

  test('a use above the definition is the name for definition, references, highlights and rename alike', () => {
    // The used-before-defined diagnostic links `mem` on line 6 to the binding on line 7.
    const text = [
      'scenario "a" {',
      '  driver lvp {',
      '    preset lavapipe',
      '  }',
      '  strategy alias',
      '  p = vkMapMemory mem',
      '  mem = vkAllocateMemory 1MiB host-visible',
      '  q = vkMapMemory mem',
      '}',
      '',
    ].join('\n');
    const a = analyseDocument(text);
    const early = offsetOf(text, 'mem\n  mem =');
    const binding = offsetOf(text, 'mem = vkAllocateMemory');
    const late = offsetOf(text, 'mem\n}');
    const lines = (ranges: readonly { start: number }[]) => ranges.map((r) => a.lines.position(r.start).line);
    assert.equal(definitionAt(a, early)?.start, binding, 'definition from the early use');
    for (const offset of [early, binding, late]) {
      assert.deepEqual(lines(referencesAt(a, offset)), [5, 6, 7], `references at ${offset}`);
      assert.deepEqual(
        lines(referencesAt(a, offset, false)),
        [5, 7],
        `references without the binding at ${offset}`,
      );
      assert.deepEqual(
        highlightsAt(a, offset).map((h) => h.kind),
        ['read', 'write', 'read'],
        `highlights at ${offset}`,
      );
      const result = rename(a, offset, 'memory0');
      assert.ok('edits' in result, `rename at ${offset}`);
      assert.deepEqual(lines(result.edits.map((e) => e.range)), [5, 6, 7], `rename at ${offset}`);
    }
    assert.deepEqual(prepareRename(a, early), {
      range: { start: early, end: early + 3 },
      placeholder: 'mem',
    });
    // The rule turned off drops the diagnostic, not the use: a rename still takes it along.
    const quiet = analyseDocument(text, { severities: { 'used-before-defined': 'off' } });
    const quietRename = rename(quiet, binding, 'memory0');
    assert.ok('edits' in quietRename);
    assert.deepEqual(lines(quietRename.edits.map((e) => e.range)), [5, 6, 7]);
  });

  test('no rename for built-in actors or non-names', () => {
    const text = `scenario "s" {\n  mem = vkAllocateMemory 4KiB host-visible\n  p = vkMapMemory mem\n  app writes p, 4\n}\n`;
    const a = analyseDocument(text);
    assert.ok('error' in prepareRename(a, offsetOf(text, 'app')));
    assert.ok('error' in prepareRename(a, offsetOf(text, 'vkMapMemory')));
  });
});
