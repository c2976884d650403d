// The exploration matrix and the kernel-run markers in the panel (headless Chromium, the page
// panelHtml() generates): rows per behaviour with the deciding traits marked, keyboard replay,
// escaped text, the replay banner, and one marker per step of a kernel run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ExploreMatrix, KernelRunView } from '../../protocol/panel';
import { clearPosted, launchChromium, openPanel, posted, send } from './fixture/browser';
import { findRepoRoot, startFixtureServer, type FixtureServer } from './fixture/server';
import { wineScenarioState } from './fixture/states';

const OUTPUT = join(findRepoRoot(), 'test-output', 'panel');
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

// The scenario wineScenarioState shows: the matrix belongs to what the map follows.
const MATRIX: ExploreMatrix = {
  uri: 'file:///work/examples/wow64.drvmap',
  version: 7,
  scenarioIndex: 1,
  scenario: '<img src=x onerror=alert(1)> remap',
  strategy: 'remap-dontunmap',
  summary:
    'remap-dontunmap: unsafe under 2 and refused under 1 of 4 driver behaviours; safe only when backing = shmem',
  total: 4,
  counts: { safe: 1, refused: 1, unsafe: 2 },
  dimensions: [
    { key: 'maps', driver: 'gpu', trait: 'maps', values: ['at-map', 'pool'] },
    { key: 'backing', driver: 'gpu', trait: 'backing', values: ['device', 'shmem', 'anon'] },
  ],
  deciding: ['backing'],
  safeWhen: 'backing = shmem',
  classes: [
    {
      verdict: 'unsafe',
      hazard: 'stale-pointer',
      count: 2,
      deciding: ['backing'],
      when: 'backing = anon',
      breaksAtLine: 11,
      message: 'the driver writes through a stale pointer',
    },
  ],
  behaviours: [
    { values: { maps: 'at-map', backing: 'device' }, verdict: 'refused', hazard: 'kernel-refused' },
    { values: { maps: 'at-map', backing: 'shmem' }, verdict: 'safe' },
    { values: { maps: 'at-map', backing: 'anon' }, verdict: 'unsafe', hazard: 'stale-pointer' },
    { values: { maps: 'pool', backing: 'anon' }, verdict: 'unsafe', hazard: 'stale-pointer' },
  ],
  notes: [],
};

async function newPanel(): Promise<Page & { problems: string[] }> {
  const page = (await browser.newPage({ viewport: { width: 1100, height: 900 } })) as Page & {
    problems: string[];
  };
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(e.message));
  page.on('dialog', (d) => {
    page.problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await openPanel(page, server.url);
  return page;
}

test('the matrix: a row per behaviour, verdicts in words, the deciding trait marked, text escaped', async () => {
  const page = await newPanel();
  await send(page, { type: 'state', state: wineScenarioState(2) });
  assert.equal(await page.locator('#explore-section').isHidden(), true, 'hidden until an exploration comes');
  await send(page, { type: 'explore', result: MATRIX });
  assert.equal(await page.locator('#explore-section').isVisible(), true);
  const rows = page.locator('#explore-table tbody tr');
  assert.equal(await rows.count(), 4);
  assert.deepEqual(await page.locator('#explore-table thead th').allTextContents(), [
    '#',
    'maps',
    'backing ★',
    'Verdict',
    'Hazard',
  ]);
  assert.deepEqual(await rows.nth(2).locator('td').allTextContents(), [
    '3',
    'at-map',
    'anon',
    '✗ unsafe',
    'stale-pointer',
  ]);
  assert.equal(await rows.nth(2).locator('td.deciding').textContent(), 'anon');
  assert.match(
    (await page.locator('#explore-summary').textContent()) ?? '',
    /^<img src=x onerror=alert\(1\)> remap: /,
  );
  assert.equal(await page.locator('#explore-section img').count(), 0, 'the name is text, not markup');
  assert.match(
    (await page.locator('#explore-classes').textContent()) ?? '',
    /stale-pointer\) under 2: when backing = anon — breaks at line 12/,
  );
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('keyboard: one row in the tab order, arrows move, Enter replays; the banner and Stop', async () => {
  const page = await newPanel();
  await send(page, { type: 'state', state: wineScenarioState(2) });
  await send(page, { type: 'explore', result: MATRIX });
  await clearPosted(page);
  const rows = page.locator('#explore-table tbody tr');
  assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('tabindex'))), [
    '0',
    '-1',
    '-1',
    '-1',
  ]);
  await rows.nth(0).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.press(' ');
  assert.deepEqual(await posted(page), [
    { type: 'replay', behaviourIndex: 2 },
    { type: 'replay', behaviourIndex: 3 },
  ]);
  assert.equal(await rows.nth(3).getAttribute('tabindex'), '0');
  await rows.nth(1).click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'replay', behaviourIndex: 1 });
  // The extension says which behaviour the map replays.
  await send(page, { type: 'replaying', behaviourIndex: 2 });
  await send(page, {
    type: 'state',
    state: { ...wineScenarioState(2), replay: 'gpu: maps at-map, backing anon' },
  });
  assert.equal(await rows.nth(2).getAttribute('aria-selected'), 'true');
  assert.match(
    (await page.locator('#explore-replaying').textContent()) ?? '',
    /Replaying behaviour 3 \(maps at-map, backing anon\): ✗ unsafe — stale-pointer/,
  );
  assert.match((await page.locator('#replay-text').textContent()) ?? '', /backing anon/);
  await clearPosted(page);
  await page.locator('#explore-stop').click();
  assert.deepEqual(await posted(page), [{ type: 'replay', behaviourIndex: null }]);
  await send(page, { type: 'replaying', behaviourIndex: undefined });
  await send(page, { type: 'state', state: wineScenarioState(2) });
  assert.equal(await page.locator('#replay-text').isHidden(), true);
  await send(page, { type: 'explore', result: undefined });
  assert.equal(await page.locator('#explore-section').isHidden(), true);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the matrix and its replay go when the map follows another document, for good', async () => {
  const page = await newPanel();
  await send(page, { type: 'state', state: wineScenarioState(2) });
  await send(page, { type: 'explore', result: MATRIX });
  await send(page, { type: 'replaying', behaviourIndex: 2 });
  assert.equal(await page.locator('#explore-section').isVisible(), true);
  const other = { ...wineScenarioState(2), uri: 'file:///work/examples/other.drvmap', scenarioIndex: 0 };
  await send(page, { type: 'state', state: other });
  assert.equal(await page.locator('#explore-section').isHidden(), true, 'gone with the other document');
  assert.equal(await page.locator('#explore-replaying').textContent(), '');
  await page.screenshot({ path: join(OUTPUT, 'explore-gone-other-document.png'), fullPage: true });
  // Back in the explored scenario: it stays gone until the user explores again.
  await send(page, { type: 'state', state: wineScenarioState(2) });
  assert.equal(await page.locator('#explore-section').isHidden(), true, 'not back by itself');
  await send(page, { type: 'explore', result: MATRIX });
  assert.equal(await page.locator('#explore-section').isVisible(), true, 'back when explored again');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the matrix goes when the map leaves the explored scenario, not before it got there', async () => {
  const page = await newPanel();
  const scenario = (index: number) => ({ ...wineScenarioState(2), scenarioIndex: index });
  // The code lens explores scenario 2 while the cursor is in scenario 1: kept.
  await send(page, { type: 'state', state: scenario(0) });
  await send(page, { type: 'explore', result: MATRIX });
  await send(page, { type: 'state', state: scenario(0) });
  assert.equal(await page.locator('#explore-section').isVisible(), true, 'kept until the map gets there');
  await send(page, { type: 'state', state: scenario(1) });
  assert.equal(await page.locator('#explore-section').isVisible(), true);
  await send(page, { type: 'state', state: scenario(2) });
  assert.equal(await page.locator('#explore-section').isHidden(), true, 'gone with another scenario');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a kernel run: one marker per step, and a row reveals its line', async () => {
  const page = await newPanel();
  await send(page, { type: 'state', state: wineScenarioState(2) });
  // The scenario wineScenarioState shows: a run shows under its own scenario only.
  const run: KernelRunView = {
    uri: MATRIX.uri,
    version: 1,
    scenarioIndex: MATRIX.scenarioIndex,
    scenario: 'dontunmap',
    kernelRelease: '6.8.0-test',
    steps: [
      {
        stepIndex: 0,
        line: 2,
        text: 'a = mmap 2MiB rw private anon',
        status: 'agree',
        kernel: '→ 0x7e0fc0000000',
        simulation: '→ 0x7fffc0000000',
        detail: 'both succeed',
      },
      {
        stepIndex: 1,
        line: 3,
        text: 'b = mremap a, …',
        status: 'differ',
        kernel: 'fails with EINVAL',
        simulation: '→ 0x7fff80000000',
        detail: 'the kernel fails with EINVAL',
      },
      {
        stepIndex: 2,
        line: 4,
        text: 'mem = vkAllocateMemory 1MiB',
        status: 'not-run',
        kernel: '—',
        simulation: '—',
        detail: 'not a raw syscall',
      },
      {
        stepIndex: 3,
        line: 5,
        text: 'c = mremap a, 2MiB, 4MiB',
        status: 'not-comparable',
        kernel: 'fails with ENOMEM',
        simulation: '→ 0x7fffc0000000',
        detail:
          "not comparable: on the kernel its growth in place reaches past the top of the harness's arena",
      },
    ],
    notes: ['The scenario simulates kernel 6.6; this machine runs 6.8.0-test.'],
  };
  await send(page, { type: 'kernel', run });
  const rows = page.locator('#kernel-table tbody tr');
  assert.equal(await rows.count(), 4);
  assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status'))), [
    'agree',
    'differ',
    'not-run',
    'not-comparable',
  ]);
  assert.match((await rows.nth(1).textContent()) ?? '', /✗ differ.*fails with EINVAL/);
  // A difference the two layouts cause is not the kernel's: its own mark, with both outcomes and why.
  assert.match(
    (await rows.nth(3).textContent()) ?? '',
    /≈ not comparable.*fails with ENOMEM.*0x7fffc0000000.*past the top of the harness's arena/,
  );
  assert.match(
    (await page.locator('#kernel-table caption').textContent()) ?? '',
    /1 agree, 1 differ, 1 not run, 1 not comparable/,
  );
  assert.match((await page.locator('#kernel-section h2').textContent()) ?? '', /6\.8\.0-test/);
  await clearPosted(page);
  await rows.nth(1).focus();
  await page.keyboard.press('Enter');
  assert.deepEqual(await posted(page), [{ type: 'reveal', line: 3 }]);
  // Under another scenario or document the run's rows are not that scenario's: hidden, and back
  // under its own (the review found another file's "✗ differ" rows revealing lines in the wrong file).
  await send(page, { type: 'state', state: { ...wineScenarioState(2), scenarioIndex: 0 } });
  assert.equal(await page.locator('#kernel-section').isHidden(), true, 'another scenario');
  await send(page, {
    type: 'state',
    state: { ...wineScenarioState(2), uri: 'file:///work/examples/other.drvmap' },
  });
  assert.equal(await page.locator('#kernel-section').isHidden(), true, 'another document');
  await send(page, { type: 'empty', reason: 'No scenario at the cursor.' });
  assert.equal(await page.locator('#kernel-section').isHidden(), true, 'no scenario');
  await send(page, { type: 'state', state: wineScenarioState(2) });
  assert.equal(await page.locator('#kernel-section').isVisible(), true, 'back under its own scenario');
  await send(page, { type: 'kernel', run: undefined });
  assert.equal(await page.locator('#kernel-section').isHidden(), true);
  assert.deepEqual(page.problems, []);
  await page.close();
});
