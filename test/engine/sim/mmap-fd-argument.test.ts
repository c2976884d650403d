// `mmap … fd NAME` whose NAME is no open file (unknown, failed, a number, a memory, not yet
// typed): the mistake is reported once where it stands and the step is not run. It used to run
// with fd -1 and add a kernel-refused EBADF the scenario's program never meets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const scenario = (body: string) => analyseDocument(`scenario "s" {\n${body}}\n`);

const cases: readonly (readonly [string, string, readonly string[]])[] = [
  ['an unknown name', '  q = mmap 64KiB rw shared fd buf\n', ['unknown-name']],
  ['a missing value', '  q = mmap 64KiB rw shared fd\n', ['syntax-error']],
  ['a number', '  q = mmap 64KiB rw shared fd 3\n', ['wrong-kind']],
  [
    'a memory object',
    '  m = vkAllocateMemory 64KiB host-visible\n  q = mmap 64KiB rw shared fd m\n',
    ['wrong-kind'],
  ],
  [
    'an fd whose export failed',
    '  m = vkAllocateMemory 64KiB host-visible\n  buf = vkGetMemoryFdKHR m dma-buf\n  q = mmap 64KiB rw shared fd buf\n',
    ['vulkan-valid-usage', 'use-of-failed-result'],
  ],
];

for (const [what, body, codes] of cases) {
  test(`mmap with fd naming ${what}: one report, no mmap(…, -1, …) call`, () => {
    const run = scenario(body);
    assert.deepEqual(
      run.diagnostics.map((d) => d.code),
      codes,
    );
    const records = run.scenarios[0]!.run.simulation.records;
    assert.equal(records[records.length - 1]!.calls.length, 0, 'the mmap step is not run');
  });
}

test('the wrong-kind message names both sources of an fd', () => {
  const run = scenario('  q = mmap 64KiB rw shared fd 3\n');
  assert.match(run.diagnostics[0]!.message, /`open` or `vkGetMemoryFdKHR`/);
});
