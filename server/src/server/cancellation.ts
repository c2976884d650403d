// `$/cancelRequest`. The server runs every request on its one thread, and an exploration may
// take seconds (EXPLORE_BUDGET_MS): one the client no longer wants delays every hover and edit
// behind it. vscode-jsonrpc leaves a cancelled request that is still queued to be run
// (its default `cancelUndispatched` answers nothing: vscode-jsonrpc lib/common/connection.js),
// and only cancels the token of one already dispatched, which a handler must look at.
import {
  LSPErrorCodes,
  Message,
  ResponseError,
  type CancellationToken,
  type ConnectionStrategy,
  type ResponseMessage,
} from 'vscode-languageserver/node';

const CANCELLED_MESSAGE = 'the request was cancelled';

/**
 * Answers a request cancelled while it waits in the queue with RequestCancelled, which the LSP
 * specification gives a cancelled request (`$/cancelRequest`), and takes it out of the queue.
 */
export const CANCEL_UNDISPATCHED: ConnectionStrategy = {
  cancelUndispatched: (message: Message): ResponseMessage => ({
    jsonrpc: message.jsonrpc,
    id: Message.isRequest(message) ? message.id : null,
    error: { code: LSPErrorCodes.RequestCancelled, message: CANCELLED_MESSAGE },
  }),
};

/**
 * For a request dispatched but not begun (waiting for its document's settings): cancelled
 * meanwhile, it is answered RequestCancelled instead of run. A request that has begun runs to
 * its end: the engine is synchronous, so no cancellation is read while it runs.
 */
export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested)
    throw new ResponseError(LSPErrorCodes.RequestCancelled, CANCELLED_MESSAGE);
}
