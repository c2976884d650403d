// A client that is not VS Code (Neovim, Helix, eglot): the server sends only what it declared,
// and keeps the LSP 3.17 lifecycle (nothing before `initialize`, nothing after `shutdown`).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspClient, VSCODE_CAPABILITIES } from './client';

const URI = 'file:///work/test/modest.drvmap';
const TEXT = 'scenario "a" {\n  \n  mem = vkAllocateMemory 1MiB host-visible\n  p = vkMapMemory mem\n}\n';
const env = { DRVMAP_DEBOUNCE_MS: '10' };
const started: LspClient[] = [];
after(async () => {
  for (const c of started) await c.stop();
});

async function startWith(capabilities: object): Promise<LspClient> {
  const { client } = await LspClient.start({ env, capabilities });
  started.push(client);
  await client.open(URI, TEXT);
  await client.diagnostics(URI);
  return client;
}

const completionAt = (client: LspClient) =>
  client.request<CompletionItem[]>('textDocument/completion', {
    textDocument: { uri: URI },
    position: { line: 1, character: 2 },
  });
const hoverOnMap = (client: LspClient) =>
  client.request<Hover>('textDocument/hover', {
    textDocument: { uri: URI },
    position: { line: 3, character: 8 },
  });

/** didChangeConfiguration, then the diagnostics it reschedules: any refresh was sent before them. */
async function changeConfiguration(client: LspClient): Promise<PublishDiagnosticsParams> {
  const next = client.diagnostics(URI);
  await client.notify('workspace/didChangeConfiguration', { settings: {} });
  return next;
}

describe('a client that declares neither snippets nor Markdown nor refreshes', () => {
  test('completion inserts plain text and documents in plain text', async () => {
    const client = await startWith({ workspace: {} });
    const items = await completionAt(client);
    const driver = items.find((i) => i.label === 'driver');
    assert.ok(driver, 'the driver skeleton is offered');
    assert.equal(driver.insertTextFormat, undefined);
    const text = driver.textEdit?.newText ?? driver.insertText ?? '';
    assert.match(text, /^driver mesa \{\n {2}maps at-map\n {2}backing device\n\}$/);
    for (const item of items) {
      if (typeof item.documentation === 'object')
        assert.equal(item.documentation.kind, 'plaintext', item.label);
      assert.doesNotMatch(item.textEdit?.newText ?? item.insertText ?? '', /\$\{|\$\d/, item.label);
    }
  });

  test('hover is plain text', async () => {
    const client = await startWith({ workspace: {} });
    const hover = await hoverOnMap(client);
    assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents);
    assert.equal(hover.contents.kind, 'plaintext');
    assert.match(hover.contents.value, /^vkMapMemory — /);
    assert.doesNotMatch(hover.contents.value, /\*\*|`/);
  });

  test('a configuration change sends no refresh request', async () => {
    const client = await startWith({ workspace: {} });
    await changeConfiguration(client);
    assert.deepEqual(client.refreshes, []);
    assert.deepEqual(
      client.logs.filter((l) => /unhandled/.test(l)),
      [],
    );
  });
});

describe("VS Code's declared capabilities", () => {
  test('snippets, Markdown and every refresh', async () => {
    const client = await startWith(VSCODE_CAPABILITIES);
    const driver = (await completionAt(client)).find((i) => i.label === 'driver');
    assert.equal(driver?.insertTextFormat, 2);
    assert.match(driver?.textEdit?.newText ?? driver?.insertText ?? '', /\$\{1:mesa\}/);
    const hover = await hoverOnMap(client);
    assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents);
    assert.equal(hover.contents.kind, 'markdown');
    await changeConfiguration(client);
    // Sent at start (the settings are read) and again for the change.
    // The code lens counts depend on the default kernel, Wine and window, and VS Code asks for
    // lenses again only when the text changes.
    assert.deepEqual([...new Set(client.refreshes)].sort(), ['codeLens', 'inlayHint', 'semanticTokens']);
  });
});

describe('the lifecycle', () => {
  test('before initialize: requests are refused with -32002 and notifications dropped', async () => {
    const client = LspClient.spawn({ env });
    started.push(client);
    await assert.rejects(
      client.request('textDocument/hover', {
        textDocument: { uri: URI },
        position: { line: 0, character: 1 },
      }),
      (error: { code?: number }) => error.code === -32002,
    );
    await client.open(URI, TEXT);
    await client.initialize({ workspace: {} });
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', {
      textDocument: { uri: URI },
    });
    assert.deepEqual(symbols, [], 'the document opened before initialize is not open');
    await client.open(URI, TEXT);
    const opened = await client.request<unknown[]>('textDocument/documentSymbol', {
      textDocument: { uri: URI },
    });
    assert.equal(opened.length, 1, 'opened after initialize, it is');
  });

  test('after shutdown: requests are refused with InvalidRequest, and exit ends the server with 0', async () => {
    const client = await startWith({ workspace: {} });
    await client.request('shutdown', null);
    await assert.rejects(
      client.request('textDocument/documentSymbol', { textDocument: { uri: URI } }),
      (error: { code?: number }) => error.code === -32600,
    );
    const exited = new Promise<number | null>((resolve) => client.child.once('exit', resolve));
    await client.notify('exit', null);
    assert.equal(await exited, 0);
  });
});
