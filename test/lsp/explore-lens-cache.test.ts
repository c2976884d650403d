// The explore lens counts a scenario once per text of that scenario: an edit elsewhere in the
// file, or one undone, answers from the cache; an edit inside the scenario counts it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLens } from 'vscode-languageserver/node';
import { analyseDocument } from '../../server/src/engine/analysis';
import { ExploreBudgetExceeded, exploreSummaryForLens } from '../../server/src/engine/explore/explore';
import { ExploreLenses } from '../../server/src/server/explore';
import type { Analysed } from '../../server/src/server/documents';

const URI = 'file:///lens-cache.drvmap';
const OPEN = (name: string, size: string) => `scenario "${name}" {
  strategy remap-dontunmap
  driver gpu {
    any
  }
  mem = vkAllocateMemory ${size} host-visible coherent
  p = vkMapMemory mem
  app writes p, 64
}
`;

function fixture() {
  let current: Analysed | undefined;
  let version = 0;
  const counted: number[] = [];
  const lenses = new ExploreLenses({ analysed: () => current }, (text, index, options) => {
    counted.push(index);
    return exploreSummaryForLens(text, index, options);
  });
  const show = (text: string) => {
    current = {
      document: TextDocument.create(URI, 'drvmap', ++version, text),
      analysis: analyseDocument(text),
    };
  };
  const resolveAll = () =>
    lenses
      .codeLens({ textDocument: { uri: URI } })
      .map((lens: CodeLens) => lenses.resolve(lens).command?.title ?? '');
  return { show, resolveAll, counted };
}

test('an edit in another scenario does not explore this one again', () => {
  const f = fixture();
  const a = OPEN('a', '1MiB');
  f.show(a + OPEN('b', '1MiB'));
  const first = f.resolveAll();
  assert.deepEqual(f.counted, [0, 1]);
  assert.ok(
    first.every((t) => /^safe for \d+ \/ \d+ driver behaviours — explore$/.test(t)),
    first.join(' | '),
  );
  f.show(a + OPEN('b', '2MiB'));
  const second = f.resolveAll();
  assert.deepEqual(f.counted, [0, 1, 1], 'only the edited scenario is counted again');
  assert.equal(second[0], first[0]);
});

test('an edit undone answers from the cache; a changed scenario is counted', () => {
  const f = fixture();
  const text = OPEN('a', '1MiB');
  f.show(text);
  f.resolveAll();
  f.show(text.replace('1MiB', '4KiB'));
  f.resolveAll();
  f.show(text);
  f.resolveAll();
  assert.deepEqual(f.counted, [0, 0], 'the text before the edit is still known');
  f.show(text.replace('1MiB', '8KiB'));
  f.resolveAll();
  assert.deepEqual(f.counted, [0, 0, 0]);
});

test('a count that ran out of time is tried again at the next version, not before', () => {
  let current: Analysed | undefined;
  let version = 0;
  let calls = 0;
  const lenses = new ExploreLenses({ analysed: () => current }, () => {
    calls++;
    throw new ExploreBudgetExceeded();
  });
  const text = OPEN('a', '1MiB');
  const show = () => {
    current = {
      document: TextDocument.create(URI, 'drvmap', ++version, text),
      analysis: analyseDocument(text),
    };
  };
  const titles = () =>
    lenses.codeLens({ textDocument: { uri: URI } }).map((lens) => lenses.resolve(lens).command?.title);
  show();
  assert.deepEqual(titles(), ['explore driver behaviours (too many to count here)']);
  titles();
  assert.equal(calls, 1, 'the same version answers from the cache');
  show();
  titles();
  assert.equal(calls, 2, 'a new version tries again');
});
