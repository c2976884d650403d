// `$/cancelRequest`. The server runs every request but explorations on its one thread (those run
// on the explore thread, explore-thread.ts, which stops a cancelled one), and a request the
// client no longer wants delays every hover and edit behind it. vscode-jsonrpc leaves a cancelled request that is still queued to be run
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
  if (token?.isCancellationRequested) throw cancelledError();
}

/** The error a cancelled request is answered with (RequestCancelled, -32800). */
export function cancelledError(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, CANCELLED_MESSAGE);
}
