// End to end: "drvmap: Show Address Map" in the real workbench. The panel is a webview
// (`iframe.webview` → `iframe#active-frame`); it is read through its accessible table of mappings
// and its test hook `window.__drvmapPanel` (media/src/test-hook.ts), and compared with the
// state the engine computes for the same cursor (./expected.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { PanelState } from '../../protocol/panel';
import type { DrawnRegion, PanelTestHook } from '../../media/src/test-hook';
import { eventually, FIXTURE_WORKSPACE, sharedHarness, type Harness } from './harness';
import { EngineView } from './expected';

const withShared = sharedHarness({ name: 'panel', viewport: { width: 1600, height: 960 } });
const EXAMPLE = '1-remap-dontunmap.drvmap';
const example = EngineView.ofFile(join(FIXTURE_WORKSPACE, EXAMPLE));
const T = { timeout: 180_000 };

interface PanelView {
  scenario: string;
  stepIndex: number | undefined;
  caption: string;
  rows: { start: string; end: string; line: number }[];
  regions: DrawnRegion[];
}

/** What the panel shows now: its header, hook state, table rows and drawn regions. */
async function panelView(h: Harness): Promise<PanelView> {
  return h
    .webview()
    .locator('body')
    .evaluate((body) => {
      const hook = (window as unknown as { __drvmapPanel?: PanelTestHook }).__drvmapPanel;
      const rows = Array.from(body.querySelectorAll('#mapping-table tbody tr')).map((tr) => ({
        start: tr.getAttribute('data-start') ?? '',
        end: tr.getAttribute('data-end') ?? '',
        line: Number(tr.getAttribute('data-line')),
      }));
      return {
        scenario: body.querySelector('#scenario-name')?.textContent ?? '',
        stepIndex: hook?.state.stepIndex,
        caption: body.querySelector('#mapping-table caption')?.textContent ?? '',
        rows,
        regions: hook?.regions() ?? [],
      };
    });
}

/** Waits until the panel shows exactly the engine's state: scenario, step, every mapping. */
async function waitForPanelState(h: Harness, want: PanelState, what: string): Promise<PanelView> {
  const wantRows = [...want.mappings]
    .map((m) => ({ start: m.start, end: m.end, line: m.line }))
    .sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : BigInt(a.start) > BigInt(b.start) ? 1 : 0));
  return eventually(
    async () => {
      const view = await panelView(h);
      assert.equal(view.scenario, want.scenario);
      assert.equal(view.stepIndex, want.stepIndex);
      assert.deepEqual(view.rows, wantRows);
      assert.match(view.caption, new RegExp(`^${want.mappings.length} mappings? — `));
      // Every mapping in view is drawn on the canvas.
      assert.ok(view.regions.length > 0 || want.mappings.length === 0, 'nothing drawn');
      return view;
    },
    { what },
  );
}

test('Show Address Map opens beside the editor and follows the cursor; clicks move the cursor', T, (t) =>
  withShared(t, 'address-map', async (h) => {
    await h.openFile(EXAMPLE);
    await h.waitForLanguageMode('drvmap');
    // The lavapipe scenario, cursor on its vkMapMemory step.
    const scenario = example.findLine('scenario "breaks: private anonymous');
    const mapLine = example.findLine('p = vkMapMemory mem', scenario);
    await h.goToLine(mapLine, 3);
    await h.squiggles('error').first().waitFor({ state: 'attached' });

    await h.runCommand('drvmap: Show Address Map');
    await h.waitForWebview('#mapping-table caption');

    // Beside: two editor groups, the file on the left, the panel's tab on the right.
    const groups = h.page.locator('.editor-group-container');
    await eventually(async () => assert.equal(await groups.count(), 2));
    await groups.nth(0).locator('.tab.active', { hasText: EXAMPLE }).waitFor();
    await groups.nth(1).locator('.tab.active', { hasText: 'drvmap: Address Map' }).waitFor();
    const editorBox = await h.firstEditor().boundingBox();
    const panelBox = await h.page.locator('iframe.webview.ready').last().boundingBox();
    assert.ok(editorBox && panelBox && panelBox.x >= editorBox.x + editorBox.width - 2, 'panel not beside');

    // It draws the state at the cursor, as the engine computes it.
    const atMap = example.panelStateAt(mapLine);
    assert.ok(atMap.mappings.length > 0);
    const first = await waitForPanelState(h, atMap, 'panel at vkMapMemory');
    assert.ok(first.regions.some((r) => r.line === mapLine - 1 || r.line >= 0));

    // Moving the cursor to the next step changes the panel: the stale-pointer write.
    const writeLine = example.findLine('w = lvp writes', scenario);
    await h.goToLine(writeLine, 3);
    const atWrite = example.panelStateAt(writeLine);
    assert.notEqual(atWrite.stepIndex, atMap.stepIndex);
    await waitForPanelState(h, atWrite, 'panel at the lvp write');
    // The picture for the README: more room for the scenario, without the side bar.
    await h.runCommand('View: Toggle Primary Side Bar Visibility');
    await h.page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    await h.screenshot('panel-beside');

    // Another scenario: the header and the mappings change with it.
    const safeLine = example.findLine('w = soft writes');
    await h.goToLine(safeLine, 3);
    const atSafe = example.panelStateAt(safeLine);
    assert.notEqual(atSafe.scenario, atWrite.scenario);
    const safe = await waitForPanelState(h, atSafe, 'panel in the first scenario');

    // Clicking a mapping on the canvas moves the editor's cursor to the line that made it.
    const target = safe.regions.find((r) => r.line + 1 !== safeLine && r.w >= 4);
    assert.ok(target, `no clickable region off line ${safeLine}: ${JSON.stringify(safe.regions)}`);
    await h
      .webview()
      .locator('canvas#map')
      .click({ position: { x: target.x + Math.min(target.w / 2, 20), y: target.y + target.h / 2 } });
    await h.waitForEditorCursorLine(target.line + 1);

    // The table's reveal control does the same for a row (keyboard and screen-reader path).
    await h.goToLine(safeLine, 3);
    await waitForPanelState(h, atSafe, 'panel back on the soft write');
    const row = safe.rows.find((r) => r.line + 1 !== safeLine)!;
    const reveal = h.webview().locator(`#mapping-table tbody tr[data-start="${row.start}"] button`, {
      hasText: String(row.line + 1),
    });
    await reveal.click();
    await h.waitForEditorCursorLine(row.line + 1);
    await h.screenshot('panel-revealed');
  }),
);
