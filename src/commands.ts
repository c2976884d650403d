// The commands the manifest contributes, wired to the parts that implement them.
import * as vscode from 'vscode';
import type { WorkspaceCheck } from './check-workspace';
import type { ServerConnection } from './client';
import type { AddressMapPanel } from './panel-host';
import type { RuleDocumentation } from './rule-docs';

export interface CommandTargets {
  readonly connection: ServerConnection;
  readonly panel: AddressMapPanel;
  readonly ruleDocs: RuleDocumentation;
  readonly workspaceCheck: WorkspaceCheck;
  readonly output: vscode.OutputChannel;
}

export function registerCommands({
  connection,
  panel,
  ruleDocs,
  workspaceCheck,
  output,
}: CommandTargets): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('drvmap.showAddressMap', () => panel.show()),
    vscode.commands.registerCommand('drvmap.restartServer', () =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'drvmap: restarting the language server' },
        () => connection.restart(),
      ),
    ),
    vscode.commands.registerCommand('drvmap.checkWorkspace', () => workspaceCheck.run()),
    vscode.commands.registerCommand('drvmap.showOutput', () => output.show()),
    ruleDocs.register(),
  );
}
