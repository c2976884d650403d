// Outline, workspace symbols, folding, selection ranges, inlay hints.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { foldingRegions, REGION_END, REGION_START } from '../../../server/src/engine/features/folding';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlayHints } from '../../../server/src/engine/features/inlay-hints';
import { selectionRanges } from '../../../server/src/engine/features/selection-ranges';
import { documentSymbols, workspaceSymbols } from '../../../server/src/engine/features/symbols';
import { at, offsetOf } from './fixture';
import { REMAP_VULKAN, SAMPLES } from './samples';

describe('document symbols', () => {
  test('scenario → settings, drivers with traits, named steps, steps, expectations', () => {
    const a = analyseDocument(REMAP_VULKAN);
    const [s] = documentSymbols(a);
    assert.ok(s);
    assert.equal(s.name, 'remap a Vulkan mapping below 4 GiB');
    assert.equal(s.detail, '4 steps');
    assert.deepEqual(
      s.children.map((c) => `${c.kind}:${c.name}`),
      [
        'setting:kernel',
        'driver:mesa',
        'setting:strategy',
        'name:mem',
        'name:p',
        'step:app writes p + 0x100, 64',
        'name:w',
        'expect:expect app reads p + 0x100, 64 == w',
      ],
    );
    assert.deepEqual(
      s.children[1]!.children.map((c) => c.name),
      ['maps', 'backing', 'caches-pointer'],
    );
    assert.equal(
      REMAP_VULKAN.slice(s.children[3]!.selectionRange.start, s.children[3]!.selectionRange.end),
      'mem',
    );
  });

  test('workspace symbols match fuzzily and carry their scenario', () => {
    const a = analyseDocument(SAMPLES.ALL!);
    const found = workspaceSymbols(a, 'mm');
    assert.ok(
      found.some((s) => s.name === 'mem' && s.containerName === 'remap a Vulkan mapping below 4 GiB'),
    );
    assert.ok(workspaceSymbols(a, 'DONTUNMAP').some((s) => s.kind === 'scenario'));
  });
});

describe('folding', () => {
  test('scenario bodies, driver blocks and comment runs', () => {
    const text = `# one\n# two\nscenario "s" {\n  driver mesa {\n    maps at-map\n  }\n  a = mmap 4KiB rw private anon\n}\n`;
    const regions = foldingRegions(analyseDocument(text));
    assert.deepEqual(regions, [
      { startLine: 0, endLine: 1, kind: 'comment' },
      { startLine: 2, endLine: 6, kind: 'region' },
      { startLine: 3, endLine: 4, kind: 'region' },
    ]);
  });
});

describe('region markers', () => {
  test("`# region` / `# endregion` pairs fold, nested; unpaired markers fold nothing; the patterns are the manifest's", () => {
    const text =
      'scenario "f" {\n  # region setup\n  kernel 6.6\n  // region inner\n  a = mmap 4KiB rw private anon\n  // endregion\n  # endregion\n  write a, 1\n  # endregion without a start\n}\n# region never ended\n';
    const regions = foldingRegions(analyseDocument(text)).filter(
      (r) => r.startLine > 0 && r.kind === 'region',
    );
    assert.deepEqual(regions, [
      { startLine: 1, endLine: 6, kind: 'region' },
      { startLine: 3, endLine: 5, kind: 'region' },
    ]);
    const markers = JSON.parse(
      readFileSync(join(__dirname, '../../../../language-configuration.json'), 'utf8'),
    ).folding.markers as { start: string; end: string };
    assert.equal(REGION_START.source, new RegExp(markers.start).source);
    assert.equal(REGION_END.source, new RegExp(markers.end).source);
  });
});

describe('selection ranges', () => {
  test('a literal inside an address expression grows to the expression, the step, the body, the scenario', () => {
    const c = at('scenario "s" {\n  a = mmap 4KiB rw private anon\n  write a + 0x1⟨|⟩00, 4\n}\n');
    const ranges = selectionRanges(c.analysis, c.offset).map((r) => c.text.slice(r.start, r.end));
    assert.deepEqual(ranges.slice(0, 3), ['0x100', 'a + 0x100', 'write a + 0x100, 4']);
    assert.ok(ranges[ranges.length - 1] === c.text);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i]!.includes(ranges[i - 1]!));
  });
});

describe('inlay hints', () => {
  test('each step with a result gets it after the step', () => {
    const text = SAMPLES.DONTUNMAP!;
    const hints = inlayHints(analyseDocument(text));
    assert.equal(hints.length, 3);
    assert.equal(hints[0]!.offset, offsetOf(text, 'anon') + 4);
    assert.match(hints[0]!.label, /^→ 0x7fff_/);
    assert.match(hints[2]!.tooltip, /mremap\(/);
  });

  test('only in the requested range, the hint (at the step end) included', () => {
    const text = SAMPLES.DONTUNMAP!;
    const analysis = analyseDocument(text);
    const start = offsetOf(text, 'write a');
    const end = text.indexOf('\n', start);
    // The step's line: its hint, at the line's end.
    assert.deepEqual(
      inlayHints(analysis, { start, end }).map((h) => h.offset),
      [end],
    );
    // Part of the line only: the hint would lie past the range's end.
    assert.deepEqual(inlayHints(analysis, { start, end: start + 5 }), []);
    for (const range of [
      { start: 0, end: 40 },
      { start: 30, end: 120 },
      { start: 100, end: text.length },
    ])
      for (const h of inlayHints(analysis, range))
        assert.ok(h.offset >= range.start && h.offset <= range.end);
  });
});
