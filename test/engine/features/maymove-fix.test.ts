// kernel-refused's "add maymove" fixes (rules/kernel-refused.ts maymoveEdit): one way to add the
// flag, whether the flags are words or a number. Apart from code-actions.test.ts, which tests how
// fixes are offered; this tests the edit the rule proposes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { codeActions } from '../../../server/src/engine/features/code-actions';
import { applyEdits } from '../../../server/src/engine/features/edits';

/** The kernel-refused fixes of the text's first kernel-refused, and each applied: its refusals left. */
function fixes(text: string): { title: string; fixed: string; left: string[] }[] {
  const analysis = analyseDocument(text);
  const d = analysis.diagnostics.find((x) => x.code === 'kernel-refused');
  assert.ok(d, 'no kernel-refused');
  return codeActions(analysis, d.range)
    .filter((a) => a.diagnostic.code === 'kernel-refused')
    .map((a) => {
      const fixed = applyEdits(text, a.edits);
      const left = analyseDocument(fixed)
        .diagnostics.filter((x) => x.severity === 'error')
        .map((x) => x.code);
      return { title: a.title, fixed, left };
    });
}

test('DONTUNMAP or FIXED without MAYMOVE, flags as a number: add `maymove` after it', () => {
  const text = (flags: string, size = '4KiB') =>
    `scenario "numeric" {\n  kernel 6.6\n  a = mmap 4KiB rw private anon\n  b = mremap a, 4KiB, ${size}, ${flags}\n}\n`;
  assert.deepEqual(fixes(text('4')), [
    {
      title: 'Add the `maymove` flag (DONTUNMAP and FIXED need MREMAP_MAYMOVE)',
      fixed: text('4 | maymove'),
      left: [],
    },
  ]);
  // The size too, in one edit, when DONTUNMAP also resizes.
  assert.deepEqual(
    fixes(text('4', '8KiB')).map((f) => [f.fixed, f.left]),
    [[text('4 | maymove'), []]],
  );
  // Words: the same edit as before.
  assert.deepEqual(
    fixes(text('dontunmap')).map((f) => f.fixed),
    [text('dontunmap | maymove')],
  );
});

test('numeric flags followed by a new address: the number gets the bit, since a flag word would make the address extra', () => {
  const text = (flags: string) =>
    `scenario "s" {\n  a = mmap 8KiB rw private anon\n  c = mremap a, 8KiB, 8KiB, ${flags}, 0x3000_0000\n}\n`;
  assert.deepEqual(fixes(text('2')), [
    {
      title: 'Add the `maymove` flag (DONTUNMAP and FIXED need MREMAP_MAYMOVE)',
      fixed: text('0x3'),
      left: [],
    },
  ]);
  assert.deepEqual(
    fixes(text('6')).map((f) => [f.fixed, f.left]),
    [[text('0x7'), []]],
  );
});
