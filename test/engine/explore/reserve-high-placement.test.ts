// reserve-high with a window that ends below 4 GiB: the kernel's top-down search starts at 4 GiB,
// so the first mappings below it land past the window's end whatever the driver does; which one is
// the application's depends on the order of the scenario's mmaps. Explore used to turn that order
// into a driver condition ("safe only when maps ≠ at-map", or "maps = pool" with the lines swapped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explore } from '../../../server/src/engine/explore/explore';

function reserveHigh(allocations: readonly string[]): string {
  return [
    'scenario "reserve-high, LAA" {',
    '  large-address-aware',
    '  strategy reserve-high',
    '  driver gpu {',
    '    any',
    '  }',
    ...allocations.map((a) => `  ${a}`),
    '  p = vkMapMemory mem',
    '  app writes p, 16',
    '}',
    '',
  ].join('\n');
}

const OTHER_FIRST = reserveHigh([
  'other = vkAllocateMemory 64KiB host-visible',
  'mem = vkAllocateMemory 1MiB host-visible',
]);
const MEM_FIRST = reserveHigh([
  'mem = vkAllocateMemory 1MiB host-visible',
  'other = vkAllocateMemory 64KiB host-visible',
]);

test('reserve-high: in either allocation order the summary names placement at the top of 4 GiB, not a driver trait', () => {
  const summaries: string[] = [];
  for (const text of [OTHER_FIRST, MEM_FIRST]) {
    const s = explore(text).scenarios[0]!;
    assert.ok(s.counts.unsafe > 0, s.summary);
    assert.doesNotMatch(s.summary, /safe only when/);
    assert.match(
      s.summary,
      /not a driver trait: with reserve-high the kernel hands out the top of the 32-bit space first, 0xffff_0000\.\.0x1_0000_0000/,
    );
    summaries.push(s.summary.split(';')[1]!);
    for (const c of s.classes) {
      assert.equal(c.hazard, 'pointer-outside-window');
      assert.match(c.when, /an accident of this scenario's mmap order, not a driver trait/);
    }
    assert.ok(
      s.notes.some((n) => n.startsWith('every failing behaviour fails by placement')),
      s.notes.join('\n'),
    );
  }
  assert.equal(summaries[0], summaries[1], 'the same cause whatever the order');
});

test('reserve-high: a failure that is not placement keeps its driver condition', () => {
  // The window ends at 4 GiB: nothing past its end is handed out, so no failure is placement.
  const text = OTHER_FIRST.replace('  large-address-aware\n', '  window 0x1_0000 .. 0x1_0000_0000\n');
  const s = explore(text).scenarios[0]!;
  assert.doesNotMatch(s.summary, /not a driver trait/);
  assert.ok(!s.notes.some((n) => /by placement/.test(n)));
});
