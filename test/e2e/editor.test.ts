// End to end, in the real workbench (code-server + Chromium): diagnostics, hovers, inlay hints,
// typing and quick fixes on fixture scenarios. Every expectation is computed by the engine from
// the same text (./expected.ts), so the editor is compared with what drvmap itself says.
// One code-server and browser serve all tests of this file; they run in order and share the
// workspace: the edits of one test are undone before the next (or the next re-reads the text).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventually, FIXTURE_WORKSPACE, sharedHarness, type Harness } from './harness';
import { EngineView } from './expected';

const withShared = sharedHarness({ name: 'editor', viewport: { width: 1400, height: 900 } });
const EXAMPLE = '1-remap-dontunmap.drvmap';
const EDIT = 'edit.drvmap';
const example = EngineView.ofFile(join(FIXTURE_WORKSPACE, EXAMPLE));
const edit = EngineView.ofFile(join(FIXTURE_WORKSPACE, EDIT));
/** Two drivers with every trait open: an exploration of seconds. */
const SLOW = 'explore-slow.drvmap';
const slow = EngineView.ofFile(join(FIXTURE_WORKSPACE, SLOW));
const T = { timeout: 180_000 };

/** Asserts the squiggled lines of the rendered part of the editor match `want`'s, for both severities. */
async function assertSquiggles(h: Harness, want: EngineView, what: string): Promise<Set<number>[]> {
  return eventually(
    async () => {
      const visible = new Set(await h.visibleLineNumbers());
      const seen: Set<number>[] = [];
      for (const severity of ['error', 'warning'] as const) {
        const got = await h.squiggleLines(severity);
        const expected = want.squiggleLines(severity).filter((l) => visible.has(l));
        assert.deepEqual(got, expected, `${severity} squiggles on lines ${got}, the engine says ${expected}`);
        seen.push(new Set(got));
      }
      return seen;
    },
    { what },
  );
}

test('an unsafe example: error squiggles on the lines the engine says, rule codes in Problems', T, (t) =>
  withShared(t, 'diagnostics', async (h) => {
    await h.openFile(EXAMPLE);
    await h.waitForLanguageMode('drvmap');
    const wanted = example.diagnostics;
    assert.ok(
      wanted.some((d) => d.code === 'kernel-refused') &&
        wanted.some((d) => d.code === 'stale-pointer') &&
        wanted.some((d) => d.code === 'expectation-failed'),
      `the fixture should be unsafe; the engine says ${example.codes}`,
    );

    // The editor renders only what is on screen: look at the top, then at the bottom.
    const seen = { error: new Set<number>(), warning: new Set<number>() };
    for (const line of [1, example.lines.length]) {
      await h.goToLine(line);
      const [errors, warnings] = await assertSquiggles(h, example, `squiggles around line ${line}`);
      for (const l of errors!) seen.error.add(l);
      for (const l of warnings!) seen.warning.add(l);
    }
    assert.deepEqual(
      [...seen.error].sort((a, b) => a - b),
      example.squiggleLines('error'),
    );
    assert.deepEqual(
      [...seen.warning].sort((a, b) => a - b),
      example.squiggleLines('warning'),
    );

    // Problems: one row per diagnostic, with its rule code and position.
    await h.problems();
    await h.runCommand('View: Toggle Maximized Panel');
    const rows = await eventually(
      async () => {
        const rows = await h.problems(wanted.length);
        for (const d of wanted) {
          const where = `[Ln ${d.line}, Col ${d.column}]`;
          assert.ok(
            rows.some((r) => r.includes(`drvmap ${d.code}`) && r.includes(where)),
            `no Problems row for ${d.code} at ${where}:\n${rows.join('\n')}`,
          );
        }
        return rows;
      },
      { what: 'Problems panel' },
    );
    assert.ok(
      rows.some((r) => r.startsWith(EXAMPLE)),
      `no file row for ${EXAMPLE}`,
    );
    await h.screenshot('problems');
    await h.runCommand('View: Toggle Maximized Panel');
    await h.closePanel();
  }),
);

test('hover on an address shows its facts; inlay hints show each step result', T, (t) =>
  withShared(t, 'hover-inlay', async (h) => {
    await h.openFile(EXAMPLE);
    // Inlay hints: compare what is rendered with the engine's, line by line, top and bottom.
    const expectedHints = example.inlayHints;
    assert.ok(expectedHints.some((x) => x.text.startsWith('→ 0x')));
    for (const line of [1, example.lines.length]) {
      await h.goToLine(line);
      await eventually(
        async () => {
          const visible = new Set(await h.visibleLineNumbers());
          const got = (await h.inlayHints()).filter((x) => visible.has(x.line));
          const want = expectedHints.filter((x) => visible.has(x.line));
          assert.deepEqual(got, want);
        },
        { what: `inlay hints around line ${line}` },
      );
    }

    // The expectation of the lavapipe scenario: `p + 0x100` is an address inside the window.
    const scenario = example.findLine('scenario "breaks: private anonymous');
    const line = example.findLine('expect app reads p + 0x100', scenario);
    await h.goToLine(line);
    const facts = example.hoverParagraphs(line, 'p + 0x100', 4);
    assert.ok(
      facts.some((p) => /Inside the 32-bit window/.test(p)),
      facts.join('\n'),
    );
    const hover = await eventually(
      async () => {
        const text = (await h.hoverAtText(line, 'p + 0x100', 4)).replace(/\s+/g, ' ');
        for (const p of facts) assert.ok(text.includes(p), `hover lacks "${p}":\n${text}`);
        return text;
      },
      { what: 'hover on p + 0x100' },
    );
    // Hex, decimal, size, and the window.
    assert.match(hover, /0x1_0100 · 65_792 · ≈64\.3 KiB/);
    assert.match(hover, /Inside the 32-bit window 0x1_0000\.\.0x8000_0000/);
    // The line's own problem shows in the same hover.
    assert.match(hover, /expectation failed/);
    await h.screenshot('hover-address');
    await h.hideHover();
  }),
);

test('typing a fix removes the diagnostic, breaking it again brings it back', T, (t) =>
  withShared(t, 'typing', async (h) => {
    await h.openFile(EDIT);
    await h.waitForLanguageMode('drvmap');
    const line = edit.findLine('at 0x1000_0800 fixed');
    assert.ok(
      edit.diagnostics.some((d) => d.code === 'kernel-refused' && d.line === line),
      'the fixture has the misaligned mmap',
    );
    await assertSquiggles(h, edit, 'initial squiggles');

    // The hover on the misaligned address: hex, decimal, size, alignment, the window.
    const facts = edit.hoverParagraphs(line, '0x1000_0800', 3);
    const hover = await eventually(
      async () => {
        const text = (await h.hoverAtText(line, '0x1000_0800', 3)).replace(/\s+/g, ' ');
        for (const p of facts) assert.ok(text.includes(p), `hover lacks "${p}":\n${text}`);
        return text;
      },
      { what: 'hover on 0x1000_0800' },
    );
    assert.match(hover, /0x1000_0800 · 268_437_504 · ≈256\.0 MiB/);
    assert.match(hover, /not page-aligned \(\+0x800\)/);
    assert.match(hover, /Inside the 32-bit window/);
    await h.hideHover();

    // The hover on the squiggle: the kernel's refusal, with its rule code.
    const diagnostic = await eventually(
      async () => {
        const text = (await h.hoverAtText(line, 'mmap', 1)).replace(/\s+/g, ' ');
        assert.match(text, /MAP_FIXED address 0x1000_0800 is not page aligned/);
        return text;
      },
      { what: 'hover on the squiggle' },
    );
    assert.match(diagnostic, /kernel-refused/);
    await h.screenshot('diagnostic-hover');
    await h.hideHover();

    // Fix it by typing: select `0800` and type `0000`.
    const column = edit.lines[line - 1]!.indexOf('0800') + 1;
    const select4 = async () => {
      await h.goToLine(line, column);
      for (let i = 0; i < 4; i++) await h.page.keyboard.press('Shift+ArrowRight');
      await h.waitForCursor(line, column + 4);
    };
    await select4();
    await h.page.keyboard.type('0000');
    const fixed = new EngineView(edit.text.replace('0x1000_0800', '0x1000_0000'));
    assert.ok(!fixed.diagnostics.some((d) => d.line === line), 'the engine accepts the aligned address');
    await h.page
      .locator('.editor-group-container.active .view-line', { hasText: 'at 0x1000_0000 fixed' })
      .waitFor();
    await assertSquiggles(h, fixed, 'squiggles after the fix');
    await eventually(async () =>
      assert.deepEqual(
        (await h.inlayHints()).filter((x) => x.line === line),
        fixed.inlayHints.filter((x) => x.line === line),
      ),
    );
    await h.screenshot('typing-fixed');

    // Break it again: the squiggle and the EINVAL hint come back.
    await select4();
    await h.page.keyboard.type('0800');
    await h.page
      .locator('.editor-group-container.active .view-line', { hasText: 'at 0x1000_0800 fixed' })
      .waitFor();
    await assertSquiggles(h, edit, 'squiggles after breaking it again');
    await eventually(async () =>
      assert.deepEqual(
        (await h.inlayHints()).filter((x) => x.line === line),
        [{ line, text: '→ EINVAL' }],
      ),
    );
  }),
);

test('a quick fix from the light bulb applies and clears its diagnostic', T, (t) =>
  withShared(t, 'quick-fix', async (h) => {
    await h.openFile(EDIT);
    const text = await h.editorText();
    const current = new EngineView(text);
    const line = current.findLine('dontunmap');
    assert.ok(current.diagnostics.some((d) => d.code === 'kernel-refused' && d.line === line));
    await assertSquiggles(h, current, 'squiggles before the quick fix');

    // The cursor on the refused mremap shows the light bulb; clicking it lists the fixes.
    await h.goToLine(line, current.lines[line - 1]!.indexOf('mremap') + 2);
    const bulb = h.page.locator('.editor-group-container.active .lightBulbWidget').filter({ visible: true });
    await bulb.first().waitFor({ state: 'visible' });
    await bulb.first().click();
    const widget = h.page.locator('.action-widget').filter({ visible: true }).first();
    await widget.waitFor({ state: 'visible' });
    const action = widget.locator('.monaco-list-row.action', { hasText: 'Add the `maymove` flag' });
    await action.waitFor({ state: 'visible' });
    await h.screenshot('quick-fix-menu');
    // While the widget opens, a pointer block covers the page (for iframes); the first mouse
    // move over it removes it.
    const box = await action.boundingBox();
    assert.ok(box, 'the action has no box');
    await h.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    await h.page.locator('.context-view-pointerBlock').waitFor({ state: 'detached' });
    await action.click();
    await widget.waitFor({ state: 'hidden' });

    await h.page
      .locator('.editor-group-container.active .view-line', { hasText: 'dontunmap | maymove' })
      .waitFor();
    const after = new EngineView(
      current.text.replace('4KiB, 4KiB, dontunmap', '4KiB, 4KiB, dontunmap | maymove'),
    );
    assert.ok(!after.diagnostics.some((d) => d.line === line), 'the engine accepts the fixed mremap');
    await assertSquiggles(h, after, 'squiggles after the quick fix');
    assert.ok(!(await h.squiggleLines('error')).includes(line));
    await h.screenshot('quick-fix-applied');
  }),
);

test('the editor answers a hover while an exploration runs; Cancel stops it without an error', T, (t) =>
  withShared(t, 'explore-cancel', async (h) => {
    await h.openFile(SLOW);
    await h.waitForLanguageMode('drvmap');
    await h.goToLine(slow.findLine('strategy remap-dontunmap'), 3);
    await h.runCommand('drvmap: Explore Driver Behaviours of This Scenario');
    const toast = h.page.locator('.notification-toast', { hasText: 'exploring driver behaviours' }).first();
    await toast.waitFor({ state: 'visible' });

    // The exploration runs on the server's explore thread: a hover is answered meanwhile.
    const line = slow.findLine('app writes p0 + 0x100');
    await h.goToLine(line);
    const facts = slow.hoverParagraphs(line, 'p0 + 0x100', 4);
    assert.ok(facts.length > 0);
    await eventually(
      async () => {
        const hover = (await h.hoverAtText(line, 'p0 + 0x100', 4)).replace(/\s+/g, ' ');
        for (const p of facts) assert.ok(hover.includes(p), `hover lacks "${p}":\n${hover}`);
      },
      { what: 'hover while exploring' },
    );
    // Still exploring: its notification shows, or (when the Escape that closes a hover before the
    // next try hid the toasts) its entry in the status bar.
    const running = h.page.locator('.notification-toast, .statusbar-item', {
      hasText: 'exploring driver behaviours',
    });
    assert.ok((await running.count()) > 0, 'the hover came only after the exploration ended');
    await h.screenshot('explore-running-hover');

    // Cancel, on the toast, or on the notification the status bar entry shows again: the
    // notification goes, and no error or result follows.
    await h.page.mouse.move(1, 1);
    if (!(await toast.isVisible()))
      await h.page.locator('.statusbar-item', { hasText: 'exploring driver behaviours' }).first().click();
    const notification = h.page
      .locator('.notification-list-item', { hasText: 'exploring driver behaviours' })
      .filter({ visible: true })
      .first();
    await notification.hover();
    await notification.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await running.first().waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await h.page.locator('.notification-toast', { hasText: 'drvmap' }).count(), 0);
    assert.equal(await h.page.locator('.tab', { hasText: 'drvmap: Address Map' }).count(), 0);
  }),
);
