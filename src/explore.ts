// "Is this strategy safe for every driver?" in the editor (issue 7). The code lens the server puts
// on a scenario's `strategy` line runs `drvmap.explore`: the server explores every driver
// behaviour and the panel shows the matrix. Choosing a behaviour replays it: the address map
// follows the scenario under those traits, the cursor goes to where it breaks, and its expanded
// trace opens in a read-only document.
import * as vscode from 'vscode';
import type { ServerConnection } from './client';
import { describeError, isDrvmapEditor, type EditorStateTracker } from './editor-state';
import { overridesForBehaviour, traceDocumentPath } from './explore-overrides';
import { failedMessage, nothingToExploreMessage } from './notification-text';
import type { AddressMapPanel } from './panel-host';
import { exploreRequest, exploreTraceRequest, type ExploreParams } from './protocol';
import type { TraceDocuments } from './trace-documents';

export const EXPLORE_COMMAND = 'drvmap.explore';

export class Explorer implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly connection: ServerConnection,
    private readonly panel: AddressMapPanel,
    private readonly tracker: EditorStateTracker,
    private readonly traces: TraceDocuments,
    private readonly output: vscode.LogOutputChannel,
  ) {
    panel.onReplay = (index) => void this.replay(index);
    this.disposables.push(
      vscode.commands.registerCommand(
        EXPLORE_COMMAND,
        (uri?: unknown, scenarioIndex?: unknown, lensLine?: unknown) =>
          this.explore(
            typeof uri === 'string' ? uri : undefined,
            typeof scenarioIndex === 'number' ? scenarioIndex : undefined,
            typeof lensLine === 'number' ? lensLine : undefined,
          ),
      ),
    );
  }

  /**
   * Explores the scenario `scenarioIndex` of `uri`, or the one at the cursor. `lensLine` is the
   * line of the code lens that asked (0-based).
   */
  async explore(uri?: string, scenarioIndex?: number, lensLine?: number): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const target = uri ?? (isDrvmapEditor(editor) ? editor.document.uri.toString() : undefined);
    if (!target) {
      void vscode.window.showInformationMessage(
        'drvmap: open a .drvmap file to explore its driver behaviours.',
      );
      return;
    }
    const params: ExploreParams =
      scenarioIndex !== undefined
        ? { uri: target, scenarioIndex }
        : {
            uri: target,
            line: editor?.selection.active.line ?? 0,
            character: editor?.selection.active.character ?? 0,
          };
    let response;
    let cancelled = false;
    try {
      // Cancellable: the server drops a cancelled exploration still queued and stops one that
      // runs, and answers either with RequestCancelled (server/src/server/explore-thread.ts).
      response = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'drvmap: exploring driver behaviours…',
          cancellable: true,
        },
        (_progress, token) => {
          token.onCancellationRequested(() => (cancelled = true));
          return this.connection.request(exploreRequest, params, token);
        },
      );
    } catch (error) {
      if (cancelled) return;
      this.output.error(`drvmap/explore: ${describeError(error)}`);
      void vscode.window.showErrorMessage(failedMessage('exploration', describeError(error)));
      return;
    }
    // Cancelled by the user: nothing to show, whatever came back.
    if (cancelled) return;
    if (!response) {
      void vscode.window.showWarningMessage('drvmap: the language server is not running.');
      return;
    }
    if (!response.result) {
      void vscode.window.showInformationMessage(nothingToExploreMessage(response.problems));
      return;
    }
    // The address map follows the explored document.
    if (this.tracker.followedUri?.toString() !== target) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target));
      await vscode.window.showTextDocument(document, { preserveFocus: false });
    }
    this.tracker.setReplay(undefined);
    this.panel.showExplore(response.result);
    // From a lens of another scenario than the map shows: the cursor goes to the lens's line, as
    // a click on that line would put it, so the map shows the explored scenario with its matrix.
    const shown = this.tracker.latest.state;
    if (
      lensLine !== undefined &&
      (shown?.uri !== target || shown.scenarioIndex !== response.result.scenarioIndex)
    ) {
      const position = new vscode.Position(lensLine, 0);
      await this.tracker.moveSelection(new vscode.Selection(position, position));
    }
  }

  /** Replays behaviour `index` of the matrix (null: back to the scenario as written). */
  async replay(index: number | null): Promise<void> {
    // The panel's: it is dropped when the map follows another document or scenario.
    const matrix = this.panel.explored;
    if (index === null || !matrix) {
      this.tracker.setReplay(undefined);
      this.panel.showReplaying(undefined);
      return;
    }
    const overrides = overridesForBehaviour(matrix, index);
    if (!overrides) return;
    if (this.tracker.followedUri?.toString() !== matrix.uri) {
      void vscode.window.showInformationMessage(
        'drvmap: the explored scenario is not the one the address map follows; explore again.',
      );
      return;
    }
    let trace;
    try {
      trace = await this.connection.request(exploreTraceRequest, { uri: matrix.uri, overrides });
    } catch (error) {
      this.output.error(`drvmap/exploreTrace: ${describeError(error)}`);
    }
    // The cursor goes where the behaviour breaks, so the map shows that step.
    if (trace?.breaksAtLine !== undefined) {
      const position = new vscode.Position(trace.breaksAtLine, 0);
      await this.tracker.moveSelection(new vscode.Selection(position, position));
    }
    this.tracker.setReplay(overrides);
    this.panel.showReplaying(index);
    if (trace) {
      const column = this.panel.viewColumn ? this.panel.viewColumn + 1 : vscode.ViewColumn.Beside;
      await this.traces.show(traceDocumentPath(matrix.scenario, index), trace.text, column);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
