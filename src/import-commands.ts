// "drvmap: Import strace Output…" and "drvmap: Import /proc/PID/maps…" (issue 6): pick a file, the
// server turns it into a scenario, which opens beside as an untitled drvmap document. Every line
// the importer skipped is listed with its reason in the output channel.
import * as vscode from 'vscode';
import type { ServerConnection } from './client';
import { LANGUAGE_ID } from './client';
import { describeError } from './editor-state';
import { cannotReadMessage, importedMessage, importTooLargeMessage } from './notification-text';
import { importRequest, type ImportParams } from './protocol';
import { decodeText } from '../protocol/text-decoding';

export const IMPORT_STRACE_COMMAND = 'drvmap.importStrace';
export const IMPORT_MAPS_COMMAND = 'drvmap.importProcMaps';

/** Files larger than this are refused (a capture of a whole program run is far smaller). */
const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

export function registerImportCommands(
  connection: ServerConnection,
  output: vscode.LogOutputChannel,
): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(IMPORT_STRACE_COMMAND, (uri?: unknown) =>
      importFile(connection, output, 'strace', uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(IMPORT_MAPS_COMMAND, (uri?: unknown) =>
      importFile(connection, output, 'maps', uri instanceof vscode.Uri ? uri : undefined),
    ),
  );
}

async function importFile(
  connection: ServerConnection,
  output: vscode.LogOutputChannel,
  format: ImportParams['format'],
  given: vscode.Uri | undefined,
): Promise<void> {
  const what = format === 'strace' ? 'strace output' : '/proc/PID/maps';
  const uri =
    given ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Import',
        title: `Import ${what} as a drvmap scenario`,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      })
    )?.[0];
  if (!uri) return;
  let text: string;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_IMPORT_BYTES) {
      void vscode.window.showErrorMessage(
        importTooLargeMessage(uri.fsPath, stat.size, MAX_IMPORT_BYTES / 1024 / 1024),
      );
      return;
    }
    // As the editor would open it: a log saved by Windows PowerShell is UTF-16 (text-decoding.ts).
    text = decodeText(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    void vscode.window.showErrorMessage(cannotReadMessage(uri.fsPath, describeError(error)));
    return;
  }
  const name = uri.path.split('/').pop() ?? what;
  const title = `imported from ${name}`;
  let result = await connection.request(importRequest, { format, text, title });
  if (!result) {
    void vscode.window.showWarningMessage('drvmap: the language server is not running.');
    return;
  }
  if (result.processes.length > 1) {
    // `strace -f` traced several processes; one address space holds them all only if they are
    // threads, so the user says which (the CLI's --pid).
    const pid = await pickProcess(result.processes, name);
    if (pid === null) return;
    if (pid !== undefined) {
      result = await connection.request(importRequest, {
        format,
        text,
        title: `${title} (process ${pid})`,
        pid,
      });
      if (!result) return;
    }
  }
  const document = await vscode.workspace.openTextDocument({
    language: LANGUAGE_ID,
    content: result.scenario,
  });
  await vscode.window.showTextDocument(document, { viewColumn: importColumn() });
  output.info(
    `drvmap: imported ${result.imported} line(s) of ${uri.fsPath}; skipped ${result.skipped.length}.`,
  );
  for (const s of result.skipped) output.info(`  line ${s.line}: ${s.reason}: ${s.text}`);
  const choice = await vscode.window.showInformationMessage(
    importedMessage(result.imported, name, result.skipped.length),
    ...(result.skipped.length ? ['Show Skipped Lines'] : []),
  );
  if (choice) output.show();
}

/**
 * The process to import from a trace of several: its pid, undefined for all of them in one
 * address space, null when the user dismissed the choice.
 */
async function pickProcess(processes: readonly string[], name: string): Promise<string | undefined | null> {
  const all: vscode.QuickPickItem = {
    label: 'All processes',
    description: 'one address space: right only if they are threads',
  };
  const items: vscode.QuickPickItem[] = [
    ...processes.map((pid, i) => ({
      label: `Process ${pid}`,
      description: i === 0 ? 'the first in the trace' : undefined,
      detail: 'its calls, and the lines before the first fork (they have no pid)',
    })),
    all,
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `${name} traces ${processes.length} processes`,
    placeHolder: 'Which process to import?',
  });
  if (!picked) return null;
  return picked === all ? undefined : processes[items.indexOf(picked)];
}

/**
 * Where an imported scenario opens: beside the editor it was asked from, but in the group an
 * earlier import opened, so that importing again does not add a group each time.
 */
function importColumn(): vscode.ViewColumn {
  const active = vscode.window.activeTextEditor;
  const fromImport =
    active !== undefined && active.document.isUntitled && active.document.languageId === LANGUAGE_ID;
  return fromImport ? (active.viewColumn ?? vscode.ViewColumn.Active) : vscode.ViewColumn.Beside;
}
