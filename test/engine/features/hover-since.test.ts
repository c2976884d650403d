// hover's "Since `a` was made": the events after the name's own step, cut at the same length as
// a name's own history, with the "… N more" line when there are more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { hoverAt } from '../../../server/src/engine/features/hover';

test('more changes since a name was made than the hover lists: the rest are counted', () => {
  const changes = Array.from({ length: 10 }, (_, i) => `  mprotect a, 4KiB, ${i % 2 ? 'rw' : 'r'}\n`).join(
    '',
  );
  const text = `scenario "s" {\n  kernel 6.6\n  a = mmap 64KiB rw private anon\n${changes}  r2 = read a + 0x10, 1\n}\n`;
  const markdown = hoverAt(analyseDocument(text), text.indexOf('a + 0x10') + 2)?.markdown ?? '';
  const since = markdown.slice(markdown.indexOf('Since `a` was made:'));
  const listed = since.split('\n').filter((l) => l.startsWith('- '));
  // Eight events after step 1 (the mmap itself is what `a` names, not a change since), then the count.
  assert.deepEqual(
    listed.map((l) => l.replace(/: protection changed .*$/, '')),
    [...Array.from({ length: 8 }, (_, i) => `- step ${i + 2}`), '- … 2 more'],
  );
});
