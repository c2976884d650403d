// The LSP 3.17 lifecycle, enforced: before `initialize` a request is answered with
// ServerNotInitialized (-32002) and a notification is dropped; after `shutdown` a request is
// answered with InvalidRequest. vscode-languageserver dispatches whatever arrives, so a client that
// opens documents before initializing (or asks for an outline after shutting the server down)
// would otherwise get answers the protocol says it must not.
import { ErrorCodes, ResponseError, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** What TextDocuments.listen registers its handlers on. */
type DocumentSyncConnection = Parameters<TextDocuments<TextDocument>['listen']>[0];

type Phase = 'uninitialized' | 'running' | 'shut-down';

export class Lifecycle {
  private phase: Phase = 'uninitialized';

  /** Called once `initialize` has been answered: from then on the client may send anything. */
  initialized(): void {
    if (this.phase === 'uninitialized') this.phase = 'running';
  }

  shutDown(): void {
    this.phase = 'shut-down';
  }

  /** A request handler that answers only while the server runs. */
  request<F extends (...params: never[]) => unknown>(handler: F): F {
    return ((...params: Parameters<F>) => {
      if (this.phase === 'uninitialized')
        throw new ResponseError(ErrorCodes.ServerNotInitialized, 'the server has not been initialized');
      if (this.phase === 'shut-down')
        throw new ResponseError(ErrorCodes.InvalidRequest, 'the server has been shut down');
      return handler(...params);
    }) as F;
  }

  /** A notification handler that runs only while the server runs (others are dropped). */
  notification<P extends unknown[]>(handler: (...params: P) => void): (...params: P) => void {
    return (...params: P) => {
      if (this.phase === 'running') handler(...params);
    };
  }

  /** The document-sync part of the connection, with every handler gated (for TextDocuments.listen). */
  documentSync(connection: Connection): DocumentSyncConnection {
    return {
      onDidOpenTextDocument: (handler) => connection.onDidOpenTextDocument(this.notification(handler)),
      onDidChangeTextDocument: (handler) => connection.onDidChangeTextDocument(this.notification(handler)),
      onDidCloseTextDocument: (handler) => connection.onDidCloseTextDocument(this.notification(handler)),
      onWillSaveTextDocument: (handler) => connection.onWillSaveTextDocument(this.notification(handler)),
      onWillSaveTextDocumentWaitUntil: (handler) =>
        connection.onWillSaveTextDocumentWaitUntil(this.request(handler)),
      onDidSaveTextDocument: (handler) => connection.onDidSaveTextDocument(this.notification(handler)),
    };
  }
}
