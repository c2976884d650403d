// The drvmap language server: LSP wiring only. Each feature is a small module over the engine;
// this file lists the handlers. Transport (stdio, node-ipc, socket) comes from the command line.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { PANEL_STATE_REQUEST, type PanelStateParams } from '../../../protocol/panel';
import {
  CHECK_FILES_REQUEST,
  EXPLORE_REQUEST,
  EXPLORE_TRACE_REQUEST,
  IMPORT_REQUEST,
  KERNEL_COMPARE_REQUEST,
  SYSCALL_PROGRAM_REQUEST,
  type CheckFilesParams,
  type ExploreParams,
  type ExploreTraceParams,
  type ImportParams,
  type KernelCompareParams,
  type SyscallProgramParams,
} from '../../../protocol/requests';
import { checkFiles } from './check-files';
import { codeAction } from './code-actions';
import { completion } from './completion';
import { DiagnosticsPublisher } from './diagnostics';
import { DocumentStore } from './documents';
import { ExploreLenses, exploreRequest, exploreTrace } from './explore';
import { foldingRange } from './folding';
import { formatting, rangeFormatting } from './formatting';
import { hover } from './hover';
import { importRequest } from './import';
import { inlayHint } from './inlay-hints';
import { kernelCompareRequest, syscallProgramRequest } from './kernel-run';
import { definition, documentHighlight, prepareRename, references, rename } from './navigation';
import { forgetPanelReplay, panelState } from './panel';
import { safely } from './safe';
import { selectionRange } from './selection-ranges';
import { SEMANTIC_TOKENS_LEGEND, semanticTokensFull } from './semantic-tokens';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { SettingsReporter } from './settings-reporter';
import { documentSymbol, workspaceSymbol } from './symbols';

const connection = createConnection(ProposedFeatures.all);
const log = (message: string) => connection.console.error(message);

function envDebounce(base: Settings): Settings {
  const raw = process.env['DRVMAP_DEBOUNCE_MS'];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? { ...base, debounceMs: value } : base;
}

let baseSettings = envDebounce(DEFAULT_SETTINGS);
const store = new DocumentStore(baseSettings);
const publisher = new DiagnosticsPublisher(connection, store, log);
const exploreLenses = new ExploreLenses(store);
let configurationCapability = false;
const settingsReporter = new SettingsReporter(connection, log);

connection.onInitialize((params: InitializeParams): InitializeResult => {
  configurationCapability = params.capabilities.workspace?.configuration === true;
  const options = params.initializationOptions as { settings?: unknown; debounceMs?: unknown } | undefined;
  if (options?.settings) baseSettings = readSettings(options.settings, baseSettings);
  if (typeof options?.debounceMs === 'number')
    baseSettings = { ...baseSettings, debounceMs: options.debounceMs };
  store.updateSettings(baseSettings);
  settingsReporter.report(baseSettings);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      completionProvider: { triggerCharacters: [' ', '=', '|', ','], resolveProvider: false },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentHighlightProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      foldingRangeProvider: true,
      selectionRangeProvider: true,
      semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      codeLensProvider: { resolveProvider: true },
    },
    serverInfo: { name: 'drvmap', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (configurationCapability) {
    void connection.client
      .register(DidChangeConfigurationNotification.type, { section: 'drvmap' })
      .catch(() => undefined);
    void refreshSettings();
  }
});

/**
 * Reads the settings again: the workspace's, and each open document's with its own scopeUri
 * (the settings are `resource`-scoped: a folder of a multi-root workspace may set its own).
 */
async function refreshSettings(pushed?: unknown): Promise<void> {
  try {
    const uris = store.documents.all().map((d) => d.uri);
    let raw = pushed;
    let perDocument: unknown[] = [];
    if (configurationCapability) {
      const items = [{ section: 'drvmap' }, ...uris.map((scopeUri) => ({ scopeUri, section: 'drvmap' }))];
      [raw, ...perDocument] = (await connection.workspace.getConfiguration(items)) as unknown[];
    }
    const settings = readSettings(raw, baseSettings);
    const own = new Map<string, Settings>();
    uris.forEach((uri, i) => {
      if (perDocument[i] !== undefined) own.set(uri, readSettings(perDocument[i], baseSettings));
    });
    store.updateSettings(settings, own);
    settingsReporter.reset();
    settingsReporter.report(settings);
    for (const s of own.values()) settingsReporter.report(s);
    publisher.scheduleAll();
    void connection.languages.inlayHint.refresh().catch(() => undefined);
    void connection.languages.semanticTokens.refresh();
  } catch (error) {
    log(`drvmap: reading settings failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Documents just opened whose own settings (their folder's) have not arrived: their diagnostics
 * wait for them, so that the first ones published are not the workspace's, corrected a moment
 * later (`maxFileSizeKiB`, severities and the default kernel may differ per folder).
 */
const settingsPending = new Set<string>();
/** How long a document's diagnostics wait for its folder's settings before using the workspace's. */
const SETTINGS_WAIT_MS = 2000;

/** An opened document's own settings (its folder's), then its diagnostics. */
async function openDocument(uri: string): Promise<void> {
  if (configurationCapability) {
    settingsPending.add(uri);
    // A client that never answers must not leave the document without diagnostics.
    const giveUp = setTimeout(() => {
      if (settingsPending.delete(uri)) publisher.schedule(uri);
    }, SETTINGS_WAIT_MS);
    try {
      const [raw] = (await connection.workspace.getConfiguration([
        { scopeUri: uri, section: 'drvmap' },
      ])) as unknown[];
      if (!store.get(uri)) return;
      const settings = readSettings(raw, baseSettings);
      settingsReporter.report(settings);
      store.setDocumentSettings(uri, settings);
    } catch (error) {
      log(
        `drvmap: reading settings for ${uri} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      clearTimeout(giveUp);
      settingsPending.delete(uri);
    }
  }
  publisher.schedule(uri);
}

/** Files' own settings for Check Workspace (files not open); the workspace's without the capability. */
async function filesSettings(uris: readonly string[]): Promise<(Settings | undefined)[]> {
  if (!configurationCapability) return uris.map(() => undefined);
  const raw = (await connection.workspace.getConfiguration(
    uris.map((scopeUri) => ({ scopeUri, section: 'drvmap' })),
  )) as unknown[];
  return uris.map((_, i) => readSettings(raw[i], baseSettings));
}

connection.onDidChangeConfiguration((change) => {
  const settings = (change.settings as { drvmap?: unknown } | undefined)?.drvmap;
  void refreshSettings(settings);
});

store.documents.onDidOpen((e) => void openDocument(e.document.uri));
store.documents.onDidChangeContent((e) => {
  if (!settingsPending.has(e.document.uri)) publisher.schedule(e.document.uri);
});
store.documents.onDidClose((e) => {
  store.forget(e.document.uri);
  exploreLenses.forget(e.document.uri);
  forgetPanelReplay(e.document.uri);
  publisher.clear(e.document.uri);
});

connection.onHover(safely(log, 'hover', null, (p) => hover(store, p)));
connection.onCompletion(safely(log, 'completion', [], (p) => completion(store, p)));
connection.onDefinition(safely(log, 'definition', null, (p) => definition(store, p)));
connection.onReferences(safely(log, 'references', [], (p) => references(store, p)));
connection.onDocumentHighlight(safely(log, 'documentHighlight', [], (p) => documentHighlight(store, p)));
connection.onPrepareRename(safely(log, 'prepareRename', null, (p) => prepareRename(store, p)));
connection.onRenameRequest(safely(log, 'rename', null, (p) => rename(store, p)));
connection.onDocumentSymbol(safely(log, 'documentSymbol', [], (p) => documentSymbol(store, p)));
connection.onWorkspaceSymbol(safely(log, 'workspaceSymbol', [], (p) => workspaceSymbol(store, p)));
connection.onFoldingRanges(safely(log, 'foldingRange', [], (p) => foldingRange(store, p)));
connection.onSelectionRanges(safely(log, 'selectionRange', [], (p) => selectionRange(store, p)));
connection.languages.semanticTokens.on(
  safely(log, 'semanticTokens', { data: [] }, (p) => semanticTokensFull(store, p)),
);
connection.onDocumentFormatting(safely(log, 'formatting', [], (p) => formatting(store, p)));
connection.onDocumentRangeFormatting(safely(log, 'rangeFormatting', [], (p) => rangeFormatting(store, p)));
connection.languages.inlayHint.on(safely(log, 'inlayHint', [], (p) => inlayHint(store, p)));
connection.onCodeAction(safely(log, 'codeAction', [], (p) => codeAction(store, p)));
connection.onRequest(
  PANEL_STATE_REQUEST,
  safely(log, 'panelState', null, (p: PanelStateParams) => panelState(store, p)),
);
connection.onCodeLens(safely(log, 'codeLens', [], (p) => exploreLenses.codeLens(p)));
connection.onCodeLensResolve(
  safely(
    log,
    'codeLensResolve',
    { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    (l) => exploreLenses.resolve(l),
  ),
);
connection.onRequest(
  EXPLORE_REQUEST,
  safely(
    log,
    'explore',
    { result: undefined, problems: ['the exploration failed; see the output'] },
    (p: ExploreParams) => exploreRequest(store, p),
  ),
);
connection.onRequest(
  EXPLORE_TRACE_REQUEST,
  safely(log, 'exploreTrace', null, (p: ExploreTraceParams) => exploreTrace(store, p)),
);
connection.onRequest(
  SYSCALL_PROGRAM_REQUEST,
  safely(log, 'syscallProgram', null, (p: SyscallProgramParams) => syscallProgramRequest(store, p)),
);
connection.onRequest(
  KERNEL_COMPARE_REQUEST,
  safely(log, 'kernelCompare', { run: undefined, diagnostics: [] }, (p: KernelCompareParams) =>
    kernelCompareRequest(store, p),
  ),
);
connection.onRequest(
  IMPORT_REQUEST,
  safely(log, 'import', { scenario: '', imported: 0, skipped: [], processes: [] }, (p: ImportParams) =>
    importRequest(p),
  ),
);
connection.onRequest(
  CHECK_FILES_REQUEST,
  safely(log, 'checkFiles', { files: [] }, (p: CheckFilesParams) => checkFiles(store, p, filesSettings)),
);

process.on('uncaughtException', (error) => log(`drvmap: uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => log(`drvmap: unhandled rejection: ${String(reason)}`));

store.documents.listen(connection);
connection.listen();
