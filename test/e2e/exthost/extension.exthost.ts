// The extension-host suite: what @vscode/test-electron would run, run offline inside
// code-server's extension host by runExtensionHostTests (../harness.ts) from ../exthost.test.ts.
// It drives the extension through the VS Code API only: activation, diagnostics, hover, the
// address-map webview. Expectations come from the engine on the same text (../expected.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EngineView } from '../expected';
import { runTests, waitUntil } from './runner';

const EXAMPLE = '1-remap-dontunmap.drvmap';

async function openExample(): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor }> {
  const [file] = await vscode.workspace.findFiles(`**/${EXAMPLE}`, undefined, 1);
  assert.ok(file, `${EXAMPLE} is not in the workspace`);
  const doc = await vscode.workspace.openTextDocument(file);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  return { doc, editor };
}

const severityName = (s: vscode.DiagnosticSeverity): string =>
  ['error', 'warning', 'info', 'hint'][s] ?? String(s);

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n\n');
}

export function run(): Promise<void> {
  return runTests({
    'the extension activates on a .drvmap document': async () => {
      const ext = vscode.extensions.getExtension('drvmap.drvmap');
      assert.ok(ext, 'drvmap.drvmap is not loaded');
      const { doc } = await openExample();
      assert.equal(doc.languageId, 'drvmap');
      await waitUntil(() => ext.isActive, 20_000, 'activation');
      const commands = await vscode.commands.getCommands(true);
      for (const id of [
        'drvmap.showAddressMap',
        'drvmap.checkWorkspace',
        'drvmap.openRuleDocumentation',
        'drvmap.restartServer',
      ])
        assert.ok(commands.includes(id), `${id} is not registered`);
    },

    'diagnostics match the engine: codes, lines, severities': async () => {
      const { doc } = await openExample();
      const want = new EngineView(doc.getText()).diagnostics
        .map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`)
        .sort();
      const got = await waitUntil(
        () => {
          const list = vscode.languages.getDiagnostics(doc.uri);
          return list.length >= want.length ? list : undefined;
        },
        30_000,
        'diagnostics',
      );
      assert.ok(got);
      assert.deepEqual(
        got
          .map(
            (d) =>
              `${severityName(d.severity)} ${typeof d.code === 'object' ? d.code.value : d.code} ${d.range.start.line + 1}:${d.range.start.character + 1}`,
          )
          .sort(),
        want,
      );
      assert.ok(got.every((d) => d.source === 'drvmap'));
      const withDoc = got.find((d) => typeof d.code === 'object');
      assert.ok(
        withDoc && typeof withDoc.code === 'object' && /rules\.md#/.test(String(withDoc.code.target)),
      );
    },

    'hover on an address gives its facts': async () => {
      const { doc } = await openExample();
      const view = new EngineView(doc.getText());
      const scenario = view.findLine('scenario "breaks: private anonymous');
      const line = view.findLine('expect app reads p + 0x100', scenario);
      const column = view.lines[line - 1]!.indexOf('p + 0x100') + 4;
      const hovers = await waitUntil(
        async () => {
          const h = await vscode.commands.executeCommand<vscode.Hover[]>(
            'vscode.executeHoverProvider',
            doc.uri,
            new vscode.Position(line - 1, column),
          );
          return h && hoverText(h).includes('0x1_0100') ? h : undefined;
        },
        20_000,
        'a hover with the address',
      );
      assert.ok(hovers);
      const text = hoverText(hovers);
      assert.match(text, /`0x1_0100` · 65_792 · ≈64\.3 KiB/);
      assert.match(text, /Inside the 32-bit window/);
    },

    'inlay hints give step results': async () => {
      const { doc } = await openExample();
      const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
        'vscode.executeInlayHintProvider',
        doc.uri,
        new vscode.Range(0, 0, doc.lineCount, 0),
      );
      const labels = hints.map((h) =>
        typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''),
      );
      assert.deepEqual(
        labels,
        new EngineView(doc.getText()).inlayHints.map((h) => h.text),
      );
    },

    'drvmap.showAddressMap opens the address map webview beside the editor': async () => {
      await openExample();
      await vscode.commands.executeCommand('drvmap.showAddressMap');
      const tab = await waitUntil(
        () =>
          vscode.window.tabGroups.all
            .flatMap((g) => g.tabs)
            .find(
              (t) =>
                t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('drvmap.addressMap'),
            ),
        20_000,
        'the address-map tab',
      );
      assert.ok(tab);
      assert.equal(tab.label, 'drvmap: Address Map');
      assert.notEqual(tab.group.viewColumn, vscode.ViewColumn.One, 'the panel should open beside the editor');
      assert.equal(vscode.window.tabGroups.all.length, 2);
    },

    'a file opened and closed after Check Workspace gets its checked problems back': async () => {
      // A file this suite never opened through the API (the extension host would keep such a
      // document alive after its editor closes): opened and closed as a user does.
      const [file] = await vscode.workspace.findFiles('**/edit.drvmap', undefined, 1);
      assert.ok(file, 'edit.drvmap is not in the workspace');
      const count = () => vscode.languages.getDiagnostics(file).length;
      const isOpen = () => vscode.workspace.textDocuments.some((d) => d.uri.toString() === file.toString());
      // Not awaited: the command ends with a notification that waits for the user.
      void vscode.commands.executeCommand('drvmap.checkWorkspace');
      const checked = await waitUntil(() => count() || undefined, 60_000, 'the workspace result');
      await vscode.commands.executeCommand('vscode.open', file, vscode.ViewColumn.One);
      await waitUntil(() => isOpen() || undefined, 30_000, 'the file open');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      const after = await waitUntil(
        () => (!isOpen() && count() > 0 ? count() : undefined),
        60_000,
        'the checked result back after closing',
      );
      assert.equal(after, checked);
    },

    "exploring from another scenario's lens puts the cursor on that lens's line": async () => {
      const [file] = await vscode.workspace.findFiles('**/explore.drvmap', undefined, 1);
      assert.ok(file, 'explore.drvmap is not in the workspace');
      const doc = await vscode.workspace.openTextDocument(file);
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
      // The cursor in the first scenario; the lens of the second sits on its strategy line.
      const first = doc.getText().indexOf('strategy remap-dontunmap');
      editor.selection = new vscode.Selection(doc.positionAt(first), doc.positionAt(first));
      const lensLine = doc.positionAt(doc.getText().indexOf('strategy hook-mmap')).line;
      const lenses = await waitUntil(
        async () => {
          const found = await vscode.commands.executeCommand<vscode.CodeLens[]>(
            'vscode.executeCodeLensProvider',
            file,
            10,
          );
          return found.find(
            (l) => l.range.start.line === lensLine && l.command?.command === 'drvmap.explore',
          );
        },
        60_000,
        'the lens of the second scenario',
      );
      await vscode.commands.executeCommand('drvmap.explore', ...(lenses?.command?.arguments ?? []));
      const line = await waitUntil(
        () => (vscode.window.activeTextEditor?.selection.active.line === lensLine ? lensLine : undefined),
        30_000,
        'the cursor on the lens line',
      );
      assert.equal(line, lensLine);
    },
  });
}
