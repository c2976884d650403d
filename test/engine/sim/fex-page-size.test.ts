// `strategy reserve-high` is FEX, which runs on 4 KiB-page kernels only (FEXCore's FEX_PAGE_SIZE):
// on 16 or 64 KiB pages the scenario still runs, with a note at the strategy (sim/fex-page-size.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const scenario = (settings: string) => `scenario "FEX i386 guest" {
${settings}
  strategy reserve-high
  mem = vkAllocateMemory 4KiB host-visible
  p = vkMapMemory mem
}
`;

test('reserve-high on 16 or 64 KiB pages gets a kernel-unmodelled note naming FEX_PAGE_SIZE and the 4 KiB VM', () => {
  for (const pageSize of ['16KiB', '64KiB']) {
    const text = scenario(`  page-size ${pageSize}`);
    const diagnostics = analyseDocument(text).diagnostics;
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['kernel-unmodelled'],
      pageSize,
    );
    const note = diagnostics[0]!;
    assert.equal(note.severity, 'info');
    assert.equal(text.slice(note.range.start, note.range.end), 'reserve-high');
    assert.match(note.message, /FEX_PAGE_SIZE/);
    assert.match(note.message, /muvm, a microVM with 4 KiB pages/);
    assert.match(note.message, /not a FEX result/);
  }
});

test('reserve-high on 4 KiB pages, or another strategy on 16 KiB pages, gets no such note', () => {
  for (const settings of ['', '  page-size 4KiB', '  arch arm64'])
    assert.deepEqual(analyseDocument(scenario(settings)).diagnostics, [], settings);
  const alias = scenario('  page-size 16KiB').replace('reserve-high', 'alias');
  assert.ok(!analyseDocument(alias).diagnostics.some((d) => d.code === 'kernel-unmodelled'));
});

test('on platform macos the strategy keeps its one note, that FEX is Linux-only', () => {
  const notes = analyseDocument(scenario('  platform macos\n  page-size 16KiB')).diagnostics.filter(
    (d) => d.code === 'kernel-unmodelled',
  );
  assert.equal(notes.length, 1);
  assert.match(notes[0]!.message, /not a macOS result/);
});
