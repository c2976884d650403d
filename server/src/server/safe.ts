// Every handler runs inside `safely`: an exception is logged and answered with an empty result,
// so one bad request never takes the server down. A ResponseError is a deliberate answer (a
// refused rename) and goes to the client as it is.
import { ResponseError } from 'vscode-languageserver/node';

export type Logger = (message: string) => void;

export function safely<P extends unknown[], R>(
  log: Logger,
  name: string,
  fallback: R,
  handler: (...params: P) => R | Promise<R>,
): (...params: P) => Promise<R> {
  return async (...params: P) => {
    try {
      return await handler(...params);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      log(
        `drvmap: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return fallback;
    }
  };
}
