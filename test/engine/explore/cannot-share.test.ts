// An export or import the driver behaviour cannot make (`backing anon` has no buffer object to
// share) is refused, loudly, not a silent hazard: exploration used to count its wrong-kind as
// unsafe, telling a Wine developer that GL interop is unsafe on a software driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explore } from '../../../server/src/engine/explore/explore';

const driver = ['  driver d {', '    backing any', '    caches-pointer yes', '    placed-map none', '  }'];

function verdicts(steps: readonly string[]): Map<string, string> {
  const text = ['scenario "e" {', ...driver, ...steps.map((s) => `  ${s}`), '}', ''].join('\n');
  const [s] = explore(text).scenarios;
  assert.ok(s, 'the scenario is explored');
  return new Map(s.behaviours.map((b) => [b.values['backing']!, `${b.verdict} ${b.hazard ?? ''}`.trim()]));
}

test('vkGetMemoryFdKHR on memory of a backing-anon driver: refused, not unsafe', () => {
  const table = verdicts([
    'm = vkAllocateMemory 64KiB host-visible exportable',
    'buf = vkGetMemoryFdKHR m dma-buf',
  ]);
  assert.equal(table.get('anon'), 'refused wrong-kind');
  assert.equal(table.get('device'), 'safe');
  assert.equal(table.get('shmem'), 'safe');
});

test('import into a backing-anon driver: refused, not unsafe', () => {
  const text = [
    'scenario "i" {',
    '  driver src {',
    '    backing device',
    '  }',
    ...driver,
    '  m = vkAllocateMemory 64KiB host-visible exportable driver src',
    '  buf = vkGetMemoryFdKHR m dma-buf',
    '  g = vkAllocateMemory 64KiB host-visible import buf driver d',
    '}',
    '',
  ].join('\n');
  const [s] = explore(text).scenarios;
  assert.ok(s);
  const anon = s.behaviours.filter((b) => Object.values(b.values).includes('anon'));
  assert.ok(anon.length > 0);
  for (const b of anon) assert.equal(`${b.verdict} ${b.hazard ?? ''}`, 'refused wrong-kind');
});
