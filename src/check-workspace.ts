// "Check All Scenarios in the Workspace": diagnostics for every .drvmap file, not just the open
// ones. The server checks files by URI with `drvmap/checkFiles` (open files in their editor
// state, others read from disk); results for files that are not open go into a diagnostic
// collection of their own, which a file leaves when it is opened (the server then publishes it).
import * as vscode from 'vscode';
import { checkSummary, type CheckResult } from './check-summary';
import { LANGUAGE_ID, readSettings, type ServerConnection } from './client';
import { inert } from './notification-text';
import { decodeText } from '../protocol/text-decoding';

const MAX_FILES = 5000;
const BATCH = 50;
const EXCLUDE = '**/{node_modules,.git,out,out-test,.cache}/**';

export class WorkspaceCheck implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('drvmap-workspace');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  /** The files the last run checked: a file closed after it goes back to its checked result. */
  private readonly covered = new Set<string>();

  constructor(private readonly connection: ServerConnection) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.languageId === LANGUAGE_ID) this.collection.delete(d.uri);
      }),
      // The server clears an open file's diagnostics when it closes; the workspace result for it
      // stays, checked again from disk (unsaved edits are gone with the editor).
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.languageId === LANGUAGE_ID && d.uri.scheme === 'file' && this.covered.has(d.uri.toString()))
          void this.recheckClosed(d.uri);
      }),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.collection.delete(uri))),
    );
  }

  async run(): Promise<void> {
    if (!vscode.workspace.workspaceFolders?.length) {
      void vscode.window.showInformationMessage('drvmap: open a folder to check its scenarios.');
      return;
    }
    if (!this.connection.isRunning) {
      void vscode.window.showWarningMessage('drvmap: the language server is not running; restart it first.');
      return;
    }
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'drvmap: checking scenarios',
        cancellable: true,
      },
      (progress, token) => this.check(progress, token),
    );
    const summary = checkSummary(result);
    const choice = await (result.errors + result.warnings > 0
      ? vscode.window.showWarningMessage(summary, 'Show Problems')
      : vscode.window.showInformationMessage(summary));
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async recheckClosed(uri: vscode.Uri): Promise<void> {
    try {
      const text = decodeText(await vscode.workspace.fs.readFile(uri));
      const [result] =
        (await this.connection.checkFiles([uri], undefined, new Map([[uri.toString(), text]]))) ?? [];
      // Reopened meanwhile: the server publishes it again.
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
      if (result && result.error === undefined) this.collection.set(uri, result.diagnostics);
    } catch {
      // Deleted or unreadable since: onDidDeleteFiles or the next run says so.
    }
  }

  private async check(
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<CheckResult> {
    const found = await vscode.workspace.findFiles('**/*.drvmap', EXCLUDE, MAX_FILES, token);
    const files: vscode.Uri[] = [];
    let skippedLarge = 0;
    let unreadable = 0;
    for (const uri of found) {
      try {
        const { size } = await vscode.workspace.fs.stat(uri);
        if (size > readSettings(uri).maxFileSizeKiB * 1024) skippedLarge++;
        else files.push(uri);
      } catch {
        unreadable++;
      }
    }
    const open = new Set(
      vscode.workspace.textDocuments.filter((d) => d.languageId === LANGUAGE_ID).map((d) => d.uri.toString()),
    );
    this.collection.clear();
    this.covered.clear();
    for (const uri of files) this.covered.add(uri.toString());
    let checked = 0;
    let errors = 0;
    let warnings = 0;
    let filesWithProblems = 0;
    for (let i = 0; i < files.length && !token.isCancellationRequested; i += BATCH) {
      const batch = files.slice(i, i + BATCH);
      progress.report({
        // A progress message is shown in a notification: a file name may look like a link.
        message: inert(vscode.workspace.asRelativePath(batch[0]!)),
        increment: (batch.length / files.length) * 100,
      });
      const results = await this.connection.checkFiles(batch, token, await textsOutsideDisk(batch));
      if (!results) break; // the server stopped or the user cancelled
      for (const r of results) {
        if (r.error !== undefined) {
          unreadable++;
          continue;
        }
        checked++;
        const e = r.diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
        const w = r.diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
        errors += e;
        warnings += w;
        if (e + w > 0) filesWithProblems++;
        // Open files have the server's published diagnostics already.
        if (!open.has(r.uri.toString())) this.collection.set(r.uri, r.diagnostics);
      }
    }
    return {
      files: checked,
      skippedLarge,
      unreadable,
      errors,
      warnings,
      filesWithProblems,
      cancelled: token.isCancellationRequested,
    };
  }
}

/**
 * The text of the files that are not on this machine's disk (not `file:`), read through the
 * editor's file system: the server reads only `file:` URIs itself. Unreadable ones are left
 * out, and the server reports them as unreadable.
 */
async function textsOutsideDisk(uris: readonly vscode.Uri[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const uri of uris) {
    if (uri.scheme === 'file') continue;
    try {
      texts.set(uri.toString(), decodeText(await vscode.workspace.fs.readFile(uri)));
    } catch {
      // Counted as unreadable from the server's answer.
    }
  }
  return texts;
}
