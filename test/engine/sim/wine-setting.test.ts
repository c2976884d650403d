// The `wine VERSION` setting as the language reads it, like `kernel` (docs/language.md, Settings):
// one version, major.minor, glued text not read; a bad, extra or ranged value is reported; `wine
// writes …` stays the built-in actor's access; completion, hover and semantic tokens know it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { completionsAt } from '../../../server/src/engine/features/completion';
import { semanticTokens } from '../../../server/src/engine/features/semantic-tokens';
import { at, hoverOf } from '../features/fixture';

const scenario = (line: string) => `scenario "w" {\n  ${line}\n  a = mmap 4KiB rw private anon\n}\n`;
const diagnostics = (line: string) =>
  analyseDocument(scenario(line)).diagnostics.map((d) => `${d.code}: ${d.message}`);
const wineOf = (line: string) => {
  const { wine, wineSource } = analyseDocument(scenario(line)).scenarios[0]!.run.simulation.platform;
  return `${wine.major}.${wine.minor}${wineSource === 'line' ? '' : ' (default)'}`;
};

test('wine VERSION: major.minor is read, glued text (a maintenance release, -rc) is not', () => {
  for (const [line, read] of [
    ['wine 10.15', '10.15'],
    ['wine 9.4', '9.4'],
    ['wine 9.0.1', '9.0'],
    ['wine 10.0-rc3', '10.0'],
  ] as const) {
    assert.deepEqual(diagnostics(line), [], line);
    assert.equal(wineOf(line), read, line);
  }
  assert.equal(wineOf('# no wine line'), '10.15 (default)');
});

test('a bad, extra or ranged Wine version is a diagnostic, as for `kernel`', () => {
  assert.deepEqual(diagnostics('wine'), [
    'syntax-error: expected a Wine version such as `wine 10.15` (as `wine --version` prints it, without `wine-`)',
  ]);
  assert.deepEqual(diagnostics('wine staging'), [
    'syntax-error: expected a Wine version such as `wine 10.15` (as `wine --version` prints it, without `wine-`)',
  ]);
  assert.deepEqual(diagnostics('wine v10.15'), [
    'syntax-error: write the version without the `v`: `wine 10.15`',
  ]);
  assert.deepEqual(diagnostics('wine 10.14-10.15'), [
    'syntax-error: `wine` takes one version, not a range: a scenario runs under one Wine (`wine 10.14`)',
  ]);
  assert.deepEqual(diagnostics('wine 10.15 11'), ['syntax-error: `wine` takes one value; this one is extra']);
  assert.deepEqual(diagnostics('wine 8.0'), [
    "number-out-of-range: drvmap models Wine 9.0 and later (its Wine facts start with Wine 9.0's winevulkan, vulkan-wine §3.1), not 8.0; the scenario runs as Wine 9.0",
  ]);
  assert.equal(wineOf('wine 8.0'), '9.0');
  // A second `wine` line is a duplicate; the later wins.
  const twice = analyseDocument(`scenario "w" {\n  wine 9.4\n  wine 10.14\n}\n`);
  assert.deepEqual(
    twice.diagnostics.map((d) => d.code),
    ['duplicate-setting'],
  );
  const { wine } = twice.scenarios[0]!.run.simulation.platform;
  assert.deepEqual(wine, { major: 10, minor: 14 });
});

test('`wine writes …` and `wine reads …` are still the wine actor’s accesses', () => {
  const text = `scenario "w" {\n  wine 10.14\n  a = mmap 4KiB rw private anon\n  wine writes a, 4, 0x5c\n  expect read a, 1 == 0x5c\n  wine reads a, 4\n}\n`;
  const analysis = analyseDocument(text);
  assert.deepEqual(analysis.diagnostics, []);
  const run = analysis.scenarios[0]!.run;
  assert.deepEqual(run.simulation.platform.wine, { major: 10, minor: 14 });
  assert.ok(run.simulation.records[1]!.calls.some((c) => c.actor === 'wine'));
});

test('completion after `wine `: the versions where the model changes, and the actor’s access verbs', () => {
  const labels = (t: string) => {
    const c = at(t);
    return completionsAt(c.analysis, c.offset).map((i) => i.label);
  };
  const after = labels('scenario "c" {\n  wine ⟨|⟩\n}\n');
  for (const v of ['9.0', '9.4', '10.14', '10.15', 'writes', 'reads'])
    assert.ok(after.includes(v), `${v} in ${after.join(', ')}`);
  assert.deepEqual(labels('scenario "c" {\n  wine 10⟨|⟩\n}\n'), ['9.0', '9.4', '10.14', '10.15']);
  // Offered at the start of a line, and not once it is given.
  assert.ok(labels('scenario "c" {\n  ⟨|⟩\n}\n').includes('wine'));
  const given = completionsAt(
    at('scenario "c" {\n  wine 9.4\n  ⟨|⟩\n}\n').analysis,
    at('scenario "c" {\n  wine 9.4\n  ⟨|⟩\n}\n').offset,
  );
  assert.ok(!given.some((i) => i.kind === 'setting' && i.label === 'wine'));
});

test('hover: the setting and its version say what that Wine does', () => {
  const text = (v: string, cursor: string) => `scenario "h" {\n  ${cursor}wine ${v}\n}\n`;
  const setting = hoverOf(text('9.3', '⟨|⟩'))!;
  assert.match(setting, /^\*\*wine\*\* \(setting\)/);
  assert.match(setting, /Simulating Wine 9\.3: has no placed maps \(they came in 9\.4\)/);
  assert.match(
    setting,
    /vkFreeMemory gives a host import's window space back \(dlls\/winevulkan, before 10\.15\)/,
  );
  assert.match(
    setting,
    /the GL copy keeps its 32-bit pointer in the buffer's first 4 mapped bytes \(before 10\.15\)/,
  );
  const version = hoverOf(`scenario "h" {\n  wine 10.1⟨|⟩5\n}\n`)!;
  assert.match(
    version,
    /^\*\*Wine 10\.15\*\* — the Wine release whose WOW64 Vulkan and OpenGL mapping applies/,
  );
  assert.match(version, /no Vulkan-backed GL buffers \(they came in 10\.18\)/);
  assert.match(
    version,
    /places maps \(VK_EXT_map_memory_placed, from 9\.4\); vkFreeMemory never gives a host import's window space back \(dlls\/win32u from 10\.15: vm_map stays NULL\)/,
  );
});

test('semantic tokens: `wine` is a setting keyword before a version, an actor before writes', () => {
  const text = `scenario "t" {\n  wine 10.15\n  a = mmap 4KiB rw private anon\n  wine writes a, 4\n}\n`;
  const analysis = analyseDocument(text);
  const kinds = semanticTokens(analysis)
    .filter((t) => {
      const start = analysis.lines.offset({ line: t.line, character: t.character });
      return text.slice(start, start + t.length) === 'wine';
    })
    .map((t) => t.type);
  assert.deepEqual(kinds, ['keyword', 'type']);
});
