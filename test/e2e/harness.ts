// End-to-end harness: a real VS Code (code-server 4.100.3, installed offline into
// .cache/code-server/) driven by Debian Chromium through playwright-core.
//
//   await withHarness(t, 'smoke', async (h) => {
//     await h.openFile('smoke.drvmap');
//     assert.equal(await h.languageMode(), 'drvmap');
//   });
//
// Every wait is on UI state (a selector, a file, an HTTP answer); there are no fixed sleeps.
// Teardown kills code-server's whole process group and closes the browser, also on failure.
// See /work/shared/facts/vscode-offline.md for the background.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, type TestContext } from 'node:test';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type FrameLocator,
  type Locator,
  type Page,
} from 'playwright-core';
import type { RunningCodeServer } from '../../scripts/lib/code-server.mjs' with {
  'resolution-mode': 'import',
};

// scripts/lib/code-server.mjs is ESM and these tests are bundled as CommonJS: load it at run time
// from the repo with import() (a computed specifier, so esbuild leaves it alone and the module
// keeps its own import.meta).
type CodeServerLib = typeof import('../../scripts/lib/code-server.mjs', {
  with: { 'resolution-mode': 'import' },
});
const codeServer = (): Promise<CodeServerLib> =>
  import(pathToFileURL(join(repoRoot, 'scripts', 'lib', 'code-server.mjs')).href) as Promise<CodeServerLib>;

/** The repo root: the nearest folder above the running test (or the cwd) holding drvmap's package.json. */
function findRepoRoot(): string {
  for (const start of [process.argv[1] ? dirname(resolve(process.argv[1])) : undefined, process.cwd()]) {
    for (let dir = start; dir; dir = dirname(dir) === dir ? undefined : dirname(dir)) {
      try {
        if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'drvmap') return dir;
      } catch {
        /* not here */
      }
    }
  }
  return process.cwd();
}

export const repoRoot = findRepoRoot();

export const CHROMIUM_PATH = process.env.DRVMAP_CHROMIUM ?? '/usr/bin/chromium';
export const OUTPUT_DIR = join(repoRoot, 'test-output', 'e2e');
export const FIXTURE_WORKSPACE = join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace');
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
/** Default for every wait on the UI; a cold start of the workbench takes a few seconds. */
const UI_TIMEOUT = Number(process.env.DRVMAP_E2E_TIMEOUT ?? 30_000);
const isMac = process.platform === 'darwin';
const mod = isMac ? 'Meta' : 'Control';

/**
 * Makes sure Chromium exists, installing it with scripts/install-system-deps.sh if needed.
 * Returns undefined when it is there, or the reason it is not. Under CI it throws instead: the
 * end-to-end layer must run there.
 */
export function chromiumUnavailable(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'install-system-deps.sh')], { stdio: 'inherit' });
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `Chromium is missing at ${CHROMIUM_PATH} and scripts/install-system-deps.sh could not install it (exit ${r.status}); run it as root or set DRVMAP_CHROMIUM`;
  if (process.env.CI) throw new Error(reason);
  return reason;
}

export interface HarnessOptions {
  /** Used for log, screenshot and temp folder names. */
  name?: string;
  /** Folder copied to a fresh temp workspace; defaults to test/e2e/fixtures/workspace. */
  fixture?: string;
  /** Extra user settings over BASE_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Install the repo's extension into the extensions dir (default true). */
  installExtension?: boolean;
  /** Extra query parameters on the workbench URL (e.g. payload); a function gets the server URL. */
  query?: Record<string, string> | ((serverUrl: string, workspace: string) => Record<string, string>);
  /** Extra environment for code-server and so for the extension host and language server. */
  env?: Record<string, string>;
  /** Keep the temp folder (also with DRVMAP_E2E_KEEP=1). */
  keep?: boolean;
  viewport?: { width: number; height: number };
}

export class Harness {
  private constructor(
    readonly name: string,
    readonly root: string,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    readonly server: RunningCodeServer,
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly keep: boolean,
    private readonly browserLog: string[],
  ) {}

  /** Starts code-server on a free port with a fresh copy of the fixture workspace, then Chromium. */
  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const name = (options.name ?? 'e2e').replace(/[^\w.-]+/g, '-');
    const reason = chromiumUnavailable();
    if (reason) throw new Error(reason);
    const {
      BASE_SETTINGS,
      findFreePort,
      linkExtensionInto,
      setupCodeServer,
      startCodeServer,
      writeUserSettings,
    } = await codeServer();
    await setupCodeServer({ log: (line) => console.log(line) });
    mkdirSync(OUTPUT_DIR, { recursive: true });

    const root = mkdtempSync(join(tmpdir(), `drvmap-${name}-`));
    const workspace = join(root, 'workspace');
    const userDataDir = join(root, 'user-data');
    const extensionsDir = join(root, 'extensions');
    cpSync(options.fixture ?? FIXTURE_WORKSPACE, workspace, { recursive: true });
    writeUserSettings(userDataDir, {
      ...BASE_SETTINGS,
      'editor.hover.delay': 100,
      'workbench.editor.enablePreview': false,
      'files.autoSave': 'off',
      'window.restoreWindows': 'none',
      'workbench.tree.enableStickyScroll': false,
      ...options.settings,
    });
    mkdirSync(extensionsDir, { recursive: true });
    if (options.installExtension !== false) {
      if (!existsSync(join(repoRoot, 'out', 'extension.js'))) {
        console.warn(
          'harness: out/extension.js is missing; run `npm run build` (the language still registers)',
        );
      }
      linkExtensionInto(extensionsDir);
    }

    const keep = options.keep ?? process.env.DRVMAP_E2E_KEEP === '1';
    let server: RunningCodeServer | undefined;
    let browser: Browser | undefined;
    try {
      const port = await findFreePort();
      const logFile = join(OUTPUT_DIR, `${name}-code-server.log`);
      rmSync(logFile, { force: true });
      server = await startCodeServer({
        port,
        extensionsDir,
        userDataDir,
        logFile,
        env: options.env ?? {},
      });
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1400, height: 900 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT);
      const browserLog: string[] = [];
      page.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));
      const h = new Harness(
        name,
        root,
        workspace,
        userDataDir,
        extensionsDir,
        server,
        browser,
        context,
        page,
        keep,
        browserLog,
      );
      const extra =
        typeof options.query === 'function' ? options.query(server.url, workspace) : options.query;
      const query = new URLSearchParams({ folder: workspace, ...extra });
      await page.goto(`${server.url}?${query.toString()}`);
      await h.waitForWorkbench();
      return h;
    } catch (err) {
      await browser?.close().catch(() => undefined);
      await server?.stop();
      if (!keep) rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  get url(): string {
    return this.server.url;
  }

  /** Waits until the workbench is rendered and the explorer shows the workspace. */
  async waitForWorkbench(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The status bar is one of the last parts the workbench renders.
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible' });
  }

  /** Absolute path of a workspace file. */
  path(relPath: string): string {
    return join(this.workspace, relPath);
  }

  /** Writes a file into the workspace (before opening it). */
  writeFile(relPath: string, content: string): string {
    const file = this.path(relPath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  }

  /** The quick input (Quick Open / command palette) once it is visible. */
  private async quickInput(): Promise<Locator> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible' });
    return widget;
  }

  /** Focuses the workbench so keyboard shortcuts reach it (not a webview or the address bar). */
  private async focusWorkbench(): Promise<void> {
    await this.page.bringToFront();
    const inWebview = await this.page.evaluate(() => document.activeElement?.tagName === 'IFRAME');
    if (inWebview) await this.page.locator('.part.statusbar').click({ position: { x: 2, y: 2 } });
  }

  /**
   * Opens a workspace file with Quick Open (Ctrl+P, type, pick) and waits until its editor is
   * active. The absolute path is typed: Quick Open resolves that directly, so files created after
   * its file-search cache was filled are found too. Returns the active editor.
   */
  async openFile(relPath: string): Promise<Locator> {
    const base = relPath.split('/').pop() ?? relPath;
    const absolute = this.path(relPath);
    if (!existsSync(absolute)) throw new Error(`openFile: ${absolute} does not exist`);
    await this.focusWorkbench();
    await this.page.keyboard.press(`${mod}+KeyP`);
    const widget = await this.quickInput();
    await widget.locator('input').fill(absolute);
    const row = widget
      .locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: base }) })
      .first();
    await row.waitFor({ state: 'visible' });
    await row.click();
    try {
      await widget.waitFor({ state: 'hidden', timeout: 5_000 });
    } catch {
      // The list re-rendered under the click (seen once on a loaded machine): the typed path
      // leaves the file as the selected row, so Enter opens it.
      await this.page.keyboard.press('Enter');
      await widget.waitFor({ state: 'hidden' });
    }
    return this.waitForActiveEditor(base);
  }

  /** Waits until the active tab is `fileName` and its editor has rendered lines. */
  async waitForActiveEditor(fileName: string): Promise<Locator> {
    await this.page
      .locator('.editor-group-container.active .tab.active', { hasText: fileName })
      .first()
      .waitFor({ state: 'visible' });
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.locator('.view-lines .view-line').first().waitFor({ state: 'visible' });
    return editor;
  }

  /**
   * Text of the active editor's visible lines (non-breaking spaces normalised), without the
   * text VS Code injects into them (inlay hints are `dyn-rule-*` spans).
   */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    const texts = await lines.evaluateAll((els) =>
      els
        .map((el) => {
          const copy = el.cloneNode(true) as HTMLElement;
          for (const injected of Array.from(copy.querySelectorAll('span[class*="dyn-rule-"]')))
            injected.remove();
          return { top: parseFloat((el as HTMLElement).style.top || '0'), text: copy.textContent ?? '' };
        })
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text),
    );
    return texts.join('\n').replace(/\u00a0/g, ' ');
  }

  /** The language mode shown in the status bar (e.g. "drvmap"). */
  async languageMode(): Promise<string> {
    const item = this.page.locator('[id="status.editor.mode"]');
    await item.waitFor({ state: 'visible' });
    return ((await item.textContent()) ?? '').trim();
  }

  /** Waits until the status bar shows `expected` as language mode. */
  async waitForLanguageMode(expected: string): Promise<void> {
    await this.page
      .locator('[id="status.editor.mode"]', { hasText: new RegExp(`^\\s*${escapeRegExp(expected)}\\s*$`) })
      .waitFor();
  }

  /** Squiggles in the active editor: error, warning, info or hint. */
  squiggles(severity: 'error' | 'warning' | 'info' | 'hint' = 'error'): Locator {
    return this.page.locator(`.editor-group-container.active .monaco-editor .squiggly-${severity}`);
  }

  /** Waits until at least `min` squiggles of that severity are shown; returns how many there are. */
  async waitForSquiggles(
    severity: 'error' | 'warning' | 'info' | 'hint' = 'error',
    { min = 1, timeout = UI_TIMEOUT }: { min?: number; timeout?: number } = {},
  ): Promise<number> {
    const loc = this.squiggles(severity);
    // The editor re-renders its decorations (a language server's second pass): a squiggle seen
    // attached can be gone a moment later and back after. Count until at least `min` stay.
    const deadline = Date.now() + timeout;
    for (;;) {
      await loc.nth(min - 1).waitFor({ state: 'attached', timeout: Math.max(1, deadline - Date.now()) });
      const count = await loc.count();
      if (count >= min || Date.now() > deadline) return count;
    }
  }

  /** Waits until there are no squiggles of that severity. */
  async waitForNoSquiggles(
    severity: 'error' | 'warning' | 'info' | 'hint' = 'error',
    timeout = UI_TIMEOUT,
  ): Promise<void> {
    await this.squiggles(severity).first().waitFor({ state: 'detached', timeout });
  }

  /**
   * Moves the mouse onto the `index`th squiggle (editor lines intercept pointer events, so
   * locator.hover() does not work) and returns the hover widget's text.
   */
  async hoverSquiggle(index = 0, severity: 'error' | 'warning' | 'info' | 'hint' = 'error'): Promise<string> {
    const squiggle = this.squiggles(severity).nth(index);
    // Visible, not just attached: Monaco adds the decoration's node before it lays it out, and a
    // node not laid out yet has no box (seen once in a CI run, on the JSON self-check).
    await squiggle.waitFor({ state: 'visible' });
    const box = await squiggle.boundingBox();
    if (!box) throw new Error(`squiggle ${index} (${severity}) has no bounding box`);
    return this.hoverAt(box.x + Math.max(1, Math.min(box.width / 2, 8)), box.y + box.height / 2);
  }

  /** Hovers a page position (moving off it first, so a new hover starts) and reads the hover. */
  async hoverAt(x: number, y: number): Promise<string> {
    await this.hideHover();
    await this.page.mouse.move(x, y - 40);
    await this.page.mouse.move(x, y, { steps: 4 });
    return this.readHover();
  }

  /** Hovers the text `text` on line `line` (1-based) of the active editor. */
  async hoverText(line: number, text: string): Promise<string> {
    const row = this.page
      .locator('.editor-group-container.active .monaco-editor .view-lines .view-line')
      .filter({ hasText: text });
    const count = await row.count();
    if (count === 0) throw new Error(`no visible line contains ${JSON.stringify(text)} (line ${line})`);
    const box = await row.first().boundingBox();
    if (!box) throw new Error('line has no bounding box');
    const span = row.first().locator('span span', { hasText: text }).first();
    const spanBox = (await span.count()) > 0 ? await span.boundingBox() : null;
    const target = spanBox ?? box;
    return this.hoverAt(target.x + Math.min(target.width / 2, 20), target.y + target.height / 2);
  }

  /**
   * Page coordinates of the character `delta` characters into the first `needle` on 1-based
   * line `line` of the active editor (the line must be rendered: go to it first).
   */
  async characterPoint(line: number, needle: string, delta = 1): Promise<{ x: number; y: number }> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    const point = await editor.evaluate(
      (root, { line, needle, delta }) => {
        let top: number | undefined;
        for (const n of Array.from(root.querySelectorAll('.margin-view-overlays .line-numbers')))
          if (Number((n.textContent ?? '').trim()) === line)
            top = (n.parentElement ?? n).getBoundingClientRect().top;
        if (top === undefined) return undefined;
        const row = Array.from(root.querySelectorAll('.view-lines .view-line')).find(
          (l) => Math.abs(l.getBoundingClientRect().top - top!) < 2,
        );
        if (!row) return undefined;
        // The line's text nodes in order; inlay hints (dyn-rule spans) are not source text.
        const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
        const nodes: Text[] = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!(n.parentElement?.className ?? '').includes('dyn-rule-')) nodes.push(n as Text);
        }
        const text = nodes.map((n) => (n.data ?? '').replace(/\u00a0/g, ' ')).join('');
        const at = text.indexOf(needle);
        if (at < 0) return undefined;
        let target = at + delta;
        for (const n of nodes) {
          if (target < n.data.length) {
            const range = document.createRange();
            range.setStart(n, target);
            range.setEnd(n, target + 1);
            const r = range.getBoundingClientRect();
            return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
          }
          target -= n.data.length;
        }
        return undefined;
      },
      { line, needle, delta },
    );
    if (!point) throw new Error(`line ${line} is not rendered or has no ${JSON.stringify(needle)}`);
    return point;
  }

  /** Hovers the character `delta` into `needle` on 1-based line `line`; returns the hover text. */
  async hoverAtText(line: number, needle: string, delta = 1): Promise<string> {
    const { x, y } = await this.characterPoint(line, needle, delta);
    return this.hoverAt(x, y);
  }

  /** The visible hover widget. */
  hoverWidget(): Locator {
    return this.page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).last();
  }

  /** Waits for the hover widget and returns its text. */
  async readHover(): Promise<string> {
    const hover = this.hoverWidget();
    await hover.waitFor({ state: 'visible' });
    // The widget may show "Loading..." first; wait until real content replaced it.
    await this.page.waitForFunction(
      () => {
        const els = [...document.querySelectorAll('.monaco-hover:not(.hidden)')] as HTMLElement[];
        const el = els.filter((e) => e.offsetParent !== null).pop();
        const text = el?.innerText.trim() ?? '';
        return text.length > 0 && !/^Loading\.\.\.$/.test(text);
      },
      undefined,
      { timeout: UI_TIMEOUT },
    );
    return (await hover.innerText()).trim();
  }

  /** Closes any hover by pressing Escape and moving the mouse away. */
  async hideHover(): Promise<void> {
    if ((await this.page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).count()) === 0)
      return;
    await this.page.mouse.move(1, 1);
    await this.page.keyboard.press('Escape');
    await this.page
      .locator('.monaco-hover:not(.hidden)')
      .filter({ visible: true })
      .first()
      .waitFor({ state: 'hidden' });
  }

  /**
   * Runs a command from the command palette by its title as shown there (e.g.
   * "View: Toggle Minimap" or "drvmap: Show Address Space Map"). The first row whose label
   * equals the title (or contains it, when none is equal) is chosen.
   */
  async runCommand(title: string): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const widget = await this.quickInput();
    const input = widget.locator('input');
    await input.fill(`>${title}`);
    const rows = widget.locator('.monaco-list-row');
    const exact = rows.filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    });
    const loose = rows.filter({ hasText: title });
    await loose.first().waitFor({ state: 'visible' });
    const row = (await exact.count()) > 0 ? exact.first() : loose.first();
    await row.click();
    await widget.waitFor({ state: 'hidden' });
  }

  /** The editor of the first editor group (where files open before any "beside" panel). */
  firstEditor(): Locator {
    return this.page.locator('.editor-group-container').first().locator('.monaco-editor').first();
  }

  /** Focuses the first editor group's text editor (View: Focus First Editor Group). */
  async focusFirstEditor(): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press(`${mod}+Digit1`);
    await this.page
      .locator('.editor-group-container')
      .first()
      .locator('.monaco-editor.focused')
      .first()
      .waitFor({ state: 'attached' });
  }

  /**
   * Puts the cursor of the first editor group's text editor on `line`:`column` (both 1-based)
   * with Go to Line (Ctrl+G), and waits until the status bar shows it.
   */
  async goToLine(line: number, column = 1): Promise<void> {
    await this.focusFirstEditor();
    await this.page.keyboard.press(`${mod}+KeyG`);
    const widget = await this.quickInput();
    await widget.locator('input').fill(`:${line}:${column}`);
    await widget.locator('input').press('Enter');
    await widget.waitFor({ state: 'hidden' });
    await this.waitForCursor(line, column);
  }

  /** The cursor position the status bar shows ("Ln 12, Col 3"), 1-based. */
  async cursorPosition(): Promise<{ line: number; column: number }> {
    const item = this.page.locator('[id="status.editor.selection"]');
    await item.waitFor({ state: 'visible' });
    const text = (await item.textContent()) ?? '';
    const m = /Ln (\d+), Col (\d+)/.exec(text);
    if (!m) throw new Error(`cannot read the cursor position from ${JSON.stringify(text)}`);
    return { line: Number(m[1]), column: Number(m[2]) };
  }

  /** Waits until the status bar shows the cursor on `line` (and `column`, if given). */
  async waitForCursor(line: number, column?: number, timeout = UI_TIMEOUT): Promise<void> {
    const pattern = new RegExp(`Ln ${line}, Col ${column ?? '\\d+'}\\b`);
    await this.page.locator('[id="status.editor.selection"]', { hasText: pattern }).waitFor({ timeout });
  }

  /**
   * Waits until `editor` (default: the first group's) has its cursor on 1-based `line`, read from
   * its highlighted line number: unlike the status bar, this also works while a webview has focus.
   */
  async waitForEditorCursorLine(
    line: number,
    editor: Locator = this.firstEditor(),
    timeout = UI_TIMEOUT,
  ): Promise<void> {
    await editor
      .locator('.margin-view-overlays .line-numbers.active-line-number', {
        hasText: new RegExp(`^\\s*${line}\\s*$`),
      })
      .waitFor({ state: 'attached', timeout });
  }

  /**
   * The 1-based line numbers of the rendered (visible) lines of the active editor that show a
   * squiggle of that severity, sorted and unique. A squiggle is matched to its line number by
   * the vertical position of its overlay row and of the line-number row.
   */
  async squiggleLines(
    severity: 'error' | 'warning' | 'info' | 'hint' = 'error',
    editor: Locator = this.page.locator('.editor-group-container.active .monaco-editor').first(),
  ): Promise<number[]> {
    return editor.evaluate((root, sev) => {
      const rowTop = (el: Element) => Math.round((el.parentElement ?? el).getBoundingClientRect().top);
      const numbers = new Map<number, number>();
      for (const n of Array.from(root.querySelectorAll('.margin-view-overlays .line-numbers'))) {
        const value = Number((n.textContent ?? '').trim());
        if (Number.isFinite(value) && value > 0) numbers.set(rowTop(n), value);
      }
      const lines = new Set<number>();
      for (const s of Array.from(root.querySelectorAll(`.view-overlays .squiggly-${sev}`))) {
        const top = rowTop(s);
        const line = numbers.get(top) ?? numbers.get(top - 1) ?? numbers.get(top + 1);
        if (line !== undefined) lines.add(line);
      }
      return [...lines].sort((a, b) => a - b);
    }, severity);
  }

  /** The 1-based line numbers the active editor renders now (its viewport). */
  async visibleLineNumbers(
    editor: Locator = this.page.locator('.editor-group-container.active .monaco-editor').first(),
  ): Promise<number[]> {
    return editor.evaluate((root) =>
      Array.from(root.querySelectorAll('.margin-view-overlays .line-numbers'))
        .map((n) => Number((n.textContent ?? '').trim()))
        .filter((n) => Number.isFinite(n) && n > 0)
        .sort((a, b) => a - b),
    );
  }

  /**
   * Inlay hints the active editor renders: VS Code injects them as text into the view lines,
   * as spans whose class names start with `dyn-rule-` or contain `inlay`. Returns their texts
   * with the 1-based line they are on.
   */
  async inlayHints(
    editor: Locator = this.page.locator('.editor-group-container.active .monaco-editor').first(),
  ): Promise<{ line: number; text: string }[]> {
    return editor.evaluate((root) => {
      const numbers = new Map<number, number>();
      for (const n of Array.from(root.querySelectorAll('.margin-view-overlays .line-numbers'))) {
        const value = Number((n.textContent ?? '').trim());
        if (Number.isFinite(value) && value > 0)
          numbers.set(Math.round((n.parentElement ?? n).getBoundingClientRect().top), value);
      }
      const out: { line: number; text: string }[] = [];
      for (const line of Array.from(root.querySelectorAll('.view-lines .view-line'))) {
        const top = Math.round(line.getBoundingClientRect().top);
        const number = numbers.get(top) ?? numbers.get(top - 1) ?? numbers.get(top + 1) ?? -1;
        for (const span of Array.from(line.querySelectorAll('span[class*="dyn-rule-"]'))) {
          const text = (span.textContent ?? '').replace(/\u00a0/g, ' ').trim();
          if (text) out.push({ line: number, text });
        }
      }
      // The DOM keeps rendered lines in no particular order.
      return out.sort((a, b) => a.line - b.line);
    });
  }

  /**
   * Opens the Problems panel (if it is not open) and returns the text of its rows once at least
   * `min` rows show.
   */
  async problems(min = 1): Promise<string[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.press(`${mod}+Shift+KeyM`);
    await panel.waitFor({ state: 'visible' });
    const rows = panel.locator('.monaco-list-row');
    await rows.nth(min - 1).waitFor({ state: 'visible' });
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Closes the bottom panel (Problems, Output…) if it is open. */
  async closePanel(): Promise<void> {
    const panel = this.page.locator('.part.panel');
    if (!(await panel.isVisible())) return;
    await this.runCommand('View: Hide Panel');
    await panel.waitFor({ state: 'hidden' });
  }

  /**
   * Opens the code actions at the cursor (Ctrl+.) and returns the widget; its rows are the
   * actions' titles.
   */
  async openCodeActions(): Promise<Locator> {
    await this.page.keyboard.press(`${mod}+Period`);
    const widget = this.page.locator('.action-widget').filter({ visible: true }).first();
    await widget.waitFor({ state: 'visible' });
    await widget.locator('.monaco-list-row.action').first().waitFor({ state: 'visible' });
    return widget;
  }

  /** Presses a key chord in the workbench, e.g. "Control+Shift+KeyM". */
  async press(keys: string): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press(keys);
  }

  /**
   * The content of a webview: VS Code puts each in an `iframe.webview`, whose document hosts the
   * extension's HTML in an inner `#active-frame`. With several webviews open, the last one
   * created is used unless `index` says otherwise.
   */
  webview(index = -1): FrameLocator {
    const outer = this.page.locator('iframe.webview.ready');
    return (index < 0 ? outer.last() : outer.nth(index))
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame();
  }

  /** Waits until a webview shows `selector` and returns it. */
  async waitForWebview(selector: string, index = -1): Promise<Locator> {
    await this.page.locator('iframe.webview.ready').first().waitFor({ state: 'attached' });
    const loc = this.webview(index).locator(selector).first();
    await loc.waitFor({ state: 'visible' });
    return loc;
  }

  /** Saves a full-page PNG to test-output/e2e/<name>-<label>.png and returns its path. */
  async screenshot(label: string): Promise<string> {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const file = join(OUTPUT_DIR, `${this.name}-${label.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** The extension host log(s) of this run (where an extension's activation errors go). */
  extensionHostLog(): string {
    return findFiles(join(this.userDataDir, 'logs'), (f) => /exthost\d*\.log$|remoteexthost\.log$/.test(f))
      .map((f) => `--- ${relative(this.userDataDir, f)}\n${readFileSync(f, 'utf8')}`)
      .join('\n');
  }

  /** Output-channel logs written by extensions (e.g. the drvmap language client). */
  outputLogs(): string {
    return findFiles(
      join(this.userDataDir, 'logs'),
      (f) => f.endsWith('.log') && (f.includes('output_') || /[/\\]drvmap\.log$/.test(f)),
    )
      .map((f) => `--- ${relative(this.userDataDir, f)}\n${readFileSync(f, 'utf8')}`)
      .join('\n');
  }

  /** Writes the browser console, extension host log and a screenshot next to the code-server log. */
  async saveDiagnostics(label = 'failure'): Promise<void> {
    const base = join(OUTPUT_DIR, `${this.name}-${label}`);
    await this.screenshot(label).catch(() => undefined);
    writeFileSync(`${base}-browser-console.log`, this.browserLog.join('\n') + '\n');
    try {
      writeFileSync(`${base}-exthost.log`, this.extensionHostLog() + '\n' + this.outputLogs());
    } catch {
      /* no logs yet */
    }
  }

  /** Closes the browser and kills code-server's process group; removes the temp folder. */
  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    if (!this.keep) rmSync(this.root, { recursive: true, force: true });
    else console.log(`harness: kept ${this.root}`);
  }
}

/**
 * Runs `fn` with a started harness; on failure saves a screenshot and logs to test-output/e2e/,
 * and always tears down. Skips the test (with the reason) only when Chromium is missing and
 * cannot be installed outside CI.
 */
export async function withHarness(
  t: TestContext,
  options: HarnessOptions | string,
  fn: (h: Harness) => Promise<void>,
): Promise<void> {
  const opts = typeof options === 'string' ? { name: options } : options;
  const reason = chromiumUnavailable();
  if (reason) {
    t.skip(reason);
    return;
  }
  const h = await Harness.start(opts);
  try {
    await fn(h);
  } catch (err) {
    await h.saveDiagnostics('failure');
    const log = h.server.logFile ? `\n(code-server log: ${relative(repoRoot, h.server.logFile)})` : '';
    if (err instanceof Error)
      err.message += `${log}\n(screenshot and logs: test-output/e2e/${h.name}-failure*)`;
    throw err;
  } finally {
    await h.stop();
  }
}

/**
 * One harness shared by the tests of a file (starting code-server and Chromium costs seconds):
 *
 *   const withShared = sharedHarness('editor');
 *   test('…', async (t) => withShared(t, 'label', async (h) => { … }));
 *
 * Started by the first test that runs, stopped after the file's last test. A failing test saves
 * its screenshot and logs as test-output/e2e/<name>-failure-<label>*; the next tests go on with
 * the same workbench, so each test should leave it usable (close what it opened).
 */
export function sharedHarness(
  options: HarnessOptions | string,
): (t: TestContext, label: string, fn: (h: Harness) => Promise<void>) => Promise<void> {
  const opts = typeof options === 'string' ? { name: options } : options;
  let started: Promise<Harness> | undefined;
  after(async () => {
    const h = await started?.catch(() => undefined);
    await h?.stop();
  });
  return async (t, label, fn) => {
    const reason = chromiumUnavailable();
    if (reason) {
      t.skip(reason);
      return;
    }
    started ??= Harness.start(opts);
    const h = await started;
    try {
      await fn(h);
    } catch (err) {
      const tag = `failure-${label.replace(/[^\w.-]+/g, '-')}`;
      await h.saveDiagnostics(tag);
      const log = h.server.logFile ? `\n(code-server log: ${relative(repoRoot, h.server.logFile)})` : '';
      if (err instanceof Error)
        err.message += `${log}\n(screenshot and logs: test-output/e2e/${h.name}-${tag}*)`;
      throw err;
    }
  };
}

export interface ExtensionHostTestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}
export interface ExtensionHostReport {
  ok: boolean;
  passed: number;
  failed: number;
  results: ExtensionHostTestResult[];
  /** Set when run() itself threw (e.g. the module failed to load its tests). */
  error?: string;
}

/**
 * Runs a test module inside code-server's extension host, the way @vscode/test-electron's
 * extensionTestsPath does, with the repo loaded as the extension under development. The module
 * exports `run(): Promise<void>` and writes its report (see exthost/runner.ts) to the JSON file
 * named by `process.env.DRVMAP_EXTHOST_RESULTS`; this waits for that file.
 *
 * `testsModulePath` may be a .ts file: it is bundled with esbuild (vscode external) first.
 */
export async function runExtensionHostTests(
  testsModulePath: string,
  options: { name?: string; fixture?: string; timeoutMs?: number; settings?: Record<string, unknown> } = {},
): Promise<ExtensionHostReport> {
  const name =
    options.name ??
    `exthost-${testsModulePath
      .split('/')
      .pop()
      ?.replace(/\.[^.]+$/, '')}`;
  let modulePath = resolve(repoRoot, testsModulePath);
  if (/\.[mc]?ts$/.test(modulePath)) {
    const esbuild = await import('esbuild');
    const out = join(repoRoot, 'out-test', 'exthost', `${name}.js`);
    await esbuild.build({
      entryPoints: [modulePath],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      sourcemap: 'inline',
      logLevel: 'warning',
    });
    modulePath = out;
  }
  const resultsDir = mkdtempSync(join(tmpdir(), 'drvmap-exthost-results-'));
  const resultsFile = join(resultsDir, 'results.json');
  const timeoutMs = options.timeoutMs ?? 120_000;
  const h = await Harness.start({
    name,
    fixture: options.fixture,
    installExtension: false,
    settings: options.settings,
    env: { DRVMAP_EXTHOST_RESULTS: resultsFile },
    query: (serverUrl) => {
      const authority = new URL(serverUrl).host;
      const payload = [
        ['extensionDevelopmentPath', `vscode-remote://${authority}${repoRoot}`],
        ['extensionTestsPath', `vscode-remote://${authority}${modulePath}`],
      ];
      return { payload: JSON.stringify(payload) };
    },
  });
  try {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) {
        await h.saveDiagnostics('timeout');
        throw new Error(
          `extension host tests did not write ${resultsFile} within ${timeoutMs} ms\n` +
            `extension host log:\n${h.extensionHostLog().split('\n').slice(-40).join('\n')}`,
        );
      }
      if (h.server.child.exitCode !== null)
        throw new Error('code-server exited while the extension host tests ran');
      await sleep(100); // polling a file the extension host writes; not a fixed wait
    }
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as ExtensionHostReport;
  } catch (err) {
    await h.saveDiagnostics('failure');
    throw err;
  } finally {
    await h.stop();
    rmSync(resultsDir, { recursive: true, force: true });
  }
}

/**
 * Retries `check` (an assertion on UI state) until it passes or `timeout` ms pass, polling every
 * 100 ms; rethrows its last error. For state with no single selector to wait on (the set of
 * squiggled lines, the rows of the Problems panel).
 */
export async function eventually<T>(
  check: () => Promise<T>,
  { timeout = UI_TIMEOUT, what }: { timeout?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) {
        if (what && err instanceof Error) err.message = `${what}: ${err.message}`;
        throw err;
      }
    }
    await sleep(100); // polling interval between two looks at the UI, not a wait for it
  }
}

function findFiles(dir: string, match: (file: string) => boolean, found: string[] = []): string[] {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findFiles(path, match, found);
    else if (match(path)) found.push(path);
  }
  return found;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
