// What a replayed import answers where the kernel's answer depends on how the capture's memory was
// made: VMA boundaries the kernel kept, anonymous memory behind a device name, hugetlb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTrace } from '../../../server/src/cli/trace';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { importProcMaps, importStrace } from './parsing-importers';

const fixtures = join(__dirname, '..', '..', '..', '..', 'test/engine/import/fixtures');

/** The errors and warnings of `scenario` with `probe` (steps and expectations) added at its end. */
function diagnosticsWith(scenario: string, probe: readonly string[]): string[] {
  const text = scenario.replace(/\}\n$/, probe.map((l) => `  ${l}\n`).join('') + '}\n');
  return analyseDocument(text)
    .diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => `${d.code}: ${d.message}`);
}

/** How many VMAs /proc/PID/maps would list after the scenario's last step. */
function kernelVmasAtEnd(scenario: string): number {
  const steps = buildTrace('import.drvmap', scenario).scenarios[0]!.steps;
  const last = steps[steps.length - 1]!;
  return last.kernelVmas ?? last.mappings.length;
}

/** `scenario` with `setting` added under its header. */
function withSetting(scenario: string, setting: string): string {
  return scenario.replace(/\{\n/, `{\n  ${setting}\n`);
}

test('/proc/PID/maps: a library segment next to its RELRO segment (same protection, contiguous offsets) stays two VMAs', () => {
  const text = [
    '7f0000000000-7f0000001000 r--p 00000000 fe:00 100                        /usr/lib/libx.so',
    '7f0000001000-7f0000002000 r--p 00001000 fe:00 100                        /usr/lib/libx.so',
    '',
  ].join('\n');
  const { scenario } = importProcMaps(text);
  // ld.so mapped RELRO writable, wrote its relocations and made it read-only: it keeps VM_ACCOUNT
  // and its anon_vma, so it does not merge with the never-written segment before it.
  assert.match(
    scenario,
    /libx_so_2 = mmap 0x1000 rw private populate at 0x7f00_0000_1000 fixed fd f_libx_so offset 0x1000 by host\n {2}mprotect libx_so_2, 0x1000, r\n/,
  );
  assert.equal(kernelVmasAtEnd(scenario), 2, scenario);
  // mremap's range spans two VMAs: EFAULT (facts linux-mm §3.2).
  assert.deepEqual(
    diagnosticsWith(scenario, ['g = mremap libx_so, 0x2000, 0x3000, maymove', 'expect g == EFAULT']),
    [],
  );
  // The file's data is what both lines read: populate's write faults copy it, they write nothing.
  assert.deepEqual(diagnosticsWith(scenario, ['expect read libx_so_2, 1 == 0x00']), []);
});

test('/proc/PID/maps: three segments at one protection alternate, so none merges with the next', () => {
  const text = [
    '7f0000000000-7f0000001000 r--p 00000000 fe:00 100                        /usr/lib/libx.so',
    '7f0000001000-7f0000002000 r--p 00001000 fe:00 100                        /usr/lib/libx.so',
    '7f0000002000-7f0000003000 r--p 00002000 fe:00 100                        /usr/lib/libx.so',
    '',
  ].join('\n');
  const { scenario } = importProcMaps(text);
  assert.equal(kernelVmasAtEnd(scenario), 3, scenario);
});

test('/proc/PID/maps: writable lines of one file kept apart get an anon_vma each, so they stay apart', () => {
  const text = [
    '7f0000000000-7f0000001000 rw-p 00000000 fe:00 100                        /usr/lib/libx.so',
    '7f0000001000-7f0000002000 rw-p 00001000 fe:00 100                        /usr/lib/libx.so',
    '7f0000002000-7f0000003000 rw-p 00002000 fe:00 100                        /usr/lib/libx.so',
    '',
  ].join('\n');
  const { scenario } = importProcMaps(text);
  assert.match(
    scenario,
    /libx_so = mmap 0x1000 rw private populate at 0x7f00_0000_0000 fixed fd f_libx_so by host\n/,
  );
  assert.match(
    scenario,
    /libx_so_2_made = mmap 0x1000 rw private populate fd f_libx_so offset 0x1000 by host\n {2}libx_so_2 = mremap libx_so_2_made, 0x1000, 0x1000, maymove \| fixed, 0x7f00_0000_1000\n/,
  );
  assert.equal(kernelVmasAtEnd(scenario), 3, scenario);
  assert.deepEqual(
    diagnosticsWith(scenario, [
      'g = mremap libx_so, 0x2000, 0x3000, maymove',
      'expect g == EFAULT',
      'expect read libx_so_3, 1 == 0x00',
    ]),
    [],
  );
});

test('/proc/PID/maps: a DRM BO shown as two lines at one protection stays two VMAs (VM_PFNMAP never merges)', () => {
  const text = [
    '7f1234560000-7f1234570000 rw-s 100000000 00:06 1234                      /dev/dri/renderD128',
    '7f1234570000-7f1234580000 rw-s 100010000 00:06 1234                      /dev/dri/renderD128',
    '',
  ].join('\n');
  const { scenario } = importProcMaps(text);
  assert.equal(kernelVmasAtEnd(scenario), 2, scenario);
  // Before 6.17 mremap moves one VMA only: a range over two is EFAULT (facts linux-mm §3.2, §3.4).
  assert.deepEqual(
    diagnosticsWith(withSetting(scenario, 'kernel 6.6'), [
      'mv = mremap renderd128, 0x2_0000, 0x2_0000, maymove fixed, 0x1000_0000',
      'expect mv == EFAULT',
    ]),
    [],
  );
});

test('a private /dev/zero mapping is private anonymous memory (mmap_zero: vma_set_anonymous), in both importers', () => {
  const strace = importStrace(
    [
      'mmap(0x60000000, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE, 3</dev/zero>, 0) = 0x60000000',
      'madvise(0x60000000, 8192, MADV_FREE) = 0',
      '',
    ].join('\n'),
  ).scenario;
  assert.match(strace, /m1 = mmap 8192 rw private anon at 0x6000_0000\n/);
  assert.doesNotMatch(strace, /open \w+ "\/dev\/zero"/);
  assert.deepEqual(diagnosticsWith(strace, ['expect m2 == ok']), []);
  const maps = importProcMaps(
    '60000000-60002000 rw-p 00000000 00:06 4                          /dev/zero\n',
  ).scenario;
  assert.match(maps, /\w+ = mmap 0x2000 rw private anon at 0x6000_0000 fixed by host\n/);
  assert.match(maps, /# \/dev\/zero mapped private is anonymous memory .*names it as anonymous memory/);
  assert.doesNotMatch(maps, /memfd/);
  assert.deepEqual(diagnosticsWith(maps, ['f = madvise 0x6000_0000, 0x2000, free', 'expect f == ok']), []);
  // A shared one is shmem, as before.
  assert.match(
    importStrace('mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/zero>, 0) = 0x60000000\n')
      .scenario,
    /open memfd|open file "\/dev\/zero"/,
  );
});

test('/proc/PID/maps: an /anon_hugepage line is an anonymous hugetlb mapping, which a 4 KiB munmap cannot split', () => {
  const text = [
    '40000000-40200000 rw-p 00000000 00:11 523830                             /anon_hugepage (deleted)',
    '7f0000000000-7f0000400000 rw-s 00000000 00:11 523831                     /anon_hugepage (deleted)',
    '',
  ].join('\n');
  const { scenario } = importProcMaps(text);
  assert.match(
    scenario,
    /anon_hugepage = mmap 0x20_0000 rw private anon hugetlb noreserve at 0x4000_0000 fixed by host\n/,
  );
  assert.match(
    scenario,
    /= mmap 0x40_0000 rw shared anon hugetlb noreserve at 0x7f00_0000_0000 fixed by host\n/,
  );
  assert.doesNotMatch(scenario, /open file/);
  assert.deepEqual(diagnosticsWith(scenario, []), []);
  // hugetlb_vm_op_split refuses a split off the huge page: EINVAL.
  assert.deepEqual(
    diagnosticsWith(scenario, ['res = munmap anon_hugepage, 0x1000', 'expect res == EINVAL']),
    [],
  );
});

test('strace: a hugetlb map the capture made maps in the replay too; the 2 MiB size bits are the default size', () => {
  const { scenario } = importStrace(
    'mmap(NULL, 2097152, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0) = 0x7f0000000000\n',
  );
  assert.match(scenario, /m1 = mmap 2097152 rw private anon hugetlb noreserve\n/);
  assert.doesNotMatch(scenario, /no drvmap word/);
  assert.deepEqual(diagnosticsWith(scenario, ['res = munmap m1, 0x1000', 'expect res == EINVAL']), []);
});

test('strace -y: a memfd and a deleted file, in either spelling strace prints, open under their own names', () => {
  for (const fd of ['3</memfd:wow>(deleted)', '3</memfd:wow (deleted)>']) {
    const { scenario } = importStrace(
      `31309 mmap(0x30000000, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, ${fd}, 0) = 0x30000000\n`,
    );
    assert.match(scenario, /\n {2}f3 = open memfd "wow" 0x2000\n/, scenario);
    assert.match(scenario, /m1 = mmap 8192 rw shared at 0x3000_0000 fd f3\n/);
  }
  for (const fd of ['4</tmp/data.bin>(deleted)', '4</tmp/data.bin (deleted)>']) {
    const { scenario } = importStrace(
      `mmap(NULL, 4096, PROT_READ, MAP_SHARED, ${fd}, 0x1000) = 0x7f0000000000\n`,
    );
    assert.match(scenario, /\n {2}f4 = open file "\/tmp\/data\.bin" 0x2000\n/, scenario);
  }
});

test('/proc/PID/maps: adjacent lines the replay makes as anonymous memory stay apart, as the kernel kept them (private /dev/zero keeps its file)', () => {
  // Two private /dev/zero lines at offset 0 (pgoffs not contiguous), and one next to anonymous
  // memory (another file): the kernel merged neither pair.
  const zeros = [
    '7f0000000000-7f0000001000 rw-p 00000000 00:06 4                          /dev/zero',
    '7f0000001000-7f0000002000 rw-p 00000000 00:06 4                          /dev/zero',
  ].join('\n');
  const mixed = [
    '7f0000000000-7f0000001000 rw-p 00000000 00:00 0 ',
    '7f0000001000-7f0000002000 rw-p 00000000 00:05 4                          /dev/zero',
    '7f0000002000-7f0000003000 r--p 00000000 00:00 0 ',
    '7f0000003000-7f0000004000 r--p 00000000 00:00 0 ',
  ].join('\n');
  assert.equal(kernelVmasAtEnd(importProcMaps(zeros).scenario), 2);
  assert.equal(kernelVmasAtEnd(importProcMaps(mixed).scenario), 4);
  // Kept apart by MAP_NORESERVE on every second line, not by writing them: a reservation the
  // capture held uncommitted stays uncommitted (512 GiB made writable would be ENOMEM).
  const reservations = importProcMaps(
    '7e0000000000-7f0000000000 ---p 00000000 00:00 0 \n7f0000000000-7f8000000000 ---p 00000000 00:00 0 \n',
  ).scenario;
  assert.doesNotMatch(reservations, /populate|mprotect/);
  assert.match(reservations, /mmap 0x80_0000_0000 none private anon noreserve at 0x7f00_0000_0000 fixed/);
  assert.equal(kernelVmasAtEnd(reservations), 2);
  // Each still reads zero.
  assert.deepEqual(
    diagnosticsWith(importProcMaps(mixed).scenario, [
      '  expect read 0x7f0000001000, 1 == zero',
      '  expect read 0x7f0000003000, 1 == zero',
    ]),
    [],
  );
});

test('/proc/PID/maps: adjacent shared lines of one file the kernel kept apart stay apart in the replay, and share their pages', () => {
  const memfd = [
    '7f0000000000-7f0000002000 rw-s 00000000 00:01 1234                       /memfd:wow (deleted)',
    '7f0000002000-7f0000004000 rw-s 00002000 00:01 1234                       /memfd:wow (deleted)',
    '7f0000004000-7f0000006000 rw-s 00004000 00:01 1234                       /memfd:wow (deleted)',
  ].join('\n');
  const { scenario } = importProcMaps(memfd);
  assert.equal(kernelVmasAtEnd(scenario), 3);
  // Every second line of the run is made with noreserve, and all three map the one memfd.
  assert.deepEqual(scenario.match(/= mmap 0x2000 rw shared( noreserve)? at/g), [
    '= mmap 0x2000 rw shared at',
    '= mmap 0x2000 rw shared noreserve at',
    '= mmap 0x2000 rw shared at',
  ]);
  assert.equal(scenario.match(/open memfd/g)?.length, 1);
  assert.deepEqual(
    diagnosticsWith(scenario, [
      '  w = write 0x7f0000002000, 1, 0x5a',
      '  expect read 0x7f0000002000, 1 == 0x5a',
    ]),
    [],
  );
  // Lines of one file that plain maps would not merge (a gap in the offsets) are made as they are.
  const apart = importProcMaps(
    [
      '7f0000000000-7f0000002000 rw-s 00000000 00:01 1234                       /memfd:wow (deleted)',
      '7f0000002000-7f0000004000 rw-s 00004000 00:01 1234                       /memfd:wow (deleted)',
    ].join('\n'),
  ).scenario;
  assert.doesNotMatch(apart, /noreserve/);
  assert.equal(kernelVmasAtEnd(apart), 2);
});

test('strace: an mseal line is an mseal step, and what the seal refused afterwards replays as refused', () => {
  const trace = [
    'mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000',
    'mseal(0x7f0000010000, 16384, 0) = 0',
    'munmap(0x7f0000010000, 4096) = -1 EPERM (Operation not permitted)',
  ].join('\n');
  const { scenario } = importStrace(trace);
  assert.match(scenario, /\n {2}m2 = mseal m1, 16384\n/);
  assert.match(scenario, /expect m3 == EPERM/);
  assert.deepEqual(diagnosticsWith(scenario, []), []);
});

test('strace: a MAP_32BIT map replays where the kernel put it (its start is random), so what the kernel allowed next to it is allowed', () => {
  // strace of `mmap(NULL, 4096, …, MAP_32BIT)` then a fixed-noreplace map at 1 GiB (Linux 6.18).
  const { scenario } = importStrace(
    [
      'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT, -1, 0) = 0x41775000',
      'mmap(0x40000000, 65536, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0) = 0x40000000',
      '',
    ].join('\n'),
  );
  assert.match(
    scenario,
    /# MAP_32BIT: the kernel starts its search at a random page .*\n {2}m1 = mmap 4096 rw private anon 32bit at 0x4177_5000\n/,
  );
  assert.deepEqual(diagnosticsWith(scenario, ['expect m1 == 0x4177_5000', 'expect m2 == 0x4000_0000']), []);
  // c-map32bit.strace (map32bit.c): the fixed map at 1 GiB below the MAP_32BIT one grows in place.
  const capture = readFileSync(join(fixtures, 'c-map32bit.strace'), 'utf8');
  const replay = importStrace(capture).scenario;
  assert.match(replay, /m18 = mmap 16384 rw private anon 32bit at 0x41f2_5000\n/);
  assert.match(replay, /m21 = mremap m16, 32768, 65536, maymove\n/);
  assert.deepEqual(diagnosticsWith(replay, ['expect m18 == 0x41f2_5000', 'expect m21 == 0x4000_0000']), []);
  // Only MAP_32BIT's placement is random: a plain map keeps no address, a fixed MAP_32BIT map and
  // one whose own hint the kernel took are written as before.
  assert.match(replay, /m1 = mmap 8192 rw private anon\n/);
  const unchanged = importStrace(
    [
      'mmap(0x20000000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT, -1, 0) = 0x20000000',
      'mmap(0x300000000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT|MAP_FIXED, -1, 0) = 0x300000000',
      '',
    ].join('\n'),
  ).scenario;
  assert.match(unchanged, /m1 = mmap 4096 rw private anon 32bit at 0x2000_0000\n/);
  assert.match(unchanged, /m2 = mmap 4096 rw private anon 32bit fixed at 0x3_0000_0000\n/);
  assert.doesNotMatch(unchanged, /random/);
});

/** The permissions column of every mapping after the scenario's last step, by start. */
function permsAtEnd(scenario: string): string[] {
  const steps = buildTrace('import.drvmap', scenario).scenarios[0]!.steps;
  return steps[steps.length - 1]!.mappings.map((m) => `${m.startPlain} ${m.perms}`);
}

test('write with exec is `wx` in both importers; write alone and exec alone are made rw and rx with a comment, never silently', () => {
  // t2.c: three anonymous pages, the second made PROT_WRITE|PROT_EXEC, the third PROT_WRITE (Linux 6.18).
  const strace = importStrace(
    [
      'mmap(NULL, 12288, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f38481c6000',
      'mprotect(0x7f38481c7000, 4096, PROT_WRITE|PROT_EXEC) = 0',
      'mprotect(0x7f38481c8000, 4096, PROT_WRITE) = 0',
      'mmap(NULL, 4096, PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f38481c5000',
      'mmap(NULL, 4096, PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f38481c4000',
      '',
    ].join('\n'),
  ).scenario;
  assert.match(strace, /\n {2}m1 = mmap 12288 rw private anon\n/);
  assert.match(strace, /\n {2}m2 = mprotect m1 \+ 0x1000, 4096, wx\n/);
  assert.match(
    strace,
    /# write-only \(-w-\): no drvmap word, made rw;.*\n {2}m3 = mprotect m1 \+ 0x2000, 4096, rw\n/,
  );
  assert.match(strace, /\n {2}m4 = mmap 4096 wx private anon\n/);
  assert.match(
    strace,
    /# execute-only \(--x\): no drvmap word, made rx;.*\n {2}m5 = mmap 4096 rx private anon\n/,
  );
  assert.equal(strace.match(/no drvmap word, made/g)?.length, 2, 'only the two it cannot say');
  assert.deepEqual(diagnosticsWith(strace, []), []);
  // t2.maps: the kernel kept the -wx and -w- pages apart from the rw ones around them.
  const maps = importProcMaps(
    [
      '7f6e276ea000-7f6e276eb000 rw-p 00000000 00:00 0 ',
      '7f6e276eb000-7f6e276ec000 -wxp 00000000 00:00 0 ',
      '7f6e276ec000-7f6e276ed000 -w-p 00000000 00:00 0 ',
      '7f6e276ed000-7f6e276ef000 rw-p 00000000 00:00 0 ',
      '',
    ].join('\n'),
  ).scenario;
  assert.match(
    maps,
    /\n {2}map_7f6e276eb000 = mmap 0x1000 wx private anon at 0x7f6e_276e_b000 fixed by host\n/,
  );
  // The -w- line is said to be made rw above the step, and its rw neighbour is kept apart from it.
  assert.match(
    maps,
    /-w-p 00000000 00:00 0\n {2}# write-only \(-w-\): no drvmap word, made rw;.*\n {2}map_7f6e276ec000 = mmap 0x1000 rw private anon at/,
  );
  assert.match(
    maps,
    /# a VMA of its own in the capture.*\n {2}map_7f6e276ed000 = mmap 0x2000 rw private anon noreserve at/,
  );
  assert.equal(kernelVmasAtEnd(maps), 4, maps);
  assert.deepEqual(permsAtEnd(maps), [
    '7f6e276ea000 rw-p',
    '7f6e276eb000 -wxp',
    '7f6e276ec000 rw-p',
    '7f6e276ed000 rw-p',
  ]);
});

test('strace: an mseal strace could not name (`syscall_0x1ce`, or `syscall_462`) is an mseal step; other numbers stay skipped', () => {
  // strace 6.1 of t8.c, `syscall(462, d, 8192, 0)` then munmap (Linux 6.18, x86-64).
  for (const printed of ['syscall_0x1ce', 'syscall_462']) {
    const result = importStrace(
      [
        'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f7eb7e18000',
        `${printed}(0x7f7eb7e18000, 0x2000, 0, 0xffffffff, 0, 0) = 0`,
        'munmap(0x7f7eb7e18000, 8192)            = -1 EPERM (Operation not permitted)',
        '',
      ].join('\n'),
    );
    assert.match(
      result.scenario,
      new RegExp(`# ${printed} is mseal, x86-64's syscall 462.*\\n {2}m2 = mseal m1, 0x2000\\n`),
    );
    assert.deepEqual(
      result.lines.map((l) => l.status),
      ['imported', 'imported', 'imported'],
    );
    assert.deepEqual(diagnosticsWith(result.scenario, []), []);
  }
  const other = importStrace(
    'syscall_0x1cf(0x7f7eb7e18000, 0x2000, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)\n',
  );
  assert.deepEqual(
    other.lines.map((l) => l.reason),
    [`syscall_0x1cf is not modelled (drvmap models mmap, munmap, mremap, mprotect, madvise, mseal)`],
  );
  assert.doesNotMatch(other.scenario, /mseal/);
});

test('strace -yy: a device fd is its path without the `<char M:N>` after it, so private /dev/zero is anonymous memory and a render node a BO', () => {
  // strace -f -yy of t7.c: /dev/zero opened and mapped private, then MADV_FREE (Linux 6.18).
  const zero = importStrace(
    [
      'openat(AT_FDCWD</tmp/review-import>, "/dev/zero", O_RDWR) = 3</dev/zero<char 1:5>>',
      'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE, 3</dev/zero<char 1:5>>, 0) = 0x7fb4d653a000',
      'madvise(0x7fb4d653a000, 8192, MADV_FREE) = 0',
      '',
    ].join('\n'),
  ).scenario;
  assert.match(zero, /\n {2}m1 = mmap 8192 rw private anon\n/);
  assert.doesNotMatch(zero, /open \w+ /);
  assert.deepEqual(diagnosticsWith(zero, ['expect m2 == ok']), []);
  const bo = importStrace(
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 5</dev/dri/renderD128<char 226:128>>, 0x100000000) = 0x7f0000000000\n',
  ).scenario;
  assert.match(bo, /f5 = open device "\/dev\/dri\/renderD128" 0x1_0000 offset 0x1_0000_0000\n/);
  // Unchanged: -y's form, a memfd under -yy (no device number), and a path with `>` in it.
  const plain = importStrace(
    [
      'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3</dev/zero>, 0) = 0x7f0000010000',
      'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 4</memfd:gpu>(deleted), 0) = 0x7f0000020000',
      'mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 6</tmp/a>b<c>, 0) = 0x7f0000030000',
      '',
    ].join('\n'),
  ).scenario;
  assert.match(plain, /\n {2}f3 = open file "\/dev\/zero" 0x2000\n/);
  assert.match(plain, /\n {2}f4 = open memfd "gpu" 0x1_0000\n/);
  assert.match(plain, /\n {2}f6 = open file "\/tmp\/a>b<c" 0x1000\n/);
});
