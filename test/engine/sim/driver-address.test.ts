// A raw syscall step a driver makes may name a memory object as its address (`madvise mem, 1MiB,
// dontneed by lvp`): the driver's own CPU address of it (F2: that was wrong-kind, and the hint's
// `madvise p, …` madvised Wine's 32-bit window, the opposite answer under a remap strategy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { inlayHints } from '../../../server/src/engine/features/inlay-hints';
import { formatHex } from '../../../server/src/engine/numbers';
import { expectHover } from '../features/fixture';

const LVP_POOL = `  driver lvp {
    preset lavapipe
    maps pool
  }
`;

/** The F2 scenario: lavapipe's pool child, mapped by Wine, then madvised by the driver. */
const f2 = (strategy: string, tail: string) => `scenario "the driver madvises its pool range of mem" {
  kernel 6.6
  strategy ${strategy}
${LVP_POOL}  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  w = app writes p + 0x10, 16
${tail}}
`;

test('remap-move: the driver madvises its own pool address, which the move emptied: ENOMEM, the app data survives', () => {
  const text = f2(
    'remap-move',
    '  res = madvise mem, 1MiB, dontneed by lvp\n  expect res == ENOMEM\n  expect app reads p + 0x10, 16 == w\n',
  );
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['remap-granularity'],
  );
  const run = analysis.scenarios[0]!.run;
  const records = run.simulation.records;
  // The driver's pool address: where its suballocation of mem was made at vkAllocateMemory.
  const pool = /suballocate 1 MiB at pool\+0x0 = (0x[0-9a-f_]+)/.exec(
    records[0]!.calls.map((c) => c.text + ' ' + c.result).join('\n'),
  )?.[1];
  assert.ok(pool, records[0]!.calls.map((c) => c.text).join('\n'));
  assert.equal(records[3]!.calls[0]!.text, `madvise(${pool}, 0x10_0000, MADV_DONTNEED)`);
  assert.equal(records[3]!.calls[0]!.result, '= -1 ENOMEM');
  assert.ok(run.simulation.expects.every((e) => e.passed === true));
});

test('strategy none: the same madvise drops the pages the driver and the data are in', () => {
  const text = `scenario "none" {
  kernel 6.6
  strategy none
${LVP_POOL}  mem = vkAllocateMemory 1MiB host-visible coherent
  w = lvp writes mem + 0x10, 16
  madvise mem, 1MiB, dontneed by lvp
  expect lvp reads mem + 0x10, 16 == zero
}
`;
  const analysis = analyseDocument(text);
  assert.deepEqual(analysis.diagnostics, []);
  const run = analysis.scenarios[0]!.run;
  assert.match(run.simulation.records[2]!.calls[0]!.result, /^= 0$/);
  assert.equal(run.simulation.expects[0]!.passed, true);
});

test('the offset is added to the suballocation; munmap, mprotect and mremap take the same address', () => {
  const text = `scenario "s" {
${LVP_POOL}  a = vkAllocateMemory 64KiB host-visible coherent
  b = vkAllocateMemory 64KiB host-visible coherent
  mprotect b + 4KiB, 4KiB, r by lvp
  lvp writes b + 4KiB, 4
  c = mremap b + 8KiB, 4KiB, 4KiB, maymove by lvp
  munmap a, 4KiB by lvp
}
`;
  const analysis = analyseDocument(text);
  // The driver's own write meets the protection its own mprotect set.
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['access-fault'],
  );
  const records = analysis.scenarios[0]!.run.simulation.records;
  const last = records[1]!.calls.at(-1)!;
  const suballocated = /= (0x[0-9a-f_]+)$/.exec(`${last.text} ${last.result}`);
  const b = BigInt(suballocated![1]!.replaceAll('_', ''));
  const hex = formatHex;
  assert.equal(records[2]!.calls[0]!.text, `mprotect(${hex(b + 0x1000n)}, 0x1000, PROT_READ)`);
  assert.match(records[3]!.calls[0]!.text, new RegExp(`cached pointer ${hex(b + 0x1000n)}`));
  assert.match(records[4]!.calls[0]!.text, new RegExp(`^mremap\\(${hex(b + 0x2000n)}, `));
  assert.match(records[5]!.calls[0]!.text, new RegExp(`^munmap\\(${hex(b - 0x1_0000n)}, 0x1000\\)`));
});

test('no driver mapping at that step: never mapped, unmapped, not host-visible, freed, another driver’s', () => {
  const analysis = analyseDocument(`scenario "a" {
  mem = vkAllocateMemory 64KiB host-visible
  madvise mem, 4KiB, dontneed by driver
  p = vkMapMemory mem
  vkUnmapMemory mem
  madvise mem, 4KiB, dontneed by driver
  dev = vkAllocateMemory 64KiB
  munmap dev, 4KiB by driver
}
scenario "b" {
${LVP_POOL}  driver radv {
    preset radv
  }
  mem = vkAllocateMemory 64KiB host-visible driver lvp
  munmap mem, 4KiB by radv
  vkFreeMemory mem
  munmap mem, 4KiB by lvp
}
`);
  const found = analysis.diagnostics
    .filter((d) => d.code !== 'pointer-outside-window')
    .map((d) => `${d.code}: ${d.message}`);
  assert.deepEqual(found, [
    'use-of-failed-result: driver has no CPU mapping of mem yet: it maps it at vkMapMemory (`p = vkMapMemory mem` first)',
    'use-of-failed-result: driver has no CPU mapping of mem here: it mapped it at step 3 and has unmapped it since',
    'use-of-failed-result: driver has no CPU mapping of dev: it is not host-visible, so nothing maps it',
    "wrong-kind: `mem` is lvp's memory object: only lvp has a pointer to it, not radv",
    'use-after-free: lvp has no address of mem: it was freed at step 3: the memory object no longer exists',
  ]);
  // None of those steps made a call: no fallback to another address.
  for (const scenario of analysis.scenarios)
    for (const record of scenario.run.simulation.records)
      if (/^(madvise|munmap)/.test(record.node.verb.name)) assert.deepEqual(record.calls, []);
});

test('the application (or host) naming a memory object: wrong-kind, with both the pointer and the `by DRIVER` form', () => {
  for (const by of ['', ' by app']) {
    const analysis = analyseDocument(f2('remap-move', `  madvise mem + 0x10, 4KiB, dontneed${by}\n`));
    const wrong = analysis.diagnostics.filter((d) => d.code === 'wrong-kind');
    assert.equal(wrong.length, 1);
    assert.equal(
      wrong[0]!.message,
      "`mem` is a memory object, not an address: map it (`p = vkMapMemory mem`) and use the pointer for the application's view of it, or make the step lvp's (`madvise mem, … by lvp`) for lvp's own CPU address of it",
    );
  }
});

test('hover, trace and the inlay hint show the driver address the memory object resolved to', () => {
  const text = f2('remap-move', '  madvise mem, 1MiB, dontneed by lvp\n');
  const analysis = analyseDocument(text);
  const call = analysis.scenarios[0]!.run.simulation.records[3]!.calls[0]!;
  const address = /^madvise\((0x[0-9a-f_]+),/.exec(call.text)![1]!;
  const cursor = text.replace('madvise mem,', 'madvise m⟨|⟩em,');
  expectHover(cursor, "`mem` = lvp's own CPU address: `" + address + '`', '**Outside** the 32-bit window');
  const hint = inlayHints(analysis).find((h) => h.tooltip.includes('madvise('));
  assert.ok(hint);
  assert.equal(hint.label, '→ ENOMEM');
  assert.match(
    hint.tooltip,
    new RegExp(`lvp: madvise\\(${address}, 0x10_0000, MADV_DONTNEED\\) = -1 ENOMEM`),
  );
  // An offset into the memory object is hovered as the whole address expression.
  expectHover(
    f2('remap-move', '  madvise mem + 0x10⟨|⟩00, 4KiB, dontneed by lvp\n'),
    "`mem + 0x1000` = lvp's own CPU address: `" +
      formatHex(BigInt(address.replaceAll('_', '')) + 0x1000n) +
      '`',
  );
});
