// A minimal LSP client for the protocol tests and the benchmark: starts the bundled server
// (out/server.js) over stdio and talks JSON-RPC to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

export function repoRoot(): string {
  let dir = resolve(__dirname);
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'server'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

export interface StartOptions {
  /** `drvmap` settings answered to workspace/configuration. */
  readonly settings?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  /** The client's capabilities; by default what VS Code's client declares for what the tests use. */
  readonly capabilities?: ClientCapabilities;
}

/** What vscode-languageclient declares, for the parts the server reads. */
export const VSCODE_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    inlayHint: { refreshSupport: true },
    semanticTokens: { refreshSupport: true },
    codeLens: { refreshSupport: true },
  },
  textDocument: {
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: true,
      codeDescriptionSupport: true,
      dataSupport: true,
    },
    completion: {
      completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
    },
    hover: { contentFormat: ['markdown', 'plaintext'] },
  },
};

export class LspClient {
  readonly connection: MessageConnection;
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: {
    uri: string;
    predicate: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  settings: Record<string, unknown>;
  /** A folder's own `drvmap` settings: answered for a scopeUri that starts with the key. */
  readonly folderSettings = new Map<string, Record<string, unknown>>();
  /** Every workspace/configuration item the server asked for, in order. */
  readonly configurationItems: { scopeUri?: string; section?: string }[] = [];
  /** How long the client takes to answer workspace/configuration (a slow client, a remote window). */
  configurationDelayMs = 0;
  /** window/showMessage notifications. */
  readonly messages: { type: number; message: string }[] = [];
  exited: number | null | undefined;
  /** The refresh requests the server sent (`inlayHint`, `semanticTokens`, `codeLens`), in order. */
  readonly refreshes: string[] = [];

  private constructor(
    readonly child: ChildProcess,
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
    this.connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    child.on('exit', (code) => (this.exited = code));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.uri === p.uri && w.predicate(p)) {
          this.waiters.splice(i, 1);
          w.resolve(p);
        }
      }
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) =>
      this.logs.push(p.message),
    );
    this.connection.onRequest(
      'workspace/configuration',
      async (p: { items: { scopeUri?: string; section?: string }[] }) => {
        this.configurationItems.push(...p.items);
        const answer = p.items.map((item) => {
          for (const [folder, own] of this.folderSettings)
            if (item.scopeUri?.startsWith(folder)) return { ...this.settings, ...own };
          return this.settings;
        });
        if (this.configurationDelayMs > 0)
          await new Promise((resolve) => setTimeout(resolve, this.configurationDelayMs));
        return answer;
      },
    );
    this.connection.onNotification('window/showMessage', (p: { type: number; message: string }) =>
      this.messages.push(p),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/inlayHint/refresh', () => {
      this.refreshes.push('inlayHint');
      return null;
    });
    this.connection.onRequest('workspace/semanticTokens/refresh', () => {
      this.refreshes.push('semanticTokens');
      return null;
    });
    this.connection.onRequest('workspace/codeLens/refresh', () => {
      this.refreshes.push('codeLens');
      return null;
    });
    this.connection.listen();
  }

  static async start(
    options: StartOptions = {},
  ): Promise<{ client: LspClient; initialize: InitializeResult }> {
    const client = LspClient.spawn(options);
    const initialize = await client.initialize(options.capabilities ?? VSCODE_CAPABILITIES);
    return { client, initialize };
  }

  /** The server started, not yet initialized (the lifecycle tests send requests before `initialize`). */
  static spawn(options: StartOptions = {}): LspClient {
    const server = join(repoRoot(), 'out', 'server.js');
    if (!existsSync(server)) throw new Error(`${server} is missing: run node scripts/build.mjs`);
    // DRVMAP_SERVER_NODE_ARGS (e.g. `--cpu-prof`) profiles the server under a test or benchmark.
    const nodeArgs = process.env.DRVMAP_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, server, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    return new LspClient(child, options.settings ?? {});
  }

  async initialize(capabilities: ClientCapabilities): Promise<InitializeResult> {
    const result = (await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities,
    })) as InitializeResult;
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'drvmap', version, text },
    });
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  lastDiagnostics(uri: string): PublishDiagnosticsParams | undefined {
    return this.latest.get(uri);
  }

  /** The next publication for the URI that satisfies the predicate (or the latest one, if it already does). */
  diagnostics(
    uri: string,
    predicate: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10_000,
    acceptLatest = false,
  ): Promise<PublishDiagnosticsParams> {
    const latest = this.latest.get(uri);
    if (acceptLatest && latest && predicate(latest)) return Promise.resolve(latest);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr.join('')}`),
          ),
        timeoutMs,
      );
      this.waiters.push({
        uri,
        predicate,
        resolve: (p) => {
          clearTimeout(timer);
          resolvePromise(p);
        },
      });
    });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
      await this.notify('exit', null);
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.exited === undefined) {
      await new Promise<void>((r) => {
        const timer = setTimeout(() => {
          this.child.kill();
          r();
        }, 2000);
        this.child.once('exit', () => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }
}

export function codesOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}
