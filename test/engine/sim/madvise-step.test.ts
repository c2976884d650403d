// The `madvise ADDRESS, LENGTH, ADVICE` step (G4: `madvise a, 64KiB, dontfork` was `unknown
// command`): it runs madvise(2) on the simulated kernel, its trace line is strace's, completion
// offers the advice words and hover explains them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { completionsAt } from '../../../server/src/engine/features/completion';
import { at, expectHover } from '../features/fixture';

const scenario = (body: string) => analyseDocument(`scenario "s" {\n${body}}\n`);

test('madvise dontfork splits the mapping; the call reads as strace prints it', () => {
  const analysis = scenario('  a = mmap 64KiB rw private anon\n  madvise a + 16KiB, 16KiB, dontfork\n');
  assert.deepEqual(analysis.diagnostics, []);
  const record = analysis.scenarios[0]!.run.simulation.records[1]!;
  assert.match(record.calls[0]!.text, /^madvise\(0x[0-9a-f_]+, 0x4000, MADV_DONTFORK\)$/);
  assert.equal(record.calls[0]!.result, '= 0');
  assert.equal(analysis.scenarios[0]!.run.simulation.space.kernelView().length, 3);
});

test('madvise dontneed: private anonymous memory reads zero again; a hole is kernel-refused ENOMEM', () => {
  const clean = scenario(
    '  a = mmap 8KiB rw private anon\n  write a, 8KiB, 0xAB\n  madvise a, 4KiB, dontneed\n  expect read a, 1 == 0x00\n  expect read a + 4KiB, 1 == 0xAB\n',
  );
  assert.deepEqual(clean.diagnostics, []);
  const hole = scenario('  a = mmap 8KiB rw private anon\n  madvise a, 64KiB, dontneed\n');
  assert.deepEqual(
    hole.diagnostics.map((d) => d.code),
    ['kernel-refused'],
  );
  assert.match(hole.diagnostics[0]!.message, /fails with ENOMEM: .*madvise_walk_vmas skips holes/);
});

test('madvise without an advice is a missing argument, not a call', () => {
  const analysis = scenario('  a = mmap 8KiB rw private anon\n  madvise a, 4KiB\n');
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['missing-argument'],
  );
  assert.equal(analysis.scenarios[0]!.run.simulation.records[1]!.calls.length, 0);
});

test('completion offers the advice words after madvise; hover explains one', () => {
  const c = at('scenario "s" {\n  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, ⟨|⟩\n}\n');
  const labels = completionsAt(c.analysis, c.offset).map((i) => i.label);
  for (const word of ['dontneed', 'dontfork', 'dofork', 'wipeonfork', 'keeponfork'])
    assert.ok(labels.includes(word), `missing ${word} in ${labels.join(', ')}`);
  assert.ok(!labels.includes('rw'), 'no protection words');
  expectHover(
    'scenario "s" {\n  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, wipe⟨|⟩onfork\n}\n',
    'MADV_WIPEONFORK',
    '4.14',
  );
});

test('a misspelt advice is one unknown-word, not also "needs an advice"; free says why it is left out', () => {
  const misspelt = scenario('  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, dontned\n');
  assert.deepEqual(
    misspelt.diagnostics.map((d) => d.code),
    ['unknown-word'],
  );
  assert.match(misspelt.diagnostics[0]!.message, /did you mean `dontneed`/);
  const free = scenario('  a = mmap 8KiB rw private anon\n  madvise a, 4KiB, free\n');
  assert.deepEqual(
    free.diagnostics.map((d) => d.code),
    ['unknown-word'],
  );
  assert.match(free.diagnostics[0]!.message, /MADV_FREE is not modelled/);
  const prot = scenario('  a = mmap 8KiB rw private anon\n  mprotect a, 4KiB, rwq\n');
  assert.deepEqual(
    prot.diagnostics.map((d) => d.code),
    ['unknown-word'],
  );
});
