// The explore thread's own behaviour, with small worker scripts standing in for the engine's:
// jobs answered in order, a queued job cancelled is dropped, a running one cancelled is stopped,
// a thread that crashes fails its job and the next job gets a new thread, and without a worker
// script the jobs run in-process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, LSPErrorCodes } from 'vscode-languageserver/node';
import { ExploreThread } from '../../server/src/server/explore-thread';
import type { LensJob } from '../../server/src/server/explore-jobs';

const dir = mkdtempSync(join(tmpdir(), 'drvmap-explore-thread-'));

/** A worker that answers each job with its text, after `delayMs` of busy work, or throws on "crash". */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `const { parentPort } = require('node:worker_threads');\n${body}\n`);
  return path;
}

const ECHO = script(
  'echo.js',
  `parentPort.on('message', ({ id, job }) => {
    if (job.text === 'crash') throw new Error('boom');
    const until = Date.now() + (job.text === 'slow' ? 5000 : 0);
    while (Date.now() < until);
    parentPort.postMessage({ id, answer: { safe: 0, total: 0, summary: job.text } });
  });`,
);

const job = (text: string): LensJob => ({
  kind: 'lens',
  text,
  scenarioIndex: 0,
  defaults: {},
  budgetMs: 1000,
});
const summaryOf = (answer: unknown) => (answer as { summary: string }).summary;

function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    (a) => summaryOf(a),
    (e: { code?: number; message?: string }) =>
      e.code === LSPErrorCodes.RequestCancelled ? 'cancelled' : `error: ${e.message}`,
  );
}

test('jobs are answered in order; a queued job that is cancelled is dropped', async () => {
  const thread = new ExploreThread(ECHO, () => {});
  try {
    const source = new CancellationTokenSource();
    const answers = Promise.all([
      outcome(thread.run(job('a'))),
      outcome(thread.run(job('b'), { token: source.token })),
      outcome(thread.run(job('c'))),
    ]);
    source.cancel();
    assert.deepEqual(await answers, ['a', 'cancelled', 'c']);
    assert.equal(thread.started, 1);
  } finally {
    thread.dispose();
  }
});

test('a running job that is cancelled is stopped with its thread; the next job gets a new one', async () => {
  const thread = new ExploreThread(ECHO, () => {});
  try {
    const source = new CancellationTokenSource();
    const slow = outcome(thread.run(job('slow'), { token: source.token }));
    const after = outcome(thread.run(job('after')));
    await new Promise((r) => setTimeout(r, 100));
    source.cancel();
    assert.equal(await slow, 'cancelled');
    assert.equal(await after, 'after');
    assert.equal(thread.started, 2, 'the slow job’s thread was ended');
  } finally {
    thread.dispose();
  }
});

test('a lens count cancelled while it runs is left to end (stopWhenCancelled: false)', async () => {
  const thread = new ExploreThread(ECHO, () => {});
  try {
    const source = new CancellationTokenSource();
    const counting = outcome(thread.run(job('a'), { token: source.token, stopWhenCancelled: false }));
    source.cancel();
    assert.equal(await counting, 'a');
    assert.equal(thread.started, 1);
  } finally {
    thread.dispose();
  }
});

test('a thread that crashes fails its job, says so in the log, and the next job runs on a new thread', async () => {
  const logged: string[] = [];
  const thread = new ExploreThread(ECHO, (m) => logged.push(m));
  try {
    assert.match(await outcome(thread.run(job('crash'))), /^error: the explore thread failed: boom/);
    assert.equal(await outcome(thread.run(job('again'))), 'again');
    assert.equal(thread.started, 2);
    assert.ok(
      logged.some((m) => m.includes('boom')),
      logged.join('\n'),
    );
  } finally {
    thread.dispose();
  }
});

test('disposing answers every job left with RequestCancelled', async () => {
  const thread = new ExploreThread(ECHO, () => {});
  const answers = Promise.all([outcome(thread.run(job('slow'))), outcome(thread.run(job('b')))]);
  await new Promise((r) => setTimeout(r, 50));
  thread.dispose();
  assert.deepEqual(await answers, ['cancelled', 'cancelled']);
});

test('without a worker script the job runs in-process, on the engine itself', async () => {
  const thread = new ExploreThread(join(dir, 'missing.js'), () => {});
  const text = `scenario "s" {
  strategy remap-dontunmap
  driver gpu {
    any
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
}
`;
  const answer = await thread.run({ kind: 'lens', text, scenarioIndex: 0, defaults: {}, budgetMs: 60_000 });
  assert.ok(answer && answer !== 'over-budget' && answer.total > 0, JSON.stringify(answer));
  assert.equal(thread.started, 0);
});
