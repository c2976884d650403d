import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importProcMaps, importStrace } from './parsing-importers';
import { parse } from '../../../server/src/engine/syntax/parser';
import { analyseDocument } from '../../../server/src/engine/analysis';

const root = join(__dirname, '..', '..', '..', '..');
const fixtures = join(root, 'test/engine/import/fixtures');

function checkEveryLineAccounted(input: string, result: ReturnType<typeof importStrace>): void {
  const nonEmpty = input
    .split(/\r?\n/)
    .map((l, i) => ({ l, i: i + 1 }))
    .filter((x) => x.l.trim() !== '');
  const accounted = new Map(result.lines.map((l) => [l.line, l]));
  for (const { l, i } of nonEmpty) {
    const entry = accounted.get(i);
    assert.ok(entry, `line ${i} is imported or skipped: ${l}`);
    if (entry.status === 'skipped')
      assert.ok(entry.reason && entry.reason.length > 5, `line ${i} has a reason`);
  }
  assert.deepEqual(parse(result.scenario).errors, [], 'the imported scenario parses');
}

for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.strace'))) {
  test(`strace fixture ${name}: every line imported or skipped with a reason`, () => {
    const text = readFileSync(join(fixtures, name), 'utf8');
    const result = importStrace(text);
    checkEveryLineAccounted(text, result);
    assert.ok(result.lines.some((l) => l.status === 'imported'));
  });
}

test('the C program trace keeps DONTUNMAP moves and the refused call as an expectation', () => {
  const result = importStrace(readFileSync(join(fixtures, 'c-dontunmap.strace'), 'utf8'));
  assert.match(result.scenario, /= mremap m\d+, 20480, 20480, maymove \| dontunmap\n/);
  assert.match(result.scenario, /expect m\d+ == EINVAL/);
  assert.match(result.scenario, /maymove \| fixed \| dontunmap, 0x3000_0000/);
  const analysis = analyseDocument(result.scenario);
  const refusedExpected = analysis.diagnostics.filter((d) => d.code === 'expectation-failed');
  assert.deepEqual(refusedExpected, [], 'the simulator agrees with every errno the kernel returned');
});

test('strace forms: pids, timestamps, unfinished/resumed pairs, errors, signals, exits', () => {
  const text = [
    '123 10:20:30.123456 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000',
    '[pid   124] mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 <unfinished ...>',
    '123 munmap(0x7f0000001000, 4096) = 0',
    '[pid   124] <... mmap resumed>) = 0x7f0000010000',
    '123 mmap(NULL, 1099511627776000, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = -1 ENOMEM (Cannot allocate memory)',
    '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---',
    '123 brk(NULL) = 0x5555',
    '+++ exited with 0 +++',
  ].join('\n');
  const result = importStrace(text);
  checkEveryLineAccounted(text, result);
  const statuses = result.lines.map((l) => l.status);
  assert.deepEqual(statuses, [
    'imported',
    'skipped',
    'imported',
    'imported',
    'imported',
    'skipped',
    'skipped',
    'skipped',
  ]);
  assert.match(result.scenario, /m2 = munmap m1, 4096/);
  assert.match(result.scenario, /m3 = mmap 8192 r private anon/);
  assert.match(result.scenario, /expect m4 == ENOMEM/);
  assert.match(result.scenario, /2 processes/);
  // The call joined from its two lines is shown as one, with its pid, as the other calls are.
  assert.match(
    result.scenario,
    /# \[pid {3}124\] mmap\(NULL, 8192, PROT_READ, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x7f0000010000$/m,
  );
  // With timestamps, the time the call was entered, as strace prints a whole call.
  const timed = importStrace(
    [
      '[pid   124] 10:00:00.000001 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 <unfinished ...>',
      '[pid   123] 10:00:00.000002 munmap(0x7f0000000000, 4096) = 0',
      '[pid   124] 10:00:00.500000 <... mmap resumed>) = 0x7f0000010000',
    ].join('\n'),
  ).scenario;
  assert.match(timed, /# \[pid {3}124\] 10:00:00\.000001 mmap\(NULL, 8192, .*, 0\) = 0x7f0000010000$/m);
});

test('strace -r without pids: the right-aligned time before each call is read, so its calls import', () => {
  // c-relative-time.strace (relative-time.c): every line starts with spaces, then `0.000123 `.
  const result = importStrace(readFileSync(join(fixtures, 'c-relative-time.strace'), 'utf8'));
  assert.deepEqual(
    result.lines.map((l) => l.status),
    [...Array<string>(10).fill('imported'), 'skipped'],
  );
  assert.equal(result.lines[10]?.reason, 'process exit');
  assert.match(result.scenario, /\n {2}m1 = mmap 8192 rw private anon\n/);
  assert.match(result.scenario, /\n {2}m10 = mmap 65536 rw private anon fixed-noreplace at 0x4000_0000\n/);
  assert.deepEqual(result.processes, []);
  // A pid before the time is read as before: `[pid N]` (-f), and `N` (-f -o), with -r's spaces.
  const forked = importStrace(
    [
      '5658       0.000000 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fcf6ffa3000',
      '[pid  5659]      0.000525 munmap(0x7fcf6ffa3000, 4096) = 0',
      '',
    ].join('\n'),
  );
  assert.deepEqual(forked.processes, ['5658', '5659']);
  assert.match(forked.scenario, /\n {2}m2 = munmap m1, 4096\n/);
});

test('strace --pid: one process of an `strace -f` capture, with the lines from before the first fork', () => {
  const text = [
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000',
    '[pid   123] mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000',
    '[pid   124] mmap(NULL, 12288, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000020000',
    '[pid   124] munmap(0x7f0000001000, 4096) = 0',
  ].join('\n');
  const all = importStrace(text);
  assert.deepEqual(all.processes, ['123', '124']);
  assert.match(all.scenario, /2 processes in the trace \(123, 124\).*import one with --pid/);
  const child = importStrace(text, 'child', { pid: '124' });
  checkEveryLineAccounted(text, child);
  assert.deepEqual(
    child.lines.map((l) => `${l.status}${l.reason ? `: ${l.reason}` : ''}`),
    ['imported', 'skipped: process 123, not the one chosen (124)', 'imported', 'imported'],
  );
  // The line from before the fork is the child's too: its munmap names that mapping.
  assert.match(child.scenario, /m1 = mmap 4096 rw private anon/);
  assert.match(child.scenario, /munmap m1, 4096/);
  assert.doesNotMatch(child.scenario, /8192|processes in the trace/);
});

test("strace --pid on an `-o` capture (every line has a pid): the first process's calls before the child's first are what the child starts from", () => {
  const text = [
    '4101  mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f3a1c5f4000',
    '4102  munmap(0x7f3a1c5f4000, 4096) = 0',
    '4101  munmap(0x7f3a1c5f4000, 8192) = 0',
  ].join('\n');
  const child = importStrace(text, 'child', { pid: '4102' });
  checkEveryLineAccounted(text, child);
  assert.deepEqual(
    child.lines.map((l) => `${l.status}${l.reason ? `: ${l.reason}` : ''}`),
    ['imported', 'imported', 'skipped: process 4101, not the one chosen (4102)'],
  );
  assert.match(
    child.scenario,
    /# process 4101's calls before process 4102's first are the address space it starts from/,
  );
  assert.match(child.scenario, /m2 = munmap m1, 4096/);
  assert.doesNotMatch(child.scenario, /not mapped by any call/);
});

test('strace --pid without `-o`: lines without a pid after the chosen process exited are not its own', () => {
  const text = [
    'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f3a1c5f4000',
    '[pid  4102] mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f3a1c5f3000',
    '[pid  4102] +++ exited with 0 +++',
    'munmap(0x7f3a1c5f4000, 8192) = 0',
  ].join('\n');
  const child = importStrace(text, 'child', { pid: '4102' });
  checkEveryLineAccounted(text, child);
  assert.equal(child.lines[3]?.reason, "no pid, after process 4102 exited: another process's");
  assert.doesNotMatch(child.scenario, /munmap/);
  // The parent, chosen by the pid strace gave it nowhere: its pid-less lines are its own once
  // the child has exited.
  const parent = importStrace(text.replace('[pid  4102] +++', '[pid  4102] +++'), 'parent', { pid: '4101' });
  assert.match(parent.scenario, /munmap m1, 8192/);
});

test('/proc/PID/maps: names kept, devices get device backing, special mappings skipped', () => {
  const text =
    readFileSync(join(fixtures, 'python.maps'), 'utf8') +
    '7f2a00000000-7f2a01000000 rw-s 1000c0000 00:06 4                          /dev/dri/renderD128\n';
  const result = importProcMaps(text);
  checkEveryLineAccounted(text, result);
  assert.match(result.scenario, /open device "\/dev\/dri\/renderD128"/);
  assert.match(result.scenario, /heap = mmap .* rw private anon at/);
  assert.ok(
    result.lines.some((l) => l.status === 'skipped' && /\[vsyscall\]|\[vvar\]|\[vdso\]/.test(l.text)),
  );
  const analysis = analyseDocument(result.scenario);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
});

test('/proc/PID/maps: two BOs of one render node keep their offsets, so their pages stay apart', () => {
  const text = [
    '7f0000000000-7f0000100000 rw-s 1a2b3000 00:06 4   /dev/dri/renderD128',
    '7f0000200000-7f0000300000 rw-s 1c000000 00:06 4   /dev/dri/renderD128',
    '7f0000400000-7f0000401000 r--p 00000000 08:01 10  /usr/lib/libfoo.so',
    '7f0000401000-7f0000403000 r-xp 00001000 08:01 10  /usr/lib/libfoo.so',
    '',
  ].join('\n');
  const result = importProcMaps(text);
  assert.equal(
    (result.scenario.match(/= open device "\/dev\/dri\/renderD128" 0x10_0000/g) ?? []).length,
    2,
    'a BO each',
  );
  // Each a BO of a DRM node at its fake offset, mapped with it: maps shows the offset again.
  assert.match(result.scenario, /= open device "\/dev\/dri\/renderD128" 0x10_0000 offset 0x1a2b_3000\n/);
  assert.match(result.scenario, / at 0x7f00_0020_0000 fixed fd f_renderd128_\d offset 0x1c00_0000 by host/);
  // One library, sized to reach its last segment.
  assert.equal((result.scenario.match(/= open file "\/usr\/lib\/libfoo\.so" 0x3000/g) ?? []).length, 1);
  const probe = result.scenario.replace(
    /\}\n$/,
    '  write renderd128, 1, 0xAB\n  expect read renderd128_2, 1 == 0x00\n  expect read libfoo_so_2 + 0x1000, 1 == 0x00\n}\n',
  );
  assert.deepEqual(
    analyseDocument(probe).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

/**
 * The errors and warnings of `scenario` with `probe` (steps and expectations) added at its end
 * (an expected fault is reported as information).
 */
function diagnosticsWith(scenario: string, probe: readonly string[]): string[] {
  const text = scenario.replace(/\}\n$/, probe.map((l) => `  ${l}\n`).join('') + '}\n');
  return analyseDocument(text)
    .diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => `${d.code}: ${d.message}`);
}

test('/proc/PID/maps: a BO mapping split by mprotect is one BO, mapped whole and mprotected, not a BO per piece', () => {
  const text = [
    '7f0000000000-7f0000001000 rw-s 100000000 00:06 4   /dev/dri/renderD128',
    '7f0000001000-7f0000003000 r--s 100001000 00:06 4   /dev/dri/renderD128',
    '',
  ].join('\n');
  const result = importProcMaps(text);
  checkEveryLineAccounted(text, result);
  assert.equal((result.scenario.match(/= open device/g) ?? []).length, 1, 'one BO');
  assert.match(
    result.scenario,
    /f_renderd128 = open device "\/dev\/dri\/renderD128" 0x3000 offset 0x1_0000_0000\n/,
  );
  assert.match(
    result.scenario,
    /renderd128 = mmap 0x3000 rw shared at 0x7f00_0000_0000 fixed fd f_renderd128 offset 0x1_0000_0000 by host\n/,
  );
  assert.match(result.scenario, /\n {2}mprotect 0x7f00_0000_1000, 0x2000, r\n/);
  assert.deepEqual(diagnosticsWith(result.scenario, []), []);
  // The second piece is the BO's second page: a second mapping of the BO shows what it holds,
  // and it is read-only, as in the capture.
  assert.deepEqual(
    diagnosticsWith(result.scenario, [
      'again = mmap 0x3000 rw shared fd f_renderd128 offset 0x1_0000_0000',
      'write again + 0x1000, 1, 0xAB',
      'expect read renderd128 + 0x1000, 1 == 0xAB',
      'w = write renderd128 + 0x1000, 1, 0xCD',
      'expect w == SIGSEGV',
    ]),
    [],
  );
});

test('/proc/PID/maps: a BO mapped twice is one BO, so a write through one mapping reads back through the other', () => {
  const text = [
    '7f0000000000-7f0000001000 rw-s 100000000 00:06 4   /dev/dri/renderD128',
    '7f0000001000-7f0000003000 r--s 100001000 00:06 4   /dev/dri/renderD128',
    // The same BO at another address, its first page unmapped: the head is not recreated.
    '7f0000011000-7f0000013000 rw-s 100001000 00:06 4   /dev/dri/renderD128',
    '',
  ].join('\n');
  const result = importProcMaps(text);
  checkEveryLineAccounted(text, result);
  assert.equal((result.scenario.match(/= open device/g) ?? []).length, 1, 'one BO');
  assert.deepEqual(
    diagnosticsWith(result.scenario, [
      'write 0x7f0000012000, 1, 0xAB',
      'expect read renderd128 + 0x2000, 1 == 0xAB',
      'expect read 0x7f0000010000, 1 == SIGSEGV',
    ]),
    [],
  );
});

test('/proc/PID/maps: a mapping whose start was unmapped, with another line in its gap, is moved piece by piece', () => {
  const text = [
    '7f0000000000-7f0000001000 r--s 100001000 00:06 4   /dev/dri/renderD128',
    '7f0000001000-7f0000002000 rw-p 00000000 00:00 0 ',
    '7f0000002000-7f0000003000 rw-s 100003000 00:06 4   /dev/dri/renderD128',
    '7f0000010000-7f0000014000 rw-s 100000000 00:06 4   /dev/dri/renderD128',
    '',
  ].join('\n');
  const result = importProcMaps(text);
  checkEveryLineAccounted(text, result);
  assert.equal((result.scenario.match(/= open device/g) ?? []).length, 1, 'one BO');
  assert.match(result.scenario, /maymove \| fixed, 0x7f00_0000_2000\n/);
  assert.deepEqual(
    diagnosticsWith(result.scenario, [
      'write map_7f0000001000, 1, 0x11',
      'write 0x7f0000002000, 1, 0xAB',
      'expect read 0x7f0000013000, 1 == 0xAB',
      'write 0x7f0000011000, 1, 0xCD',
      'expect read 0x7f0000000000, 1 == 0xCD',
      'expect read map_7f0000001000, 1 == 0x11',
    ]),
    [],
  );
});

test('/proc/PID/maps: a BO mapping moved piece by piece is made whole in a gap of the capture, not over its own piece', () => {
  // The BO mapped whole, and again with its first 16 KiB unmapped: where the kernel would place
  // the second whole mapping (top-down, under the lines made so far) overlaps its piece's address.
  const text = [
    '7ffff7f00000-7ffff7f10000 rw-s 100000000 00:05 1234   /dev/dri/renderD128',
    '7ffff7ff8000-7ffff7ffc000 rw-s 100004000 00:05 1234   /dev/dri/renderD128',
    '',
  ].join('\n');
  const result = importProcMaps(text);
  checkEveryLineAccounted(text, result);
  assert.match(result.scenario, /renderd128_2_whole = mmap 0x8000 rw shared at 0x7fff_f7f1_0000 fixed fd/);
  assert.deepEqual(
    diagnosticsWith(result.scenario, [
      'write renderd128 + 0x4000, 1, 0xAB',
      'expect read 0x7ffff7ff8000, 1 == 0xAB',
      'expect read 0x7ffff7f10000, 1 == SIGSEGV',
      'expect read 0x7ffff7ffc000, 1 == SIGSEGV',
    ]),
    [],
  );
});

test('/proc/PID/maps: shmem objects of one name (shared anonymous, SysV IPC_PRIVATE, memfds) are told apart by inode', () => {
  // Lines as a 6.18 kernel prints them for two of each.
  const text = [
    '7fb10a03b000-7fb10a03c000 rw-s 00000000 00:01 2          /SYSV00000000 (deleted)',
    '7fb10a03c000-7fb10a03d000 rw-s 00000000 00:01 1          /SYSV00000000 (deleted)',
    '7fb10a03d000-7fb10a03e000 rw-s 00000000 00:01 2565168    /memfd:buf (deleted)',
    '7fb10a223000-7fb10a224000 rw-s 00000000 00:01 2565167    /memfd:buf (deleted)',
    '7fb10a224000-7fb10a228000 rw-s 00000000 00:01 2565166    /dev/zero (deleted)',
    '7fb10a229000-7fb10a22d000 rw-s 00000000 00:01 2565165    /dev/zero (deleted)',
    // One memfd mapped twice: the same inode, one object.
    '7fb10a300000-7fb10a301000 rw-s 00000000 00:01 2565170    /memfd:two (deleted)',
    '7fb10a310000-7fb10a311000 rw-s 00000000 00:01 2565170    /memfd:two (deleted)',
    '',
  ].join('\n');
  const result = importProcMaps(text);
  checkEveryLineAccounted(text, result);
  // A shared anonymous mapping is made as one, which maps names as the capture does.
  assert.match(result.scenario, /= mmap 0x4000 rw shared anon at 0x7fb1_0a22_4000 fixed by host\n/);
  assert.match(result.scenario, /open memfd "SYSV00000000" 0x1000\n/);
  assert.deepEqual(
    diagnosticsWith(result.scenario, [
      'write 0x7fb10a03b000, 1, 0x11',
      'expect read 0x7fb10a03c000, 1 == 0x00',
      'write 0x7fb10a03d000, 1, 0x22',
      'expect read 0x7fb10a223000, 1 == 0x00',
      'write 0x7fb10a224000, 1, 0x33',
      'expect read 0x7fb10a229000, 1 == 0x00',
      'write 0x7fb10a300000, 1, 0x44',
      'expect read 0x7fb10a310000, 1 == 0x44',
    ]),
    [],
  );
});

test('/proc/PID/maps: a gap in the offsets, or offsets that only touch at other addresses, stay separate BOs', () => {
  const text = [
    // A gap: maybe one BO with its middle unmapped, maybe two; nothing tells.
    '7f0000000000-7f0000001000 rw-s 100000000 00:06 4   /dev/dri/renderD128',
    '7f0000002000-7f0000003000 rw-s 100002000 00:06 4   /dev/dri/renderD128',
    // Consecutive fake offsets mapped top-down, as drm_mm and mmap hand them out.
    '7f0000010000-7f0000011000 rw-s 100004000 00:06 4   /dev/dri/renderD128',
    '7f0000011000-7f0000012000 rw-s 100003000 00:06 4   /dev/dri/renderD128',
    '',
  ].join('\n');
  const result = importProcMaps(text);
  assert.equal((result.scenario.match(/= open device/g) ?? []).length, 4);
  assert.deepEqual(diagnosticsWith(result.scenario, []), []);
});

test('strace: a refused map at an offset inside a BO is made on that BO, where it is refused too', () => {
  const text = [
    'mmap(NULL, 12288, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100000000) = 0x7f0000000000',
    'mprotect(0x7f0000001000, 4096, PROT_READ) = 0',
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100001000) = -1 EINVAL (Invalid argument)',
    '',
  ].join('\n');
  const { scenario } = importStrace(text);
  assert.equal((scenario.match(/= open device/g) ?? []).length, 1);
  assert.match(scenario, /m3 = mmap 4096 rw shared fd f3 offset 0x100001000\n {2}expect m3 == EINVAL/);
  assert.deepEqual(diagnosticsWith(scenario, ['w = write m1 + 0x1000, 1, 0xCD', 'expect w == SIGSEGV']), []);
});

test('strace: a call that succeeded on memory exec mapped is a comment; a DONTUNMAP hint strace hides is said', () => {
  const text = [
    '100 mprotect(0x55828f8e1000, 4096, PROT_READ) = 0',
    '100 mmap(NULL, 2097152, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f7855600000',
    '100 mremap(0x7f7855600000, 2097152, 2097152, MREMAP_MAYMOVE|MREMAP_DONTUNMAP) = 0x7f7855200000',
    '',
  ].join('\n');
  const { scenario } = importStrace(text);
  assert.match(scenario, /^ {2}# m1 = mprotect 0x5582_8f8e_1000, 4096, r$/m);
  assert.match(scenario, /the call above succeeded there, so it is left as a comment/);
  assert.match(scenario, /# MREMAP_DONTUNMAP without MREMAP_FIXED: the kernel used new_address as a hint/);
  assert.deepEqual(
    analyseDocument(scenario)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message),
    [],
    'nothing the real process did is refused',
  );
});

test('strace: a FIXED move to a free destination is a step, and what follows it too', () => {
  const text = [
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000',
    'mremap(0x7f0000000000, 65536, 65536, MREMAP_MAYMOVE|MREMAP_FIXED, 0x20000000) = 0x20000000',
    'mremap(0x20000000, 65536, 65536, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 0x30000000) = 0x30000000',
    'mprotect(0x30000000, 4096, PROT_READ) = 0',
    'mmap(0x40000000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x40000000',
    '',
  ].join('\n');
  const { scenario } = importStrace(text);
  assert.match(scenario, /^ {2}m2 = mremap m1, 65536, 65536, maymove \| fixed, 0x2000_0000$/m);
  assert.match(scenario, /^ {2}m3 = mremap m2, 65536, 65536, maymove \| fixed \| dontunmap, 0x3000_0000$/m);
  assert.match(scenario, /^ {2}m4 = mprotect m3, 4096, r$/m);
  assert.doesNotMatch(scenario, /not mapped by any call/, 'a destination need not be mapped');
  assert.deepEqual(analyseDocument(scenario).diagnostics, []);
});

test('strace: madvise with advice the language has is a step (names, -X raw and -X verbose); other advice is skipped, named', () => {
  const text = [
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000',
    'madvise(0x7f0000000000, 16384, MADV_DONTFORK) = 0',
    'madvise(0x7f0000004000, 4096, MADV_DONTNEED) = 0',
    'madvise(0x7f0000004000, 4096, MADV_FREE) = 0',
    'madvise(0x7f0000004000, 4096, 0x15) = 0',
    'madvise(0x7f0000005000, 4096, 0x12 /* MADV_WIPEONFORK */) = 0',
    'madvise(0x7f0000005000, 4096, 19) = 0',
    'madvise(0x7f0000100000, 4096, MADV_DONTNEED) = -1 ENOMEM (Cannot allocate memory)',
    '',
  ].join('\n');
  const result = importStrace(text);
  checkEveryLineAccounted(text, result);
  const { scenario, lines } = result;
  assert.match(scenario, /^ {2}m2 = madvise m1, 16384, dontfork$/m);
  assert.match(scenario, /^ {2}m3 = madvise m1 \+ 0x4000, 4096, dontneed$/m);
  assert.match(scenario, /^ {2}m4 = madvise m1 \+ 0x4000, 4096, free$/m);
  assert.match(scenario, /^ {2}m5 = madvise m1 \+ 0x5000, 4096, wipeonfork$/m);
  assert.match(scenario, /^ {2}m6 = madvise m1 \+ 0x5000, 4096, keeponfork$/m);
  assert.match(
    scenario,
    /^ {2}m7 = madvise 0x7f00_0010_0000, 4096, dontneed\n(?: {2}#.*\n)? {2}expect m7 == ENOMEM$/m,
  );
  const skipped = lines.filter((l) => l.status === 'skipped').map((l) => [l.line, l.reason]);
  assert.deepEqual(
    skipped.map(([line]) => line),
    [5],
  );
  assert.match(
    String(skipped[0]?.[1]),
    /^MADV_PAGEOUT is not modelled \(drvmap's madvise takes MADV_DONTNEED, MADV_FREE, /,
  );
  assert.deepEqual(analyseDocument(scenario).diagnostics, []);
});

test('/proc/PID/maps: NVIDIA mappings (offset always 0) are an object each', () => {
  const text = [
    '7f1000000000-7f1000020000 rw-s 00000000 00:06 5   /dev/nvidia0',
    '7f1000020000-7f1000040000 rw-s 00000000 00:06 5   /dev/nvidia0',
    '',
  ].join('\n');
  const { scenario } = importProcMaps(text);
  assert.equal((scenario.match(/= open device "\/dev\/nvidia0" 0x2_0000\n/g) ?? []).length, 2);
  const probe = scenario.replace(
    /\}\n$/,
    '  write nvidia0, 4, 0x5a\n  expect read nvidia0_2, 4 == zero\n}\n',
  );
  assert.deepEqual(analyseDocument(probe).diagnostics, []);
});

test('/proc/PID/maps: an NVIDIA mapping split by mprotect is one object, mapped whole from offset 0; another mapping is another object', () => {
  const text = [
    '7f1000000000-7f1000010000 rw-s 00000000 00:06 5   /dev/nvidia0',
    '7f1000010000-7f1000020000 r--s 00010000 00:06 5   /dev/nvidia0',
    '7f1000040000-7f1000060000 rw-s 00000000 00:06 5   /dev/nvidia0',
    '',
  ].join('\n');
  const result = importProcMaps(text);
  checkEveryLineAccounted(text, result);
  assert.equal((result.scenario.match(/= open device/g) ?? []).length, 2, 'two objects, not three');
  assert.match(result.scenario, /f_nvidia0 = open device "\/dev\/nvidia0" 0x2_0000\n/);
  assert.match(
    result.scenario,
    /nvidia0 = mmap 0x2_0000 rw shared at 0x7f10_0000_0000 fixed fd f_nvidia0 by host\n {2}# 7f1000010000-/,
  );
  assert.match(result.scenario, /\n {2}mprotect 0x7f10_0001_0000, 0x1_0000, r\n/);
  assert.deepEqual(diagnosticsWith(result.scenario, []), []);
  // The second piece is the object's second half: a second mapping of it shows what it holds,
  // and the piece is read-only, as in the capture.
  assert.deepEqual(
    diagnosticsWith(result.scenario, [
      'again = mmap 0x2_0000 rw shared fd f_nvidia0',
      'write again + 0x1_0000, 1, 0xAB',
      'expect read nvidia0 + 0x1_0000, 1 == 0xAB',
      'w = write nvidia0 + 0x1_0000, 1, 0xCD',
      'expect w == SIGSEGV',
      'expect read nvidia0_2, 1 == zero',
    ]),
    [],
  );
});

test('a fresh capture made now imports completely', (t) => {
  const strace = spawnSync('strace', ['-V']);
  if (strace.status !== 0)
    return t.skip('strace is not installed (scripts/install-system-deps.sh installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-capture-'));
  execFileSync('bash', [join(root, 'scripts/capture-traces.sh'), dir], { stdio: 'pipe' });
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    const result = name.endsWith('.maps') ? importProcMaps(text) : importStrace(text);
    checkEveryLineAccounted(text, result);
  }
});

test('titles and file names with quotes, backslashes and line breaks become strings that read back', () => {
  const title = 'trace of "a\\b\\"\nnext line\\';
  const strace = importStrace(
    '1234  openat(AT_FDCWD, "/tmp/we\\"ird\\\\name", O_RDWR) = 3\n1234  mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0) = 0x7f0000000000\n',
    title,
  );
  const maps = importProcMaps(
    '7f0000000000-7f0000001000 r--s 00000000 00:05 1 /dev/dri/render"D\\128\n',
    title,
  );
  for (const result of [strace, maps]) {
    const file = parse(result.scenario);
    assert.deepEqual(file.errors, [], result.scenario);
    assert.equal(file.scenarios[0]?.name?.value, 'trace of "a\\b\\" next line\\');
  }
});

test('strace -X raw and -X verbose flags are read as the names the default output prints', () => {
  const raw = importStrace('100 mmap(NULL, 8192, 0x3, 0x22, -1, 0) = 0x7f66011d4000\n').scenario;
  const verbose = importStrace(
    '100 mmap(NULL, 8192, 0x3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0) = 0x7f66011d4000\n',
  ).scenario;
  for (const scenario of [raw, verbose]) assert.match(scenario, /^ {2}m1 = mmap 8192 rw private anon$/m);
  const moved = importStrace(
    [
      '1 mmap(NULL, 8192, 0x3, 0x22, -1, 0) = 0x7f0000000000',
      '1 mremap(0x7f0000000000, 8192, 16384, 0x1) = 0x7f1000000000',
      '1 mprotect(0x7f1000000000, 4096, 0) = 0',
      '1 mmap(NULL, 4096, 0x1, 0x3, 3, 0) = 0x7f2000000000',
    ].join('\n'),
  ).scenario;
  assert.match(moved, /m2 = mremap m1, 8192, 16384, maymove$/m);
  assert.match(moved, /m3 = mprotect m2, 4096, none$/m);
  assert.match(moved, /m4 = mmap 4096 r shared-validate fd f3$/m);
  assert.deepEqual(analyseDocument(raw).diagnostics, []);
});

test('strace -X raw: MAP_FIXED_NOREPLACE (0x100000), MREMAP_DONTUNMAP (0x4), MAP_32BIT (0x40) and MAP_ABOVE4G (0x80) are read by their bits', () => {
  // The numbers are the uapi values (include/uapi/asm-generic/mman-common.h, linux/mman.h, arch/x86
  // uapi asm/mman.h): strace -X raw prints nothing else, so a wrong bit loses the flag.
  const scenario = importStrace(
    [
      '1 mmap(0x10000000, 8192, 0x3, 0x22, -1, 0) = 0x10000000',
      '1 mmap(0x10000000, 4096, 0x3, 0x100022, -1, 0) = -1 EEXIST (File exists)',
      '1 mremap(0x10000000, 4096, 4096, 0x5, 0) = 0x7f0000000000',
      '1 mmap(NULL, 4096, 0x3, 0x62, -1, 0) = 0x40000000',
      '1 mmap(NULL, 4096, 0x3, 0xa2, -1, 0) = 0x7f1000000000',
    ].join('\n'),
  ).scenario;
  assert.match(
    scenario,
    /^ {2}m2 = mmap 4096 rw private anon fixed-noreplace at m1\n {2}expect m2 == EEXIST$/m,
  );
  assert.match(scenario, /^ {2}m3 = mremap m1, 4096, 4096, maymove \| dontunmap, 0$/m);
  assert.match(scenario, /^ {2}m4 = mmap 4096 rw private anon 32bit at 0x4000_0000$/m);
  assert.match(scenario, /^ {2}m5 = mmap 4096 rw private anon above4g$/m);
});

test('strace: a value strace has no name for (`0x8 /* MAP_??? */`) is read by its bits; the names beside it are kept', () => {
  // strace 6.1 predates MAP_DROPPABLE (6.11) and MADV_GUARD_INSTALL (6.13): printxval_ex and
  // printflags_ex print the number with a comment that names nothing.
  const text = [
    '1234 mmap(0x10000000, 16384, PROT_READ|PROT_WRITE, 0x8 /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x10000000',
    '1234 madvise(0x10000000, 4096, 0x66 /* MADV_??? */) = 0',
    '1234 mmap(0x20000000, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|0x8000000 /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x20000000',
    '1234 mprotect(0x20000000, 4096, PROT_READ|0x1000000 /* PROT_??? */) = 0',
    '1234 mmap(0x30000000, 4096, 0x1000001 /* PROT_??? */, 0x38 /* 0x8 /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS */, -1, 0) = 0x30000000',
    '',
  ].join('\n');
  const result = importStrace(text);
  checkEveryLineAccounted(text, result);
  const { scenario, lines } = result;
  assert.match(scenario, /^ {2}m1 = mmap 16384 rw droppable fixed anon at 0x1000_0000$/m);
  assert.match(
    scenario,
    /# 0x8000000: no drvmap word, left out\n {2}m\d = mmap 16384 rw private fixed anon at 0x2000_0000$/m,
  );
  // 0x1000000 is PROT_GROWSDOWN, which mprotect's PROT cannot say: the step stays a comment.
  assert.match(scenario, /^ {2}# m\d = mprotect m\d, 4096, r\n {2}# PROT_GROWSDOWN \(/m);
  assert.match(scenario, /^ {2}m\d = mmap 4096 r droppable fixed anon at 0x3000_0000$/m);
  const written = scenario.split('\n').filter((l) => !l.startsWith('  # 1234 '));
  assert.deepEqual(
    written.filter((l) => l.includes('???')),
    [],
    'no `???` is taken for a flag',
  );
  assert.equal(lines[1]?.status, 'skipped');
  assert.match(String(lines[1]?.reason), /^MADV_GUARD_INSTALL is not modelled /);
  assert.deepEqual(analyseDocument(scenario).diagnostics, []);
});

test('a flag drvmap has no word for is said in a comment, not dropped silently', () => {
  const scenario = importStrace(
    '100 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE|0x40000000, 3, 0) = 0x7f66011d4000\n',
  ).scenario;
  assert.match(
    scenario,
    /# MAP_DENYWRITE\|0x40000000: no drvmap word, left out\n {2}m1 = mmap 8192 r private fd f3/,
  );
});

test('an address inside a mapping the trace unmapped whole is not named after it; a live one is', () => {
  const scenario = importStrace(
    [
      '1 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000',
      '1 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000',
      '1 munmap(0x7f0000000000, 8192) = 0',
      '1 mprotect(0x7f0000000000, 4096, PROT_READ) = -1 ENOMEM (Cannot allocate memory)',
      '1 mprotect(0x7f0000011000, 4096, PROT_READ) = 0',
    ].join('\n'),
  ).scenario;
  assert.match(scenario, /m3 = munmap m1, 8192$/m);
  assert.match(scenario, /m4 = mprotect 0x7f00_0000_0000, 4096, r$/m);
  assert.match(scenario, /m5 = mprotect m2 \+ 0x1000, 4096, r$/m);
});

test('a long line of spaces is read in linear time (no backtracking regular expression)', () => {
  // Read and skipped: the expression this replaced backtracked for seconds over such a line.
  const result = importStrace(`mmap(${' '.repeat(200_000)}x`);
  assert.equal(result.lines[0]?.status, 'skipped');
  const resumed = importStrace(
    '5 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 <unfinished ...>\n5 <... mmap resumed>) = 0x7f0000000000\n',
  ).scenario;
  assert.match(resumed, /m1 = mmap 4096 r private anon$/m);
});

test('-X raw hugetlb flags: the page-size field is not MAP_UNINITIALIZED', () => {
  const named = importStrace(
    '1 mmap(NULL, 4194304, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0) = 0x7f0000000000\n',
  ).scenario;
  const raw = importStrace('1 mmap(NULL, 4194304, 0x3, 0x54040022, -1, 0) = 0x7f0000000000\n').scenario;
  const body = (s: string) =>
    s
      .split('\n')
      .filter((l) => !l.startsWith('  # 1 mmap'))
      .join('\n');
  assert.equal(body(raw), body(named));
  assert.match(raw, /m1 = mmap 4194304 rw private anon hugetlb noreserve$/m);
  // Without MAP_HUGETLB, bit 26 is MAP_UNINITIALIZED.
  assert.match(
    importStrace('1 mmap(NULL, 4096, 0x3, 0x4000022, -1, 0) = 0x7f0000000000\n').scenario,
    /m1 = mmap 4096 rw private anon uninitialized$/m,
  );
});

test('strace: each BO a render node maps at its fake offset is opened as that BO, and maps cleanly', () => {
  const text = [
    'openat(AT_FDCWD, "/dev/dri/renderD128", O_RDWR|O_CLOEXEC) = 3',
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100000000) = 0x7f0000000000',
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100010000) = 0x7f0000010000',
    '',
  ].join('\n');
  const { scenario } = importStrace(text);
  assert.match(scenario, /f3 = open device "\/dev\/dri\/renderD128" 0x1_0000 offset 0x1_0000_0000\n/);
  assert.match(scenario, /f3_2 = open device "\/dev\/dri\/renderD128" 0x1_0000 offset 0x1_0001_0000\n/);
  assert.match(scenario, /m2 = mmap 65536 rw shared fd f3_2 offset 0x100010000/);
  assert.deepEqual(
    analyseDocument(scenario).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

test('strace: a BO mapped 4 KiB and then whole is sized by its largest map, so both maps succeed', () => {
  const text = [
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100000000) = 0x7f0000000000',
    'munmap(0x7f0000000000, 4096) = 0',
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100000000) = 0x7f0000010000',
    // Refused, so it does not make the BO larger.
    'mmap(NULL, 131072, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100000000) = -1 EINVAL (Invalid argument)',
    '',
  ].join('\n');
  const { scenario } = importStrace(text);
  assert.match(scenario, /f3 = open device "\/dev\/dri\/renderD128" 0x1_0000 offset 0x1_0000_0000\n/);
  assert.equal((scenario.match(/= open device/g) ?? []).length, 1);
  assert.match(scenario, /m3 = mmap 65536 rw shared fd f3 offset 0x100000000/);
  // A BO first met in a refused map is sized by the first map that succeeds.
  const refusedFirst = importStrace(
    [
      'mmap(NULL, 131072, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100000000) = -1 EINVAL (Invalid argument)',
      'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/dri/renderD128>, 0x100000000) = 0x7f0000010000',
      '',
    ].join('\n'),
  ).scenario;
  assert.match(refusedFirst, /f3 = open device "\/dev\/dri\/renderD128" 0x1_0000 offset 0x1_0000_0000\n/);
  assert.deepEqual(
    analyseDocument(refusedFirst).diagnostics.map((d) => d.code),
    [],
  );
  assert.deepEqual(
    analyseDocument(scenario).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

test('strace: a BO met only in refused (EINVAL) maps is written so that the replay refuses them too', () => {
  // linux-mm §4.1: a BO smaller than the map, or no BO at the offset, is EINVAL.
  const tooSmall = importStrace(
    'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 5</dev/dri/renderD128>, 0x100000000) = -1 EINVAL (Invalid argument)\n',
  ).scenario;
  assert.match(tooSmall, /f5 = open device "\/dev\/dri\/renderD128" 0x1000 offset 0x1_0000_0000\n/);
  assert.deepEqual(
    analyseDocument(tooSmall).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
  // A one-page map at an offset where no BO starts (inside the BO mapped just before).
  const notAStart = importStrace(
    [
      'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 5</dev/dri/renderD128>, 0x100200000) = 0x7f0000000000',
      'mmap(0x7f0000010000, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 5</dev/dri/renderD128>, 0x100201000) = -1 EINVAL (Invalid argument)',
      '',
    ].join('\n'),
  ).scenario;
  assert.deepEqual(
    analyseDocument(notAStart).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
    notAStart,
  );
});

test('strace: an NVIDIA mapping is a device object, mixedmap only through the control node, as import maps makes it', () => {
  const text = [
    'mmap(NULL, 131072, PROT_READ|PROT_WRITE, MAP_SHARED, 5</dev/nvidia0>, 0) = 0x7f1000000000',
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 6</dev/nvidiactl>, 0) = 0x7f1000100000',
    '',
  ].join('\n');
  const { scenario } = importStrace(text);
  assert.match(scenario, /f5 = open device "\/dev\/nvidia0" 0x2_0000\n/);
  assert.match(scenario, /f6 = open device "\/dev\/nvidiactl" 0x1_0000 mixedmap\n/);
  assert.deepEqual(
    analyseDocument(scenario).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

test('import maps and strace: MADV_DOFORK on a GPU node /dev/nvidiaN is EINVAL (VM_IO), on /dev/nvidiactl it works (VM_MIXEDMAP)', () => {
  // nvidia_mmap_helper (kernel-open/nvidia/nv-mmap.c): a GPU node's BAR mapping is
  // VM_IO|VM_PFNMAP|VM_DONTEXPAND; the control node's system memory goes in with vm_insert_page.
  const maps = [
    '7f0000000000-7f0000010000 rw-s 00000000 00:05 1234  /dev/nvidia0',
    '7f0000020000-7f0000030000 rw-s 00000000 00:05 1233  /dev/nvidiactl',
    '',
  ].join('\n');
  const imported = importProcMaps(maps).scenario;
  const steps = [
    'd = madvise nvidia0, 64KiB, dofork',
    'expect d == EINVAL',
    'n = madvise nvidia0, 64KiB, dontneed',
    'expect n == EINVAL',
    'c = madvise nvidiactl, 64KiB, dofork',
    'expect c == ok',
  ];
  assert.deepEqual(diagnosticsWith(imported, steps), []);
  const strace = importStrace(
    [
      'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 5</dev/nvidia1>, 0) = 0x7f0000000000',
      'madvise(0x7f0000000000, 65536, MADV_DOFORK) = -1 EINVAL (Invalid argument)',
      '',
    ].join('\n'),
  ).scenario;
  assert.deepEqual(
    analyseDocument(strace).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
    strace,
  );
});

test('strace: MAP_DROPPABLE is a word; a failed call whose flag has no word is a comment, not an expectation that can only fail', () => {
  const text = [
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_DROPPABLE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000',
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED_VALIDATE|MAP_SYNC, 3, 0) = -1 EOPNOTSUPP (Operation not supported)',
    '',
  ].join('\n');
  const { scenario } = importStrace(text);
  assert.match(scenario, /^ {2}m1 = mmap 4096 rw droppable anon$/m);
  assert.match(scenario, /^ {2}# expect m2 == EOPNOTSUPP$/m);
  assert.match(scenario, /MAP_SYNC has no drvmap word and may be why the call failed/);
  assert.deepEqual(
    analyseDocument(scenario).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

test('strace without -y (fds as bare numbers): the import says so at the top and in its warnings; with -y it does not', () => {
  const bare = [
    'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000',
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 5, 0x100000000) = 0x7f0000100000',
    '',
  ].join('\n');
  const result = importStrace(bare);
  assert.equal(result.warnings?.length, 1);
  assert.match(result.warnings?.[0] ?? '', /^captured without strace -y: .*cannot be told from a file/);
  assert.match(result.scenario, /^scenario "imported from strace" \{\n {2}# captured without strace -y: /);
  // Imported all the same.
  assert.match(result.scenario, /m2 = mmap 65536 rw shared fd f5 offset 0x100000000/);
  // One fd shown with its path anywhere (an ioctl line strace printed with -y) says -y was used.
  const withY = importStrace(`ioctl(5</dev/dri/renderD128>, DRM_IOCTL_VERSION, 0x7ffd) = 0\n${bare}`);
  assert.deepEqual(withY.warnings, []);
  assert.doesNotMatch(withY.scenario, /without strace -y/);
  const deviceWithY = importStrace(
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 5</dev/dri/renderD128<char 226:128>>, 0x100000000) = 0x7f0000100000\n',
  );
  assert.deepEqual(deviceWithY.warnings, []);
  // Only anonymous maps: no fd to name, nothing to warn of.
  assert.deepEqual(importStrace(bare.split('\n')[0]!).warnings, []);
});

// A scenario's process is an ordinary one (a fixed map below vm.mmap_min_addr is EPERM); a
// capture that mapped below 0x1000 came from one that could, so the import lowers the minimum.
const MAPS_AT_ZERO = [
  '00000000-00010000 ---p 00000000 00:00 0',
  '7f0000000000-7f0000001000 rw-p 00000000 00:00 0',
  '',
].join('\n');
const STRACE_AT_ZERO =
  'mmap(NULL, 1114112, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0\n';

test('/proc/PID/maps and strace: a capture that maps below 0x1000 imports with `privileged`, and says why', () => {
  for (const scenario of [importProcMaps(MAPS_AT_ZERO).scenario, importStrace(STRACE_AT_ZERO).scenario]) {
    const lines = scenario.split('\n');
    // The setting comes first, under the header, with its reason just above it.
    assert.equal(lines[2], '  privileged', scenario);
    assert.match(lines[1]!, /^ {2}# the capture maps at 0x0, below vm\.mmap_min_addr's usual 0x1000: .*root/);
  }
});

test('/proc/PID/maps and strace: no `privileged` for a capture that maps nothing below 0x1000, or only failed to', () => {
  const refused =
    'mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = -1 EPERM (Operation not permitted)\n' +
    'mmap(0x1000, 4096, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x1000\n';
  assert.doesNotMatch(importStrace(refused).scenario, /privileged/);
  assert.doesNotMatch(
    importProcMaps(readFileSync(join(fixtures, 'python.maps'), 'utf8')).scenario,
    /privileged/,
  );
});

test('/proc/PID/maps and strace: a capture that maps at 0 imports as a scenario that checks clean', () => {
  for (const scenario of [importProcMaps(MAPS_AT_ZERO).scenario, importStrace(STRACE_AT_ZERO).scenario])
    assert.deepEqual(
      analyseDocument(scenario).diagnostics.map((d) => `${d.code}: ${d.message}`),
      [],
      scenario,
    );
});

test('strace: a root capture replays as root did, a low fixed map and a hint raised to the effective minimum alike', () => {
  const capture = [
    'mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0',
    'mmap(0x2000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x10000',
    'mmap(0x2000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0) = 0x2000',
  ].join('\n');
  const scenario = importStrace(capture).scenario;
  assert.deepEqual(
    analyseDocument(scenario).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
    scenario,
  );
});
