// fixed-clobber under remap-move and remap-dontunmap with a `reuses after-unmap` driver (review:
// Wine WOW64, finding 1). At vkUnmapMemory Wine moves the pages back where the driver keeps them:
// the mapping there is the driver's own kept block again, though the mremap is Wine's. The
// driver's MAP_FIXED of the next BO over it is what `reuses after-unmap` means (H5), not a
// clobber of another actor's mapping; the H5 hazard is the old pointer (use-after-free).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';

/** Where gpu maps `a` in these scenarios: the kept block, which `b`'s map reuses. */
const KEPT = '0x7fff_f7fe_f000';

const scenario = (strategy: string, driverLines: string, rest: string) => `scenario "reuse the kept block" {
  strategy ${strategy}
  driver gpu {
    reuses after-unmap
${driverLines}  }
  a = vkAllocateMemory 64KiB host-visible
  b = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory a
${rest}}
`;

const REUSE = '  vkUnmapMemory a\n  q = vkMapMemory b\n';
const cases = [
  ['remap-move', ''],
  ['remap-dontunmap', '    backing shmem\n'],
] as const;

for (const [strategy, driverLines] of cases) {
  test(`${strategy}: the driver maps the next BO over its own kept block, which Wine moved back: no fixed-clobber`, () => {
    const text = scenario(strategy, driverLines, REUSE);
    assert.deepEqual(codes(text), [], strategy);
    // Using the old pointer is the H5 hazard: use-after-free reports it.
    assert.deepEqual(
      codes(scenario(strategy, driverLines, `${REUSE}  app writes p, 16\n`)),
      ['use-after-free'],
      strategy,
    );
    // The mremap back (vkUnmapMemory a, step 4) is still Wine's call; the mapping it leaves at
    // the kept block is gpu's.
    const calls = analyse(text).scenarios[0]!.run.simulation.records[3]!.calls;
    const back = calls.filter((c) => c.text.startsWith('mremap'));
    assert.deepEqual(
      back.map((c) => c.actor),
      ['wine'],
      strategy,
    );
    const moved = back[0]!.effects.flatMap((e) => (e.kind === 'moved' ? e.vmas : []));
    assert.ok(moved.length > 0, strategy);
    assert.deepEqual([...new Set(moved.map((v) => `${v.label} of ${v.owner}`))], ['a of gpu'], strategy);
  });

  test(`${strategy}: the kept block's contents are not gone: a mapped again over it reads what was written through p`, () => {
    const text = scenario(
      strategy,
      driverLines,
      `  w = app writes p, 16
  vkUnmapMemory a
  q = vkMapMemory b
  vkUnmapMemory b
  p2 = vkMapMemory a
  expect app reads p2, 16 == w
`,
    );
    assert.deepEqual(codes(text), [], strategy);
  });

  test(`${strategy}: host's MAP_FIXED over the kept block clobbers gpu's mapping, gpu's over host's clobbers host's`, () => {
    // host maps over the kept block (itself a clobber of gpu's mapping), then gpu maps b over host's.
    const host = analyse(
      scenario(
        strategy,
        driverLines,
        `  vkUnmapMemory a
  o = mmap 64KiB rw private anon at ${KEPT} fixed by host
  host writes o, 16
  q = vkMapMemory b
`,
      ),
    ).diagnostics;
    assert.deepEqual(
      host.map((d) => d.code),
      ['fixed-clobber', 'fixed-clobber'],
      strategy,
    );
    assert.match(
      host[0]!.message,
      /^host's mmap at 0x7fff_f7fe_f000 silently replaced 64 KiB of a made by gpu;/,
    );
    assert.match(
      host[1]!.message,
      /^gpu's mmap at 0x7fff_f7fe_f000 silently replaced 64 KiB of o made by host; its contents are gone and host does not know/,
    );
  });

  test(`${strategy}: gpu's MAP_FIXED over wine's own unrelated mapping where the kept block was still fires`, () => {
    // wine unmaps the kept block and maps its own, unrelated, mapping there.
    const wine = analyse(
      scenario(
        strategy,
        driverLines,
        `  vkUnmapMemory a
  munmap ${KEPT}, 64KiB by wine
  o = mmap 64KiB rw private anon at ${KEPT} fixed-noreplace by wine
  wine writes o, 16
  q = vkMapMemory b
`,
      ),
    ).diagnostics;
    assert.deepEqual(
      wine.map((d) => `${d.code}: ${d.message}`),
      [
        `fixed-clobber: gpu's mmap at ${KEPT} silently replaced 64 KiB of o made by wine; its contents are gone and wine does not know`,
      ],
      strategy,
    );
  });
}

test("Wine's move back over a mapping host made where the pages were still fires, as Wine's", () => {
  // remap-move leaves the driver's range empty; host maps there while a is in the window.
  const text = scenario(
    'remap-move',
    '',
    `  o = mmap 64KiB rw private anon at ${KEPT} fixed-noreplace by host
  host writes o, 16
  vkUnmapMemory a
`,
  );
  const found = analyse(text).diagnostics;
  assert.deepEqual(
    found.map((d) => d.code),
    ['fixed-clobber'],
  );
  assert.match(
    found[0]!.message,
    /^wine's mremap at 0x7fff_f7fe_f000 silently replaced 64 KiB of o made by host;/,
  );
});
