// Activation: the language client, the editor-state tracker that the status bar and the
// address-map panel share, and the commands. Activated by drvmap documents and by the commands.
import { arch, platform } from 'node:os';
import * as vscode from 'vscode';
import { WorkspaceCheck } from './check-workspace';
import { ServerConnection } from './client';
import { registerCommands } from './commands';
import { EditorStateTracker } from './editor-state';
import { Explorer } from './explore';
import { harnessUnavailable } from './harness';
import { registerImportCommands } from './import-commands';
import { KernelRunner } from './kernel-run';
import { AddressMapPanel } from './panel-host';
import { RuleDocumentation } from './rule-docs';
import { ServerHealth } from './server-health';
import { StatusBar } from './status-bar';
import { TraceDocuments } from './trace-documents';

let connection: ServerConnection | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('drvmap', { log: true });
  const health = new ServerHealth(output);
  connection = new ServerConnection(context, output, health);
  const tracker = new EditorStateTracker(connection, output);
  const panel = new AddressMapPanel(context, tracker, output);
  const status = new StatusBar(connection, tracker);
  const ruleDocs = new RuleDocumentation(context);
  const workspaceCheck = new WorkspaceCheck(connection);
  const traces = new TraceDocuments();
  const explorer = new Explorer(connection, panel, tracker, traces, output);
  const kernelRunner = new KernelRunner(context, connection, panel, output);
  context.subscriptions.push(
    output,
    health,
    connection,
    tracker,
    panel,
    status,
    workspaceCheck,
    traces,
    explorer,
    kernelRunner,
    registerImportCommands(connection, output),
    registerCommands({ connection, panel, ruleDocs, workspaceCheck, output }),
  );
  void vscode.commands.executeCommand('setContext', 'drvmap.clientActive', true);
  // Run on This Kernel runs where the extension host is, which is not where the window is in a
  // browser, Codespaces or a remote window: the `isLinux` context key is the window's system.
  void vscode.commands.executeCommand(
    'setContext',
    'drvmap.canRunOnKernel',
    harnessUnavailable(platform(), arch()) === undefined,
  );
  await connection.start();
}

export async function deactivate(): Promise<void> {
  const c = connection;
  connection = undefined;
  await c?.stop();
}
