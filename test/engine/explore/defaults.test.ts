// An exploration runs scenarios as the analysis does: a scenario without its own `kernel` gets the
// default the editor's settings (drvmap.defaultKernel) or the CLI's --kernel give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explore } from '../../../server/src/engine/explore/explore';

const SCENARIO = `scenario "remap-dontunmap, kernel from the settings" {
  strategy remap-dontunmap
  driver gpu {
    backing shmem
    maps any
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 16
}
`;

test('the default kernel decides the verdicts of a scenario that does not set one', () => {
  const current = explore(SCENARIO, { scenario: 1 }).scenarios[0]!;
  const old = explore(SCENARIO, { scenario: 1, defaults: { kernel: { major: 5, minor: 4 } } }).scenarios[0]!;
  // Before 5.7 there is no MREMAP_DONTUNMAP: the strategy's remap is refused whatever the driver does.
  assert.equal(old.counts.safe, 0, old.summary);
  assert.ok(current.counts.safe > 0, current.summary);
  // A scenario that says its kernel keeps it.
  const own = explore(SCENARIO.replace('  strategy', '  kernel 6.6\n  strategy'), {
    scenario: 1,
    defaults: { kernel: { major: 5, minor: 4 } },
  }).scenarios[0]!;
  assert.equal(own.counts.safe, current.counts.safe);
});
