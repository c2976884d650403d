// `strategy reserve-high` is FEX running an i386 Linux program (review: FEX, findings 1-3): GL
// goes through FEX's libGL thunk, not Wine's wow64 GL; the guest's window is the whole low 4 GiB
// without a `window` line; and FEX, the `fex` actor, holds the reservation above 4 GiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { FEX_GUEST_WINDOW } from '../../../server/src/engine/sim/platform';
import { completionsAt } from '../../../server/src/engine/features/completion';
import { at, expectHover } from '../features/fixture';

function run(text: string) {
  const analysis = analyseDocument(text);
  const scenario = analysis.scenarios[0]!;
  return {
    diagnostics: analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
    calls: scenario.run.simulation.records.flatMap((r) => r.calls.map((c) => `${c.actor} ${c.text}`)),
    results: scenario.run.simulation.records.map((r) => r.outcome),
    platform: scenario.run.simulation.platform,
    owners: [...scenario.run.simulation.space.vmas()].map((v) => `${v.owner}: ${v.label ?? ''}`),
  };
}

const gl = (traits: string) => `scenario "FEX GL persistent map" {
  arch arm64
  strategy reserve-high
  driver mesa {
    preset radv
${traits}  }
  b = glBufferStorage 1MiB map-write persistent coherent
  p = glMapBufferRange b, 0, 1MiB write persistent coherent
  app writes p, 16
}
`;

// ---- finding 1: GL through FEX's thunk ----

for (const [what, traits] of [
  ['with placed maps', ''],
  ['without placed maps', '    placed-map none\n'],
] as const)
  test(`reserve-high GL ${what}: the driver's own mmap(NULL) below 4 GiB, handed over by FEX's thunk; no Wine`, () => {
    const { diagnostics, calls, results } = run(gl(traits));
    assert.deepEqual(diagnostics, []);
    assert.ok(!calls.some((c) => c.startsWith('wine ')), calls.join('\n'));
    assert.ok(
      calls.includes("fex libGL thunk returns the driver's pointer 0xfdf0_0000 (to_guest)"),
      calls.join('\n'),
    );
    assert.ok(!calls.some((c) => /PLACED|GL capped|vkAllocateMemory/.test(c)), calls.join('\n'));
    assert.deepEqual(results[1], { kind: 'address', value: 0xfdf0_0000n, step: 1 });
  });

/** A hole in FEX's reservation at 8 GiB: the top-down search puts the driver's map there. */
const hole = (body: string) => `scenario "hole" {
  strategy reserve-high
  munmap 0x2_0000_0000, 64MiB by fex
${body}}
`;

test("reserve-high GL above 4 GiB: FEX's thunk truncates the pointer, as for Vulkan", () => {
  const { diagnostics } = run(hole('  b = glBufferData 1MiB\n  p = glMapBufferRange b, 0, 1MiB write\n'));
  const outside = diagnostics.filter((d) => d.startsWith('pointer-outside-window'));
  assert.equal(outside.length, 1, diagnostics.join('\n'));
  assert.match(outside[0]!, /FEX's 32-bit thunk hands it over unchecked .*so 32-bit code gets 0x/);
  assert.doesNotMatch(outside[0]!, /Wine|copy/);
});

test("reserve-high Vulkan above 4 GiB: the message names FEX's thunk, not Wine's refusal", () => {
  const { diagnostics } = run(hole('  mem = vkAllocateMemory 1MiB host-visible\n  p = vkMapMemory mem\n'));
  const outside = diagnostics.filter((d) => d.startsWith('pointer-outside-window'));
  assert.equal(outside.length, 1, diagnostics.join('\n'));
  assert.match(outside[0]!, /FEX's 32-bit thunk hands it over unchecked/);
  assert.doesNotMatch(outside[0]!, /Wine|VK_ERROR_OUT_OF_HOST_MEMORY/);
});

// ---- finding 2: the FEX guest's window ----

const vulkan = (settings: string) => `scenario "FEX default window" {
  arch arm64
  strategy reserve-high
${settings}  mem = vkAllocateMemory 16MiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 64
}
`;

test('reserve-high without a window line: the i386 guest reaches 0x1_0000..0x1_0000_0000 (FEX x32 mlockall)', () => {
  const { diagnostics, platform } = run(vulkan(''));
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(platform.window, FEX_GUEST_WINDOW);
  assert.equal(platform.windowFrom, 'fex-guest-range');
  // Over the editor's default window too: the strategy is the scenario's own word.
  const edited = analyseDocument(vulkan(''), { window: { start: 0x1_0000n, end: 0x4000_0000n } });
  assert.deepEqual(edited.scenarios[0]!.run.simulation.platform.window, FEX_GUEST_WINDOW);
});

test("reserve-high with `large-address-aware no` (old 32-bit Wine's program): its window, and FEX's thunk hands the pointer over", () => {
  const { diagnostics } = run(vulkan('  large-address-aware no\n'));
  const outside = diagnostics.filter((d) => d.startsWith('pointer-outside-window'));
  assert.equal(outside.length, 2, diagnostics.join('\n'));
  assert.match(outside[0]!, /so FEX's thunk hands it over unchanged/);
  assert.match(outside[0]!, /not large-address-aware/);
  assert.doesNotMatch(outside[0]!, /Wine hands/);
});

test('reserve-high with a window line: the line is the reason, FEX the one who hands the pointer over', () => {
  const { diagnostics } = run(vulkan('  window 0x1_0000 .. 0x7fff_0000\n'));
  const outside = diagnostics.filter((d) => d.startsWith('pointer-outside-window'));
  assert.ok(outside.length > 0, diagnostics.join('\n'));
  for (const d of outside) {
    assert.doesNotMatch(d, /large-address-aware|Wine hands/);
    assert.match(d, /window` line ends the window/);
  }
  assert.match(outside[0]!, /FEX's thunk hands it over unchanged/);
});

// ---- finding 3: FEX holds the reservation ----

test("the reservation above 4 GiB is fex's, and window-exhausted says FEX reserved it", () => {
  const { diagnostics, owners } = run(`scenario "FEX low 4 GiB full" {
  arch arm64
  driver radv {
    preset radv
  }
  strategy reserve-high
  fill = mmap 0xfdf8_0000 none private anon noreserve at 0x1_0000 fixed-noreplace
  mem = vkAllocateMemory 16MiB host-visible coherent
  p = vkMapMemory mem
}
`);
  assert.ok(owners.includes('fex: reserved above 4 GiB'), owners.join('\n'));
  const exhausted = diagnostics.find((d) => d.startsWith('window-exhausted'));
  assert.match(exhausted ?? '', /^window-exhausted: FEX reserved everything above 4 GiB \(reserve-high\)/);
  assert.ok(!diagnostics.some((d) => /\bwine\b/.test(d)), diagnostics.join('\n'));
});

test('`fex` is an actor under reserve-high without a declaration; `actor fex` still declares it; elsewhere it is unknown', () => {
  const body = '  a = mmap 1MiB rw private anon by fex\n  fex writes a, 1\n';
  assert.deepEqual(run(`scenario "s" {\n  strategy reserve-high\n${body}}`).diagnostics, []);
  assert.deepEqual(run(`scenario "s" {\n  strategy reserve-high\n  actor fex\n${body}}`).diagnostics, []);
  assert.ok(
    run(`scenario "s" {\n${body}}`).diagnostics.some((d) => d.startsWith('unknown-name')),
    'fex is no actor without reserve-high',
  );
  const driver = run(`scenario "s" {\n  strategy reserve-high\n  driver fex {\n  }\n}`).diagnostics;
  assert.ok(
    driver.some((d) => d.startsWith('duplicate-name: `fex` is already an actor')),
    driver.join('\n'),
  );
  // A name bound by a step cannot be the layer's actor either (`fex writes fex, 4` would read one
  // name two ways); elsewhere `fex` is an ordinary name, and so is `box64` outside mmap32.
  const bound = (strategy: string, name: string) =>
    run(`scenario "s" {\n${strategy}  ${name} = mmap 4KiB rw private anon\n  write ${name}, 4\n}`)
      .diagnostics;
  assert.deepEqual(bound('  strategy reserve-high\n', 'fex'), [
    "duplicate-name: `fex` is already an actor (the layer's, under `strategy reserve-high`); names are defined once per scenario",
    'unknown-name: unknown name `fex`',
  ]);
  assert.ok(
    bound('  strategy mmap32\n', 'box64').some((d) =>
      d.startsWith("duplicate-name: `box64` is already an actor (the layer's, under `strategy mmap32`)"),
    ),
  );
  assert.deepEqual(bound('', 'fex'), []);
  assert.deepEqual(bound('  strategy reserve-high\n', 'box64'), []);
});

test('completion offers `fex` as an actor under reserve-high only; hover explains it', () => {
  const labels = (settings: string) => {
    const c = at(`scenario "s" {\n${settings}  a = mmap 1MiB rw private anon\n  ⟨|⟩\n}`);
    return completionsAt(c.analysis, c.offset).map((i) => i.label);
  };
  assert.ok(labels('  strategy reserve-high\n').includes('fex'));
  assert.ok(!labels('').includes('fex'));
  expectHover(
    'scenario "s" {\n  strategy reserve-high\n  a = mmap 1MiB rw private anon\n  fe⟨|⟩x writes a, 1\n}',
    '**fex** (actor)',
    'reserves everything above 4 GiB',
  );
});
