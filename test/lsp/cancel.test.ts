// `$/cancelRequest`: a request the client cancelled before the server began it is answered with
// RequestCancelled (-32800) and not run. Explorations run on the server's explore thread, one at a
// time: a cancelled one still queued is dropped, a running one is stopped, and the server's own
// thread answers hovers while one runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, LSPErrorCodes } from 'vscode-languageserver-protocol';
import type { Hover } from 'vscode-languageserver-protocol';
import type { ExploreResponse } from '../../protocol/requests';
import { LspClient, repoRoot } from './client';

const URI = 'file:///work/test/cancel.drvmap';
/**
 * A scenario whose exploration takes a second or more (two open drivers: thousands of behaviours),
 * so that the explore thread is still busy with it while every later request and cancellation is
 * written: example 12's own explorations can end before the client has written them all, and a
 * request that arrives while the thread is idle is begun before its cancellation arrives.
 */
const SLOW_URI = 'file:///work/test/cancel-slow.drvmap';
const SLOW = `scenario "two open drivers" {
  strategy remap-dontunmap
  driver a {
    any
  }
  driver b {
    any
  }
  m1 = vkAllocateMemory 1MiB driver a host-visible coherent
  m2 = vkAllocateMemory 1MiB driver b host-visible coherent
  p = vkMapMemory m1
  q = vkMapMemory m2
  a writes m1 + 0x200, 64
  b writes m2 + 0x200, 64
  vkUnmapMemory m1
  vkUnmapMemory m2
}
`;

let client: LspClient;

before(async () => {
  ({ client } = await LspClient.start({ settings: {}, env: { DRVMAP_DEBOUNCE_MS: '0' } }));
  await client.open(URI, readFileSync(join(repoRoot(), 'examples', '12-explore-strategies.drvmap'), 'utf8'));
  await client.diagnostics(URI, () => true, 10_000, true);
  await client.open(SLOW_URI, SLOW);
  await client.diagnostics(SLOW_URI, () => true, 10_000, true);
});

after(async () => {
  await client.stop();
});

/** What a request ended with: its answer, or the code of the error it was answered with. */
function outcome<R>(request: Promise<R>): Promise<{ ok: R } | { code: number }> {
  return request.then(
    (ok) => ({ ok }),
    (error: { code?: number }) => ({ code: error.code ?? NaN }),
  );
}

function explore(
  scenarioIndex: number,
  cancel = false,
  uri = URI,
): Promise<{ ok: ExploreResponse } | { code: number }> {
  const source = new CancellationTokenSource();
  const request = client.connection.sendRequest<ExploreResponse>(
    'drvmap/explore',
    { uri, scenarioIndex },
    source.token,
  );
  if (cancel) source.cancel();
  return outcome(request);
}

test('explorations cancelled while they wait behind another are answered RequestCancelled, not run', async () => {
  // The first one keeps the explore thread busy while the others, and their cancellations,
  // arrive behind it.
  const first = explore(0, false, SLOW_URI);
  const cancelled = [1, 2, 3, 0, 1, 2].map((i) => explore(i, true));
  const last = explore(3);
  const hover = outcome(
    client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 23, character: 3 },
    }),
  );
  const [a, z, h, ...c] = await Promise.all([first, last, hover, ...cancelled]);
  assert.ok('ok' in a && a.ok.result, JSON.stringify(a));
  assert.ok('ok' in z && z.ok.result?.scenario === 'alias under any driver', JSON.stringify(z));
  assert.deepEqual(
    c.map((r) => ('code' in r ? r.code : 'answered')),
    c.map(() => LSPErrorCodes.RequestCancelled),
  );
  assert.ok('ok' in h && h.ok, 'the hover is answered');
});

test('an exploration cancelled while it waits for its document’s settings is not run', async () => {
  const uri = 'file:///work/test/cancel-settings.drvmap';
  client.configurationDelayMs = 1500;
  try {
    await client.open(
      uri,
      readFileSync(join(repoRoot(), 'examples', '12-explore-strategies.drvmap'), 'utf8'),
    );
    // The server has asked for the folder's settings: the request is taken from the queue and
    // waits for them (the client answers late), and the cancellation arrives meanwhile.
    while (!client.configurationItems.some((i) => i.scopeUri === uri))
      await new Promise((r) => setTimeout(r, 10));
    const source = new CancellationTokenSource();
    const request = outcome(
      client.connection.sendRequest<ExploreResponse>(
        'drvmap/explore',
        { uri, scenarioIndex: 0 },
        source.token,
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    source.cancel();
    const r = await request;
    assert.deepEqual('code' in r ? r.code : r, LSPErrorCodes.RequestCancelled);
  } finally {
    client.configurationDelayMs = 0;
  }
});

test('a hover is answered while an exploration runs, not after it', async () => {
  const finished: string[] = [];
  const exploring = explore(0, false, SLOW_URI).then((r) => {
    finished.push('explore');
    return r;
  });
  // Written after the exploration has been read and begun.
  await new Promise((r) => setTimeout(r, 150));
  const hover = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: URI },
    position: { line: 23, character: 3 },
  });
  finished.push('hover');
  assert.ok(hover, 'the hover is answered');
  const r = await exploring;
  assert.ok('ok' in r && r.ok.result, JSON.stringify(r));
  assert.deepEqual(finished, ['hover', 'explore']);
});

test('an exploration cancelled while it runs is stopped and answered RequestCancelled; the next one runs', async () => {
  const source = new CancellationTokenSource();
  const running = outcome(
    client.connection.sendRequest<ExploreResponse>(
      'drvmap/explore',
      { uri: SLOW_URI, scenarioIndex: 0 },
      source.token,
    ),
  );
  await new Promise((r) => setTimeout(r, 300));
  source.cancel();
  const r = await running;
  assert.deepEqual('code' in r ? r.code : 'answered', LSPErrorCodes.RequestCancelled);
  const next = await explore(1);
  assert.ok('ok' in next && next.ok.result, JSON.stringify(next));
});
