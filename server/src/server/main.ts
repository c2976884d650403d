// The drvmap language server: LSP wiring only. Each feature is a small module over the engine;
// this file lists the handlers. Transport (stdio, node-ipc, socket) comes from the command line.
import { join } from 'node:path';
import {
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  type CancellationToken,
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
import { CANCEL_UNDISPATCHED, throwIfCancelled } from './cancellation';
import { checkFiles } from './check-files';
import { clientSupport, NO_CLIENT_SUPPORT, type ClientSupport } from './client-support';
import { codeAction } from './code-actions';
import { completion } from './completion';
import { DiagnosticsPublisher } from './diagnostics';
import { DocumentStore } from './documents';
import { EXPLORE_AT_CURSOR, ExploreLenses, exploreRequest, exploreTrace } from './explore';
import { foldingRange } from './folding';
import { formatting, rangeFormatting } from './formatting';
import { hover } from './hover';
import { importRequest } from './import';
import { inlayHint } from './inlay-hints';
import { kernelCompareRequest, syscallProgramRequest } from './kernel-run';
import { Lifecycle } from './lifecycle';
import { definition, documentHighlight, prepareRename, references, rename } from './navigation';
import { forgetPanelReplay, panelState } from './panel';
import { safely } from './safe';
import { selectionRange } from './selection-ranges';
import { SEMANTIC_TOKENS_LEGEND, semanticTokensFull } from './semantic-tokens';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { SettingsReporter } from './settings-reporter';
import { ExploreThread } from './explore-thread';
import { documentSymbol, workspaceSymbol } from './symbols';

const connection = createConnection(ProposedFeatures.all, CANCEL_UNDISPATCHED);
const log = (message: string) => connection.console.error(message);

function envDebounce(base: Settings): Settings {
  const raw = process.env['DRVMAP_DEBOUNCE_MS'];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? { ...base, debounceMs: value } : base;
}

let baseSettings = envDebounce(DEFAULT_SETTINGS);
const store = new DocumentStore(baseSettings);
const publisher = new DiagnosticsPublisher(connection, store, log);
const exploreThread = new ExploreThread(join(__dirname, 'explore-worker.js'), log);
const exploreLenses = new ExploreLenses(store, (job, token) =>
  exploreThread.run(job, token ? { token, stopWhenCancelled: false } : { stopWhenCancelled: false }),
);
let client: ClientSupport = NO_CLIENT_SUPPORT;
const lifecycle = new Lifecycle();
const settingsReporter = new SettingsReporter(connection, log);

connection.onInitialize((params: InitializeParams): InitializeResult => {
  client = clientSupport(params.capabilities);
  lifecycle.initialized();
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
  if (client.configuration) {
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
    if (client.configuration) {
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
    if (client.inlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
    // Typed `void`, but it is the request's promise: a client that refuses it must not leave an
    // unhandled rejection behind.
    if (client.semanticTokensRefresh)
      void Promise.resolve(connection.languages.semanticTokens.refresh() as unknown).catch(() => undefined);
    // The lens counts are of the default kernel, Wine and window; VS Code asks for lenses again
    // only when the text changes, so a settings change would leave the old counts showing.
    if (client.codeLensRefresh)
      void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  } catch (error) {
    log(`drvmap: reading settings failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Documents just opened whose own settings (their folder's) have not arrived, and when they will
 * have: their diagnostics, and every request about them, wait for them, so that nothing is
 * answered with the workspace's settings and corrected a moment later (`maxFileSizeKiB`,
 * severities and the default kernel may differ per folder). VS Code asks for symbols, folding and
 * semantic tokens the moment a file opens; a large file over the folder's size limit must not
 * be simulated once for them.
 */
const settingsPending = new Map<string, Promise<void>>();
/** How long a document waits for its folder's settings before using the workspace's. */
const SETTINGS_WAIT_MS = 2000;

/** An opened document's own settings (its folder's), then its diagnostics. */
function openDocument(uri: string): void {
  if (!client.configuration) {
    publisher.schedule(uri);
    return;
  }
  let settled = false;
  const ready = new Promise<void>((resolve) => {
    const done = () => {
      if (settled) return;
      settled = true;
      if (settingsPending.get(uri) === ready) settingsPending.delete(uri);
      resolve();
      if (store.get(uri)) publisher.schedule(uri);
    };
    // A client that never answers must not leave the document without diagnostics.
    const giveUp = setTimeout(done, SETTINGS_WAIT_MS);
    connection.workspace
      .getConfiguration([{ scopeUri: uri, section: 'drvmap' }])
      .then((answer: unknown) => {
        const [raw] = answer as unknown[];
        if (settled || !store.get(uri)) return;
        const settings = readSettings(raw, baseSettings);
        settingsReporter.report(settings);
        store.setDocumentSettings(uri, settings);
      })
      .catch((error: unknown) =>
        log(
          `drvmap: reading settings for ${uri} failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => {
        clearTimeout(giveUp);
        done();
      });
  });
  settingsPending.set(uri, ready);
}

/**
 * Runs a request about one document once that document's own settings are known, unless the
 * client cancelled it meanwhile.
 */
function withOwnSettings<P extends { textDocument: { uri: string } } | { uri: string }, R>(
  handler: (params: P, token?: CancellationToken) => R | Promise<R>,
): (params: P, token?: CancellationToken) => R | Promise<R> {
  return (params, token) => {
    const uri = 'textDocument' in params ? params.textDocument.uri : params.uri;
    const run = () => {
      throwIfCancelled(token);
      return handler(params, token);
    };
    const ready = settingsPending.get(uri);
    return ready ? ready.then(run) : run();
  };
}

/** A request about one document: answered safely, once the document's own settings are known. */
function onDocument<P extends { textDocument: { uri: string } } | { uri: string }, R>(
  name: string,
  fallback: R,
  handler: (params: P, token?: CancellationToken) => R | Promise<R>,
): (params: P, token?: CancellationToken) => Promise<R> {
  return answered(name, fallback, withOwnSettings(handler));
}

/** A request answered safely (an exception is logged, the fallback sent), only while the server runs. */
function answered<P extends unknown[], R>(
  name: string,
  fallback: R,
  handler: (...params: P) => R | Promise<R>,
): (...params: P) => Promise<R> {
  return lifecycle.request(safely(log, name, fallback, handler));
}

/** Files' own settings for Check Workspace (files not open); the workspace's without the capability. */
async function filesSettings(uris: readonly string[]): Promise<(Settings | undefined)[]> {
  if (!client.configuration) return uris.map(() => undefined);
  const raw = (await connection.workspace.getConfiguration(
    uris.map((scopeUri) => ({ scopeUri, section: 'drvmap' })),
  )) as unknown[];
  return uris.map((_, i) => readSettings(raw[i], baseSettings));
}

connection.onDidChangeConfiguration(
  lifecycle.notification((change) => {
    const settings = (change.settings as { drvmap?: unknown } | undefined)?.drvmap;
    void refreshSettings(settings);
  }),
);
connection.onShutdown(() => {
  lifecycle.shutDown();
  exploreThread.dispose();
});

store.documents.onDidOpen((e) => openDocument(e.document.uri));
store.documents.onDidChangeContent((e) => {
  if (!settingsPending.has(e.document.uri)) publisher.schedule(e.document.uri);
});
store.documents.onDidClose((e) => {
  store.forget(e.document.uri);
  exploreLenses.forget(e.document.uri);
  forgetPanelReplay(e.document.uri);
  publisher.clear(e.document.uri);
});

connection.onHover(onDocument('hover', null, (p) => hover(store, p, client.hoverMarkdown)));
connection.onCompletion(onDocument('completion', [], (p) => completion(store, p, client)));
connection.onDefinition(onDocument('definition', null, (p) => definition(store, p)));
connection.onReferences(onDocument('references', [], (p) => references(store, p)));
connection.onDocumentHighlight(onDocument('documentHighlight', [], (p) => documentHighlight(store, p)));
connection.onPrepareRename(onDocument('prepareRename', null, (p) => prepareRename(store, p)));
connection.onRenameRequest(onDocument('rename', null, (p) => rename(store, p)));
connection.onDocumentSymbol(onDocument('documentSymbol', [], (p) => documentSymbol(store, p)));
connection.onWorkspaceSymbol(answered('workspaceSymbol', [], (p) => workspaceSymbol(store, p)));
connection.onFoldingRanges(onDocument('foldingRange', [], (p) => foldingRange(store, p)));
connection.onSelectionRanges(onDocument('selectionRange', [], (p) => selectionRange(store, p)));
connection.languages.semanticTokens.on(
  onDocument('semanticTokens', { data: [] }, (p) => semanticTokensFull(store, p)),
);
connection.onDocumentFormatting(onDocument('formatting', [], (p) => formatting(store, p)));
connection.onDocumentRangeFormatting(onDocument('rangeFormatting', [], (p) => rangeFormatting(store, p)));
connection.languages.inlayHint.on(onDocument('inlayHint', [], (p) => inlayHint(store, p)));
connection.onCodeAction(onDocument('codeAction', [], (p) => codeAction(store, p)));
connection.onRequest(
  PANEL_STATE_REQUEST,
  onDocument('panelState', null, (p: PanelStateParams) => panelState(store, p)),
);
connection.onCodeLens(onDocument('codeLens', [], (p) => exploreLenses.codeLens(p)));
connection.onCodeLensResolve(
  answered(
    'codeLensResolve',
    // With a command: VS Code shows a lens resolved without one as "!!MISSING: command!!".
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      command: EXPLORE_AT_CURSOR,
    },
    (l, token) => exploreLenses.resolve(l, token),
  ),
);
connection.onRequest(
  EXPLORE_REQUEST,
  onDocument(
    'explore',
    { result: undefined, problems: ['the exploration failed; see the output'] },
    (p: ExploreParams, token) =>
      exploreRequest(store, p, (job, t) => exploreThread.run(job, t ? { token: t } : {}), token),
  ),
);
connection.onRequest(
  EXPLORE_TRACE_REQUEST,
  onDocument('exploreTrace', null, (p: ExploreTraceParams) => exploreTrace(store, p)),
);
connection.onRequest(
  SYSCALL_PROGRAM_REQUEST,
  onDocument('syscallProgram', null, (p: SyscallProgramParams) => syscallProgramRequest(store, p)),
);
connection.onRequest(
  KERNEL_COMPARE_REQUEST,
  onDocument('kernelCompare', { run: undefined, diagnostics: [] }, (p: KernelCompareParams) =>
    kernelCompareRequest(store, p),
  ),
);
connection.onRequest(
  IMPORT_REQUEST,
  answered('import', { scenario: '', imported: 0, skipped: [], processes: [] }, (p: ImportParams) =>
    importRequest(p),
  ),
);
connection.onRequest(
  CHECK_FILES_REQUEST,
  answered('checkFiles', { files: [] }, (p: CheckFilesParams) => checkFiles(store, p, filesSettings)),
);

process.on('uncaughtException', (error) => log(`drvmap: uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => log(`drvmap: unhandled rejection: ${String(reason)}`));

store.documents.listen(lifecycle.documentSync(connection));
connection.listen();
