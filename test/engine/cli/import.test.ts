// `drvmap import strace|maps FILE` as a user runs it (node out/cli.js): the scenario on stdout,
// skipped lines with reasons on stderr, exit 0; bad usage and unreadable files exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');
const CLI = join(ROOT, 'out', 'cli.js');
const FIXTURES = join(ROOT, 'test', 'engine', 'import', 'fixtures');

function drvmap(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: FIXTURES, encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hasEscOrBel = (text: string) => text.includes('\u001b') || text.includes('\u0007');

test('import strace: the scenario on stdout, each skipped line on stderr with its reason', () => {
  const r = drvmap(['import', 'strace', 'c-dontunmap.strace']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^scenario "imported from c-dontunmap.strace" \{\n/);
  assert.match(r.stdout, /mremap m13, 20480, 20480, maymove \| dontunmap/);
  assert.match(r.stderr, /^c-dontunmap.strace:1: skipped: brk is not modelled/m);
  assert.match(r.stderr, /imported \d+ line\(s\), skipped 2\n$/);
});

test('import strace of a capture made without -y: a warning on stderr, and the import goes on', () => {
  const r = drvmap(
    ['import', 'strace', '-'],
    'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 5, 0x100000000) = 0x7f0000100000\n',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^-: warning: captured without strace -y: /m);
  assert.match(r.stdout, /m1 = mmap 65536 rw shared fd f5/);
});

test('import: nothing imported from lines not in the format exits 1 and says so; a capture of unmodelled calls exits 0', () => {
  // /proc/PID/maps given as strace, and strace given as maps: every line unread, an empty scenario.
  const maps = '7f57e0ac1000-7f57e0ac3000 rw-p 00000000 00:00 0 \n';
  const wrong = drvmap(['import', 'strace', '-'], maps);
  assert.equal(wrong.status, 1, wrong.stderr);
  assert.match(
    wrong.stderr,
    /^drvmap: nothing imported from -: 1 line\(s\) are not lines strace prints as the importer reads them/m,
  );
  const swapped = drvmap(['import', 'maps', 'c-relative-time.strace']);
  assert.equal(swapped.status, 1, swapped.stderr);
  assert.match(
    swapped.stderr,
    /nothing imported from c-relative-time\.strace: 11 line\(s\) are not \/proc\/PID\/maps lines\n$/,
  );
  // strace -r without pids is read (its lines start with spaces): 10 calls imported, exit 0.
  const relative = drvmap(['import', 'strace', 'c-relative-time.strace']);
  assert.equal(relative.status, 0, relative.stderr);
  assert.match(relative.stderr, /^drvmap: imported 10 line\(s\), skipped 1\n$/m);
  assert.doesNotMatch(relative.stderr, /nothing imported/);
  // Read, but only calls drvmap does not model: the import is empty, as the capture is.
  const unmodelled = drvmap(
    ['import', 'strace', '-'],
    'brk(NULL)                               = 0x55b0c0767000\n',
  );
  assert.equal(unmodelled.status, 0, unmodelled.stderr);
  assert.doesNotMatch(unmodelled.stderr, /nothing imported/);
  const empty = drvmap(['import', 'strace', '-'], '');
  assert.equal(empty.status, 0, empty.stderr);
});

test('import maps, from a file and from stdin', () => {
  const r = drvmap(['import', 'maps', 'python.maps']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^scenario "imported from python.maps" \{/);
  const piped = drvmap(['import', 'maps', '-'], '7f57e0ac1000-7f57e0ac3000 rw-p 00000000 00:00 0 \n');
  assert.equal(piped.status, 0, piped.stderr);
  assert.match(piped.stdout, /mmap/);
});

test('import: usage errors and unreadable files exit 2; --help exits 0', () => {
  assert.equal(drvmap(['import', 'pcap', 'x']).status, 2);
  assert.equal(drvmap(['import', 'strace']).status, 2);
  const bare = drvmap(['import']);
  assert.equal(bare.status, 2);
  assert.match(bare.stderr, /import needs a format, strace or maps, and a FILE/);
  const missing = drvmap(['import', 'strace', 'no-such-file']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read no-such-file/);
  const help = drvmap(['import', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /drvmap import strace \[--pid PID\] FILE/);
  // The capture the importer asks for (its without-strace-y warning names the same), and every call it imports.
  assert.match(help.stdout, /output of `strace -f -y -e trace=memory`/);
  assert.match(help.stdout, /its mmap, munmap, mremap, mprotect, madvise and mseal calls become steps/);
});

test('import strace --pid: one process; a pid not in the capture, a bad pid or --pid with maps exit 2', () => {
  const trace =
    '100 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000\n' +
    '101 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000\n';
  // The first process (100) is the one chosen: the other's calls are skipped.
  const one = drvmap(['import', 'strace', '--pid', '100', '-'], trace);
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /mmap 4096 r private anon/);
  assert.doesNotMatch(one.stdout, /mmap 8192/);
  assert.match(one.stderr, /-:2: skipped: process 101, not the one chosen \(100\)/);
  // The second: the first process's calls before its own first are what it starts from.
  const child = drvmap(['import', 'strace', '--pid', '101', '-'], trace);
  assert.match(child.stdout, /process 100's calls before process 101's first/);
  assert.match(child.stdout, /mmap 8192 r private anon/);
  assert.equal(drvmap(['import', 'strace', '--pid=100', '-'], trace).stdout, one.stdout);
  const absent = drvmap(['import', 'strace', '--pid', '7', '-'], trace);
  assert.equal(absent.status, 2);
  assert.match(absent.stderr, /process 7 is not in - \(processes in it: 100, 101\)/);
  assert.match(drvmap(['import', 'strace', '--pid', 'x', '-'], trace).stderr, /--pid takes a process id/);
  assert.equal(drvmap(['import', 'maps', '--pid', '1', 'python.maps']).status, 2);
});

test('import: a skipped line is shown with its control characters escaped on stderr', () => {
  const capture =
    'mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n' +
    'foo\u001b[2Jbar\u001b]0;title\u0007(1) = 0\n';
  const r = drvmap(['import', 'strace', '-'], capture);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!hasEscOrBel(r.stderr), JSON.stringify(r.stderr));
  assert.match(r.stderr, /^-:2: skipped: .*: foo\\x1b\[2Jbar\\x1b\]0;title\\x07\(1\) = 0$/m);
});

test("import maps|strace: a capture's control characters are escaped in the scenario on stdout", () => {
  // The security review's captures: a file name and a line ending in an OSC that sets the title.
  const maps = drvmap(
    ['import', 'maps', '-'],
    '7f0000000000-7f0000001000 rw-p 00000000 00:00 0 /x\u001b]0;PWNED\u0007\n',
  );
  assert.equal(maps.status, 0, maps.stderr);
  assert.ok(!hasEscOrBel(maps.stdout), JSON.stringify(maps.stdout));
  assert.match(
    maps.stdout,
    /^ {2}# 7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \/x\\x1b\]0;PWNED\\x07$/m,
  );
  assert.match(maps.stdout, /= open file "\/x\\\\x1b\]0;PWNED\\\\x07" 0x1000$/m);
  const strace = drvmap(['import', 'strace', '-'], 'munmap(0x7f0000010000, 4096) = 0 \u001b]0;PWNED\u0007\n');
  assert.equal(strace.status, 0, strace.stderr);
  assert.ok(!hasEscOrBel(strace.stdout), JSON.stringify(strace.stdout));
  assert.match(strace.stdout, /^ {2}# munmap\(0x7f0000010000, 4096\) = 0 \\x1b\]0;PWNED\\x07$/m);
});

test('import: an unknown option or one given twice is named, exit 2, as check and trace say; a FILE named like an option after --', () => {
  const bogus = drvmap(['import', 'strace', '--bogus', 'c-dontunmap.strace']);
  assert.equal(bogus.status, 2);
  assert.match(
    bogus.stderr,
    /^drvmap: unknown option --bogus for `drvmap import`\nRun `drvmap import --help` for usage\.\n$/,
  );
  const maps = drvmap(['import', 'maps', '--bogus']);
  assert.equal(maps.status, 2);
  assert.match(maps.stderr, /^drvmap: unknown option --bogus for `drvmap import`/);
  const twice = drvmap(['import', 'strace', '--pid', '1234', '--pid', '1234', 'c-dontunmap.strace']);
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /^drvmap: --pid is given more than once\n/);
  assert.equal(drvmap(['import', 'strace', '--pid=1', '--pid', '1', '-'], '').status, 2);
  // After `--` a word is the FILE, even one that starts with a dash.
  const dashed = drvmap(['import', 'maps', '--', '--bogus']);
  assert.equal(dashed.status, 2);
  assert.match(dashed.stderr, /^drvmap: cannot read --bogus: no such file or directory/);
  const file = drvmap(['import', 'maps', '--', 'python.maps']);
  assert.equal(file.status, 0, file.stderr);
  assert.match(file.stdout, /^scenario "imported from python.maps" \{/);
});

test('import of a UTF-16 capture: with a byte-order mark it is read as its text; without one, one message says why', () => {
  const capture = readFileSync(join(FIXTURES, 'c-dontunmap.strace'), 'utf8').replaceAll('\n', '\r\n');
  const utf8 = drvmap(['import', 'strace', '-'], capture);
  // Windows PowerShell 5.1's `>` writes UTF-16LE with a byte-order mark.
  const utf16 = drvmap(['import', 'strace', '-'], Buffer.from('\ufeff' + capture, 'utf16le'));
  assert.equal(utf16.status, 0, utf16.stderr);
  assert.equal(utf16.stdout, utf8.stdout);
  assert.equal(utf16.stderr, utf8.stderr);
  const noBom = drvmap(['import', 'strace', '-'], Buffer.from(capture, 'utf16le'));
  assert.equal(noBom.status, 2);
  assert.equal(
    noBom.stderr,
    'drvmap: cannot read -: this looks like UTF-16 without a byte-order mark; save it as UTF-8\n',
  );
});
