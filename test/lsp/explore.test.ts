// Exploration and the other custom requests of issues 6 and 7 through the wire: the code lens on
// an open scenario (listed, then resolved with its counts), drvmap/explore's matrix, the address
// map replaying one behaviour (driverOverrides), its trace, and drvmap/import.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens } from 'vscode-languageserver-protocol';
import type { PanelState } from '../../protocol/panel';
import type { ExploreResponse, ExploreTraceResult, ImportResponse } from '../../protocol/requests';
import { LspClient } from './client';

const URI = 'file:///work/test/explore.drvmap';
const TEXT = `scenario "fixed driver" {
  strategy remap-dontunmap
  a = mmap 2MiB rw private anon
}
scenario "remap under any driver" {
  strategy remap-dontunmap
  driver gpu {
    any
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  app writes p + 0x100, 64
  gpu writes mem + 0x200, 64
}
`;

let client: LspClient;

before(async () => {
  ({ client } = await LspClient.start({ settings: {}, env: { DRVMAP_DEBOUNCE_MS: '20' } }));
  await client.open(URI, TEXT);
  await client.diagnostics(URI, () => true, 10_000, true);
});

after(async () => {
  await client.stop();
});

test('a code lens on the strategy line of each scenario with an open driver, counted on resolve', async () => {
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
  assert.equal(lenses.length, 1, 'only the scenario that leaves its driver open');
  const lens = lenses[0]!;
  assert.equal(lens.range.start.line, 5, 'on its strategy line');
  assert.equal(lens.command, undefined, 'counted lazily');
  const resolved = await client.request<CodeLens>('codeLens/resolve', lens);
  assert.match(resolved.command?.title ?? '', /^safe for \d+ \/ \d+ driver behaviours — explore$/);
  assert.equal(resolved.command?.command, 'drvmap.explore');
  assert.deepEqual(resolved.command?.arguments, [URI, 1, 5], 'the document, the scenario and the lens line');
  // Cached per version: a second resolve answers the same.
  const again = await client.request<CodeLens>('codeLens/resolve', lens);
  assert.equal(again.command?.title, resolved.command?.title);
});

test('drvmap/explore: the matrix of behaviours, by index or by position', async () => {
  const byIndex = await client.request<ExploreResponse>('drvmap/explore', { uri: URI, scenarioIndex: 1 });
  const m = byIndex.result;
  assert.ok(m, byIndex.problems.join('; '));
  assert.equal(m.scenario, 'remap under any driver');
  assert.equal(m.behaviours.length, m.total);
  assert.equal(m.counts.safe + m.counts.refused + m.counts.unsafe, m.total);
  assert.ok(m.dimensions.every((d) => d.driver === 'gpu'));
  assert.ok(m.classes.length > 0 && m.classes.every((c) => c.breaksAtLine >= 0));
  const byPosition = await client.request<ExploreResponse>('drvmap/explore', {
    uri: URI,
    line: 9,
    character: 2,
  });
  assert.equal(byPosition.result?.total, m.total);
  const none = await client.request<ExploreResponse>('drvmap/explore', { uri: URI, scenarioIndex: 0 });
  assert.equal(none.result, undefined);
  assert.match(none.problems.join(' '), /leaves no driver trait open/);
});

test('the address map replays a behaviour, and its trace says where it breaks', async () => {
  const m = (await client.request<ExploreResponse>('drvmap/explore', { uri: URI, scenarioIndex: 1 })).result!;
  const index = m.behaviours.findIndex((b) => b.values['backing'] === 'anon' && b.verdict === 'unsafe');
  assert.ok(index >= 0, 'an unsafe behaviour with anonymous backing');
  const behaviour = m.behaviours[index]!;
  const drivers = { gpu: Object.fromEntries(m.dimensions.map((d) => [d.trait, behaviour.values[d.key]!])) };
  const overrides = { scenarioIndex: 1, drivers };
  const plain = await client.request<PanelState>('drvmap/panelState', { uri: URI, line: 12, character: 2 });
  const replayed = await client.request<PanelState>('drvmap/panelState', {
    uri: URI,
    line: 12,
    character: 2,
    driverOverrides: overrides,
  });
  assert.equal(plain.replay, undefined);
  assert.match(replayed.replay ?? '', /backing anon/);
  assert.ok(
    replayed.mappings.some((mp) => mp.backing.includes('anonymous')),
    'the BO is anonymous memory now',
  );
  // Overrides for another scenario leave this one as written.
  const elsewhere = await client.request<PanelState>('drvmap/panelState', {
    uri: URI,
    line: 2,
    character: 2,
    driverOverrides: overrides,
  });
  assert.equal(elsewhere.replay, undefined);
  const trace = await client.request<ExploreTraceResult>('drvmap/exploreTrace', { uri: URI, overrides });
  assert.match(trace.text, /^# remap under any driver — gpu: /);
  assert.match(trace.text, new RegExp(`# unsafe: breaks at line \\d+.*\\n#   ${behaviour.hazard}`));
  assert.match(trace.text, /mremap\(/, 'the expanded syscalls');
  assert.equal(typeof trace.breaksAtLine, 'number');
});

test('drvmap/import: strace and maps captures become scenarios, skipped lines with reasons', async () => {
  const strace = await client.request<ImportResponse>('drvmap/import', {
    format: 'strace',
    text: 'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f57e0ac1000\nbrk(NULL) = 0x55a6b8dad000\n',
    title: 'from a test',
  });
  assert.match(strace.scenario, /^scenario "from a test" \{/);
  assert.match(strace.scenario, /m1 = mmap 8192 rw private anon/);
  assert.equal(strace.imported, 1);
  assert.deepEqual(
    strace.skipped.map((s) => s.line),
    [2],
  );
  assert.match(strace.skipped[0]!.reason, /brk/);
  const maps = await client.request<ImportResponse>('drvmap/import', {
    format: 'maps',
    text: '7f57e0ac1000-7f57e0ac3000 rw-p 00000000 00:00 0 \n',
  });
  assert.match(maps.scenario, /mmap/);
  // An `strace -f` capture names its processes, and `pid` imports one of them.
  const forked =
    'mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000\n[pid 7] munmap(0x7f0000001000, 4096) = 0\n[pid 8] mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000010000\n';
  const both = await client.request<ImportResponse>('drvmap/import', { format: 'strace', text: forked });
  assert.deepEqual(both.processes, ['7', '8']);
  const seven = await client.request<ImportResponse>('drvmap/import', {
    format: 'strace',
    text: forked,
    pid: '7',
  });
  assert.equal(seven.imported, 2);
  assert.match(seven.skipped[0]!.reason, /process 8, not the one chosen \(7\)/);
});
