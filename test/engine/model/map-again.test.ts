// A second vkMapMemory of memory 32-bit code still has mapped breaks VUID-vkMapMemory-memory-00678
// (reported everywhere). What the application gets is the answer of the layer that sees the call
// first: Wine's map entry point returns `vm_map + offset` with VK_SUCCESS whenever vm_map is set,
// before any driver call (wine_vkMapMemory2KHR in dlls/winevulkan/vulkan.c, win32u_vkMapMemory2KHR
// in dlls/win32u/vulkan.c from Wine 10.15); where the call reaches the driver, the driver refuses
// it with VK_ERROR_MEMORY_MAP_FAILED ("Memory object already mapped.", nvk/anv_MapMemory2KHR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { expectHover } from '../features/fixture';

const twice = (settings: string, driver = '', extra = '') =>
  `scenario "map twice" {\n${settings}${driver}  a = vkAllocateMemory 64KiB host-visible\n  pa = vkMapMemory a\n  pb = vkMapMemory a offset 0x100\n${extra}}\n`;

const NO_PLACED = '  driver gpu {\n    placed-map none\n  }\n';
const NEITHER = '  driver gpu {\n    placed-map none\n    external-memory-host no\n  }\n';

/** The outcomes of steps 2 (pa) and 3 (pb), the VUIDs reported, and who made step 3's calls. */
function run(text: string) {
  const analysis = analyseDocument(text);
  const records = analysis.scenarios[0]!.run.simulation.records;
  return {
    first: records[1]!.outcome,
    second: records[2]!.outcome,
    callers: records[2]!.calls.map((c) => c.actor),
    codes: analysis.diagnostics.map((d) => `${d.code} ${d.message.split(':')[0]}`),
  };
}

const VUID_00678 = 'vulkan-valid-usage VUID-vkMapMemory-memory-00678';

test('placed path: the second map returns vm_map + offset with VK_SUCCESS, without the driver, and 00678 stays', () => {
  // 9.4 to 10.14: dlls/winevulkan; 10.15 (the default) on: dlls/win32u. Both start with the vm_map check.
  for (const settings of [
    '  strategy placed\n',
    '  strategy placed\n  wine 9.4\n',
    '  strategy placed\n  wine 10.14\n',
  ]) {
    const r = run(twice(settings));
    assert.equal(r.first.kind, 'address', settings);
    if (r.first.kind !== 'address') continue;
    assert.deepEqual(r.second, { kind: 'address', value: r.first.value + 0x100n, step: 2 }, settings);
    assert.deepEqual(r.codes, [VUID_00678], settings);
    assert.deepEqual(r.callers, ['app', 'wine'], settings);
  }
});

test('placed path: `expect pb == …` and the hover show the pointer Wine returns', () => {
  const text = twice('  strategy placed\n', '', '  expect pb == 0x1_0100\n  app writes pb, 4\n');
  assert.deepEqual(
    analyseDocument(text).diagnostics.map((d) => d.code),
    ['vulkan-valid-usage'],
  );
  expectHover(text.replace('pb = vkMapMemory', 'p⟨|⟩b = vkMapMemory'), '0x1_0100');
});

test('one vkUnmapMemory after two maps ends the mapping: Wine frees vm_map, and a third map places again', () => {
  const text = twice('  strategy placed\n', '', '  vkUnmapMemory a\n  pc = vkMapMemory a\n');
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['vulkan-valid-usage'],
  );
  const records = analysis.scenarios[0]!.run.simulation.records;
  assert.equal(records[4]!.outcome.kind, 'address');
  assert.ok(
    records[4]!.calls.some((c) => c.actor !== 'app' && c.actor !== 'wine'),
    'the driver places the map',
  );
});

test('host-import path up to Wine 10.14: the import is vm_map, so Wine answers VK_SUCCESS', () => {
  for (const settings of [
    '  strategy placed\n  wine 9.0\n',
    '  strategy external-memory-host\n  wine 10.14\n',
  ]) {
    const r = run(twice(settings, NO_PLACED));
    assert.equal(r.first.kind, 'address', settings);
    if (r.first.kind !== 'address') continue;
    assert.deepEqual(r.second, { kind: 'address', value: r.first.value + 0x100n, step: 2 }, settings);
    assert.ok(r.codes.includes(VUID_00678), settings);
  }
});

test('host-import path from Wine 10.15: vm_map is NULL, the call reaches the driver, which refuses it', () => {
  const r = run(twice('  strategy external-memory-host\n  wine 10.15\n', NO_PLACED));
  assert.deepEqual(r.second, {
    kind: 'vk',
    result: 'VK_ERROR_MEMORY_MAP_FAILED',
    reason: 'the call breaks VUID-vkMapMemory-memory-00678',
  });
  assert.ok(r.codes.includes(VUID_00678));
});

test('the direct map and the other strategies: the driver answers VK_ERROR_MEMORY_MAP_FAILED', () => {
  const failed = {
    kind: 'vk',
    result: 'VK_ERROR_MEMORY_MAP_FAILED',
    reason: 'the call breaks VUID-vkMapMemory-memory-00678',
  };
  // Wine's direct map (neither extension) under box64, whose MAP_32BIT keeps the first map low.
  for (const [settings, driver] of [
    ['  strategy mmap32\n', NEITHER],
    ['  strategy none\n', ''],
    ['  strategy remap-move\n', ''],
    ['  strategy shadow-copy\n', ''],
  ] as const) {
    const r = run(twice(settings, driver));
    assert.equal(r.first.kind, 'address', settings);
    assert.deepEqual(r.second, failed, settings);
    assert.ok(r.codes.includes(VUID_00678), settings);
  }
});
