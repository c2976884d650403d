// Wine's placed path (vulkan-wine §3.2–§3.5): without the extension it imports host memory when
// the driver can, else maps directly and refuses a pointer with bits above 32; a rule its own
// WHOLE_SIZE map breaks is said to be Wine's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { callsOf } from './helpers';

const NO_EXTENSION = (setup: string, expectation: string) => `scenario "no extension" {
  driver closed {
    preset proprietary
  }
${setup}
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
${expectation}
}
`;

function shown(text: string): string[] {
  return analyseDocument(text).diagnostics.map((d) => `${d.severity} ${d.code}`);
}

test('a direct map above 4 GiB: Wine unmaps it and vkMapMemory answers VK_ERROR_OUT_OF_HOST_MEMORY', () => {
  const text = NO_EXTENSION('', '  expect p == VK_ERROR_OUT_OF_HOST_MEMORY');
  // The expectation holds, so the warning that explains the failure is information.
  assert.deepEqual(shown(text), ['info placed-unsupported']);
  const message = analyseDocument(text).diagnostics[0]!.message;
  assert.match(
    message,
    /does not fit in 32 bits: Wine unmaps it and vkMapMemory fails with VK_ERROR_OUT_OF_HOST_MEMORY/,
  );
  const calls = callsOf(text, 1);
  assert.match(calls[1]!, /^closed: mmap\(NULL, 0x1_0000/);
  assert.match(calls[2]!, /^wine: vkUnmapMemory\(mem\)/);
  // No pointer reached 32-bit code, so nothing is outside the window.
  assert.ok(!shown(NO_EXTENSION('', '')).includes('error pointer-outside-window'));
});

test('a direct map that happens to land below 4 GiB is handed over, with the warning', () => {
  const text = NO_EXTENSION('  mmap-base 0x7000_0000', '  expect p == 0x6fff_0000');
  assert.deepEqual(shown(text), ['warning placed-unsupported']);
  assert.match(
    analyseDocument(text).diagnostics[0]!.message,
    /works only while the driver's pointer happens to fit/,
  );
});

test("09651 broken by Wine's own WHOLE_SIZE map is Wine's warning, not the application's error", () => {
  const text = `scenario "unaligned allocation" {
  strategy placed
  m = vkAllocateMemory 0x10800 host-visible
  p = vkMapMemory m offset 0x800
}
`;
  const [d] = analyseDocument(text).diagnostics;
  // Harmless on a driver that maps the page-rounded BO (vulkan-wine §3.3): `check` passes.
  assert.equal(d?.code, 'wine-placed-size-unaligned');
  assert.equal(d?.severity, 'warning');
  assert.match(d!.message, /^VUID-VkMemoryMapInfo-flags-09651: Wine's placed map for this vkMapMemory/);
  assert.match(d!.message, /Wine does not round allocationSize up/);
  // The application's own placed call breaking it is the application's.
  const own = `scenario "own call" {
  res = reserve 128KiB at 0x1000_0000 by wine
  m = vkAllocateMemory 0x10800 host-visible
  p = vkMapMemory2 m placed at 0x1000_0000
}
`;
  const mine = analyseDocument(own).diagnostics.find((x) => x.message.includes('09651'));
  assert.ok(mine && !mine.message.includes('Wine'), mine?.message);
  assert.equal(mine.code, 'vulkan-valid-usage');
  assert.equal(mine.severity, 'error');
});

test('a placed map the scenario expects to fail: placed-map-failed is information', () => {
  const text = (expectation: string) => `scenario "turnip" {
  driver tu {
    preset turnip
  }
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible cached
  p = vkMapMemory mem
${expectation}
}
`;
  assert.deepEqual(shown(text('  expect p == VK_ERROR_MEMORY_MAP_FAILED')), ['info placed-map-failed']);
  assert.deepEqual(shown(text('')), ['error placed-map-failed']);
});

test('placed maps without memoryUnmapReserve: Wine does not take the placed path (§3.2) and maps directly', () => {
  const text = `scenario "no unmap-reserve" {
  driver d {
    placed-map 4KiB no-unmap-reserve
    external-memory-host no
  }
  strategy placed
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m
  expect p == VK_ERROR_OUT_OF_HOST_MEMORY
}
`;
  const [d] = analyseDocument(text).diagnostics;
  assert.equal(d?.code, 'placed-unsupported');
  assert.match(
    d!.message,
    /without memoryUnmapReserve \(Wine uses them only with both features\) and no VK_EXT_external_memory_host; Wine falls back to mapping directly/,
  );
  assert.ok(!callsOf(text, 1).some((c) => c.includes('PLACED')));
});

test('vkFreeMemory of a still-placed object: the RESERVE unmap, the free, then the range released (§3.3)', () => {
  const text = `scenario "free mapped" {
  strategy placed
  m = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory m
  vkFreeMemory m
}
`;
  const calls = callsOf(text, 2).map((c) => c.replace(/\(.*$/, ''));
  assert.deepEqual(calls, ['app: vkFreeMemory', 'wine: vkUnmapMemory2KHR', 'driver: mmap', 'wine: munmap']);
  assert.deepEqual(analyseDocument(text).diagnostics, []);
});

test('Turnip maps at allocation only cached non-coherent memory (H3): placing coherent memory works', () => {
  const text = (props: string) => `scenario "turnip" {
  driver tu {
    preset turnip
  }
  strategy placed
  mem = vkAllocateMemory 64KiB ${props}
  p = vkMapMemory mem
}
`;
  assert.deepEqual(shown(text('host-visible coherent')), []);
  assert.deepEqual(shown(text('host-visible cached coherent')), []);
  assert.deepEqual(shown(text('host-visible cached')), ['error placed-map-failed']);
  // The allocation maps only the cached non-coherent one.
  assert.deepEqual(callsOf(text('host-visible coherent'), 0), [
    'app: vkAllocateMemory(64 KiB, host-visible|coherent) = VK_SUCCESS',
  ]);
  assert.equal(callsOf(text('host-visible cached'), 0).length, 2);
});

test("the trace names who makes each call: Wine's placed map and host import are Wine's, an explicit one the step's actor", () => {
  const placedByWine = `scenario "w" {\n  strategy placed\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory m\n}\n`;
  assert.deepEqual(
    callsOf(placedByWine, 1).map((c) => c.replace(/\(.*$/, '')),
    ['app: vkMapMemory', 'wine: mmap', 'wine: vkMapMemory2KHR', 'driver: mmap'],
  );
  const explicit = `scenario "e" {\n  res = reserve 64KiB at 0x2000_0000 by wine\n  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory2 m placed at 0x2000_0000\n}\n`;
  assert.match(callsOf(explicit, 2)[0]!, /^app: vkMapMemory2KHR\(m, PLACED/);
  const imported = `scenario "i" {\n  wine 9.0\n  strategy external-memory-host\n  m = vkAllocateMemory 64KiB host-visible\n}\n`;
  assert.deepEqual(
    callsOf(imported, 0).map((c) => c.replace(/\(.*$/, '')),
    [
      'app: vkAllocateMemory',
      'wine: mmap',
      'wine: vkGetMemoryHostPointerPropertiesEXT',
      'wine: vkAllocateMemory',
    ],
  );
});

const LAVAPIPE_PLACED = (extra: string, steps: string) => `scenario "lavapipe" {
  driver lvp {
    preset lavapipe
${extra}
  }
  strategy placed
${steps}
}
`;

test('without placed maps but with VK_EXT_external_memory_host, Wine imports host memory at allocation (§3.2, §3.4)', () => {
  // Wine 10.14 (dlls/winevulkan) releases the import at vkFreeMemory; wine-version.test.ts has 10.15's leak.
  const text = LAVAPIPE_PLACED(
    '',
    '  wine 10.14\n  mem = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory mem\n  app writes p, 64\n  vkUnmapMemory mem\n  vkFreeMemory mem',
  );
  const diagnostics = analyseDocument(text).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => `${d.severity} ${d.code}`),
    ['warning placed-unsupported'],
  );
  assert.match(
    diagnostics[0]!.message,
    /^lvp does not expose VK_EXT_map_memory_placed; Wine imports host memory instead .*mem holds 64 KiB of the 32-bit window from vkAllocateMemory, mapped or not\. Wine 10\.14 releases it at vkFreeMemory \(dlls\/winevulkan: wine_vkAllocateMemory keeps the imported pointer as vm_map, which wine_vkFreeMemory frees\); from Wine 10\.15 it never does$/,
  );
  // Reported at the allocation, where the window space is taken.
  assert.equal(
    text.slice(diagnostics[0]!.range.start, diagnostics[0]!.range.end),
    'mem = vkAllocateMemory 64KiB host-visible',
  );
  assert.deepEqual(
    callsOf(text, 0).map((c) => c.replace(/\(.*$/, '')),
    [
      'app: vkAllocateMemory',
      'wine: mmap',
      'wine: vkGetMemoryHostPointerPropertiesEXT',
      'wine: vkAllocateMemory',
    ],
  );
  // The map calls no driver; the free releases the window range.
  assert.deepEqual(
    callsOf(text, 1).map((c) => c.replace(/\(.*$/, '')),
    ['app: vkMapMemory'],
  );
  assert.ok(
    callsOf(text, 4).some((c) => c.startsWith('wine: munmap(0x1_0000, 0x1_0000)')),
    callsOf(text, 4).join('\n'),
  );
});

test('the import fallback loses DEVICE_LOCAL host-visible types, as Wine 9.0 did', () => {
  // Not on lavapipe, whose host pointers keep its one DEVICE_LOCAL type
  // (host-import-device-local.test.ts): a driver without placed maps and without that property.
  const text = `scenario "no placed maps" {
  driver gpu {
    placed-map none
  }
  strategy placed
  mem = vkAllocateMemory 64KiB host-visible device-local
}
`;
  assert.deepEqual(shown(text), ['info memory-type-lost', 'warning placed-unsupported']);
  assert.deepEqual(shown(LAVAPIPE_PLACED('', '  mem = vkAllocateMemory 64KiB host-visible device-local')), [
    'warning placed-unsupported',
  ]);
  // What Wine does after the FIXME: it never fails the allocation (allocate_external_host_memory
  // returns VK_SUCCESS and the allocation goes on without an import). What follows is the
  // scenario's Wine's (wine-version.test.ts has both sides); the default is 10.15's win32u.
  const message = analyseDocument(text).diagnostics[0]!.message;
  assert.match(message, /Wine imports it into another type that has its other flags .* as drvmap models/);
  assert.match(
    message,
    /FIXME "Not found compatible memory type", releases the low range and allocates mem without an import, which drvmap does not model: Wine 10\.15 \(the default: the scenario has no `wine` line\) maps it through the driver, and a pointer above 4 GiB fails with VK_ERROR_OUT_OF_HOST_MEMORY \(dlls\/win32u, from Wine 10\.15: vm_map stays NULL\); before 10\.15 \(dlls\/winevulkan\) vkMapMemory returned the released address instead$/,
  );
  assert.doesNotMatch(message, /or fails/);
});

test('`external-memory-host no`: the placed strategy falls through to the direct map', () => {
  const text = LAVAPIPE_PLACED(
    '    external-memory-host no',
    '  mem = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory mem',
  );
  const [d] = analyseDocument(text).diagnostics;
  assert.equal(d?.code, 'placed-unsupported');
  assert.match(
    d!.message,
    /^lvp exposes neither VK_EXT_map_memory_placed nor VK_EXT_external_memory_host; Wine falls back to mapping directly/,
  );
});

test('Wine 9.0 (external-memory-host) on a driver without the extension maps directly: host-import-unsupported', () => {
  // Wine 9.0: from 9.4 Turnip and NVK get the placed path (host-import-not-taken.test.ts).
  const text = (preset: string, expectation: string) => `scenario "wine 9.0" {
  driver gpu {
    preset ${preset}
  }
  wine 9.0
  strategy external-memory-host
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
${expectation}
}
`;
  assert.deepEqual(shown(text('turnip', '')), ['warning host-import-unsupported']);
  assert.deepEqual(shown(text('turnip', '  expect p == VK_ERROR_OUT_OF_HOST_MEMORY')), [
    'info host-import-unsupported',
  ]);
  assert.match(
    analyseDocument(text('nvk', '')).diagnostics[0]!.message,
    /^gpu does not expose VK_EXT_external_memory_host; Wine falls back to mapping directly, and gpu's pointer 0x7fff_[0-9a-f_]+ does not fit in 32 bits/,
  );
  // No import was made: the allocation is the driver's own.
  assert.deepEqual(
    callsOf(text('turnip', ''), 0).map((c) => c.replace(/\(.*$/, '')),
    ['app: vkAllocateMemory'],
  );
  assert.deepEqual(shown(text('radv', '')), []);
});

test('`external-memory-host` alone means yes; a value it does not take is reported', () => {
  const text = (line: string) => `scenario "t" {
  driver gpu {
    preset turnip
    ${line}
  }
  wine 9.0
  strategy external-memory-host
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
}
`;
  assert.deepEqual(shown(text('external-memory-host')), []);
  assert.deepEqual(shown(text('external-memory-host yes')), []);
  assert.deepEqual(shown(text('external-memory-host maybe')), [
    'error unknown-word',
    'warning host-import-unsupported',
  ]);
});

test('no room in the window for the host import: vkAllocateMemory fails, and no 64-bit pointer reaches 32-bit code', () => {
  const text = (expectation: string) =>
    LAVAPIPE_PLACED(
      '',
      `  a = vkAllocateMemory 1GiB host-visible\n  b = vkAllocateMemory 1GiB host-visible\n  p = vkMapMemory b\n${expectation}`,
    );
  const codes = shown(text(''));
  assert.deepEqual(codes, [
    'warning placed-unsupported',
    'error window-exhausted',
    'warning placed-unsupported',
    'warning use-of-failed-result',
  ]);
  const failing = analyseDocument(text('')).diagnostics[2]!.message;
  assert.match(
    failing,
    /found no 1 GiB in the 32-bit window for b, so vkAllocateMemory fails with VK_ERROR_OUT_OF_HOST_MEMORY/,
  );
  // The application's call carries the error; the driver never allocates.
  assert.deepEqual(
    callsOf(text(''), 1).map((c) => c.replace(/\(.*\) =/, '() =')),
    ['app: vkAllocateMemory() = VK_ERROR_OUT_OF_HOST_MEMORY'],
  );
  // Expected: the failure and what explains it are information.
  assert.deepEqual(shown(text('  expect b == VK_ERROR_OUT_OF_HOST_MEMORY')).slice(1, 3), [
    'info window-exhausted',
    'info placed-unsupported',
  ]);
});
