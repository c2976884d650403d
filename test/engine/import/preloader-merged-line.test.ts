// The preloader's DOS area (0x1_0000..0x11_0000) and low memory area (0x11_0000..0x6800_0000) are
// adjacent PROT_NONE MAP_NORESERVE anonymous VMAs, which the kernel merges: maps shows one line
// 00010000-68000000. The import took a line for a preloader placeholder only when one range held it,
// so that line became a host mapping filling the window, and a 512 MiB placed map after it was
// window-exhausted. And the three-line note above each `reserve … preloaded` is said once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { importProcMaps } from './parsing-importers';

const NTDLL = '7d0000000000-7d0000001000 r-xp 00000000 08:01 123 /usr/lib/wine/x86_64-unix/ntdll.so';

function codes(text: string): string[] {
  return analyseDocument(text)
    .diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => d.code);
}

test('import maps: the merged DOS and low memory line is a Wine reserved area, and a 512 MiB placed map fits after it', () => {
  const { scenario } = importProcMaps(
    ['00010000-68000000 ---p 00000000 00:00 0 ', NTDLL, ''].join('\n'),
    'wow64',
  );
  assert.match(scenario, /\n {2}map_10000 = reserve 0x67ff_0000 at 0x1_0000 by wine preloaded\n/);
  assert.doesNotMatch(scenario, /none private anon/);
  const steps = ['strategy placed', 'mem = vkAllocateMemory 512MiB host-visible', 'p = vkMapMemory mem'];
  const roundTrip = scenario.replace(/\}\n$/, steps.map((l) => `  ${l}\n`).join('') + '}\n');
  assert.deepEqual(codes(roundTrip), []);
});

test('import maps: a line across the DOS and low memory areas’ edge is a Wine reserved area; one past 0x6800_0000 is not', () => {
  const { scenario } = importProcMaps(
    ['00010000-00400000 ---p 00000000 00:00 0 ', '67000000-69000000 ---p 00000000 00:00 0 ', NTDLL, ''].join(
      '\n',
    ),
  );
  assert.match(scenario, /\n {2}map_10000 = reserve 0x3f_0000 at 0x1_0000 by wine preloaded\n/);
  assert.match(
    scenario,
    /\n {2}map_67000000 = mmap 0x200_0000 none private anon at 0x6700_0000 fixed by host\n/,
  );
});

test('import maps: what a `preloaded` line is is said once, above the first; each has its plain reservation', () => {
  const { scenario } = importProcMaps(
    [
      '00010000-00110000 ---p 00000000 00:00 0 ',
      '00120000-68000000 ---p 00000000 00:00 0 ',
      '7f000000-7fff0000 ---p 00000000 00:00 0 ',
      NTDLL,
      '',
    ].join('\n'),
  );
  assert.equal(scenario.match(/MEM_RESERVE/g)?.length, 1);
  assert.equal(scenario.match(/loader\/preloader\.c/g)?.length, 1);
  assert.match(
    scenario,
    /# inside Wine's preloader reservation[^\n]*\n(?: {2}#[^\n]*\n)*? {2}# plain reservation: map_10000 = reserve 0x10_0000 at 0x1_0000 by wine\n {2}map_10000 = reserve 0x10_0000 at 0x1_0000 by wine preloaded\n/,
  );
  assert.match(
    scenario,
    / {2}# 00120000-68000000 ---p 00000000 00:00 0\n {2}# plain reservation: map_120000 = reserve 0x67ee_0000 at 0x12_0000 by wine\n {2}map_120000 = reserve 0x67ee_0000 at 0x12_0000 by wine preloaded\n/,
  );
  assert.match(
    scenario,
    / {2}# plain reservation: map_7f000000 = reserve 0xff_0000 at 0x7f00_0000 by wine\n {2}map_7f000000 = reserve 0xff_0000 at 0x7f00_0000 by wine preloaded\n/,
  );
});
