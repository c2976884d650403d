// drvmap/explore never holds the server: a space too large is refused at once, and a long one
// stops at the request's time budget (1 ms here, so that any real exploration passes it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-protocol';
import { SYSCALL_PROGRAM_REQUEST, type ExploreResponse } from '../../protocol/requests';
import { LspClient } from './client';
import { openDriversScenario } from '../engine/explore/helpers';

const open = openDriversScenario;

let client: LspClient;

before(async () => {
  ({ client } = await LspClient.start({
    settings: {},
    env: { DRVMAP_DEBOUNCE_MS: '0', DRVMAP_EXPLORE_BUDGET_MS: '1' },
  }));
});

after(async () => {
  await client.stop();
});

test('three open drivers: refused at once with the count, and the server answers a hover right after', async () => {
  const uri = 'file:///work/test/three.drvmap';
  await client.open(uri, open(['gpu', 'igpu', 'third']));
  await client.diagnostics(uri, () => true, 10_000, true);
  const started = Date.now();
  const response = await client.request<ExploreResponse>('drvmap/explore', { uri, scenarioIndex: 0 });
  assert.equal(response.result, undefined);
  assert.match(response.problems.join(' '), /more than drvmap explores at once/);
  const hover = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 11, character: 3 },
  });
  assert.ok(hover);
  assert.ok(Date.now() - started < 10_000);
});

test('past the time budget the request answers that it stopped', async () => {
  const uri = 'file:///work/test/one.drvmap';
  await client.open(uri, open(['gpu']));
  await client.diagnostics(uri, () => true, 10_000, true);
  const response = await client.request<ExploreResponse>('drvmap/explore', { uri, scenarioIndex: 0 });
  assert.equal(response.result, undefined);
  assert.match(response.problems.join(' '), /exploration stopped after 0.001 s/);
});

test('drvmap/syscallProgram: an arena base with no digit is invalid params, not a logged crash', async () => {
  const uri = 'file:///work/test/program.drvmap';
  await client.open(uri, 'scenario "p" {\n  a = mmap 4KiB rw private anon\n}\n');
  await client.diagnostics(uri, () => true, 10_000, true);
  for (const arenaBase of ['_', '0x_', '', 'zz']) {
    await assert.rejects(
      client.request(SYSCALL_PROGRAM_REQUEST, { uri, line: 1, character: 2, arenaBase }),
      (error: { code?: number }) => error.code === -32602,
      arenaBase,
    );
  }
  const ok = await client.request<{ program: unknown } | null>(SYSCALL_PROGRAM_REQUEST, {
    uri,
    line: 1,
    character: 2,
    arenaBase: '0x1000_0000',
  });
  assert.ok(ok);
});
