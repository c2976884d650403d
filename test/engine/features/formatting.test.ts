import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { applyEdits } from '../../../server/src/engine/features/edits';
import { formatDocument } from '../../../server/src/engine/features/formatting';
import { codes } from './fixture';
import { allSamples, MESSY } from './samples';

const format = (text: string) => applyEdits(text, formatDocument(analyseDocument(text)));

describe('formatting', () => {
  test('indentation, single spaces, punctuation, comments', () => {
    assert.equal(
      format(MESSY),
      `# a comment before everything
scenario "messy" {
  kernel 6.6
  driver mesa {
    maps at-map
    backing device # trailing comment
  }
  a = mmap 2MiB rw private anon
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  q = mmap 4 KiB rw private anon at (a + 0x20_0000)
  munmap a + -0x0 + 4KiB, 4KiB
  // another comment
  expect read b, 1 == 0x00
}
`,
    );
  });

  test('idempotent and meaning-preserving on every sample', () => {
    for (const [name, text] of allSamples()) {
      const once = format(text);
      assert.equal(format(once), once, `${name}: not idempotent`);
      assert.deepEqual(
        codes(analyseDocument(once)),
        codes(analyseDocument(text)),
        `${name}: diagnostics changed`,
      );
      assert.deepEqual(
        analyseDocument(once).scenarios.map((s) => s.run.simulation.records.map((r) => r.resultText)),
        analyseDocument(text).scenarios.map((s) => s.run.simulation.records.map((r) => r.resultText)),
        `${name}: results changed`,
      );
    }
  });

  test('tokens that must stay apart stay apart', () => {
    const text =
      'scenario "s" {\n  a = mmap 4KiB rw private anon\n  b = mmap 4KiB rw private anon\n  munmap a -b, 4KiB\n  munmap a - -4, 0x10 KiB\n}\n';
    const out = format(text);
    assert.match(out, /munmap a - b, 4KiB/);
    assert.match(out, /munmap a - -4, 0x10 KiB/);
    assert.deepEqual(codes(analyseDocument(out)), codes(analyseDocument(text)));
  });

  test('lines with characters the lexer does not know are only re-indented; CRLF kept', () => {
    const text = 'scenario "s" {\r\n      a = mmap   4KiB @ rw\r\n}\r\n';
    assert.equal(format(text), 'scenario "s" {\r\n  a = mmap   4KiB @ rw\r\n}\r\n');
  });

  test('range formatting touches only the lines in the range', () => {
    const text = 'scenario "s" {\n    kernel   6.6\n    a = mmap  4KiB rw private anon\n}\n';
    const a = analyseDocument(text);
    const start = text.indexOf('a =');
    const edits = formatDocument(a, {}, { start, end: start + 3 });
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.newText, '  a = mmap 4KiB rw private anon');
  });
});
