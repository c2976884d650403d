// `resource`-scoped settings (package.json): each document is analysed with its own folder's
// settings, read with its scopeUri, and a setting the server cannot use is said so, not replaced
// silently.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { codesOf, LspClient } from './client';

// DONTUNMAP on shared anonymous memory: EINVAL before 5.13 (kernel-refused), fine on 6.18.
const TEXT = `scenario "s" {
  a = mmap 2MiB rw shared anon
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
}
`;
const FOLDER_A = 'file:///work/multi/folderA/';
const FOLDER_B = 'file:///work/multi/folderB/';

let client: LspClient;

before(async () => {
  ({ client } = await LspClient.start({ settings: {}, env: { DRVMAP_DEBOUNCE_MS: '0' } }));
  client.folderSettings.set(FOLDER_A, { defaultKernel: '5.10' });
});

after(async () => {
  await client.stop();
});

test("a folder's own defaultKernel applies to its documents only (multi-root workspace)", async () => {
  const a = `${FOLDER_A}a.drvmap`;
  const b = `${FOLDER_B}b.drvmap`;
  await client.open(a, TEXT);
  await client.open(b, TEXT);
  await client.diagnostics(a, (p) => codesOf(p.diagnostics).includes('kernel-refused'), 10_000, true);
  const inB = await client.diagnostics(b, () => true, 10_000, true);
  assert.deepEqual(codesOf(inB.diagnostics), []);
  assert.ok(
    client.configurationItems.some((i) => i.scopeUri === a && i.section === 'drvmap'),
    JSON.stringify(client.configurationItems),
  );
  // After a configuration change the folder's value is read again, per document.
  client.folderSettings.set(FOLDER_A, { defaultKernel: '6.18' });
  await client.notify('workspace/didChangeConfiguration', { settings: { drvmap: {} } });
  await client.diagnostics(a, (p) => !codesOf(p.diagnostics).includes('kernel-refused'), 10_000, true);
});

test('an unusable defaultKernel or defaultWindow is shown as a warning, and the built-in default is used', async () => {
  client.settings = { defaultKernel: '2.4', defaultWindow: '0x10000..0x1_8000_0000' };
  await client.notify('workspace/didChangeConfiguration', { settings: { drvmap: client.settings } });
  const deadline = Date.now() + 10_000;
  while (client.messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const texts = client.messages.map((m) => `${m.type} ${m.message}`);
  assert.ok(
    texts.includes(
      '2 drvmap.defaultKernel `2.4` is not used: drvmap models Linux 2.6 and later, not 2.4; scenarios without a `kernel` line run under 6.18',
    ),
    texts.join('\n'),
  );
  assert.ok(
    texts.includes(
      '2 drvmap.defaultWindow `0x10000..0x1_8000_0000` is not used: a 32-bit window ends at 4 GiB at most, not 0x1_8000_0000; scenarios without a `window` line use 0x1_0000..0x8000_0000',
    ),
    texts.join('\n'),
  );
  client.settings = {};
});

test("Check Workspace reads a closed file's folder settings too", async () => {
  const closed = `${FOLDER_A}closed.drvmap`;
  client.folderSettings.set(FOLDER_A, { defaultKernel: '5.10' });
  const result = await client.request<{ files: { uri: string; diagnostics: { code: string }[] }[] }>(
    'drvmap/checkFiles',
    {
      files: [
        { uri: closed, text: TEXT },
        { uri: `${FOLDER_B}closed.drvmap`, text: TEXT },
      ],
    },
  );
  assert.deepEqual(
    result.files.map((f) => f.diagnostics.map((d) => d.code)),
    [['kernel-refused'], []],
  );
});

test("a document's first diagnostics already use its folder's settings (none published with the workspace's first)", async () => {
  const uri = `${FOLDER_A}first.drvmap`;
  client.folderSettings.set(FOLDER_A, { defaultKernel: '5.10' });
  const first = client.diagnostics(uri, () => true, 10_000);
  await client.open(uri, TEXT);
  assert.deepEqual(codesOf((await first).diagnostics), ['kernel-refused']);
});

test("requests that arrive before a document's folder settings wait for them (a hover sent at open)", async () => {
  const uri = `${FOLDER_A}slow.drvmap`;
  client.folderSettings.set(FOLDER_A, { defaultKernel: '5.10' });
  client.configurationDelayMs = 400;
  try {
    await client.open(uri, TEXT);
    // Sent at once, as VS Code does on open: answered with the folder's kernel, not the workspace's.
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 2, character: 3 },
    });
    assert.match(hover?.contents.value ?? '', /EINVAL/);
    assert.doesNotMatch(hover?.contents.value ?? '', /6\.18/);
  } finally {
    client.configurationDelayMs = 0;
  }
});
