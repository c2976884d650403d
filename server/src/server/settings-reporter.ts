// Settings the server cannot use (a defaultKernel Linux never had, an empty defaultWindow) are
// replaced by the built-in default, and said so: as a warning message and in the log, once per
// distinct message until the settings change. Not a diagnostic: the mistake is in a setting, not
// in a file, so it is shown once, where it is fixed, rather than on every scenario of every file
// (which could not fix it); the package.json pattern lets such values through the Settings UI.
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';
import type { Logger } from './safe';
import { settingProblems, type Settings } from './settings';

export class SettingsReporter {
  private readonly shown = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly log: Logger,
  ) {}

  /** Forgets what was shown: after a configuration change, a problem still there is shown again. */
  reset(): void {
    this.shown.clear();
  }

  report(settings: Settings): void {
    for (const message of settingProblems(settings)) {
      if (this.shown.has(message)) continue;
      this.shown.add(message);
      this.log(`drvmap: ${message}`);
      void this.connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message,
      });
    }
  }
}
