// The application's own vkMapMemory breaks a core rule (facts vulkan-wine §1.2, the core table):
// reported under vkMapMemory's names, whatever the strategy, and the call is not simulated on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function map(call: string, strategy = 'none', props = 'host-visible'): string[] {
  const text = `scenario "m" {\n  strategy ${strategy}\n  m = vkAllocateMemory 64KiB ${props}\n  p = ${call}\n}\n`;
  return analyseDocument(text).diagnostics.map((d) => `${d.code} ${d.message.split(':')[0]}`);
}

test('offset, size and memory type: 00679, 00680, 00681, 00682 under every strategy', () => {
  for (const strategy of ['none', 'placed', 'remap-dontunmap']) {
    assert.deepEqual(map('vkMapMemory m offset 64KiB', strategy), [
      'vulkan-valid-usage VUID-vkMapMemory-offset-00679',
    ]);
    assert.deepEqual(map('vkMapMemory m size 0', strategy), [
      'vulkan-valid-usage VUID-vkMapMemory-size-00680',
    ]);
    assert.deepEqual(map('vkMapMemory m offset 32KiB size 64KiB', strategy), [
      'vulkan-valid-usage VUID-vkMapMemory-size-00681',
    ]);
    // The application's call is at fault, not the VkMemoryMapInfo Wine would build from it.
    assert.deepEqual(map('vkMapMemory m', strategy, 'device-local'), [
      'vulkan-valid-usage VUID-vkMapMemory-memory-00682',
    ]);
  }
});

test('valid maps raise nothing, and a broken one answers VK_ERROR_MEMORY_MAP_FAILED without mapping', () => {
  assert.deepEqual(map('vkMapMemory m offset 32KiB size 32KiB', 'placed'), []);
  assert.deepEqual(map('vkMapMemory m whole', 'placed'), []);
  const text =
    'scenario "m" {\n  strategy placed\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory m offset 64KiB\n}\n';
  const record = analyseDocument(text).scenarios[0]!.run.simulation.records[1]!;
  assert.deepEqual(record.outcome, {
    kind: 'vk',
    result: 'VK_ERROR_MEMORY_MAP_FAILED',
    reason: 'the call breaks VUID-vkMapMemory-offset-00679',
  });
  assert.deepEqual(
    record.calls.map((c) => c.actor),
    [],
  );
});

test('mapping twice is 00678 with the step of the first map', () => {
  const text =
    'scenario "m" {\n  strategy placed\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory m\n  q = vkMapMemory m\n}\n';
  const [d] = analyseDocument(text).diagnostics;
  assert.match(d!.message, /^VUID-vkMapMemory-memory-00678: m is already host-mapped .*\(since step 2\)$/);
});

test('memory the external-memory-host strategy imported is host memory: placing it is 09575, RESERVE is 09580', () => {
  // Wine 9.0: from 9.4 Wine places maps on this driver and imports nothing (host-import-not-taken).
  const text = (strategy: string) =>
    `scenario "emh" {\n  wine 9.0\n  strategy ${strategy}\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory2 m placed at 0x1_0000\n  vkUnmapMemory2 m reserve\n}\n`;
  const vuids = (t: string) =>
    analyseDocument(t)
      .diagnostics.filter((d) => d.code === 'vulkan-valid-usage')
      .map((d) => d.message.split(':')[0]);
  // The placed map of host memory fails (the driver has no mapping to place), so the unmap
  // finds nothing mapped (07964) as well as breaking 09580.
  assert.deepEqual(vuids(text('external-memory-host')), [
    'VUID-VkMemoryMapInfo-flags-09575',
    'VUID-VkMemoryUnmapInfo-memory-07964',
    'VUID-VkMemoryUnmapInfo-flags-09580',
  ]);
  // Not imported under another strategy: neither rule applies.
  assert.deepEqual(vuids(text('none')), []);
});

test('minPlacedMemoryMapAlignment is the page size for RADV, NVK and Turnip, 4096 for ANV (facts §2)', () => {
  const text = (preset: string) =>
    `scenario "f" {\n  page-size 16KiB\n  driver d {\n    preset ${preset}\n  }\n  res = reserve 128KiB at 0x2000_0000 by wine\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory2 m placed at 0x2000_1000\n}\n`;
  const vuids = (preset: string) =>
    analyseDocument(text(preset))
      .diagnostics.filter((d) => d.code === 'vulkan-valid-usage')
      .map((d) => d.message);
  for (const preset of ['radv', 'nvk', 'turnip'])
    assert.deepEqual(
      vuids(preset).map((m) => m.replace(/:.*\((.*)\)$/, ' $1')),
      ['VUID-VkMemoryMapPlacedInfoEXT-pPlacedAddress-09577 16 KiB'],
      preset,
    );
  assert.deepEqual(vuids('anv'), []);
  // On 4 KiB pages the address is aligned for every one of them.
  for (const preset of ['radv', 'anv'])
    assert.deepEqual(
      analyseDocument(text(preset).replace('  page-size 16KiB\n', '')).diagnostics.map((d) => d.code),
      [],
    );
});

test("09578 checks Wine's whole-object mapping, not the sub-range 32-bit code asked for", () => {
  const text = (m1Map: string) =>
    `scenario "h01" {\n  strategy placed\n  m1 = vkAllocateMemory 128KiB host-visible\n  p1 = ${m1Map}\n  m2 = vkAllocateMemory 64KiB host-visible\n  p2 = vkMapMemory2 m2 placed at 0x1_0000\n}\n`;
  const vuids = (t: string) => analyseDocument(t).diagnostics.map((d) => d.message.split(':')[0]);
  // m1's host mapping is [0x1_0000, 0x3_0000) although p1 is 0x2_0000.
  assert.deepEqual(vuids(text('vkMapMemory m1 offset 64KiB size 64KiB')), [
    'VUID-VkMemoryMapPlacedInfoEXT-pPlacedAddress-09578',
  ]);
  assert.deepEqual(vuids(text('vkMapMemory m1')), ['VUID-VkMemoryMapPlacedInfoEXT-pPlacedAddress-09578']);
});

test("a plain vkMapMemory2 is traced as the application's call, and one that breaks a core rule is not simulated on", () => {
  const text =
    'scenario "m2" {\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory2 m\n  q = vkMapMemory2 m\n}\n';
  const analysis = analyseDocument(text);
  const [first, second] = analysis.scenarios[0]!.run.simulation.records.slice(1);
  assert.match(first!.calls[0]!.text, /^vkMapMemory2KHR\(m, offset=0x0, size=VK_WHOLE_SIZE\)$/);
  assert.equal(first!.calls[0]!.actor, 'app');
  assert.deepEqual(second!.outcome, {
    kind: 'vk',
    result: 'VK_ERROR_MEMORY_MAP_FAILED',
    reason: 'the call breaks VUID-VkMemoryMapInfo-memory-07958',
  });
  // No second mapping of the BO.
  assert.equal(second!.calls.length, 1);
});

test('a placed vkMapMemory2 that breaks a core rule is not simulated: no H4 blamed on the driver', () => {
  const text = `scenario "placed twice" {
  res = reserve 1MiB at 0x2000_0000 by wine
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory2 m placed at 0x2000_0000
  q = vkMapMemory2 m placed at 0x2001_0000
}
`;
  const a = analyseDocument(text);
  assert.deepEqual(
    a.diagnostics.map((d) => `${d.code} ${d.message}`),
    [
      'vulkan-valid-usage VUID-VkMemoryMapInfo-memory-07958: m is already host-mapped (memory must not be currently mapped) (since step 3)',
    ],
  );
  const record = a.scenarios[0]!.run.simulation.records[3]!;
  assert.equal(record.resultText, '→ VK_ERROR_MEMORY_MAP_FAILED');
  assert.deepEqual(
    record.calls.map((c) => `${c.actor}: ${c.result} ${c.ok}`),
    ['app: = VK_ERROR_MEMORY_MAP_FAILED false'],
    'the driver makes no call',
  );
});

test('calls that break a rule the layer cannot get past get no made-up VkResult', () => {
  const text = `scenario "invalid calls" {
  m = vkAllocateMemory 64KiB host-visible
  vkUnmapMemory m
  vkFreeMemory m
  vkFreeMemory m
  p = vkMapMemory m
  z = vkAllocateMemory 0 host-visible
}
`;
  const run = analyseDocument(text).scenarios[0]!.run;
  const results = run.simulation.records.map((r) => r.resultText);
  assert.deepEqual(results, ['→ VK_SUCCESS', '', '→ ok', '', '', '']);
  assert.ok(!results.some((r) => r.includes('VALIDATION')));
});

test('unmapping what was never mapped says when its map failed, if it did (00689)', () => {
  const text = (map: string) =>
    `scenario "u" {\n  driver tu {\n    preset turnip\n  }\n  strategy placed\n  mem = vkAllocateMemory 64KiB host-visible cached\n${map}  vkUnmapMemory mem\n}\n`;
  const messages = (t: string) =>
    analyseDocument(t)
      .diagnostics.filter((d) => d.code === 'vulkan-valid-usage')
      .map((d) => d.message);
  assert.deepEqual(messages(text('  p = vkMapMemory mem\n')), [
    'VUID-vkUnmapMemory-memory-00689: mem is not mapped (its map at step 2 failed)',
  ]);
  assert.deepEqual(messages(text('')), ['VUID-vkUnmapMemory-memory-00689: mem is not mapped']);
});

test('a double unmap after a failed redundant map blames the unmap, not the map', () => {
  const text = `scenario "twice" {
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m
  q = vkMapMemory m
  vkUnmapMemory m
  vkUnmapMemory m
}
`;
  const last = analyseDocument(text).diagnostics.at(-1)!;
  assert.equal(last.message, 'VUID-vkUnmapMemory-memory-00689: m is not mapped');
});

test('memory the application imported from its host memory: the driver maps nothing, the map returns that memory', () => {
  const text = `scenario "app import" {
  m = vkAllocateMemory 64KiB host-visible imported-host
  p = vkMapMemory2 m
  w = app writes p, 4
  expect driver reads m, 4 == w
  vkUnmapMemory2 m
  vkFreeMemory m
}
`;
  const a = analyseDocument(text);
  assert.deepEqual(a.diagnostics, []);
  const calls = a.scenarios[0]!.run.simulation.records.flatMap((r) =>
    r.calls.map((c) => `${c.actor}: ${c.text}`),
  );
  assert.ok(
    !calls.some((c) => c.startsWith('driver: mmap') || c.startsWith('driver: munmap')),
    calls.join('\n'),
  );
  assert.ok(calls.includes('driver: import host pointer 0x1_0000 (no mapping of its own)'), calls.join('\n'));
});

test('a host pointer import whose allocationSize is not a multiple of minImportedHostPointerAlignment breaks 01745', () => {
  const text = (size: string) =>
    `scenario "host" {\n  m = vkAllocateMemory ${size} host-visible imported-host\n  p = vkMapMemory m\n}\n`;
  const [first, ...rest] = analyseDocument(text('6000')).diagnostics;
  assert.equal(first?.code, 'vulkan-valid-usage');
  assert.match(first!.message, /^VUID-VkMemoryAllocateInfo-allocationSize-01745: .*5\.9 KiB is not/);
  // The allocation is not simulated: the map uses a failed result.
  assert.deepEqual(
    rest.map((d) => d.code),
    ['use-of-failed-result'],
  );
  assert.deepEqual(analyseDocument(text('8KiB')).diagnostics, []);
});

test('a host pointer import on a driver without VK_EXT_external_memory_host breaks pNext-pNext and is not simulated', () => {
  const text = (traits: string) =>
    `scenario "host" {\n  driver d {\n    ${traits}\n  }\n  m = vkAllocateMemory 64KiB host-visible coherent imported-host\n  p = vkMapMemory2 m\n}\n`;
  for (const traits of ['preset nvk', 'preset proprietary', 'preset turnip', 'external-memory-host no']) {
    const a = analyseDocument(text(traits));
    const [first, ...rest] = a.diagnostics;
    assert.equal(first?.code, 'vulkan-valid-usage', traits);
    assert.match(
      first!.message,
      /^VUID-VkMemoryAllocateInfo-pNext-pNext: driver d does not expose VK_EXT_external_memory_host/,
    );
    assert.match(first!.message, /VUID-VkImportMemoryHostPointerInfoEXT-handleType-01747/);
    // No driver call: no import, and the map uses a failed result.
    const calls = a.scenarios[0]!.run.simulation.records.flatMap((r) => r.calls.map((c) => c.text));
    assert.ok(!calls.some((c) => c.includes('import host pointer')), calls.join('\n'));
    assert.deepEqual(
      rest.map((d) => d.code),
      ['use-of-failed-result'],
      traits,
    );
  }
  // A driver with the extension takes the same import.
  assert.deepEqual(analyseDocument(text('preset radv')).diagnostics, []);
  assert.deepEqual(analyseDocument(text('preset anv')).diagnostics, []);
});

test("01745's alignment names the driver in use, not RADV and ANV as if they were it", () => {
  const text = `scenario "host" {\n  driver lvp {\n    preset lavapipe\n  }\n  m = vkAllocateMemory 6KiB host-visible imported-host\n}\n`;
  const [first] = analyseDocument(text).diagnostics;
  assert.equal(first?.code, 'vulkan-valid-usage');
  assert.match(first!.message, /^VUID-VkMemoryAllocateInfo-allocationSize-01745: .*\(4 KiB for driver lvp: /);
  assert.doesNotMatch(first!.message, /4 KiB on RADV and ANV/);
});

test('allocationSize 0: 07899 for an export, 07897 for plain memory, no VUID for an import (none forbids it)', () => {
  const zero = (props: string) =>
    analyseDocument(
      `scenario "z" {\n  driver radv {\n    preset radv\n  }\n  m = vkAllocateMemory 0 ${props}\n}\n`,
    ).diagnostics;
  const [exported] = zero('host-visible exportable');
  assert.equal(exported?.code, 'vulkan-valid-usage');
  assert.match(exported!.message, /^VUID-VkMemoryAllocateInfo-allocationSize-07899: /);
  const [plain] = zero('host-visible');
  assert.match(plain!.message, /^VUID-VkMemoryAllocateInfo-allocationSize-07897: /);
  // 07897 exempts imports and 0 is a multiple of minImportedHostPointerAlignment (01745): no VUID
  // is cited, the import is still not simulated, and the message says why.
  const [host, ...rest] = zero('host-visible imported-host');
  assert.equal(host?.code, 'number-out-of-range');
  assert.doesNotMatch(host!.message, /VUID-/);
  assert.match(host!.message, /no valid-usage rule forbids it/);
  assert.deepEqual(rest, []);
  // A zero-size dma-buf import: no VUID either, and no crash.
  const fdImport = analyseDocument(
    `scenario "z" {\n  driver radv {\n    preset radv\n  }\n  m = vkAllocateMemory 64KiB host-visible exportable\n  h = vkGetMemoryFdKHR m dma-buf\n  g = vkAllocateMemory 0 host-visible import h\n}\n`,
  ).diagnostics;
  assert.deepEqual(
    fdImport.map((d) => d.code),
    ['number-out-of-range'],
  );
  assert.match(fdImport[0]!.message, /^allocationSize 0 for an fd import: /);
});

test('PLACED without a non-NULL pPlacedAddress is 09570: `placed` alone and `placed at 0` alike; an address clears it', () => {
  const vuids = (call: string) =>
    analyseDocument(`scenario "p" {\n  m = vkAllocateMemory 1MiB host-visible\n  p = ${call}\n}\n`)
      .diagnostics.filter((d) => d.code === 'vulkan-valid-usage')
      .map((d) => d.message.split(':')[0]);
  assert.deepEqual(vuids('vkMapMemory2 m placed at 0'), ['VUID-VkMemoryMapInfo-flags-09570']);
  assert.deepEqual(vuids('vkMapMemory2 m placed'), ['VUID-VkMemoryMapInfo-flags-09570']);
  assert.deepEqual(vuids('vkMapMemory2 m placed at 0x2000_0000'), []);
});

test('with memoryMapRangePlaced, offset (09573) and size (09574) must be multiples of minPlacedMemoryMapAlignment', () => {
  const diagnostics = (range: string) =>
    analyseDocument(
      `scenario "r" {\n  driver d {\n    placed-map 64KiB range-placed\n  }\n  res = reserve 1MiB at 0x2000_0000 by wine\n  m = vkAllocateMemory 1MiB host-visible\n  p = vkMapMemory2 m placed at 0x2000_0000 ${range}\n}\n`,
    ).diagnostics.map((d) => `${d.code} ${d.message.split(':')[0]}`);
  assert.deepEqual(diagnostics('offset 0x1000 size 64KiB'), [
    'vulkan-valid-usage VUID-VkMemoryMapInfo-flags-09573',
  ]);
  assert.deepEqual(diagnostics('offset 64KiB size 64KiB'), []);
  assert.deepEqual(diagnostics('offset 0 size 4KiB'), [
    'vulkan-valid-usage VUID-VkMemoryMapInfo-flags-09574',
  ]);
  assert.deepEqual(diagnostics('offset 0 size 64KiB'), []);
});
