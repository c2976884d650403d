// The language client: starts out/server.js over IPC, hands it the settings, and can be
// restarted. Everything else talks to the server through this class, so nothing else needs to
// know whether it is running.
import * as vscode from 'vscode';
import {
  LanguageClient,
  ResponseError,
  type RequestType,
  State,
  TransportKind,
  type Diagnostic,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { checkFilesRequest, panelStateRequest, type PanelState, type PanelStateParams } from './protocol';
import type { ServerHealth } from './server-health';
import { normalizeSettings, type DrvmapInitializationOptions, type DrvmapSettings } from './settings';
import type { ServerHealthState } from './status-text';

export const LANGUAGE_ID = 'drvmap';
export const DOCUMENT_SELECTOR = [
  { language: LANGUAGE_ID, scheme: 'file' },
  { language: LANGUAGE_ID, scheme: 'untitled' },
];

export function readSettings(scope?: vscode.ConfigurationScope): DrvmapSettings {
  const config = vscode.workspace.getConfiguration('drvmap', scope);
  return normalizeSettings((key) => config.get(key));
}

export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private state: ServerHealthState = 'stopped';
  private readonly healthEmitter = new vscode.EventEmitter<ServerHealthState>();
  /** Fires on every change of the server's state; `running` again after a restart. */
  readonly onDidChangeHealth = this.healthEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.healthEmitter];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly health: ServerHealth,
  ) {
    // Settings changes reach the server through the standard workspace/didChangeConfiguration
    // (the server registers for the `drvmap` section) and workspace/configuration (middleware below).
    this.disposables.push(
      // A later feature runs native code only in trusted workspaces; the server learns of the
      // trust at start, so granting it restarts the server.
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart()),
      health.onDidGiveUp(() => this.setState('failed')),
    );
  }

  get healthState(): ServerHealthState {
    return this.state;
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  async start(): Promise<void> {
    if (this.client) return;
    const client = this.createClient();
    this.client = client;
    client.onDidChangeState((e) => {
      if (client !== this.client) return;
      if (e.newState === State.Running) this.setState('running');
      else if (e.newState === State.Starting) this.setState('starting');
      else if (this.state !== 'failed') this.setState('stopped');
    });
    this.setState('starting');
    try {
      await client.start();
    } catch (error) {
      this.output.error(`drvmap: the language server did not start: ${String(error)}`);
      if (client === this.client) this.setState('failed');
      void vscode.window
        .showErrorMessage('drvmap: the language server did not start.', 'Show Output')
        .then((choice) => choice && this.output.show());
    }
  }

  /** Stops the server (if any) and starts a fresh one; the crash count starts afresh. */
  async restart(): Promise<void> {
    this.health.reset();
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      if (client.isRunning()) await client.stop(2000);
      else await client.dispose(2000);
    } catch (error) {
      this.output.warn(`drvmap: stopping the language server: ${String(error)}`);
    }
    this.setState('stopped');
  }

  /**
   * The state at a position; `null` when the server says there is no scenario there, undefined
   * when the server is not running or the request was cancelled. Other errors are thrown.
   */
  async requestPanelState(
    params: PanelStateParams,
    token?: vscode.CancellationToken,
  ): Promise<PanelState | null | undefined> {
    const client = this.client;
    if (!client || !this.isRunning) return undefined;
    try {
      return await client.sendRequest(panelStateRequest, params, token);
    } catch (error) {
      if (token?.isCancellationRequested) return undefined;
      if (error instanceof ResponseError && error.code === -32800 /* RequestCancelled */) return undefined;
      throw error;
    }
  }

  /**
   * A custom request (see protocol.ts); undefined when the server is not running or the request
   * was cancelled. Other errors are thrown.
   */
  async request<P, R>(
    type: RequestType<P, R, void>,
    params: P,
    token?: vscode.CancellationToken,
  ): Promise<R | undefined> {
    const client = this.client;
    if (!client || !this.isRunning) return undefined;
    try {
      return await client.sendRequest(type, params, token);
    } catch (error) {
      if (token?.isCancellationRequested) return undefined;
      if (error instanceof ResponseError && error.code === -32800 /* RequestCancelled */) return undefined;
      throw error;
    }
  }

  /** Converts LSP-shaped diagnostics (from a custom request) to VS Code's. */
  async asDiagnostics(diagnostics: readonly unknown[]): Promise<vscode.Diagnostic[]> {
    const client = this.client;
    if (!client) return [];
    return client.protocol2CodeConverter.asDiagnostics([...diagnostics] as Diagnostic[]);
  }

  /**
   * `drvmap/checkFiles` for files by URI (the server reads those not open); undefined when the
   * server is not running or the request was cancelled.
   */
  async checkFiles(
    uris: readonly vscode.Uri[],
    token?: vscode.CancellationToken,
    /** The text to check for a URI, instead of what the server has open or reads. */
    texts?: ReadonlyMap<string, string>,
  ): Promise<{ uri: vscode.Uri; diagnostics: vscode.Diagnostic[]; error: string | undefined }[] | undefined> {
    const client = this.client;
    if (!client || !this.isRunning) return undefined;
    try {
      const files = uris.map((u) => {
        const text = texts?.get(u.toString());
        return text === undefined ? { uri: u.toString() } : { uri: u.toString(), text };
      });
      const result = await client.sendRequest(checkFilesRequest, { files }, token);
      return await Promise.all(
        result.files.map(async (f) => ({
          uri: vscode.Uri.parse(f.uri),
          diagnostics: await client.protocol2CodeConverter.asDiagnostics(
            [...f.diagnostics] as Diagnostic[],
            token,
          ),
          error: f.error,
        })),
      );
    } catch (error) {
      if (token?.isCancellationRequested) return undefined;
      throw error;
    }
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }

  private setState(state: ServerHealthState): void {
    if (state === this.state) return;
    this.state = state;
    this.healthEmitter.fire(state);
  }

  private createClient(): LanguageClient {
    const module = this.context.asAbsolutePath('out/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.output,
      // Read when the server (re)starts, so a restart picks up the current settings and trust.
      initializationOptions: (): DrvmapInitializationOptions => ({
        settings: readSettings(),
        workspaceTrusted: vscode.workspace.isTrusted,
      }),
      errorHandler: this.health.errorHandler(),
      middleware: {
        // The setting takes effect at once, whatever the server does with it.
        provideInlayHints: (document, range, token, next) =>
          readSettings(document).inlayHints.enabled ? next(document, range, token) : [],
        workspace: {
          // `drvmap` sections pulled by the server arrive checked and complete (DrvmapSettings).
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) return result;
            return params.items.map((item, i) =>
              item.section === 'drvmap'
                ? readSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : result[i],
            );
          },
        },
      },
    };
    return new LanguageClient('drvmap', 'drvmap Language Server', serverOptions, clientOptions);
  }
}
