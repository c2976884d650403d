// The manifest's contributions: commands used anywhere are declared and registered, the
// severity schema lists exactly the server's rules, activation and trust are as designed, and
// the client's sources import nothing of the server engine (it is not shipped to the client).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { RULES } from '../../../server/src/engine/rules/registry';
import { DEFAULT_SETTINGS, readSettings, settingProblems } from '../../../server/src/server/settings';
import { rulesFromManifest } from '../../../src/rule-doc-anchor';
import { STATUS_COMMANDS } from '../../../src/status-text';
import { readRepoFile, repoRoot } from './repo';

interface Manifest {
  engines: { vscode: string };
  main: string;
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: string | boolean; description?: string };
    virtualWorkspaces?: { supported: string | boolean; description?: string };
  };
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    commands: { command: string; title: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: {
      properties: Record<string, { default?: unknown; properties?: Record<string, { enum?: string[] }> }>;
    };
  };
}

const manifest = JSON.parse(readRepoFile('package.json')) as Manifest;
const declared = new Set(manifest.contributes.commands.map((c) => c.command));
const clientSources = readdirSync(join(repoRoot(), 'src')).filter((f) => f.endsWith('.ts'));
const allSource = clientSources.map((f) => readRepoFile(join('src', f))).join('\n');

test('engine, activation and workspace trust', () => {
  assert.equal(manifest.engines.vscode, '^1.90.0');
  assert.equal(manifest.main, './out/extension.js');
  assert.deepEqual(manifest.activationEvents, ['onLanguage:drvmap']);
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok((manifest.capabilities.untrustedWorkspaces.description ?? '').length > 20);
  // The client serves file: and untitled documents only (client.ts): a virtual workspace's files
  // would get nothing, so VS Code must not present drvmap as working there.
  assert.equal(manifest.capabilities.virtualWorkspaces?.supported, false);
  assert.ok((manifest.capabilities.virtualWorkspaces?.description ?? '').length > 20);
  assert.match(
    allSource,
    /DOCUMENT_SELECTOR = \[\s*\{ language: LANGUAGE_ID, scheme: 'file' \},\s*\{ language: LANGUAGE_ID, scheme: 'untitled' \},\s*\]/,
  );
});

test('the language, its configuration and its grammar', () => {
  const [language] = manifest.contributes.languages;
  assert.equal(language?.id, 'drvmap');
  assert.deepEqual(language?.extensions, ['.drvmap']);
  const config = JSON.parse(readRepoFile(language?.configuration ?? '')) as {
    comments: { lineComment: string };
    brackets: string[][];
    wordPattern: string;
    indentationRules: Record<string, string>;
    folding: { markers: Record<string, string> };
  };
  assert.equal(config.comments.lineComment, '#');
  assert.deepEqual(config.brackets, [
    ['{', '}'],
    ['(', ')'],
  ]);
  const words = 'a = mmap 0x7fff_0000 fixed-noreplace 16MiB 0x10MiB 6.18 p-0x100'.match(
    new RegExp(config.wordPattern, 'g'),
  );
  assert.deepEqual(words, [
    'a',
    'mmap',
    '0x7fff_0000',
    'fixed-noreplace',
    '16MiB',
    '0x10MiB',
    '6.18',
    'p',
    '0x100',
  ]);
  const increase = new RegExp(config.indentationRules.increaseIndentPattern ?? '');
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern ?? '');
  assert.ok(increase.test('scenario "a" {'));
  assert.ok(increase.test('  driver mesa {  # traits'));
  assert.ok(!increase.test('scenario "not {" # nor {'));
  // A `//` comment is a comment too: its brace opens nothing.
  assert.ok(!increase.test('  write a, 1 // {'));
  assert.ok(increase.test('  driver m { // traits'));
  assert.ok(increase.test('scenario "a//b" {'));
  assert.ok(decrease.test('  }'));
  assert.ok(new RegExp(config.folding.markers.start ?? '').test('# region setup'));
  assert.ok(new RegExp(config.folding.markers.end ?? '').test('// endregion'));
  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar?.scopeName, 'source.drvmap');
  assert.equal(grammar?.path, './syntaxes/drvmap.tmLanguage.json');
});

test('every command in menus and tooltips is declared and registered', () => {
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    for (const item of items) assert.ok(declared.has(item.command), `${menu}: ${item.command} is declared`);
  }
  for (const c of STATUS_COMMANDS) assert.ok(declared.has(c.command), `status tooltip: ${c.command}`);
  for (const command of declared) {
    assert.ok(allSource.includes(`'${command}'`), `${command} is registered in src/`);
  }
  for (const id of [
    'drvmap.showAddressMap',
    'drvmap.restartServer',
    'drvmap.checkWorkspace',
    'drvmap.openRuleDocumentation',
  ]) {
    assert.ok(declared.has(id), id);
  }
  const title = manifest.contributes.menus['editor/title']?.find(
    (m) => m.command === 'drvmap.showAddressMap',
  );
  assert.equal(title?.when, 'editorLangId == drvmap');
});

test("the window's own system decides no command: the extension host's does", () => {
  // `isLinux`, `isMac`, `isWindows` and `isWeb` are the window's: in a browser, Codespaces or a
  // remote window they say nothing of the Linux host that runs the extension (and the harness).
  const raw = readRepoFile('package.json');
  assert.doesNotMatch(raw, /\b(isLinux|isMac|isWindows|isWeb)\b/);
  const run = (manifest.contributes.commands as { command: string; enablement?: string }[]).find(
    (c) => c.command === 'drvmap.runOnKernel',
  );
  assert.equal(run?.enablement, 'drvmap.canRunOnKernel');
  assert.match(
    allSource,
    /setContext',\s*'drvmap\.canRunOnKernel',\s*harnessUnavailable\(platform\(\), arch\(\)\) === undefined/,
  );
});

test('settings: the documented ones, with the severity schema listing exactly the rules', () => {
  const props = manifest.contributes.configuration.properties;
  assert.equal(props['drvmap.defaultKernel']?.default, '6.18');
  assert.equal(props['drvmap.defaultWindow']?.default, '0x10000..0x80000000');
  assert.equal(props['drvmap.inlayHints.enabled']?.default, true);
  // The server's own defaults are the manifest's, for editors that send no settings.
  assert.equal(props['drvmap.maxFileSizeKiB']?.default, DEFAULT_SETTINGS.maxFileSizeKiB);
  assert.equal(props['drvmap.defaultKernel']?.default, DEFAULT_SETTINGS.defaultKernel);
  assert.equal(props['drvmap.defaultWindow']?.default, DEFAULT_SETTINGS.defaultWindow);
  // Negative, as the client now passes what settings.json holds: said as a `window` line says it.
  assert.deepEqual(settingProblems(readSettings({ defaultWindow: '-0x10000..0x7fff0000' })), [
    'drvmap.defaultWindow `-0x10000..0x7fff0000` is not used: `-0x10000` is negative; addresses are unsigned; scenarios without a `window` line use 0x1_0000..0x8000_0000',
  ]);
  assert.deepEqual(settingProblems(readSettings({ defaultWindow: '0x10000..' })), [
    'drvmap.defaultWindow `0x10000..` is not used: its end is missing (START..END); scenarios without a `window` line use 0x1_0000..0x8000_0000',
  ]);
  assert.equal(props['drvmap.maxFileSizeKiB']?.default, 512);
  assert.ok(props['drvmap.trace.server']);
  const severity = props['drvmap.severity']?.properties ?? {};
  assert.deepEqual(
    Object.keys(severity).sort(),
    RULES.map((r) => r.code).sort(),
    'drvmap.severity lists every rule code',
  );
  for (const schema of Object.values(severity))
    assert.deepEqual(schema.enum, ['error', 'warning', 'info', 'hint', 'off']);
  const entries = rulesFromManifest(manifest);
  assert.equal(entries.length, RULES.length);
  for (const r of RULES) assert.equal(entries.find((e) => e.code === r.code)?.summary, r.title);
});

test('the client imports only the shared protocol (with its Markdown escape and file decoding) and the panel HTML from outside src/', () => {
  for (const file of clientSources) {
    const text = readRepoFile(join('src', file));
    for (const m of text.matchAll(
      /\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)|\brequire\(\s*'([^']+)'\s*\)/g,
    )) {
      const spec = m[1] ?? m[2] ?? m[3] ?? '';
      const allowed =
        spec.startsWith('./') ||
        spec === '../protocol/panel' ||
        spec === '../protocol/requests' ||
        spec === '../protocol/markdown' ||
        spec === '../protocol/text-decoding' ||
        spec === '../media/src/panel-html' ||
        spec === 'vscode' ||
        spec === 'vscode-languageclient/node' ||
        spec.startsWith('node:');
      assert.ok(allowed, `src/${file} imports ${spec}`);
    }
  }
});
