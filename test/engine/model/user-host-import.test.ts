// The application's own host import (`imported-host`) under Wine's import path: Wine imports host
// memory only for a HOST_VISIBLE allocation that chains no VkImportMemoryHostPointerInfoEXT
// (wine_vkAllocateMemory, dlls/winevulkan/vulkan.c to 10.14; win32u_vkAllocateMemory's
// `!pointer_info`, dlls/win32u/vulkan.c from 10.15; vulkan-wine §3.4 step 1). So it makes no
// import of its own, its vm_map stays NULL, and vkFreeMemory never frees the application's memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { callsOf } from './helpers';

const shown = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`);

/** The reviewer's repro: the application's memory is still mapped after vkFreeMemory. */
const REPRO = (
  wine: string,
  strategy: string,
  driver = 'preset lavapipe',
) => `scenario "user host import outlives vkFreeMemory" {
  ${wine}
  strategy ${strategy}
  driver d {
    ${driver}
  }
  mem = vkAllocateMemory 64KiB host-visible imported-host
  p = vkMapMemory mem
  vkUnmapMemory mem
  vkFreeMemory mem
  expect mapped p
}
`;

const wineCalls = (text: string, step: number) =>
  callsOf(text, step).filter((c) => c.startsWith('wine: ') && !c.startsWith('wine: mmap('));

test('imported-host: Wine makes no host import of its own and never frees the memory', () => {
  for (const [wine, strategy] of [
    ['wine 10.14', 'external-memory-host'],
    ['wine 10.15', 'external-memory-host'],
    ['wine 9.3', 'placed'],
    ['wine 9.0', 'external-memory-host'],
  ] as const) {
    const text = REPRO(wine, strategy);
    const what = `${wine} ${strategy}`;
    // Before the fix: error expectation-failed (Wine's munmap at vkFreeMemory), and under `placed`
    // a placed-unsupported saying Wine imports host memory for mem instead.
    assert.deepEqual(shown(text), [], what);
    // The only Wine call at the allocation is the commit of the application's own memory.
    assert.deepEqual(wineCalls(text, 0), [], `${what}: ${callsOf(text, 0).join('\n')}`);
    assert.deepEqual(wineCalls(text, 3), [], `${what}: ${callsOf(text, 3).join('\n')}`);
    // As under `strategy none`: the driver wraps the pointer.
    assert.deepEqual(callsOf(text, 0), callsOf(REPRO(wine, 'none'), 0), what);
  }
});

test('imported-host under Wine 9.4 on a driver with placed maps: no host-import-not-taken', () => {
  const text = `scenario "user import" {
  wine 9.4
  strategy external-memory-host
  mem = vkAllocateMemory 64KiB host-visible imported-host
}
`;
  assert.deepEqual(shown(text), []);
  // A plain host-visible allocation next to it still gets the warning.
  assert.deepEqual(shown(text.replace(' imported-host', '')), ['warning host-import-not-taken']);
});

test("placed-unsupported's import fallback is said for Wine's imports only, not the application's", () => {
  const text = REPRO('wine 9.3', 'placed').replace(
    '  p = vkMapMemory mem',
    '  own = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory mem',
  );
  const diagnostics = analyseDocument(text).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => `${d.code} ${text.slice(d.range.start, d.range.end)}`),
    ['placed-unsupported own = vkAllocateMemory 64KiB host-visible'],
  );
  assert.match(diagnostics[0]!.message, /Wine imports host memory instead .*: own holds 64 KiB/);
});
