// Extension-host smoke test: run with runExtensionHostTests('test/e2e/exthost/smoke.exthost.ts').
// Checks that the extension under development is loaded and its language is registered, and
// that a .drvmap document opens with that language.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runTests } from './runner';

export function run(): Promise<void> {
  return runTests({
    'the extension is present': () => {
      const ext = vscode.extensions.getExtension('drvmap.drvmap');
      assert.ok(ext, 'drvmap.drvmap is not loaded');
    },
    'the drvmap language is registered': async () => {
      assert.ok((await vscode.languages.getLanguages()).includes('drvmap'));
    },
    'a .drvmap file opens as drvmap': async () => {
      const [file] = await vscode.workspace.findFiles('**/*.drvmap', undefined, 1);
      assert.ok(file, 'no .drvmap file in the workspace');
      const doc = await vscode.workspace.openTextDocument(file);
      assert.equal(doc.languageId, 'drvmap');
    },
  });
}
