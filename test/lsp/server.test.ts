// The bundled server over stdio: every feature once, through the wire.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  CodeAction,
  CompletionItem,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InitializeResult,
  InlayHint,
  Location,
  SelectionRange,
  SemanticTokens,
  SymbolInformation,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { PanelState } from '../../protocol/panel';
import type { CheckFilesResult } from '../../protocol/requests';
import { codesOf, LspClient } from './client';

const URI = 'file:///work/test/remap.drvmap';
const TEXT = `scenario "the driver's pointer" {
  kernel 6.6
  driver mesa {
    maps at-map
  }
  mem = vkAllocateMemory 16MiB host-visible coherent
  p = vkMapMemory mem
  app writes p + 0x100, 64
}
scenario "dontunmap" {
  a = mmap 2MiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  expect read a, 1 == 0x00
}
`;

function pos(text: string, needle: string, delta = 0, occurrence = 0): { line: number; character: number } {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, needle);
  return TextDocument.create('x', 'drvmap', 0, text).positionAt(offset + delta);
}

const doc = { textDocument: { uri: URI } };

let client: LspClient;
let init: InitializeResult;

before(async () => {
  ({ client, initialize: init } = await LspClient.start({ settings: {}, env: { DRVMAP_DEBOUNCE_MS: '20' } }));
  await client.open(URI, TEXT);
  await client.diagnostics(URI, () => true, 10_000, true);
});

after(async () => {
  await client.stop();
});

describe('LSP server', () => {
  test('initialize advertises the features', () => {
    const c = init.capabilities;
    assert.ok(
      c.hoverProvider &&
        c.definitionProvider &&
        c.referencesProvider &&
        c.documentSymbolProvider &&
        c.inlayHintProvider,
    );
    assert.deepEqual(c.renameProvider, { prepareProvider: true });
    assert.ok(c.semanticTokensProvider?.legend.tokenTypes.includes('address'));
  });

  test('diagnostics: codes, ranges, rule links, related information', async () => {
    const p = await client.diagnostics(URI, () => true, 10_000, true);
    assert.equal(p.version, 1);
    const outside = p.diagnostics.filter((d) => d.code === 'pointer-outside-window');
    assert.equal(outside.length, 2);
    assert.deepEqual(outside[0]!.range, {
      start: pos(TEXT, 'p = vkMapMemory'),
      end: pos(TEXT, 'p = vkMapMemory mem', 'p = vkMapMemory mem'.length),
    });
    assert.equal(outside[0]!.severity, 1);
    assert.equal(outside[0]!.source, 'drvmap');
    assert.match(outside[0]!.codeDescription!.href, /rules\.md#pointer-outside-window$/);
    assert.equal(outside[0]!.relatedInformation?.[0]?.location.uri, URI);
  });

  test('hover on an address expression and on a name', async () => {
    const h = await client.request<Hover>('textDocument/hover', { ...doc, position: pos(TEXT, '0x100') });
    const value = (h.contents as { value: string }).value;
    assert.match(value, /\*\*Outside\*\* the 32-bit window/);
    assert.match(value, /Mapped before step 3/);
    assert.deepEqual(h.range, { start: pos(TEXT, 'p + 0x100'), end: pos(TEXT, 'p + 0x100', 9) });
    const name = await client.request<Hover>('textDocument/hover', {
      ...doc,
      position: pos(TEXT, 'mem', 0, 1),
    });
    assert.match((name.contents as { value: string }).value, /\*\*mem\*\* \(memory\)/);
  });

  test('completion', async () => {
    const items = await client.request<CompletionItem[]>('textDocument/completion', {
      ...doc,
      position: pos(TEXT, ' rw private', 1),
    });
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('rw') && labels.includes('fixed-noreplace') && labels.includes('at'));
  });

  test('definition and references', async () => {
    const def = await client.request<Location>('textDocument/definition', {
      ...doc,
      position: pos(TEXT, 'a, 2MiB'),
    });
    assert.deepEqual(def.range.start, pos(TEXT, 'a = mmap'));
    const refs = await client.request<Location[]>('textDocument/references', {
      ...doc,
      position: pos(TEXT, 'a = mmap'),
      context: { includeDeclaration: true },
    });
    assert.equal(refs.length, 4);
  });

  test('rename: prepare, edits, refusal', async () => {
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', {
      ...doc,
      position: pos(TEXT, 'mem', 0, 1),
    });
    assert.equal(prepared.placeholder, 'mem');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
      ...doc,
      position: pos(TEXT, 'mem', 0, 1),
      newName: 'buffer',
    });
    assert.equal(edit.changes![URI]!.length, 2);
    await assert.rejects(
      client.request('textDocument/rename', { ...doc, position: pos(TEXT, 'mem', 0, 1), newName: 'mmap' }),
      /word of the language/,
    );
  });

  test('document and workspace symbols', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', doc);
    assert.deepEqual(
      symbols.map((s) => s.name),
      ["the driver's pointer", 'dontunmap'],
    );
    assert.ok(symbols[0]!.children!.some((c) => c.name === 'mem'));
    const ws = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'dont' });
    assert.ok(ws.some((s) => s.name === 'dontunmap' && s.location.uri === URI));
  });

  test('semantic tokens, folding, selection ranges', async () => {
    const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', doc);
    assert.ok(tokens.data.length > 50 && tokens.data.length % 5 === 0);
    const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', doc);
    assert.ok(folds.some((f) => f.startLine === 0 && f.endLine === 7));
    const sel = await client.request<SelectionRange[]>('textDocument/selectionRange', {
      ...doc,
      positions: [pos(TEXT, '0x100', 2)],
    });
    assert.deepEqual(sel[0]!.range.start, pos(TEXT, '0x100'));
    assert.deepEqual(sel[0]!.parent!.range.start, pos(TEXT, 'p + 0x100'));
  });

  test('inlay hints', async () => {
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      ...doc,
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
    assert.ok(hints.some((h) => typeof h.label === 'string' && /^→ 0x7fff_/.test(h.label)));
    assert.deepEqual(hints[0]!.position, pos(TEXT, 'host-visible coherent', 'host-visible coherent'.length));
  });

  test('formatting', async () => {
    const messy = 'scenario "f" {\n      a=mmap 4KiB rw private anon\n}\n';
    await client.open('file:///work/test/messy.drvmap', messy);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: 'file:///work/test/messy.drvmap' },
      options: { tabSize: 4, insertSpaces: true },
    });
    assert.equal(
      TextDocument.applyEdits(TextDocument.create('x', 'drvmap', 1, messy), edits),
      'scenario "f" {\n  a = mmap 4KiB rw private anon\n}\n',
    );
  });

  test('code actions: the strategy fix for the diagnostic the client sent', async () => {
    const p = client.lastDiagnostics(URI)!;
    const d = p.diagnostics.find((x) => x.code === 'pointer-outside-window')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      ...doc,
      range: d.range,
      context: { diagnostics: [d] },
    });
    const placed = actions.find((a) => a.title.startsWith('Switch the strategy to placed'));
    assert.ok(placed);
    assert.deepEqual(placed.diagnostics, [d]);
    assert.equal(placed.kind, 'quickfix');
    const edits = placed.edit!.changes![URI]!;
    assert.match(
      TextDocument.applyEdits(TextDocument.create(URI, 'drvmap', 1, TEXT), edits),
      /\n {2}strategy placed\n/,
    );
  });

  test('the panel request', async () => {
    const state = await client.request<PanelState>('drvmap/panelState', {
      uri: URI,
      ...pos(TEXT, 'b = mremap'),
    });
    assert.equal(state.scenario, 'dontunmap');
    assert.equal(state.stepIndex, 2);
    assert.equal(state.version, 1);
    assert.ok(state.mappings.some((m) => m.stale));
    const before = await client.request<PanelState>('drvmap/panelState', {
      uri: URI,
      line: 0,
      character: 0,
      stepIndex: 0,
    });
    assert.equal(before.stepIndex, 0);
  });

  test('check files: text given, and files read from disk', async () => {
    const result = await client.request<CheckFilesResult>('drvmap/checkFiles', {
      files: [
        { uri: 'file:///nowhere/a.drvmap', text: 'scenario "x" {\n  Munmap 0, 4KiB\n}\n' },
        { uri: '/nonexistent/b.drvmap' },
      ],
    });
    assert.deepEqual(codesOf(result.files[0]!.diagnostics as never), ['unknown-word']);
    assert.ok(result.files[1]!.error);
  });

  test("check files: a closed file's diagnostics carry the rule link and related locations, as published ones do", async () => {
    const closed = 'file:///nowhere/closed-copy.drvmap';
    const result = await client.request<CheckFilesResult>('drvmap/checkFiles', {
      files: [{ uri: closed, text: TEXT }],
    });
    const published = await client.diagnostics(URI, () => true, 10_000, true);
    // The open document's diagnostics, with its URI replaced by the closed copy's and without the
    // quick fix's data (code actions need the file open).
    const expected = JSON.parse(JSON.stringify(published.diagnostics).replaceAll(URI, closed)) as {
      data?: unknown;
    }[];
    for (const d of expected) delete d.data;
    assert.ok(
      expected.some((d) => 'relatedInformation' in d),
      'the scenario has a diagnostic with related locations',
    );
    assert.deepEqual(result.files[0]!.diagnostics, expected);
  });

  test('check files: a URI that is not file: is never read from this disk, even where its path exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drvmap-vfs-'));
    const path = join(dir, 'local.drvmap');
    writeFileSync(path, 'scenario "x" {\n  Munmap 0, 4KiB\n}\n');
    try {
      const result = await client.request<CheckFilesResult>('drvmap/checkFiles', {
        files: [
          { uri: `vscode-vfs://github${path}` },
          { uri: `memfs:${path}` },
          { uri: `memfs:${path}`, text: 'scenario "y" {\n  a = mmap 4KiB rw private anon\n}\n' },
          { uri: pathToFileURL(path).href },
        ],
      });
      const [vfs, memfs, given, local] = result.files;
      assert.match(vfs!.error ?? '', /vscode-vfs: is not a file on this machine/);
      assert.deepEqual(vfs!.diagnostics, []);
      assert.match(memfs!.error ?? '', /memfs: is not a file on this machine/);
      assert.equal(given!.error, undefined);
      assert.deepEqual(codesOf(given!.diagnostics as never), []);
      assert.deepEqual(codesOf(local!.diagnostics as never), ['unknown-word']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("check files: a file read from disk is decoded as the editor opens it (byte-order mark, CRLF, UTF-16), so its columns are the open document's", async () => {
    // What the editor shows: the text after the byte-order mark. `zz` after an emoji and a `ü` on
    // line 1 (UTF-16 columns), an access fault on line 3.
    const text =
      'scenario "Prüfung 😀" { zz\r\n  a = mmap 4KiB rw private anon\r\n  write a + 8KiB, 1\r\n}\r\n';
    const unclosed = 'scenario "abc {\r\n  a = mmap 4KiB rw private anon\r\n  write a + 8KiB, 1\r\n}\r\n';
    const dir = mkdtempSync(join(tmpdir(), 'drvmap-decode-'));
    const files = {
      'bom-crlf-emoji.drvmap': Buffer.from('\ufeff' + text),
      'bom-unclosed.drvmap': Buffer.from('\ufeff' + unclosed),
      // Windows PowerShell 5.1's `>`: UTF-16LE with its byte-order mark.
      'utf16le.drvmap': Buffer.from('\ufeff' + text, 'utf16le'),
      'utf16-no-bom.drvmap': Buffer.from(text, 'utf16le'),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    try {
      const result = await client.request<CheckFilesResult>('drvmap/checkFiles', {
        files: Object.keys(files).map((name) => ({ uri: pathToFileURL(join(dir, name)).href })),
      });
      const [bomEmoji, bomUnclosed, utf16le, noBom] = result.files;
      const editor = async (uri: string, shown: string) => {
        await client.open(uri, shown);
        return (await client.diagnostics(uri, () => true, 10_000, true)).diagnostics;
      };
      const asOpen = await editor('file:///nowhere/decoded-open.drvmap', text);
      assert.deepEqual(codesOf(asOpen), ['unknown-word', 'access-fault']);
      const ranges = (ds: readonly { range: unknown; code?: unknown }[]) => ds.map((d) => [d.code, d.range]);
      assert.deepEqual(ranges(bomEmoji!.diagnostics), ranges(asOpen));
      assert.deepEqual(ranges(utf16le!.diagnostics), ranges(asOpen));
      assert.deepEqual(bomEmoji!.diagnostics[0]!.range.start, pos(text, 'zz'));
      const unclosedOpen = await editor('file:///nowhere/unclosed-open.drvmap', unclosed);
      assert.deepEqual(ranges(bomUnclosed!.diagnostics), ranges(unclosedOpen));
      assert.deepEqual(bomUnclosed!.diagnostics[0]!.range, {
        start: { line: 0, character: 9 },
        end: { line: 0, character: 15 },
      });
      assert.equal(noBom!.error, 'this looks like UTF-16 without a byte-order mark; save it as UTF-8');
      assert.deepEqual(noBom!.diagnostics, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('incremental edits change the diagnostics; only the newest version is published', async () => {
    const uri = 'file:///work/test/edit.drvmap';
    const text = 'scenario "e" {\n  a = mmap 4KiB rw private anon\n  munmap a, 4KiB\n}\n';
    await client.open(uri, text);
    const first = await client.diagnostics(uri, () => true, 10_000, true);
    assert.deepEqual(codesOf(first.diagnostics), []);
    // Three quick edits: `munmap` → `Munmap` (unknown command), then back, then a misaligned address.
    await client.change(uri, 2, [
      { range: { start: { line: 2, character: 2 }, end: { line: 2, character: 3 } }, text: 'M' },
    ]);
    await client.change(uri, 3, [
      { range: { start: { line: 2, character: 2 }, end: { line: 2, character: 3 } }, text: 'm' },
    ]);
    await client.change(uri, 4, [
      { range: { start: { line: 2, character: 10 }, end: { line: 2, character: 10 } }, text: ' + 1' },
    ]);
    const last = await client.diagnostics(uri, (p) => p.version === 4);
    assert.deepEqual(codesOf(last.diagnostics), ['kernel-refused']);
    assert.deepEqual(last.diagnostics[0]!.range.start, { line: 2, character: 2 });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(client.lastDiagnostics(uri)!.version, 4, 'an older version was published after the newest');
  });

  test('edits analysed one by one (each version reparsed from the last) keep ranges and hovers right', async () => {
    const uri = 'file:///work/test/typing.drvmap';
    let text =
      'scenario "t" {\n  a = mmap 4KiB rw private anon\n  write a, 16, 0x5c\n  b = mmap 8KiB rw private anon\n  munmap b, 8KiB\n}\n';
    await client.open(uri, text);
    await client.diagnostics(uri, () => true, 10_000, true);
    let version = 1;
    const edit = async (needle: string, remove: number, insert: string) => {
      const at = pos(text, needle);
      const offset = text.indexOf(needle);
      text = text.slice(0, offset) + insert + text.slice(offset + remove);
      version++;
      const v = version;
      const published = client.diagnostics(uri, (p) => p.version === v);
      await client.change(uri, v, [
        { range: { start: at, end: { line: at.line, character: at.character + remove } }, text: insert },
      ]);
      return published;
    };
    // Longer line above the rest: everything below moves right and down.
    assert.deepEqual(codesOf((await edit('16, 0x5c', 2, '4096')).diagnostics), []);
    assert.deepEqual(codesOf((await edit('  b = mmap', 0, '  # a new line\n')).diagnostics), []);
    // A misaligned unmap below the edits: reported on its own line and columns.
    const published = await edit('b, 8KiB', 1, 'b + 1');
    assert.deepEqual(codesOf(published.diagnostics), ['kernel-refused']);
    assert.deepEqual(published.diagnostics[0]!.range.start, pos(text, 'munmap'));
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: pos(text, 'b + 1'),
    });
    assert.match((hover.contents as { value: string }).value, /\*\*b\*\*/);
    assert.equal(text.split('\n')[3], '  # a new line');
  });

  test('settings change re-analyses without reload: severity off, default window', async () => {
    client.settings = { severity: { 'pointer-outside-window': 'off' } };
    await client.notify('workspace/didChangeConfiguration', { settings: { drvmap: client.settings } });
    const p = await client.diagnostics(
      URI,
      (x) => !codesOf(x.diagnostics).includes('pointer-outside-window'),
    );
    assert.ok(!codesOf(p.diagnostics).includes('pointer-outside-window'));
    client.settings = {};
    await client.notify('workspace/didChangeConfiguration', { settings: { drvmap: {} } });
    await client.diagnostics(URI, (x) => codesOf(x.diagnostics).includes('pointer-outside-window'));
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = 'file:///work/test/closing.drvmap';
    await client.open(uri, 'scenario "c" {\n  Munmap 0, 4KiB\n}\n');
    await client.diagnostics(uri, (p) => p.diagnostics.length > 0, 10_000, true);
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    await client.diagnostics(uri, (p) => p.diagnostics.length === 0, 10_000, true);
  });
});
