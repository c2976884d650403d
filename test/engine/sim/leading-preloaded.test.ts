// A `reserve … preloaded` written before any other step is one of Wine's reserved areas, which
// exist before the driver creates its device (wine-mirror/wine loader/preloader.c wld_start): it
// used to run after set-up and MAP_FIXED over radv's internal pools (fixed-clobber) under
// `strategy mmap32`. It now takes effect before device creation, still recorded as its own step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function run(driver: readonly string[], steps: readonly string[]) {
  const text = `scenario "areas" {\n  driver gpu {\n${driver.map((l) => `    ${l}\n`).join('')}  }\n${steps.map((l) => `  ${l}\n`).join('')}}\n`;
  const analysis = analyseDocument(text);
  const problems = analysis.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  const scenario = analysis.scenarios[0]!.run;
  return { problems, sim: scenario.simulation, setupCalls: scenario.vulkan.setupCalls };
}

const AREA = 'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded';
const AREA_END = 0x11_0000n + 0x67ef_0000n;

function poolsOf(sim: ReturnType<typeof run>['sim']) {
  return sim.space.vmas().filter((v) => /internal pools/.test(v.label ?? ''));
}

for (const driver of [['internal-mappings 32MiB'], ['preset radv']])
  test(`a preloaded area stated first under mmap32 is clean: the ${driver[0]} pools go outside it`, () => {
    const { problems, sim, setupCalls } = run(driver, [
      'strategy mmap32',
      AREA,
      'mem = vkAllocateMemory 16MiB host-visible coherent',
      'p = vkMapMemory mem',
      'expect p == 0x11_0000',
    ]);
    assert.deepEqual(problems, []);
    const pools = poolsOf(sim);
    assert.equal(pools.length, 1);
    const start = sim.addressOfPage(pools[0]!.startPage);
    // MAP_32BIT room above the area, below box64's 0x7f00_0000 range.
    assert.ok(start >= AREA_END && start < 0x7f00_0000n, `pools at 0x${start.toString(16)}`);
    assert.ok(pools[0]!.createdStep < 0, 'the pools are set-up');
    // The area is still step 1's, with its own mmap in its record, not in set-up's.
    assert.equal(sim.records[0]!.node.verb.name, 'reserve');
    assert.equal(sim.records[0]!.calls.length, 1);
    assert.match(sim.records[0]!.calls[0]!.text, /^mmap\(0x11_0000, 0x67ef_0000, PROT_NONE/);
    assert.ok(setupCalls.every((c) => !/0x67ef_0000/.test(c.text)));
    assert.ok(setupCalls.some((c) => c.actor === 'box64'));
    const area = sim.space.overlapping(sim.pageOf(0x2000_0000n), sim.pageOf(0x2000_0000n) + 1)[0]!;
    assert.equal(area.createdStep, 0);
    assert.deepEqual(sim.wineReservedAreas[1], [0x11_0000n, AREA_END]);
  });

test('a preloaded area after another step keeps its place: the ordering check still reports it', () => {
  const { problems } = run(
    ['internal-mappings 32MiB'],
    ['a = mmap 64KiB rw private anon at 0x2000_0000 fixed by host', AREA],
  );
  assert.deepEqual(
    problems.map((d) => d.code),
    ['used-before-defined'],
  );
});
