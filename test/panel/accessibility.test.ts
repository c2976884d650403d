// The panel's accessibility in headless Chromium (the page panelHtml() generates, with the theme
// variables VS Code defines for each theme kind, and VS Code's default webview styles): text
// contrast (WCAG 1.4.3), visible focus (2.4.7), reflow at 300 px (1.4.10), a dismissible tooltip
// (1.4.13), labels that contain the visible text (2.5.3) and what a screen reader is told (4.1.2).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, nextFrame, openPanel, send, type ThemeKind } from './fixture/browser';
import { textContrast } from './fixture/contrast';
import { findRepoRoot, startFixtureServer, type FixtureServer } from './fixture/server';
import { wineScenarioState } from './fixture/states';

interface Region {
  start: string;
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const OUTPUT = join(findRepoRoot(), 'test-output', 'panel');
const THEMES: readonly ThemeKind[] = ['light', 'dark', 'hc', 'hc-light'];
/** WCAG 1.4.3 (AA) for text of normal size. */
const TEXT_CONTRAST = 4.5;
let browser: Browser;
let server: FixtureServer;

before(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  server = await startFixtureServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function newPanel(theme: ThemeKind, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await openPanel(page, server.url, theme);
  await send(page, { type: 'state', state: wineScenarioState(7) });
  return page;
}

const regions = (page: Page): Promise<Region[]> =>
  page.evaluate(() =>
    (window as unknown as { __drvmapPanel: { regions(): Region[] } }).__drvmapPanel.regions(),
  );

async function hoverRegion(page: Page, r: Region, at = 0.5): Promise<void> {
  const box = await page.locator('#map').boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + r.x + r.w * at, box.y + r.y + r.h / 2);
}

async function assertReadable(element: Locator, what: string): Promise<void> {
  const c = await textContrast(element);
  assert.ok(c.ratio >= TEXT_CONTRAST, `${what}: ${c.color} on ${c.background} is ${c.ratio}:1`);
}

/** Tabs from `from` until an element matching `to` has focus, as a keyboard user gets there. */
async function tabTo(page: Page, from: string, to: string): Promise<void> {
  await page.locator(from).focus();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, to)) return;
  }
  assert.fail(`Tab from ${from} never reached ${to}`);
}

interface Ring {
  focusVisible: boolean;
  style: string;
  width: string;
  color: string;
  focusBorder: string;
}

/** The outline the focused element shows, and the theme's focusBorder resolved to rgb(). */
const focusRing = (page: Page): Promise<Ring> =>
  page.evaluate(() => {
    const e = document.activeElement as HTMLElement;
    const s = getComputedStyle(e);
    const probe = document.createElement('span');
    probe.style.color = 'var(--vscode-focusBorder)';
    document.body.append(probe);
    const focusBorder = getComputedStyle(probe).color;
    probe.remove();
    return {
      focusVisible: e.matches(':focus-visible'),
      style: s.outlineStyle,
      width: s.outlineWidth,
      color: s.outlineColor,
      focusBorder,
    };
  });

function assertRing(ring: Ring, what: string): void {
  assert.ok(ring.focusVisible, `${what} matches :focus-visible`);
  assert.deepEqual(
    { style: ring.style, width: ring.width, color: ring.color },
    { style: 'solid', width: '2px', color: ring.focusBorder },
    `${what}: the focus ring is the theme's focusBorder`,
  );
}

describe('panel accessibility', () => {
  test('toolbar buttons (plain, hovered, pressed) and a selected row read at 4.5:1 in every theme kind, High Contrast Dark too', async () => {
    for (const theme of THEMES) {
      const page = await newPanel(theme);
      const row = page.locator('#mapping-table tbody tr').nth(1);
      await row.click();
      assert.equal(await row.getAttribute('aria-selected'), 'true');
      await page.mouse.move(0, 0);
      for (const button of await page.locator('#toolbar button').all())
        await assertReadable(button, `${theme}: toolbar button ${await button.getAttribute('id')}`);
      assert.equal(await page.locator('#compress').getAttribute('aria-pressed'), 'true');
      await page.locator('#zoom-in').hover();
      await assertReadable(page.locator('#zoom-in'), `${theme}: hovered Zoom in`);
      await assertReadable(row.locator('td').first(), `${theme}: selected row`);
      await assertReadable(row.locator('button.link'), `${theme}: line link in the selected row`);
      if (theme === 'hc' || theme === 'hc-light') {
        // The recipe of microsoft/vscode-webview-ui-toolkit#326: a button whose background the
        // theme leaves unset is outlined with contrastBorder.
        const border = await page.locator('#zoom-out').evaluate((b) => getComputedStyle(b).borderTopColor);
        assert.notEqual(border, 'rgba(0, 0, 0, 0)', `${theme}: toolbar buttons have a border`);
      }
      await page.screenshot({
        path: join(OUTPUT, `a11y-toolbar-${theme}.png`),
        clip: { x: 0, y: 0, width: 900, height: 120 },
      });
      await page.close();
    }
    // Light+ (not Modern) selects a row in dark blue with white text: the row's link follows it.
    const page = await newPanel('light');
    await page.evaluate(() => {
      const root = document.documentElement.style;
      root.setProperty('--vscode-list-activeSelectionBackground', '#0060c0');
      root.setProperty('--vscode-list-activeSelectionForeground', '#ffffff');
      root.setProperty('--vscode-textLink-foreground', '#006ab1');
    });
    const row = page.locator('#mapping-table tbody tr').nth(1);
    await row.click();
    await assertReadable(row.locator('button.link'), 'Light+: line link in the selected row');
    await page.close();
  });

  test('the replay notice reads at 4.5:1 in every theme kind and is marked as a warning', async () => {
    for (const theme of THEMES) {
      const page = await newPanel(theme);
      await send(page, {
        type: 'state',
        state: { ...wineScenarioState(7), replay: 'gpu: maps at-map, backing anon' },
      });
      const notice = page.locator('#replay-text');
      await assertReadable(notice, `${theme}: replay notice`);
      const mark = await notice.evaluate((p) => ({
        before: getComputedStyle(p, '::before').content,
        border: getComputedStyle(p).borderLeftStyle,
      }));
      assert.match(mark.before, /⚠/, `${theme}: a warning mark, not only a colour`);
      assert.equal(mark.border, 'solid', `${theme}: a warning border`);
      if (theme === 'light')
        await page.locator('header').screenshot({ path: join(OUTPUT, 'a11y-replay-light.png') });
      await page.close();
    }
  });

  test('keyboard focus shows the focusBorder ring on the pressed toggle, the Compare select and a selected row', async () => {
    for (const theme of ['light', 'hc'] as const) {
      const page = await newPanel(theme);
      await tabTo(page, '#fit-window', '#compress');
      assert.equal(await page.locator('#compress').getAttribute('aria-pressed'), 'true');
      assertRing(await focusRing(page), `${theme}: pressed Compress gaps`);
      await page.keyboard.press('Tab');
      assertRing(await focusRing(page), `${theme}: Compare select`);
      await tabTo(page, '#timeline', '#mapping-table tbody tr');
      await page.keyboard.press('Space');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-selected')), 'true');
      assertRing(await focusRing(page), `${theme}: selected, focused table row`);
      await page.locator('#table-section').screenshot({ path: join(OUTPUT, `a11y-row-focus-${theme}.png`) });
      await page.close();
    }
  });

  test('Escape hides the map tooltip, whichever element has focus (WCAG 1.4.13)', async () => {
    const page = await newPanel('light');
    const tooltip = page.locator('#tooltip');
    const drawn = (await regions(page)).filter((r) => r.w > 20);
    assert.ok(drawn.length >= 2);
    await hoverRegion(page, drawn[0]!);
    assert.ok(await tooltip.isVisible(), 'hovering a mapping shows the tooltip');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Escape');
    assert.ok(await tooltip.isHidden(), 'Escape with focus on the page hides it');
    // A pointer nudged within the same mapping does not bring it back.
    await hoverRegion(page, drawn[0]!, 0.55);
    assert.ok(await tooltip.isHidden(), 'it stays dismissed over the same mapping');
    await hoverRegion(page, drawn[1]!);
    assert.ok(await tooltip.isVisible(), 'another mapping shows it again');
    await page.locator('#map').focus();
    await page.keyboard.press('Escape');
    assert.ok(await tooltip.isHidden(), 'Escape on the map hides it');
    await page.close();
  });

  test('at 300 px the toolbar wraps inside the panel and the tooltip fits on screen (WCAG 1.4.10)', async () => {
    const width = 300;
    const page = await newPanel('light', width);
    const overflow = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.ok(overflow.scroll <= overflow.client, `the page scrolls sideways: ${JSON.stringify(overflow)}`);
    for (const control of await page.locator('#toolbar button, #toolbar select').all()) {
      const box = await control.boundingBox();
      assert.ok(
        box && box.x >= 0 && box.x + box.width <= width,
        `${await control.getAttribute('id')} ends at ${box ? box.x + box.width : '?'}`,
      );
    }
    await page.screenshot({ path: join(OUTPUT, 'a11y-narrow-300.png'), fullPage: true });
    // The mapping drawn furthest right: its tooltip would run past the edge.
    const rightmost = (await regions(page)).sort((a, b) => b.x + b.w - (a.x + a.w))[0]!;
    await hoverRegion(page, rightmost, 0.9);
    const tip = await page.locator('#tooltip').boundingBox();
    assert.ok(tip, 'the tooltip is shown');
    assert.ok(tip.x >= 0 && tip.x + tip.width <= width, `the tooltip spans ${tip.x}–${tip.x + tip.width}`);
    assert.ok(tip.y >= 0 && tip.y + tip.height <= 900, `the tooltip spans y ${tip.y}–${tip.y + tip.height}`);
    await page.screenshot({ path: join(OUTPUT, 'a11y-narrow-300-tooltip.png') });
    await page.close();
  });

  test('the map is an interactive widget; a selection is announced in one short line; gap buttons are named by their text', async () => {
    const page = await newPanel('light');
    // role=img is not interactive: browse mode would keep the map's arrow, +/- and Enter keys.
    const map = page.getByRole('application', { name: /^Address space map/ });
    assert.equal(await map.count(), 1, 'the map has an interactive role');
    assert.equal(await map.getAttribute('aria-roledescription'), 'address map');
    // Record which live regions change while the map's selection moves.
    await page.evaluate(() => {
      const changed = new Set<Element>();
      const live = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]';
      new MutationObserver((records) => {
        for (const r of records) {
          const node = r.target instanceof Element ? r.target : r.target.parentElement;
          const region = node?.closest(live);
          if (region) changed.add(region);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
      (window as unknown as { __liveChanges: Set<Element> }).__liveChanges = changed;
    });
    await map.focus();
    await page.keyboard.press('ArrowRight');
    await nextFrame(page);
    const announced = await page.evaluate(() =>
      Array.from((window as unknown as { __liveChanges: Set<Element> }).__liveChanges, (e) =>
        (e.textContent ?? '').trim(),
      ),
    );
    assert.equal(announced.length, 1, `one live region speaks: ${JSON.stringify(announced)}`);
    const line = announced[0]!;
    const selected = await page.evaluate(
      () =>
        (window as unknown as { __drvmapPanel: { state: { selectedKey: string } } }).__drvmapPanel.state
          .selectedKey,
    );
    assert.ok(selected, 'ArrowRight selected a mapping');
    assert.ok(line.length <= 160 && !/\n/.test(line), `one short line: ${line}`);
    assert.doesNotMatch(line, /Protection|Made by/, 'not the whole details list');
    assert.match(line, /0x[0-9a-f_]+ – 0x[0-9a-f_]+/, 'it names the range');
    // WCAG 2.5.3: a voice user says what they see ("click 2 GiB").
    const gaps = page.locator('#stats .gaps button');
    assert.ok((await gaps.count()) > 0);
    for (const gap of await gaps.all()) {
      const visible = ((await gap.textContent()) ?? '').trim();
      const escaped = visible.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.equal(
        await page.getByRole('button', { name: new RegExp(`^${escaped}`) }).count(),
        1,
        `a button whose name starts with "${visible}"`,
      );
    }
    await page.close();
  });
});
