// LineIndex: offsets ↔ line/column as LSP counts them (`\n`, `\r\n` and a lone `\r` each end a
// line). A text without `\r` takes a faster path (native `indexOf`); both paths must agree with
// the definition, checked here against a plain split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex } from '../../../server/src/engine/syntax/text-range';

/** The definition: line starts by splitting on each line end. */
function referenceStarts(text: string): number[] {
  const starts = [0];
  const ends = /\r\n|\r|\n/g;
  for (let m = ends.exec(text); m !== null; m = ends.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

const pieces = fc.constantFrom('a', 'mmap 4KiB', ' ', '\n', '\r\n', '\r', '\n\n', '😀', '');
const texts = fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join(''));

test('LineIndex: line starts and positions follow the definition, with or without \\r', () => {
  fc.assert(
    fc.property(texts, (text) => {
      const index = new LineIndex(text);
      const starts = referenceStarts(text);
      assert.equal(index.lineCount, starts.length);
      for (let line = 0; line < starts.length; line++) {
        assert.equal(index.lineStart(line), starts[line]);
        assert.deepEqual(index.position(starts[line]!), { line, character: 0 });
      }
      for (let offset = 0; offset <= text.length; offset++) {
        const { line, character } = index.position(offset);
        assert.equal(starts[line]! + character, offset);
        assert.ok(line === starts.length - 1 || offset < starts[line + 1]!);
        // Back again, except inside a `\r\n`, which no column can name: it maps to the line's end.
        const insideCrlf = text[offset - 1] === '\r' && text[offset] === '\n';
        assert.equal(index.offset({ line, character }), insideCrlf ? offset - 1 : offset);
      }
    }),
    { numRuns: 500 },
  );
});

test('LineIndex: a text of \\n lines, the fast path, maps line and column both ways', () => {
  const text = 'scenario "s" {\n  kernel 6.6\n\n  m = mmap 4KiB rw private anon\n}\n';
  const index = new LineIndex(text);
  assert.equal(index.lineCount, 6);
  assert.deepEqual(index.position(text.indexOf('m =')), { line: 3, character: 2 });
  assert.equal(index.offset({ line: 3, character: 2 }), text.indexOf('m ='));
  assert.deepEqual(index.position(text.length), { line: 5, character: 0 });
  // A column past the end of a line stops at the line's end, before its `\n`.
  assert.equal(index.offset({ line: 1, character: 99 }), text.indexOf('\n\n'));
});
