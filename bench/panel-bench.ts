// Benchmark of the address-space panel in headless Chromium: first paint of 10,000 mappings
// (message received → canvas drawn, parts of the page updated and laid out) on a fresh panel,
// and one timeline step (the next step's state arriving), each the median of several runs.
// Needs out/panel.js (node scripts/build.mjs) and /usr/bin/chromium.
import type { Page } from 'playwright-core';
import type { PanelState } from '../protocol/panel';
import { launchChromium, openPanel } from '../test/panel/fixture/browser';
import { startFixtureServer } from '../test/panel/fixture/server';
import { largeState } from '../test/panel/fixture/states';

const FIRST_PAINT_RUNS = 7;
const STEP_RUNS = 15;
const MAPPINGS = 10_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Delivers a state and draws it synchronously; the time includes forcing the page's layout. */
function timeState(page: Page, slot: number): Promise<number> {
  return page.evaluate((index) => {
    const w = window as unknown as { __benchStates: PanelState[]; __drvmapPanel: { renderNow(): number } };
    const started = performance.now();
    window.dispatchEvent(
      new MessageEvent('message', { data: { type: 'state', state: w.__benchStates[index] } }),
    );
    w.__drvmapPanel.renderNow();
    void document.body.offsetHeight;
    return performance.now() - started;
  }, slot);
}

export async function benchPanel(): Promise<{ firstPaintMs: number; stepMs: number }> {
  const server = await startFixtureServer();
  const browser = await launchChromium();
  try {
    const states = Array.from({ length: STEP_RUNS + 1 }, (_, step) => largeState(MAPPINGS, step));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Transferring states into the page is not part of the measurement, and it is slow (each
    // crosses the DevTools protocol as JSON): a fresh panel gets only the first state, the step
    // runs get the others once.
    const load = (s: readonly PanelState[]) =>
      page.evaluate((list) => {
        (window as unknown as { __benchStates: PanelState[] }).__benchStates = list;
      }, s as PanelState[]);
    const firstPaint: number[] = [];
    for (let run = 0; run < FIRST_PAINT_RUNS; run++) {
      await page.evaluate(() => sessionStorage.clear()).catch(() => undefined);
      await openPanel(page, server.url);
      await load(states.slice(0, 1));
      firstPaint.push(await timeState(page, 0));
    }
    await load(states);
    const steps: number[] = [];
    for (let step = 1; step <= STEP_RUNS; step++) {
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(done)));
      steps.push(await timeState(page, step));
    }
    await page.close();
    return { firstPaintMs: median(firstPaint), stepMs: median(steps) };
  } finally {
    await browser.close();
    await server.close();
  }
}
