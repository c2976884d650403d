// A WOW64 process's /proc/PID/maps: the placeholders of Wine's preloader reservation
// (loader/preloader.c) are Wine's reserved areas, room for its own allocations, not host mappings
// that fill the window (import/wine-preloader.ts, `reserve … preloaded`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { importProcMaps } from './parsing-importers';

/** The preloader's reservations as a reviewer's capture showed them, below 2 GiB. */
const RESERVATIONS = [
  '00010000-00110000 ---p 00000000 00:00 0 ',
  '00110000-68000000 ---p 00000000 00:00 0 ',
  '7f000000-7fff0000 ---p 00000000 00:00 0 ',
];
const PRELOADER =
  '555555554000-555555556000 r--p 00000000 00:2a 72                         /home/deck/.local/share/Steam/steamapps/common/Proton 9.0 (Beta)/files/bin/wine64-preloader';

/** The steps docs/cli.md says to paste after an import, with a Wine version. */
function placedSteps(wine: string): string[] {
  return [
    `wine ${wine}`,
    'strategy placed',
    'driver radv {',
    '  preset radv',
    '}',
    'mem = vkAllocateMemory 512MiB host-visible',
    'p = vkMapMemory mem',
  ];
}

function withSteps(scenario: string, steps: readonly string[]): string {
  return scenario.replace(/\}\n$/, steps.map((l) => `  ${l}\n`).join('') + '}\n');
}

function codes(text: string): string[] {
  return analyseDocument(text)
    .diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => d.code);
}

test('import maps: a Wine capture writes the preloader reservation as Wine reserved areas, with how to write an application reservation', () => {
  const { scenario } = importProcMaps([...RESERVATIONS, PRELOADER, ''].join('\n'), 'wow64');
  assert.match(
    scenario,
    /# 00010000-00110000 ---p 00000000 00:00 0\n {2}# inside Wine's preloader reservation \(loader\/preloader\.c\)[^\n]*\n {2}# [^\n]*MEM_RESERVE looks the same in maps[^\n]*\n {2}# [^\n]*\n {2}# plain reservation: map_10000 = reserve 0x10_0000 at 0x1_0000 by wine\n {2}map_10000 = reserve 0x10_0000 at 0x1_0000 by wine preloaded\n/,
  );
  assert.match(scenario, /\n {2}map_110000 = reserve 0x67ef_0000 at 0x11_0000 by wine preloaded\n/);
  assert.match(scenario, /\n {2}map_7f000000 = reserve 0xff_0000 at 0x7f00_0000 by wine preloaded\n/);
  assert.doesNotMatch(scenario, /none private anon/);
  // The preloader's own file stays a host mapping.
  assert.match(
    scenario,
    /wine64_preloader = mmap 0x2000 r private at 0x5555_5555_4000 fixed fd f_wine64_preloader by host\n/,
  );
});

test('import maps: in a Wine capture a PROT_NONE line outside the preloader ranges, or one with access, stays a host mapping', () => {
  const { scenario } = importProcMaps(
    [
      '00010000-00110000 rw-p 00000000 00:00 0 ',
      '68000000-69000000 ---p 00000000 00:00 0 ',
      '7f7f00000000-7f7f00100000 r-xp 00000000 fe:00 9      /usr/lib/wine/x86_64-unix/ntdll.so',
      '',
    ].join('\n'),
  );
  assert.match(scenario, /map_10000 = mmap 0x10_0000 rw private anon at 0x1_0000 fixed by host\n/);
  assert.match(scenario, /map_68000000 = mmap 0x100_0000 none private anon at 0x6800_0000 fixed by host\n/);
  assert.doesNotMatch(scenario, /preloaded/);
});

test('import maps: a capture that names no Wine file is imported as before, placeholders as host mappings', () => {
  const { scenario } = importProcMaps([...RESERVATIONS, ''].join('\n'), 'imported from min.maps');
  assert.equal(
    scenario,
    [
      'scenario "imported from min.maps" {',
      '  # 00010000-00110000 ---p 00000000 00:00 0',
      '  map_10000 = mmap 0x10_0000 none private anon at 0x1_0000 fixed by host',
      '  # 00110000-68000000 ---p 00000000 00:00 0',
      "  # a VMA of its own in the capture, where plain maps would merge: made with noreserve (VM_NORESERVE), so its flags differ from its neighbours'",
      '  map_110000 = mmap 0x67ef_0000 none private anon noreserve at 0x11_0000 fixed by host',
      '  # 7f000000-7fff0000 ---p 00000000 00:00 0',
      '  map_7f000000 = mmap 0xff_0000 none private anon at 0x7f00_0000 fixed by host',
      '}',
      '',
    ].join('\n'),
  );
});

test('import maps round trip: a Wine capture with the placed steps pasted after it has room for 512 MiB (wine 10.0 and 9.0)', () => {
  const { scenario } = importProcMaps([...RESERVATIONS, PRELOADER, ''].join('\n'), 'wow64');
  assert.deepEqual(codes(withSteps(scenario, placedSteps('10.0'))), []);
  // Wine 9.0 imports host memory instead of placing (placed-unsupported says so); it fits too.
  assert.deepEqual(codes(withSteps(scenario, placedSteps('9.0'))), ['placed-unsupported']);
});

const AREAS = [
  'reserve 0x10_0000 at 0x1_0000 by wine preloaded',
  'reserve 0x67ef_0000 at 0x11_0000 by wine preloaded',
  'reserve 0xff_0000 at 0x7f00_0000 by wine preloaded',
];

test("reserve … preloaded: a 512 MiB placed map lies in the DOS and low memory areas, one area of Wine's room", () => {
  const text = `scenario "areas" {\n${[...AREAS, ...placedSteps('10.0'), 'expect p == 0x1_0000']
    .map((l) => `  ${l}\n`)
    .join('')}}\n`;
  assert.deepEqual(codes(text), []);
});

test('the same ranges as plain host mappings leave no room for 512 MiB: window-exhausted', () => {
  const hostMaps = [
    'mmap 0x10_0000 none private anon at 0x1_0000 fixed by host',
    'mmap 0x67ef_0000 none private anon noreserve at 0x11_0000 fixed by host',
    'mmap 0xff_0000 none private anon at 0x7f00_0000 fixed by host',
  ];
  const text = `scenario "host" {\n${[...hostMaps, ...placedSteps('10.0')].map((l) => `  ${l}\n`).join('')}}\n`;
  assert.ok(codes(text).includes('window-exhausted'), codes(text).join(', '));
});

test('reserve … preloaded without `at` is missing-argument, not a crash', () => {
  const text = 'scenario "no address" {\n  reserve 1MiB by wine preloaded\n}\n';
  assert.deepEqual(codes(text), ['missing-argument']);
});
