// Wine's reserved areas exist before the driver creates its device (wine-mirror/wine
// loader/preloader.c wld_start; box64 src/core.c wine_prereserve): under `strategy mmap32` a
// `reserve … preloaded` written first used to run after set-up's device creation and MAP_FIXED
// over the driver's MAP_32BIT internal pools (a false fixed-clobber). Device creation now runs
// after the leading `reserve … preloaded` steps, and its calls and mappings show there: the
// set-up state is the strategy's alone, each step's state is the one it made, and a maxSteps cut
// among the leading steps neither creates the devices nor checks what follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { explore } from '../../../server/src/engine/explore/explore';
import { buildTrace } from '../../../server/src/cli/trace';
import { formatHex } from '../../../server/src/engine/numbers';
import type { Vma } from '../../../server/src/engine/kernel/types';

const AREA = 'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded';
const AREA_START = 0x11_0000n;
const AREA_END = 0x6800_0000n;
/** box64's wine_prereserve below 2 GiB on x86-64 (model/box64-prereserve.ts): MAP_32BIT's usable top. */
const MAP_32BIT_TOP = 0x7f00_0000n;

function scenarioText(driver: readonly string[], steps: readonly string[]): string {
  return `scenario "areas" {\n  driver gpu {\n${driver.map((l) => `    ${l}\n`).join('')}  }\n  strategy mmap32\n${steps.map((l) => `  ${l}\n`).join('')}}\n`;
}

function analyse(driver: readonly string[], steps: readonly string[], maxSteps?: number) {
  const analysis = analyseDocument(scenarioText(driver, steps), maxSteps === undefined ? {} : { maxSteps });
  const run = analysis.scenarios[0]!.run;
  const problems = analysis.diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => `${d.code}: ${d.message}`);
  return { run, sim: run.simulation, problems };
}

type Sim = ReturnType<typeof analyse>['sim'];

/** Each mapping after `step` as `start..end label (owner, made at)`. */
function mapsAt(sim: Sim, step: number): string[] {
  return sim.space.vmasAt(step).map(line(sim));
}

function line(sim: Sim) {
  return (v: Vma) =>
    `${formatHex(sim.addressOfPage(v.startPage))}..${formatHex(sim.addressOfPage(v.endPage))} ${v.label} (${v.owner}, ${v.createdStep < 0 ? 'set-up' : `step ${v.createdStep + 1}`})`;
}

const PRERESERVE = [
  '0x1_0000..0x1_8000 Wine reserved area (box64, set-up)',
  '0x11_0000..0x3011_0000 Wine reserved area (box64, set-up)',
  '0x7f00_0000..0x8200_0000 Wine reserved area (box64, set-up)',
];

for (const [driver, name] of [
  ['internal-mappings 32MiB', 'gpu'],
  ['preset radv', 'gpu'],
] as const)
  test(`mmap32, a preloaded area stated first (${driver}): clean, the pools outside the area, made after it`, () => {
    const { run, sim, problems } = analyse([driver], [AREA]);
    assert.deepEqual(problems, []);
    const pools = sim.space.vmas().filter((v) => v.label === `${name} internal pools`);
    assert.equal(pools.length, 1);
    const start = sim.addressOfPage(pools[0]!.startPage);
    const end = sim.addressOfPage(pools[0]!.endPage);
    // MAP_32BIT's room left above the area, below box64's range (linux-mm §1.3).
    assert.ok(start >= AREA_END && end <= MAP_32BIT_TOP, `pools at ${formatHex(start)}..${formatHex(end)}`);
    // The pools are set-up's (no step made them), made after the area: the area is whole.
    assert.equal(pools[0]!.createdStep, -1);
    const area = sim.space.overlapping(sim.pageOf(AREA_START), sim.pageOf(AREA_END));
    assert.deepEqual(area.map(line(sim)), ['0x11_0000..0x6800_0000 Wine reserved area (wine, step 1)']);
    // The set-up's calls are box64's alone; device creation's are the step's, after its own.
    assert.ok(run.vulkan.setupCalls.every((c) => c.actor === 'box64'));
    const calls = sim.records[0]!.calls.map((c) => `${c.actor} ${c.text.split('(')[0]}`);
    assert.equal(calls[0], 'wine mmap');
    assert.equal(calls[calls.length - 1], `${name} mmap`);
    assert.equal(run.vulkan.devicesCreatedAfter?.step, 0);
  });

test('the timeline: set-up holds box64 alone; each leading step its own area; the pools from the last one on', () => {
  const { sim, problems } = analyse(
    ['internal-mappings 32MiB'],
    [
      'reserve 0x10_0000 at 0x1_0000 by wine preloaded',
      AREA,
      'mem = vkAllocateMemory 1MiB host-visible coherent',
    ],
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(mapsAt(sim, -1), PRERESERVE);
  assert.deepEqual(mapsAt(sim, 0), [
    '0x1_0000..0x11_0000 Wine reserved area (wine, step 1)',
    '0x11_0000..0x3011_0000 Wine reserved area (box64, set-up)',
    '0x7f00_0000..0x8200_0000 Wine reserved area (box64, set-up)',
  ]);
  // The two touching placeholders are one VMA, as the kernel merges them (vma_merge).
  const afterAreas = [
    '0x1_0000..0x6800_0000 Wine reserved area (wine, step 1)',
    '0x6820_0000..0x6a20_0000 gpu internal pools (gpu, set-up)',
    '0x7f00_0000..0x8200_0000 Wine reserved area (box64, set-up)',
  ];
  assert.deepEqual(mapsAt(sim, 1), afterAreas);
  assert.deepEqual(mapsAt(sim, 2), afterAreas);
  // What the CLI trace lists: the set-up before step 1, then each step's change with its calls.
  const trace = buildTrace(
    'a.drvmap',
    scenarioText(
      ['internal-mappings 32MiB'],
      [
        'reserve 0x10_0000 at 0x1_0000 by wine preloaded',
        AREA,
        'mem = vkAllocateMemory 1MiB host-visible coherent',
      ],
    ),
    { maps: 'changed' },
  ).scenarios[0]!;
  assert.deepEqual(
    trace.setupMappings.map((m) => `${m.start}..${m.end}`),
    ['0x1_0000..0x1_8000', '0x11_0000..0x3011_0000', '0x7f00_0000..0x8200_0000'],
  );
  assert.ok(trace.setupCalls.every((c) => c.actor === 'box64'));
  // Device creation's calls are listed after the last leading step, apart from its own.
  assert.deepEqual(
    trace.steps.map((s) => s.calls.map((c) => c.actor)),
    [['wine'], ['wine'], ['app']],
  );
  assert.deepEqual(
    trace.steps.map((s) => s.deviceCreation?.map((c) => c.actor)),
    [undefined, ['box64', 'gpu'], undefined],
  );
  assert.deepEqual(
    trace.steps.map((s) => s.mappings.map((m) => m.label)),
    [['Wine reserved area'], ['Wine reserved area', 'gpu internal pools'], []],
  );
});

test('a maxSteps cut among the leading steps: no device creation, and nothing after the cut is checked', () => {
  const steps = [
    'reserve 0x10_0000 at 0x1_0000 by wine preloaded',
    `low = ${AREA}`,
    'expect low == 0x11_0000',
    'mem = vkAllocateMemory 1MiB host-visible coherent',
  ];
  const cut = analyse(['internal-mappings 32MiB'], steps, 1);
  assert.deepEqual(cut.problems, []);
  assert.equal(cut.sim.records.length, 1);
  assert.equal(cut.sim.expects.length, 0);
  assert.equal(cut.run.vulkan.devicesCreatedAfter, undefined);
  assert.deepEqual(mapsAt(cut.sim, -1), PRERESERVE);
  assert.ok(!mapsAt(cut.sim, 0).some((m) => m.includes('internal pools')));
  // Cut right after them: the devices are created, and the expectation after the last is checked, as in the whole run.
  const atEnd = analyse(['internal-mappings 32MiB'], steps, 2);
  assert.deepEqual(atEnd.problems, []);
  assert.equal(atEnd.sim.records.length, 2);
  assert.deepEqual(
    atEnd.sim.expects.map((e) => e.passed),
    [true],
  );
  assert.equal(atEnd.run.vulkan.devicesCreatedAfter?.step, 1);
  assert.ok(mapsAt(atEnd.sim, 1).includes('0x6820_0000..0x6a20_0000 gpu internal pools (gpu, set-up)'));
});

test('explore: a clean mmap32 scenario with more leading preloaded areas than its first prefix is safe', () => {
  const areas = Array.from(
    { length: 33 },
    (_, i) => `reserve 64KiB at 0x8_0000_0000 + ${i} * 0x10_0000 by wine preloaded`,
  );
  const text = scenarioText(
    ['internal-mappings 32MiB', 'placed-map any'],
    [
      ...areas,
      `low = ${AREA}`,
      'expect low == 0x11_0000',
      'mem = vkAllocateMemory 16MiB host-visible coherent',
      'p = vkMapMemory mem',
      'w = gpu writes mem + 0x100, 64',
      'expect app reads p + 0x100, 64 == w',
    ],
  );
  const result = explore(text);
  assert.deepEqual(result.problems, []);
  const s = result.scenarios[0]!;
  assert.deepEqual(s.counts, { safe: s.total, refused: 0, unsafe: 0 });
});

test('device creation after the leading steps that the kernel refuses is reported at the driver block, after that step', () => {
  const { problems } = analyse(['internal-mappings 512MiB'], [AREA]);
  const refused = problems.filter((p) => p.startsWith('kernel-refused'));
  assert.equal(refused.length, 1, JSON.stringify(problems));
  assert.match(
    refused[0]!,
    /^kernel-refused: gpu's mmap\(NULL, 0x2000_0000.*ENOMEM at device creation, after step 1: .*cannot create its device/,
  );
});

test('no leading preloaded step: device creation stays set-up, before step 1', () => {
  const { run, sim } = analyse(
    ['internal-mappings 32MiB'],
    ['mem = vkAllocateMemory 1MiB host-visible coherent', AREA],
  );
  assert.equal(run.vulkan.devicesCreatedAfter, undefined);
  assert.ok(run.vulkan.setupCalls.some((c) => c.actor === 'gpu'));
  assert.ok(mapsAt(sim, -1).some((m) => m.includes('gpu internal pools')));
});
