// A capture that maps above x86-64's TASK_SIZE is an arm64 process's: both importers write
// `arch arm64`, say that the page size is not in the capture, and name what a 4 KiB guess
// becomes on 16 and 64 KiB pages (import/capture-arch.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importProcMaps, importStrace } from './parsing-importers';
import { analyseDocument } from '../../../server/src/engine/analysis';

const fixtures = join(__dirname, '..', '..', '..', '..', 'test/engine/import/fixtures');

const ASAHI_MAPS = `aaaab5f50000-aaaab5f58000 r-xp 00000000 103:06 1234 /usr/bin/cat
ffff9a3c0000-ffff9a3e4000 rw-p 00000000 00:00 0
ffff9a400000-ffff9a404000 rw-s 100000000 00:06 500 /dev/dri/renderD128
ffffd1fe0000-ffffd2004000 rw-p 00000000 00:00 0                          [stack]
`;

const ASAHI_STRACE = `mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xffff9a3dc000
munmap(0xffff9a3dc000, 16384)           = 0
`;

const codes = (scenario: string) =>
  analyseDocument(scenario).diagnostics.map((d) => `${d.code}: ${d.message}`);

test('an arm64 maps capture imports with `arch arm64` and a page-size comment, and replays without ENOMEM', () => {
  const { scenario } = importProcMaps(ASAHI_MAPS, 'asahi');
  const lines = scenario.split('\n');
  assert.equal(lines[3], '  arch arm64', scenario);
  assert.match(
    lines[1]!,
    /maps at 0xffff_d1fe_0000, above x86-64's TASK_SIZE 0x7fff_ffff_f000: an arm64 process/,
  );
  assert.match(lines[2]!, /page size is not in the capture.*`page-size 16KiB`/);
  assert.deepEqual(codes(scenario), []);
  // On 16 KiB pages, as on Asahi, the same lines replay as well.
  assert.deepEqual(codes(scenario.replace('  arch arm64', '  arch arm64\n  page-size 16KiB')), []);
});

test('an arm64 strace capture imports with `arch arm64` from what mmap returned', () => {
  const { scenario } = importStrace(ASAHI_STRACE, 'asahi');
  assert.match(scenario, /\n {2}# the capture maps at 0xffff_9a3d_c000, above x86-64's TASK_SIZE/);
  assert.match(scenario, /\n {2}arch arm64\n/);
  assert.deepEqual(codes(scenario), []);
});

test("on an arm64 capture, the hugetlb default and a refused-only BO's size name the 16 and 64 KiB values", () => {
  const huge = importProcMaps(
    'ffff80000000-ffff80200000 rw-p 00000000 00:0f 1234                       /anon_hugepage (deleted)\n',
  ).scenario;
  assert.match(
    huge,
    /# the default huge page \(2 MiB\) assumes 4 KiB pages: 32 MiB with `page-size 16KiB`, 512 MiB with `page-size 64KiB`/,
  );
  const bo = importStrace(
    `mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xffff9a3dc000
mmap(NULL, 32768, PROT_READ|PROT_WRITE, MAP_SHARED, 5</dev/dri/renderD128>, 0x100000000) = -1 EINVAL (Invalid argument)
`,
  ).scenario;
  assert.match(
    bo,
    /# this BO, made so that the refused map fails, assumes 4 KiB pages: size 0x4000 with `page-size 16KiB`, offset 0x1_0001_0000 with `page-size 64KiB`\n {2}f5 = open device "\/dev\/dri\/renderD128" 0x7000 offset 0x1_0000_0000/,
  );
});

test('x86-64 captures get no arch line and no page-size comments', () => {
  for (const name of ['python.maps']) {
    const { scenario } = importProcMaps(readFileSync(join(fixtures, name), 'utf8'));
    assert.doesNotMatch(scenario, /arch arm64|page-size/, name);
  }
  for (const name of ['node-startup.strace', 'c-dontunmap.strace']) {
    const { scenario } = importStrace(readFileSync(join(fixtures, name), 'utf8'));
    assert.doesNotMatch(scenario, /arch arm64|page-size/, name);
  }
  // A failed map past x86-64's TASK_SIZE (a test's) is no arm64 sign.
  const failed = importStrace(
    'mmap(0x800000000000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = -1 ENOMEM (Cannot allocate memory)\n',
  ).scenario;
  assert.doesNotMatch(failed, /arch arm64/);
  // Nor a huge page line of an x86-64 capture: its comment stays as it was.
  const huge = importProcMaps(
    '7f0000000000-7f0000200000 rw-p 00000000 00:0f 1234 /anon_hugepage (deleted)\n',
  ).scenario;
  assert.doesNotMatch(huge, /assumes 4 KiB pages/);
});

test("an arm64 capture's 0x40 bit is said to be ignored there, not MAP_32BIT's random placement; an x86-64 capture keeps that", () => {
  // strace on arm64 knows no MAP_32BIT and prints the bit as a number; the kernel ignores it.
  const arm64 = importStrace(
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|0x40, -1, 0) = 0xfffff7fff000\n',
  ).scenario;
  assert.match(arm64, /\n {2}arch arm64\n/);
  assert.match(
    arm64,
    /\n {2}# 0x40 is MAP_32BIT on x86-64 only: arm64 has no such flag, and its kernel ignores the bit and placed the map as any other/,
  );
  assert.doesNotMatch(arm64, /random page in \[0x4000_0000/);
  assert.match(arm64, /\n {2}m1 = mmap 4096 rw private anon 32bit at 0xffff_f7ff_f000\n/);
  assert.deepEqual(codes(arm64), []);

  const x86 = importStrace(
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT, -1, 0) = 0x40a3c000\n',
  ).scenario;
  assert.doesNotMatch(x86, /arch arm64/);
  assert.match(
    x86,
    /\n {2}# MAP_32BIT: the kernel starts its search at a random page in \[0x4000_0000, 0x4200_0000\) on every call/,
  );
  assert.doesNotMatch(x86, /x86-64 only/);
});
