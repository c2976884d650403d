// A named pipe (FIFO) never stalls the CLI: found in a checked directory it is an unreadable file,
// given as an argument with no writer it is refused, and with a writer it is read. Real FIFOs
// (mkfifo) in a temporary directory; the bundled CLI runs in a child process with a timeout, so a
// hang fails the test instead of stalling the suite. Needs `node scripts/build.mjs` and mkfifo
// (not on Windows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertSarifShape } from './sarif-shape';
import { CLEAN } from './fixtures';

const ROOT = resolve(__dirname, '../../../..');
const CLI = join(ROOT, 'out', 'cli.js');
/** Far more than any of these runs takes; a run that reaches it hung. */
const TIMEOUT_MS = 30_000;
const skip = process.platform === 'win32' ? 'no mkfifo on Windows' : false;

function drvmap(args: string[], cwd: string, input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL',
    ...(input !== undefined ? { input } : { stdio: ['ignore', 'pipe', 'pipe'] }),
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
  });
  assert.equal(
    r.error,
    undefined,
    `drvmap ${args.join(' ')} did not finish in ${TIMEOUT_MS / 1000} s: ${String(r.error)}`,
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fifoDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-fifo-'));
  writeFileSync(join(dir, 'ok.drvmap'), CLEAN);
  execFileSync('mkfifo', [join(dir, 'z.drvmap')]);
  return dir;
}

test(
  'a FIFO named *.drvmap in a checked directory is unreadable (exit 2), not opened; the rest is checked',
  { skip },
  () => {
    const dir = fifoDir();
    symlinkSync('z.drvmap', join(dir, 'link-to-fifo.drvmap'));
    const r = drvmap(['check', '--format', 'json', '.'], dir);
    assert.equal(r.status, 2, r.stderr);
    const report = JSON.parse(r.stdout) as {
      files: { path: string }[];
      unreadable: { path: string; message: string }[];
    };
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['ok.drvmap'],
    );
    assert.deepEqual(report.unreadable, [
      { path: 'link-to-fifo.drvmap', message: 'not a regular file: a named pipe (FIFO)' },
      { path: 'z.drvmap', message: 'not a regular file: a named pipe (FIFO)' },
    ]);
    assert.match(r.stderr, /^drvmap: cannot read z\.drvmap: not a regular file: a named pipe \(FIFO\)$/m);
    // The report is written, as the reviewer's CI job needs it.
    const sarif = drvmap(['check', '--format', 'sarif', '-o', 'out.sarif', '.'], dir);
    assert.equal(sarif.status, 2);
    assertSarifShape(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')));
  },
);

test(
  'a FIFO given as an argument with no writer is refused, not waited for, by every command',
  { skip },
  () => {
    const dir = fifoDir();
    for (const args of [
      ['check', 'z.drvmap', 'ok.drvmap'],
      ['trace', 'z.drvmap'],
      ['explore', 'z.drvmap'],
      ['import', 'strace', 'z.drvmap'],
    ]) {
      const r = drvmap(args, dir);
      assert.equal(r.status, 2, `drvmap ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /z\.drvmap: a named pipe \(FIFO\) with no writer/, args.join(' '));
    }
  },
);

test('a pipe is still read: standard input, and /dev/stdin when it is a pipe', { skip }, () => {
  const dir = fifoDir();
  const stdin = drvmap(['check', '-'], dir, CLEAN);
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.match(stdin.stdout, /1 file checked: no problems\n$/);
  // Through a shell, so that standard input is a pipe (spawnSync's `input` is a socket, which
  // /dev/stdin cannot open): the path leads to no named pipe, and the writer is there.
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const r = spawnSync(
    'sh',
    ['-c', `cat ok.drvmap | ${quote(process.execPath)} ${quote(CLI)} check /dev/stdin`],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
      killSignal: 'SIGKILL',
      env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
    },
  );
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 file checked: no problems\n$/);
});

/** Whether process `pid` has `path` open (Linux: /proc/PID/fd). */
function hasOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

test(
  'a FIFO that a program writes is read to its end',
  { skip: process.platform !== 'linux' ? 'needs Linux (O_RDWR on a FIFO, /proc)' : false },
  async () => {
    const dir = fifoDir();
    const fifo = realpathSync(join(dir, 'z.drvmap'));
    // Open read-write, this process is the pipe's writer without waiting for a reader (Linux).
    const writer = openSync(fifo, constants.O_RDWR);
    const child = spawn(process.execPath, [CLI, 'check', 'z.drvmap'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const deadline = Date.now() + TIMEOUT_MS;
    try {
      // Once drvmap has the pipe open, the scenario goes in, and closing the writer ends it.
      while (!hasOpen(child.pid!, fifo) && child.exitCode === null) {
        assert.ok(Date.now() < deadline, 'drvmap never opened the FIFO');
        await sleep(10);
      }
      writeSync(writer, CLEAN);
    } finally {
      closeSync(writer);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now()));
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, `exit ${String(code)}: ${stderr}`);
    assert.match(stdout, /1 file checked: no problems\n$/);
    assert.ok(existsSync(fifo));
  },
);
