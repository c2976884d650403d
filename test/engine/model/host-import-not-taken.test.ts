// `strategy external-memory-host` where Wine would not import (rules/host-import-not-taken.ts):
// from Wine 9.4 init_physical_device sets external_memory_align only without map_placed_align
// (vulkan-wine §3.2), so on a driver with placed maps and memoryUnmapReserve Wine places maps and
// imports nothing. drvmap warns and simulates the placed map; a driver without placed maps, or a
// Wine before 9.4, still gets the import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { callsOf } from './helpers';

const shown = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`);

/** The reviewer's repro: a 128 MiB host-visible allocation, freed, and another, in a 256 MiB window. */
const REPRO = (wine: string, driver = '') => `scenario "Wine on a driver" {
${driver}  ${wine}
  window 0x1_0000 .. 0x1000_0000
  strategy external-memory-host
  a = vkAllocateMemory 128MiB host-visible
  vkFreeMemory a
  b = vkAllocateMemory 128MiB host-visible
}
`;

const driverWith = (line: string) => `  driver gpu {
    ${line}
  }
`;

test('Wine 10.15 on a driver with placed maps: no import, host-import-not-taken at each allocation, no leak', () => {
  const text = REPRO('wine 10.15');
  const diagnostics = analyseDocument(text).diagnostics;
  // Before the fix: error window-exhausted ("a's host import … is still there after vkFreeMemory").
  assert.deepEqual(
    diagnostics.map((d) => `${d.severity} ${d.code}`),
    ['warning host-import-not-taken', 'warning host-import-not-taken'],
  );
  assert.match(
    diagnostics[0]!.message,
    /^Wine 10\.15 imports no host memory for a \(128 MiB\): driver has VK_EXT_map_memory_placed with memoryUnmapReserve, so init_physical_device \(dlls\/win32u\/vulkan\.c\) sets map_placed_align/,
  );
  assert.match(diagnostics[0]!.message, /`wine 9\.3`.*`placed-map none`/);
  // The allocation is the driver's own: Wine asks for no host pointer properties, imports nothing.
  assert.deepEqual(
    callsOf(text, 0).map((c) => c.replace(/\(.*$/, '')),
    ['app: vkAllocateMemory'],
  );
});

test("host-import-not-taken: the map is Wine's placed map, as under `strategy placed`", () => {
  const text = (strategy: string) => `scenario "map" {
  strategy ${strategy}
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
  app writes p, 64
}
`;
  assert.deepEqual(shown(text('external-memory-host')), ['warning host-import-not-taken']);
  assert.deepEqual(callsOf(text('external-memory-host'), 1), callsOf(text('placed'), 1));
  assert.ok(
    callsOf(text('external-memory-host'), 1).some((c) =>
      c.startsWith('wine: vkMapMemory2KHR(mem, PLACED, pPlacedAddress=0x1_0000'),
    ),
    callsOf(text('external-memory-host'), 1).join('\n'),
  );
  // The default Wine says where it came from; 9.4 names winevulkan's file.
  assert.match(
    analyseDocument(text('external-memory-host')).diagnostics[0]!.message,
    /^Wine 10\.15 \(the default: the scenario has no `wine` line\) imports no host memory/,
  );
  assert.match(
    analyseDocument(text('external-memory-host').replace('  strategy', '  wine 9.4\n  strategy'))
      .diagnostics[0]!.message,
    /^Wine 9\.4 imports no host memory for mem \(64 KiB\): .*\(dlls\/winevulkan\/vulkan\.c\)/,
  );
});

test('where Wine does import (no placed maps, no unmap-reserve, lavapipe, Wine 9.3), no host-import-not-taken', () => {
  // Wine 10.15 leaks every import's range (win32u), so b finds the window full, as before.
  for (const driver of ['placed-map none', 'placed-map 4KiB no-unmap-reserve', 'preset lavapipe']) {
    const text = REPRO('wine 10.15', driverWith(driver));
    assert.deepEqual(shown(text), ['error window-exhausted'], driver);
    assert.ok(
      callsOf(text, 0).some((c) => c.startsWith('wine: vkGetMemoryHostPointerPropertiesEXT')),
      `${driver}: ${callsOf(text, 0).join('\n')}`,
    );
  }
  // Wine 9.3 has no placed path: it imports on any driver, and winevulkan frees the import.
  const old = REPRO('wine 9.3');
  assert.deepEqual(shown(old), []);
  assert.ok(callsOf(old, 0).some((c) => c.startsWith('wine: vkGetMemoryHostPointerPropertiesEXT')));
});

test('host-import-not-taken only where Wine would have imported: not for memory that is not host-visible', () => {
  assert.deepEqual(
    shown(`scenario "device-local only" {
  strategy external-memory-host
  mem = vkAllocateMemory 64KiB device-local
}
`),
    [],
  );
});

test('host-import-not-taken on a driver without VK_EXT_external_memory_host: says no Wine imports there', () => {
  const text = (driver: string) => `scenario "no extension" {
  wine 9.4
  strategy external-memory-host
${driverWith(driver)}  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
}
`;
  for (const driver of ['preset nvk', 'external-memory-host no']) {
    const diagnostics = analyseDocument(text(driver)).diagnostics;
    assert.deepEqual(
      diagnostics.map((d) => `${d.severity} ${d.code}`),
      ['warning host-import-not-taken'],
      driver,
    );
    const message = diagnostics[0]!.message;
    assert.match(
      message,
      /^Wine 9\.4 imports no host memory for mem \(64 KiB\): gpu does not expose VK_EXT_external_memory_host, so init_physical_device \(dlls\/winevulkan\/vulkan\.c\) never sets external_memory_align for it, in any Wine version/,
      driver,
    );
    // Before the fix: the placed_align reason, and `wine 9.3` / `placed-map none` as the way to the import.
    assert.doesNotMatch(message, /!map_placed_align|Wine imports host memory before Wine 9\.4/, driver);
    assert.match(
      message,
      /`wine 9\.3`, `placed-map none`\) Wine would map directly on gpu \(host-import-unsupported\)/,
    );
    // What the message says of `wine 9.3` is what drvmap answers there.
    assert.deepEqual(
      shown(text(driver).replace('wine 9.4', 'wine 9.3')),
      ['warning host-import-unsupported'],
      driver,
    );
  }
});
