// KUSER_SHARED_DATA at 0x7ffe_0000 is Wine's from process start (dlls/ntdll/unix/virtual.c
// user_shared_data, facts linux-mm §7.2): no window allocation of Wine's covers it, so the
// largest block is 0x1_0000..0x7ffe_0000 or 0x7fff_0000..0x1_0000_0000, and the window's budget,
// its gaps and the panel count it out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { panelState } from '../../../server/src/engine/features/panel-state';

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => d.code);
const outcome = (text: string, step: number) =>
  analyseDocument(text).scenarios[0]!.run.simulation.records[step]!.resultText;

test('a 3 GiB placed map in a large-address-aware window: no block holds it (window-exhausted)', () => {
  const text = `scenario "LAA: one 3 GiB placed map" {
  large-address-aware
  strategy placed
  mem = vkAllocateMemory 3GiB host-visible
  p = vkMapMemory mem
}
`;
  const analysis = analyseDocument(text);
  const exhausted = analysis.diagnostics.filter((d) => d.code === 'window-exhausted');
  assert.equal(exhausted.length, 1);
  assert.match(
    exhausted[0]!.message,
    /the largest free block is ≈2\.0 GiB \(2097216 KiB\); Wine's KUSER_SHARED_DATA at 0x7ffe_0000 holds 0x7ffe_0000\.\.0x7fff_0000/,
  );
  assert.match(outcome(text, 1), /VK_ERROR_OUT_OF_HOST_MEMORY/);
});

test('a map of the whole 2 GiB window, to its last byte: no block holds it (window-exhausted)', () => {
  const text = `scenario "2 GiB window filled to the last byte" {
  strategy placed
  mem = vkAllocateMemory 0x7ffe_0000 host-visible
  p = vkMapMemory mem
}
`;
  assert.deepEqual(codes(text), ['window-exhausted']);
  assert.match(outcome(text, 1), /VK_ERROR_OUT_OF_HOST_MEMORY/);
});

test('the largest blocks Wine hands out end at 0x7ffe_0000 or start at 0x7fff_0000', () => {
  const below = `scenario "below" {
  strategy placed
  mem = vkAllocateMemory 0x7ffd_0000 host-visible
  p = vkMapMemory mem
  expect p == 0x1_0000
}
`;
  assert.deepEqual(codes(below), []);
  const above = `scenario "above" {
  large-address-aware
  strategy placed
  low = vkAllocateMemory 0x7ffd_0000 host-visible
  q = vkMapMemory low
  mem = vkAllocateMemory 2GiB host-visible
  p = vkMapMemory mem
  expect p == 0x7fff_0000
}
`;
  assert.deepEqual(codes(above), []);
});

test("the panel's gaps leave KUSER_SHARED_DATA's 64 KiB out", () => {
  const text = `scenario "s" {
  large-address-aware
  strategy placed
  a = mmap 4KiB rw private anon
}
`;
  const state = panelState(analyseDocument(text), { uri: 'u', version: 1, offset: text.indexOf('a =') });
  assert.ok(state);
  assert.deepEqual(
    state.windowGaps.map((g) => [g.start, g.end]),
    [
      ['0x7fff0000', '0x100000000'],
      ['0x10000', '0x7ffe0000'],
    ],
  );
  assert.equal(state.windowUsedBytes, String(0x1_0000));
});

test('a FEX i386 guest (reserve-high) has no Wine, and no KUSER_SHARED_DATA block', () => {
  const text = `scenario "s" {
  strategy reserve-high
  a = mmap 4KiB rw private anon at 0x1000_0000 fixed
}
`;
  const sim = analyseDocument(text).scenarios[0]!.run.simulation;
  assert.equal(sim.userSharedData, undefined);
  assert.equal(sim.windowStats().gaps, 2);
});

test("KUSER_SHARED_DATA's view is Wine's in any window: a MEM_RESERVE over it conflicts outside the window too", () => {
  // virtual_alloc_first_teb commits the view in every Wine process (wine-mirror/wine
  // dlls/ntdll/unix/virtual.c); the window only decides whether the budget counts its block.
  for (const settings of [
    ['window 0x1_0000 .. 0x4000_0000'],
    ['strategy reserve-high', 'large-address-aware'],
  ]) {
    const text = `scenario "s" {\n${settings.map((l) => `  ${l}\n`).join('')}  x = reserve 64KiB at 0x7ffe_0000 by wine\n}\n`;
    const analysis = analyseDocument(text);
    const refused = analysis.diagnostics.filter((d) => d.code === 'kernel-refused');
    assert.equal(
      refused.length,
      1,
      `${settings.join('; ')}: ${analysis.diagnostics.map((d) => d.message).join('\n')}`,
    );
    assert.match(refused[0]!.message, /KUSER_SHARED_DATA.*STATUS_CONFLICTING_ADDRESSES/);
  }
});

test('a FEX i386 guest (reserve-high without large-address-aware) has no Wine: no view to conflict with', () => {
  const text = `scenario "s" {\n  strategy reserve-high\n  x = reserve 64KiB at 0x7ffe_0000 by wine\n}\n`;
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.code === 'kernel-refused').map((d) => d.message),
    [],
  );
});
