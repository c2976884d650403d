// The explore lens counts a scenario once per text of that scenario: an edit elsewhere in the
// file, or one undone, answers from the cache; an edit inside the scenario counts it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CancellationTokenSource, type CodeLens } from 'vscode-languageserver/node';
import { analyseDocument } from '../../server/src/engine/analysis';
import { ExploreLenses } from '../../server/src/server/explore';
import { runJob } from '../../server/src/server/explore-jobs';
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
  const lenses = new ExploreLenses({ analysed: () => current }, (job) => {
    counted.push(job.scenarioIndex);
    return runJob(job);
  });
  const show = (text: string) => {
    current = {
      document: TextDocument.create(URI, 'drvmap', ++version, text),
      analysis: analyseDocument(text),
    };
  };
  const resolveAll = () =>
    Promise.all(
      lenses
        .codeLens({ textDocument: { uri: URI } })
        .map(async (lens: CodeLens) => (await lenses.resolve(lens)).command?.title ?? ''),
    );
  return { show, resolveAll, counted, lenses };
}

test('an edit in another scenario does not explore this one again', async () => {
  const f = fixture();
  const a = OPEN('a', '1MiB');
  f.show(a + OPEN('b', '1MiB'));
  const first = await f.resolveAll();
  assert.deepEqual(f.counted, [0, 1]);
  assert.ok(
    first.every((t) => /^safe for \d+ \/ \d+ driver behaviours — explore$/.test(t)),
    first.join(' | '),
  );
  f.show(a + OPEN('b', '2MiB'));
  const second = await f.resolveAll();
  assert.deepEqual(f.counted, [0, 1, 1], 'only the edited scenario is counted again');
  assert.equal(second[0], first[0]);
});

test('an edit undone answers from the cache; a changed scenario is counted', async () => {
  const f = fixture();
  const text = OPEN('a', '1MiB');
  f.show(text);
  await f.resolveAll();
  f.show(text.replace('1MiB', '4KiB'));
  await f.resolveAll();
  f.show(text);
  await f.resolveAll();
  assert.deepEqual(f.counted, [0, 0], 'the text before the edit is still known');
  f.show(text.replace('1MiB', '8KiB'));
  await f.resolveAll();
  assert.deepEqual(f.counted, [0, 0, 0]);
});

test('a count that ran out of time is tried again at the next version, not before', async () => {
  let current: Analysed | undefined;
  let version = 0;
  let calls = 0;
  const lenses = new ExploreLenses({ analysed: () => current }, () => {
    calls++;
    return 'over-budget';
  });
  const text = OPEN('a', '1MiB');
  const show = () => {
    current = {
      document: TextDocument.create(URI, 'drvmap', ++version, text),
      analysis: analyseDocument(text),
    };
  };
  const titles = () =>
    Promise.all(
      lenses
        .codeLens({ textDocument: { uri: URI } })
        .map(async (lens) => (await lenses.resolve(lens)).command?.title),
    );
  show();
  assert.deepEqual(await titles(), ['explore driver behaviours (too many to count here)']);
  await titles();
  assert.equal(calls, 1, 'the same version answers from the cache');
  show();
  await titles();
  assert.equal(calls, 2, 'a new version tries again');
});

/** A scenario of three with the same steps, told apart by its strategy (and so its count). */
const DRIVEN = (name: string, strategy: string) => `scenario "${name}" {
  driver gpu {
    any
  }
  strategy ${strategy}
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  gpu writes mem + 0x200, 64
}
`;

test('a lens listed for an older version is not counted against the current text, and says it is out of date', async () => {
  const f = fixture();
  const [a, b, c] = [DRIVEN('A', 'alias'), DRIVEN('B', 'remap-dontunmap'), DRIVEN('C', 'hook-mmap')];
  f.show(a + b + c);
  const listed = f.lenses.codeLens({ textDocument: { uri: URI } });
  const counted = await Promise.all(
    listed.map(async (lens) => (await f.lenses.resolve(lens)).command?.title),
  );
  assert.notEqual(counted[1], counted[2], 'B and C count differently');
  // Scenario A deleted: the second lens's index now names C, the third's no scenario at all.
  f.show(b + c);
  for (const lens of listed.slice(1)) {
    assert.deepEqual((await f.lenses.resolve(lens)).command, {
      title: 'out of date — explore the scenario at the cursor',
      command: 'drvmap.explore',
    });
  }
  assert.deepEqual(await f.resolveAll(), counted.slice(1), 'the current lenses count their own scenarios');
});

test('every resolved lens runs a command: closed document, no data, nothing to explore', async () => {
  let current: Analysed | undefined;
  const lenses = new ExploreLenses({ analysed: () => current }, () => null);
  const text = OPEN('a', '1MiB');
  current = { document: TextDocument.create(URI, 'drvmap', 1, text), analysis: analyseDocument(text) };
  const [lens] = lenses.codeLens({ textDocument: { uri: URI } });
  assert.ok(lens);
  assert.deepEqual((await lenses.resolve(lens)).command, {
    title: 'explore (nothing to explore)',
    command: 'drvmap.explore',
    arguments: [URI, 0, 1],
  });
  const { data: _data, ...withoutData } = lens;
  current = undefined;
  for (const unknown of [lens, withoutData])
    assert.deepEqual((await lenses.resolve(unknown)).command, {
      title: 'explore the scenario at the cursor',
      command: 'drvmap.explore',
    });
});

test('resolves that shared a count cancelled before it began share the one counted again', async () => {
  const text = OPEN('a', '1MiB');
  const current: Analysed = {
    document: TextDocument.create(URI, 'drvmap', 1, text),
    analysis: analyseDocument(text),
  };
  let calls = 0;
  // Stands in for the explore thread: a count takes a moment, and one whose resolve is cancelled
  // before it ends is dropped (rejected), as a queued job is.
  const lenses = new ExploreLenses({ analysed: () => current }, (job, token) => {
    calls++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(runJob(job)), 50);
      token?.onCancellationRequested(() => {
        clearTimeout(timer);
        reject(new Error('cancelled'));
      });
    });
  });
  const [lens] = lenses.codeLens({ textDocument: { uri: URI } });
  assert.ok(lens);
  const source = new CancellationTokenSource();
  const first = lenses.resolve(lens, source.token).then(
    () => 'answered',
    () => 'cancelled',
  );
  await new Promise((r) => setTimeout(r, 5));
  const others = [lenses.resolve(lens), lenses.resolve(lens)];
  source.cancel();
  assert.equal(await first, 'cancelled');
  const titles = (await Promise.all(others)).map((l) => l.command?.title ?? '');
  assert.ok(
    titles.every((t) => /^safe for \d+ \/ \d+ driver behaviours — explore$/.test(t)),
    titles.join(' | '),
  );
  assert.equal(calls, 2, 'the cancelled count, then one count for both');
});
