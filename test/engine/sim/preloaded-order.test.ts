// Wine's reserved areas exist before anything else runs (wine-mirror/wine loader/preloader.c
// wld_start; dlls/ntdll/unix/virtual.c virtual_init): a `reserve … preloaded` written below a
// step that mapped in its range used to MAP_FIXED over that mapping silently, erasing the
// application's reservation, and a placed map then landed across it. It is now reported on the
// step, with the earlier mapping as its related location, and not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { referencesAt } from '../../../server/src/engine/features/navigation';

function run(lines: readonly string[]) {
  const text = `scenario "areas" {\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;
  const analysis = analyseDocument(text);
  const problems = analysis.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  const sim = analysis.scenarios[0]!.run.simulation;
  const labelAt = (address: bigint) =>
    sim.space.overlapping(sim.pageOf(address), sim.pageOf(address) + 1)[0]?.label;
  return { text, analysis, problems, sim, labelAt };
}

const PLACED_MAP = [
  'strategy placed',
  'mem = vkAllocateMemory 0x6000_0000 host-visible',
  'p = vkMapMemory mem',
];

for (const actor of ['wine', 'host'])
  test(`a preloaded area (by ${actor}) stated below a reservation in its range is an error, not run: the reservation stays`, () => {
    const { text, analysis, problems, sim, labelAt } = run([
      'res = reserve 16MiB at 0x1000_0000 by wine',
      `reserve 0x67ef_0000 at 0x11_0000 by ${actor} preloaded`,
      ...PLACED_MAP,
    ]);
    const misplaced = problems.filter((d) => d.code === 'used-before-defined');
    assert.equal(misplaced.length, 1, JSON.stringify(problems));
    const [d] = misplaced;
    assert.equal(text.slice(d!.range.start, d!.range.end), 'reserve');
    assert.ok(d!.range.start > text.indexOf('preloaded') - 60, 'on the preloaded step');
    assert.match(d!.message, /before anything else runs/);
    assert.match(d!.message, /step 1 mapped 0x1000_0000\.\.0x1100_0000/);
    assert.equal(d!.related.length, 1);
    const related = d!.related[0]!.range;
    assert.equal(text.slice(related.start, related.end), 'reserve');
    assert.equal(related.start, text.indexOf('res = reserve') + 'res = '.length);
    // The related location is no early use of `res`: its references are its definition only.
    assert.deepEqual(referencesAt(analysis, text.indexOf('res =')), [
      { start: text.indexOf('res ='), end: text.indexOf('res =') + 3 },
    ]);
    // The application's reservation is still there, no area was added, and nothing clobbered it.
    assert.equal(labelAt(0x1000_0000n), 'res');
    assert.equal(labelAt(0x10ff_f000n), 'res');
    assert.deepEqual(sim.wineReservedAreas, []);
    assert.deepEqual(
      problems.filter((p) => p.code === 'fixed-clobber'),
      [],
    );
  });

test('a preloaded area stated below a host fixed mapping in its range is reported, not a fixed-clobber', () => {
  const { problems, labelAt } = run([
    'a = mmap 64KiB rw private anon at 0x2000_0000 fixed by host',
    'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded',
  ]);
  assert.deepEqual(
    problems.map((d) => d.code),
    ['used-before-defined'],
  );
  assert.equal(labelAt(0x2000_0000n), 'a');
});

test('stated first, the same area is clean: the reservation is made inside it and the placed map goes at its start', () => {
  const { problems, labelAt } = run([
    'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded',
    'res = reserve 16MiB at 0x1000_0000 by wine',
    'strategy placed',
    'mem = vkAllocateMemory 64MiB host-visible',
    'p = vkMapMemory mem',
    'expect p == 0x11_0000',
  ]);
  assert.deepEqual(problems, []);
  assert.equal(labelAt(0x1000_0000n), 'res');
});

test('a mapping beside the range, or a preloaded range stated twice, is no ordering error', () => {
  const { problems } = run([
    'reserve 0x10_0000 at 0x1_0000 by wine preloaded',
    'a = mmap 64KiB rw private anon at 0x7000_0000 fixed by host',
    'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded',
    'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded',
  ]);
  assert.deepEqual(problems, []);
});
