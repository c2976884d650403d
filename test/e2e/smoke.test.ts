// First end-to-end test: a real VS Code (code-server) in Chromium opens the fixture .drvmap file
// and shows it with the drvmap language mode; then checks the harness's own helpers against
// built-in language features (JSON squiggles and hovers, Markdown preview webview, command
// palette), so a harness regression is told apart from an extension regression.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { withHarness } from './harness';

test('a .drvmap file opens with the drvmap language mode', { timeout: 300_000 }, async (t) => {
  await withHarness(t, 'smoke', async (h) => {
    await h.openFile('smoke.drvmap');
    assert.match(await h.editorText(), /scenario "smoke" \{/);
    await h.waitForLanguageMode('drvmap');
    assert.equal(await h.languageMode(), 'drvmap');
    await h.screenshot('drvmap-open');

    // A notification names the extension as its source. The extension host attributes an API
    // call by the caller's file under the extension's realpath; a linked install that breaks
    // this says "Null Extension Description" (scripts/lib/code-server.mjs, linkExtensionInto).
    await h.runCommand('drvmap: Check All Scenarios in the Workspace');
    const toast = h.page.locator('.notification-toast', { hasText: 'scenario' }).first();
    await toast.waitFor({ state: 'visible' });
    const source = await toast.locator('.notification-list-item-source').textContent();
    assert.match(source ?? '', /drvmap — driver mapping scenarios/);
    await h.screenshot('notification-source');
  });
});

test('harness helpers: squiggles, hover, command palette, webview', { timeout: 300_000 }, async (t) => {
  await withHarness(t, 'harness-self-check', async (h) => {
    h.writeFile('scratch/broken.json', '{\n  "a": 1,\n  "b": \n}\n');
    await h.openFile('scratch/broken.json');
    assert.ok((await h.waitForSquiggles('error')) >= 1);
    const hover = await h.hoverSquiggle(0);
    assert.match(hover, /expected/i);

    await h.hideHover();
    const minimap = h.page.locator('.editor-group-container.active .minimap').first();
    const wasVisible = await minimap.isVisible();
    await h.runCommand('View: Toggle Minimap');
    await minimap.waitFor({ state: wasVisible ? 'hidden' : 'visible' });

    h.writeFile('notes.md', '# Harness heading\n\nSome text.\n');
    await h.openFile('notes.md');
    await h.runCommand('Markdown: Open Preview');
    const heading = await h.waitForWebview('h1');
    assert.equal((await heading.textContent())?.trim(), 'Harness heading');
    await h.screenshot('self-check');
  });
});
