// Garbage, huge and hostile input must not take the server down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-protocol';
import { codesOf, LspClient } from './client';

let client: LspClient;

before(async () => {
  ({ client } = await LspClient.start({
    settings: { maxFileSizeKiB: 64 },
    env: { DRVMAP_DEBOUNCE_MS: '0' },
  }));
});

after(async () => {
  await client.stop();
});

async function stillAlive(): Promise<void> {
  const uri = 'file:///alive.drvmap';
  await client.open(uri, 'scenario "alive" {\n  a = mmap 4KiB rw private anon\n}\n', Date.now());
  const h = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 1, character: 3 },
  });
  assert.ok(h);
  assert.equal(client.exited, undefined);
}

describe('robustness', () => {
  test('random bytes and unbalanced structure', async () => {
    let garbage = '';
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      garbage += String.fromCharCode(seed % 0xd7ff);
    }
    garbage += '\nscenario "x" { { { ((((((( 0x' + 'f'.repeat(40) + ' - - - -\n}}}}\u{1F600}"';
    const uri = 'file:///garbage.drvmap';
    await client.open(uri, garbage);
    await client.diagnostics(uri, () => true, 20_000, true);
    for (const method of [
      'textDocument/hover',
      'textDocument/completion',
      'textDocument/definition',
      'textDocument/documentHighlight',
    ]) {
      await client.request(method, { textDocument: { uri }, position: { line: 0, character: 5 } });
    }
    await client.request('textDocument/semanticTokens/full', { textDocument: { uri } });
    await client.request('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    await stillAlive();
  });

  test('deep nesting', async () => {
    const uri = 'file:///deep.drvmap';
    await client.open(
      uri,
      `scenario "d" {\n  a = mmap ${'('.repeat(5000)}1${')'.repeat(5000)} rw private anon\n}\n`,
    );
    await client.diagnostics(uri, () => true, 20_000, true);
    await stillAlive();
  });

  test('a file above drvmap.maxFileSizeKiB gets syntax checks only, with one info diagnostic saying why', async () => {
    const uri = 'file:///huge.drvmap';
    const lines = ['scenario "huge" {'];
    for (let i = 0; i < 4000; i++) lines.push(`  m${i} = mmap 4KiB rw private anon`);
    lines.push('  Munmap m1, 4KiB', '  )', '}');
    await client.open(uri, lines.join('\n'));
    const p = await client.diagnostics(uri, () => true, 20_000, true);
    assert.deepEqual(codesOf(p.diagnostics), ['file-too-large', 'syntax-error']);
    assert.equal(p.diagnostics[0]!.severity, 3);
    assert.match(p.diagnostics[0]!.message, /maxFileSizeKiB \(64 KiB\)/);
    assert.match(p.diagnostics[0]!.codeDescription?.href ?? '', /rules\.md#file-too-large$/);
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(symbols.length, 1);
    await stillAlive();
  });

  test('the size limit counts bytes of UTF-8, as the file on disk has', async () => {
    const uri = 'file:///wide.drvmap';
    // 30 000 characters of comment, 90 000 bytes: over the 64 KiB limit.
    const text = `# ${'仮'.repeat(30_000)}\nscenario "wide" {\n  a = mmap 4KiB rw private anon\n}\n`;
    await client.open(uri, text);
    const p = await client.diagnostics(uri, () => true, 20_000, true);
    assert.deepEqual(codesOf(p.diagnostics), ['file-too-large']);
    assert.match(p.diagnostics[0]!.message, /it is 88 KiB/);
  });

  test('requests for unknown documents and bad params answer empty', async () => {
    assert.equal(
      await client.request('textDocument/hover', {
        textDocument: { uri: 'file:///nope' },
        position: { line: 0, character: 0 },
      }),
      null,
    );
    assert.deepEqual(
      await client.request('textDocument/completion', {
        textDocument: { uri: 'file:///nope' },
        position: { line: 0, character: 0 },
      }),
      [],
    );
    assert.equal(
      await client.request('drvmap/panelState', { uri: 'file:///nope', line: 0, character: 0 }),
      null,
    );
    assert.deepEqual(await client.request('drvmap/checkFiles', {}), { files: [] });
    await stillAlive();
  });
});
