// The `wine` setting (sim/wine-version.ts): the Wine release decides whether vkFreeMemory gives a
// host import's window range back (dlls/winevulkan before 10.15: yes; dlls/win32u from 10.15: never,
// vm_map stays NULL), what memory-type-lost says Wine does after "Not found compatible memory
// type", and whether `placed` has a placed path at all (from 9.4). Both sides of each boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { callsOf } from './helpers';

const shown = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`);

/**
 * A driver without placed maps: the only kind Wine 9.4 and later import host memory for
 * (host-import-not-taken.test.ts).
 */
const NO_PLACED = '  driver gpu {\n    placed-map none\n  }\n';

/** Three 128 MiB imports, each freed before the next, in a window that holds one. */
const ALLOCATE_FREE = (
  wine: string,
  strategy = 'external-memory-host',
  driver = NO_PLACED,
) => `scenario "allocate, free, again" {
${driver}  ${wine}
  window 0x1_0000 .. 0x1000_0000
  strategy ${strategy}
  a = vkAllocateMemory 128MiB host-visible
  vkFreeMemory a
  b = vkAllocateMemory 128MiB host-visible
  vkFreeMemory b
  c = vkAllocateMemory 128MiB host-visible
}
`;

test('wine 10.14 (winevulkan): vkFreeMemory releases the import, so allocate/free/allocate fits', () => {
  const text = ALLOCATE_FREE('wine 10.14');
  assert.deepEqual(shown(text), []);
  assert.ok(
    callsOf(text, 1).some((c) => c.startsWith('wine: munmap(0x1_0000, 0x800_0000)')),
    callsOf(text, 1).join('\n'),
  );
  // Every earlier Wine the facts describe does the same (9.0's winevulkan).
  assert.deepEqual(shown(ALLOCATE_FREE('wine 9.0')), []);
});

test('wine 10.15 (win32u): vkFreeMemory never releases the import; the leak runs the window out', () => {
  const text = ALLOCATE_FREE('wine 10.15');
  const diagnostics = analyseDocument(text).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => `${d.severity} ${d.code}`),
    ['error window-exhausted', 'warning use-of-failed-result', 'error window-exhausted'],
  );
  // No munmap at vkFreeMemory: the trace says why, with the version that decides.
  const free = callsOf(text, 1);
  assert.ok(!free.some((c) => c.startsWith('wine: munmap')), free.join('\n'));
  assert.ok(
    free.some((c) =>
      /^wine: vkFreeMemory\(a\): no NtFreeVirtualMemory of 0x1_0000 \(128 MiB\): vm_map is NULL \(Wine 10\.15, dlls\/win32u\)/.test(
        c,
      ),
    ),
    free.join('\n'),
  );
  // window-exhausted names the leaked import, the Wine that decides and the source, and points at
  // the vkFreeMemory that left it.
  const exhausted = diagnostics[0]!;
  assert.match(
    exhausted.message,
    /a's host import at 0x1_0000 \(128 MiB\) is still there after vkFreeMemory: Wine 10\.15 never releases an import's range \(from Wine 10\.15, dlls\/win32u's win32u_vkFreeMemory frees only vm_map, which an import leaves NULL: a Wine bug\); before 10\.15 \(dlls\/winevulkan, `wine 10\.14`\) Wine released it$/,
  );
  assert.deepEqual(
    exhausted.related?.map((r) => [text.slice(r.range.start, r.range.end), r.message]),
    [['vkFreeMemory a', "vkFreeMemory here left a's 128 MiB in the window"]],
  );
  // A later Wine keeps the win32u behaviour, and says it is past the model (wine-unmodelled).
  assert.deepEqual(shown(ALLOCATE_FREE('wine 11.0')), ['info wine-unmodelled', ...shown(text)]);
});

test('without a `wine` line the scenario runs under Wine 10.15, the newest behaviour, and says it is the default', () => {
  const text = ALLOCATE_FREE('');
  assert.deepEqual(shown(text), shown(ALLOCATE_FREE('wine 10.15')));
  assert.match(
    analyseDocument(text).diagnostics[0]!.message,
    /Wine 10\.15 \(the default: the scenario has no `wine` line\) never releases/,
  );
});

test('the placed strategy on a driver without placed maps: the import fallback leaks or not by version', () => {
  const lavapipe = '  driver lvp {\n    preset lavapipe\n  }\n';
  const released = analyseDocument(ALLOCATE_FREE('wine 10.14', 'placed', lavapipe)).diagnostics;
  assert.deepEqual(
    released.map((d) => d.code),
    ['placed-unsupported', 'placed-unsupported', 'placed-unsupported'],
  );
  assert.match(
    released[0]!.message,
    /Wine 10\.14 releases it at vkFreeMemory \(dlls\/winevulkan: wine_vkAllocateMemory keeps the imported pointer as vm_map, which wine_vkFreeMemory frees\); from Wine 10\.15 it never does$/,
  );
  const leaked = analyseDocument(ALLOCATE_FREE('wine 10.15', 'placed', lavapipe)).diagnostics;
  assert.ok(
    leaked.some((d) => d.code === 'window-exhausted'),
    leaked.map((d) => d.code).join(', '),
  );
  assert.match(
    leaked.find((d) => d.code === 'placed-unsupported')!.message,
    /Wine 10\.15 never releases it: from Wine 10\.15 the import is dlls\/win32u's \(allocate_external_host_memory\), win32u_vkAllocateMemory leaves vm_map NULL, so win32u_vkFreeMemory skips NtFreeVirtualMemory/,
  );
});

test('memory-type-lost says what the scenario’s Wine does after "Not found compatible memory type"', () => {
  const lost = (wine: string) =>
    analyseDocument(
      `scenario "m" {\n${NO_PLACED}  ${wine}\n  strategy external-memory-host\n  m = vkAllocateMemory 64KiB host-visible device-local\n}\n`,
    ).diagnostics.find((d) => d.code === 'memory-type-lost')!.message;
  assert.match(
    lost('wine 10.14'),
    /without an import, which drvmap does not model: Wine 10\.14 still returns that released address from vkMapMemory and releases it again at vkFreeMemory \(dlls\/winevulkan, before Wine 10\.15: NtFreeVirtualMemory writes the base back into `mapping`, which becomes vm_map\); from Wine 10\.15 \(dlls\/win32u\) the map goes to the driver instead$/,
  );
  assert.match(
    lost('wine 10.15'),
    /without an import, which drvmap does not model: Wine 10\.15 maps it through the driver, and a pointer above 4 GiB fails with VK_ERROR_OUT_OF_HOST_MEMORY \(dlls\/win32u, from Wine 10\.15: vm_map stays NULL\); before 10\.15 \(dlls\/winevulkan\) vkMapMemory returned the released address instead$/,
  );
});

const RADV_PLACED = (wine: string) => `scenario "radv" {
  driver radv {
    preset radv
  }
  ${wine}
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
}
`;

test('placed before Wine 9.4: no placed path, Wine imports host memory on a driver that could place maps', () => {
  const old = analyseDocument(RADV_PLACED('wine 9.3')).diagnostics;
  assert.deepEqual(
    old.map((d) => `${d.severity} ${d.code}`),
    ['warning placed-unsupported'],
  );
  assert.match(
    old[0]!.message,
    /^Wine 9\.3 has no placed maps: they came in Wine 9\.4 \("winevulkan: Use VK_EXT_map_memory_placed for memory mapping on wow64"\); Wine imports host memory instead/,
  );
  // The import is made at allocation; the map calls no driver.
  assert.ok(
    callsOf(RADV_PLACED('wine 9.3'), 0).some((c) =>
      c.startsWith('wine: vkGetMemoryHostPointerPropertiesEXT'),
    ),
  );
  assert.deepEqual(
    callsOf(RADV_PLACED('wine 9.3'), 1).map((c) => c.replace(/\(.*$/, '')),
    ['app: vkMapMemory'],
  );
  // From 9.4 the map is placed.
  assert.deepEqual(shown(RADV_PLACED('wine 9.4')), []);
  assert.ok(
    callsOf(RADV_PLACED('wine 9.4'), 1).some((c) => c.startsWith('wine: vkMapMemory2KHR(mem, PLACED')),
    callsOf(RADV_PLACED('wine 9.4'), 1).join('\n'),
  );
});

test('placed before Wine 9.4 on a driver without VK_EXT_external_memory_host: the direct map, said with the version', () => {
  const text = `scenario "nvk" {\n  driver n {\n    preset nvk\n  }\n  wine 9.0\n  strategy placed\n  mem = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory mem\n}\n`;
  const [d] = analyseDocument(text).diagnostics;
  assert.equal(d?.code, 'placed-unsupported');
  assert.match(
    d!.message,
    /^Wine 9\.0 has no placed maps: they came in Wine 9\.4 \("winevulkan: Use VK_EXT_map_memory_placed for memory mapping on wow64"\), and n has no VK_EXT_external_memory_host; Wine falls back to mapping directly/,
  );
});

test('mmap32 before Wine 9.4: Wine imports host memory instead of placing the map', () => {
  const text = (wine: string) =>
    `scenario "box64" {\n  ${wine}\n  strategy mmap32\n  mem = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory mem\n}\n`;
  assert.ok(
    callsOf(text('wine 9.3'), 0).some((c) =>
      c.startsWith('wine: vkAllocateMemory(mem, VkImportMemoryHostPointerInfoEXT'),
    ),
  );
  assert.ok(callsOf(text('wine 9.4'), 1).some((c) => c.startsWith('wine: vkMapMemory2KHR(mem, PLACED')));
});
