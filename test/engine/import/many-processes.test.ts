// A capture of many processes cannot stall the strace importer: two of its passes went over every
// process, or every reported line, once per line. No clock is read: the failure signal is this
// file taking minutes. The old code took 14 minutes on each of the first two inputs (run side by
// side on a loaded two-core machine; alone, 20,000 exited processes took 48 s and 40,000
// unfinished calls 3.5 s, quadratic): see docs/performance.md, sixteenth session. Do not shrink
// the inputs. Each result is also checked line by line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importStrace } from '../../../server/src/engine/import/strace';

test('250,000 processes each leaving a call unfinished: every line says so', () => {
  // The old code searched the reported lines for each unfinished call's (`lines.find`).
  const n = 250_000;
  const text = Array.from({ length: n }, (_, i) => `[pid ${i + 1}] mmap(NULL, 4096 <unfinished ...>`).join(
    '\n',
  );
  const { lines, processes } = importStrace(text);
  assert.equal(lines.length, n);
  assert.equal(processes?.length, n);
  lines.forEach((l, i) => {
    assert.equal(l.line, i + 1);
    assert.equal(l.reason, 'unfinished and never resumed');
  });
});

test("--pid after 40,000 processes exited: each line without a pid is the chosen process's", () => {
  // The old code went over every process seen for each line without a pid, to find one still
  // running (`processOwnsLine`).
  const n = 40_000;
  const text = [
    ...Array.from({ length: n }, (_, i) => `[pid ${i + 2}] +++ exited with 0 +++`),
    '[pid 1] --- SIGCHLD {si_signo=SIGCHLD} ---',
    ...Array.from({ length: n }, () => '--- SIGCHLD {si_signo=SIGCHLD} ---'),
    'mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000',
  ].join('\n');
  const { lines, scenario } = importStrace(text, 'many', { pid: '1' });
  assert.equal(lines.length, 2 * n + 2);
  // The first process is taken as the chosen one's parent: its line is inherited.
  assert.equal(lines[0]?.reason, 'process exit');
  lines.slice(1, n).forEach((l) => assert.match(l.reason ?? '', /^process \d+, not the one chosen \(1\)$/));
  lines.slice(n, 2 * n + 1).forEach((l) => assert.equal(l.reason, 'a signal, not a syscall'));
  assert.equal(lines[2 * n + 1]?.status, 'imported');
  assert.match(scenario, /^ {2}m1 = mmap 4096 r private anon$/m);
});

test('--pid: a line without a pid names the first process still running, as it goes', () => {
  // The pointer the new code keeps moves past processes as they exit, never back.
  const text = [
    '[pid 1] --- SIGCHLD ---',
    '[pid 2] --- SIGCHLD ---',
    '[pid 3] --- SIGCHLD ---',
    '--- SIGCHLD ---',
    '[pid 3] +++ exited with 0 +++',
    '--- SIGCHLD ---',
    '[pid 2] +++ exited with 0 +++',
    '--- SIGCHLD ---',
    '[pid 4] --- SIGCHLD ---',
    '--- SIGCHLD ---',
  ].join('\n');
  const reasons = importStrace(text, 'x', { pid: '1' }).lines.map((l) => l.reason);
  const running = (pid: number) => `no pid, while process ${pid} may still run: not known to be process 1's`;
  assert.deepEqual(reasons, [
    'a signal, not a syscall',
    'process 2, not the one chosen (1)',
    'process 3, not the one chosen (1)',
    running(2),
    'process 3, not the one chosen (1)',
    running(2),
    'process 2, not the one chosen (1)',
    'a signal, not a syscall',
    'process 4, not the one chosen (1)',
    running(4),
  ]);
});
