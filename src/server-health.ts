// What happens when the server dies: restart it and tell the user once; if it keeps dying, stop
// and say how to restart it by hand.
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
} from 'vscode-languageclient/node';
import { RestartPolicy } from './restart-policy';

export class ServerHealth implements vscode.Disposable {
  private readonly policy: RestartPolicy;
  private toldAboutRestart = false;
  private readonly giveUpEmitter = new vscode.EventEmitter<void>();
  readonly onDidGiveUp = this.giveUpEmitter.event;

  constructor(
    private readonly output: vscode.LogOutputChannel,
    policy?: RestartPolicy,
  ) {
    this.policy = policy ?? new RestartPolicy();
  }

  errorHandler(): ErrorHandler {
    return {
      // Transport errors: a few in a row are survivable (the count resets on success).
      error: (error, _message, count): ErrorHandlerResult => {
        this.output.error(`drvmap: connection error: ${error.message}`);
        return count !== undefined && count <= 3
          ? { action: ErrorAction.Continue, handled: true }
          : { action: ErrorAction.Shutdown, handled: true };
      },
      closed: (): CloseHandlerResult => {
        if (this.policy.onCrash() === 'restart') {
          this.output.warn('drvmap: the language server stopped unexpectedly; restarting it.');
          this.tellOnce();
          return { action: CloseAction.Restart, handled: true };
        }
        this.output.error(
          `drvmap: the language server crashed ${this.policy.recentCrashes} times in 3 minutes; not restarting it.`,
        );
        this.giveUpEmitter.fire();
        void vscode.window
          .showErrorMessage(
            'drvmap: the language server keeps crashing and was not restarted. Diagnostics and the address map are off until you restart it.',
            'Restart Server',
            'Show Output',
          )
          .then((choice) => {
            if (choice === 'Restart Server') void vscode.commands.executeCommand('drvmap.restartServer');
            else if (choice === 'Show Output') this.output.show();
          });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  /** A manual restart: count crashes afresh. */
  reset(): void {
    this.policy.reset();
  }

  dispose(): void {
    this.giveUpEmitter.dispose();
  }

  private tellOnce(): void {
    if (this.toldAboutRestart) return;
    this.toldAboutRestart = true;
    void vscode.window
      .showWarningMessage(
        'drvmap: the language server stopped unexpectedly and was restarted.',
        'Show Output',
      )
      .then((choice) => choice && this.output.show());
  }
}
