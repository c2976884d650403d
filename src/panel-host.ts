// The "drvmap: Address Map" webview beside the editor. It shows what the server computes for
// the step under the cursor (via EditorStateTracker) and turns the panel's clicks into editor
// moves. It only works while visible: a hidden panel gets no messages and is re-sent the
// current state when it comes back (the webview keeps its own view state with setState).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { explorationFate } from '../protocol/panel';
import { panelHtml } from '../media/src/panel-html';
import { describeError, type EditorStateEvent, type EditorStateTracker } from './editor-state';
import { cannotWriteMessage, exportedMessage } from './notification-text';
import { exportBytes, exportFileName, parseFromPanelMessage } from './panel-messages';
import { sameScenario, stepLine } from './panel-state-summary';
import type { ExploreMatrix, FromPanelMessage, KernelRunView, PanelState, ToPanelMessage } from './protocol';
import { RequestSequencer } from './request-sequencer';

export const ADDRESS_MAP_VIEW_TYPE = 'drvmap.addressMap';
const TITLE = 'drvmap: Address Map';

export class AddressMapPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The webview said `ready` since it was (re)loaded. */
  private ready = false;
  /** The step the panel compares with, and the state version it was computed for. */
  private compareStep: number | undefined;
  private compareFor: string | undefined;
  private shown: PanelState | undefined;
  private readonly compareSequencer = new RequestSequencer();
  /** The exploration matrix, the behaviour replayed from it, and the last kernel run shown. */
  private exploration: ExploreMatrix | undefined;
  /** The followed state has shown the explored scenario (see explorationFate). */
  private explorationAnchored = false;
  private replaying: number | undefined;
  private kernelRun: KernelRunView | undefined;
  /** Called when the user picks a behaviour in the matrix (or stops replaying, with null). */
  onReplay: ((behaviourIndex: number | null) => void) | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly panelDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly tracker: EditorStateTracker,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(tracker.onDidChange((event) => this.onEditorState(event)));
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      this.panel = this.create();
    }
    this.tracker.refresh();
  }

  get isVisible(): boolean {
    return !!this.panel?.visible;
  }

  /** The column the panel is in, if it is open. */
  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel?.viewColumn;
  }

  /** Shows the exploration matrix (opening the panel); undefined hides it. */
  showExplore(matrix: ExploreMatrix | undefined): void {
    this.exploration = matrix;
    this.explorationAnchored = false;
    this.replaying = undefined;
    if (matrix) this.show();
    this.post({ type: 'explore', result: matrix });
    // Anchored at once if the map already shows the explored scenario. Nothing is dropped here:
    // the state of a document exploring just opened may not have come yet.
    const shown = this.tracker.latest.state;
    this.explorationAnchored =
      !!matrix && shown?.uri === matrix.uri && shown.scenarioIndex === matrix.scenarioIndex;
  }

  /** The exploration shown, until the map follows another document or scenario. */
  get explored(): ExploreMatrix | undefined {
    return this.exploration;
  }

  /** Marks the behaviour being replayed in the matrix. */
  showReplaying(behaviourIndex: number | undefined): void {
    this.replaying = behaviourIndex;
    this.post({ type: 'replaying', behaviourIndex });
  }

  /** Shows a kernel run's comparison (opening the panel); undefined hides it. */
  showKernelRun(run: KernelRunView | undefined): void {
    this.kernelRun = run;
    if (run) this.show();
    this.post({ type: 'kernel', run });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private create(): vscode.WebviewPanel {
    const extensionUri = this.context.extensionUri;
    const panel = vscode.window.createWebviewPanel(
      ADDRESS_MAP_VIEW_TYPE,
      TITLE,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        enableForms: false,
        retainContextWhenHidden: false,
        localResourceRoots: [
          vscode.Uri.joinPath(extensionUri, 'out'),
          vscode.Uri.joinPath(extensionUri, 'media'),
        ],
      },
    );
    const webview = panel.webview;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64url'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css')).toString(),
    });
    this.ready = false;
    this.panelDisposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromPanelMessage(raw);
        if (message) void this.onPanelMessage(message);
        else this.output.warn(`drvmap: ignored a malformed message from the address map: ${safeJson(raw)}`);
      }),
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden the page is torn down while hidden; it says `ready`
        // again when shown, and gets the current state then.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.shown = undefined;
        this.compareStep = undefined;
        this.compareSequencer.invalidate();
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    );
    return panel;
  }

  private post(message: ToPanelMessage): void {
    if (!this.panel?.visible || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private onEditorState(event: EditorStateEvent): void {
    // Even while the panel is hidden: a dropped exploration must not come back with `ready`.
    this.followExploration(event);
    if (!this.panel?.visible || !this.ready) return;
    this.send(event);
  }

  /**
   * Drops the exploration, and the behaviour replayed from it, once the map follows another
   * document or scenario (the panel does the same on its side); exploring again brings it back.
   */
  private followExploration(event: EditorStateEvent): void {
    const explored = this.exploration;
    if (!explored) return;
    const followed = {
      uri: event.state?.uri ?? event.uri?.toString(),
      scenarioIndex: event.state?.scenarioIndex,
    };
    const fate = explorationFate(explored, followed, this.explorationAnchored);
    if (fate === 'anchor') this.explorationAnchored = true;
    if (fate !== 'drop') return;
    this.exploration = undefined;
    this.explorationAnchored = false;
    this.replaying = undefined;
    if (this.tracker.replay) this.tracker.setReplay(undefined);
    this.post({ type: 'explore', result: undefined });
  }

  private send(event: EditorStateEvent): void {
    const state = event.state;
    if (!state) {
      this.shown = undefined;
      this.post({ type: 'empty', reason: event.reason ?? 'Nothing to show.' });
      return;
    }
    const previous = this.shown;
    this.shown = state;
    this.post({ type: 'state', state });
    if (this.compareStep === undefined) return;
    if (previous && !sameScenario(previous, state)) {
      // The panel drops its compare view when the scenario changes; so do we.
      this.compareStep = undefined;
      this.compareFor = undefined;
      this.compareSequencer.invalidate();
    } else if (this.compareFor !== versionKey(state)) {
      void this.sendCompare(this.compareStep);
    }
  }

  private async onPanelMessage(message: FromPanelMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.shown = undefined;
        this.compareFor = undefined;
        this.send(this.tracker.latest);
        if (!this.tracker.latest.state) this.tracker.refresh();
        if (this.exploration) {
          this.post({ type: 'explore', result: this.exploration });
          if (this.replaying !== undefined) this.post({ type: 'replaying', behaviourIndex: this.replaying });
        }
        if (this.kernelRun) this.post({ type: 'kernel', run: this.kernelRun });
        return;
      case 'replay':
        this.onReplay?.(message.behaviourIndex);
        return;
      case 'selectStep':
        return this.selectStep(message.stepIndex);
      case 'reveal':
        return this.revealLine(message.line);
      case 'compareWith':
        this.compareStep = message.stepIndex;
        if (message.stepIndex === undefined) {
          this.compareFor = undefined;
          this.compareSequencer.invalidate();
          this.post({ type: 'compare', state: undefined });
          return;
        }
        return this.sendCompare(message.stepIndex);
      case 'export':
        return this.export(message.format, message.data);
    }
  }

  /** The timeline moved: show that step and put the editor's cursor on its line. */
  private async selectStep(stepIndex: number): Promise<void> {
    const state = await this.tracker.stateAtStep(stepIndex);
    if (!state) return;
    this.tracker.adopt(state);
    const line = stepLine(state, state.stepIndex);
    const editor = this.tracker.followedEditor;
    if (line === undefined || (editor && editor.selection.active.line === line)) return;
    const position = new vscode.Position(line, firstNonBlank(editor?.document, line));
    await this.tracker.moveSelection(new vscode.Selection(position, position));
  }

  /** A mapping was clicked: select the line of the step that made it. */
  private async revealLine(line: number): Promise<void> {
    const uri = this.tracker.followedUri;
    if (!uri) return;
    const document = this.tracker.followedEditor?.document ?? (await vscode.workspace.openTextDocument(uri));
    if (line >= document.lineCount) return;
    const text = document.lineAt(line);
    const start = new vscode.Position(line, text.firstNonWhitespaceCharacterIndex);
    await this.tracker.moveSelection(new vscode.Selection(start, text.range.end));
  }

  private async sendCompare(stepIndex: number): Promise<void> {
    const ticket = this.compareSequencer.next();
    const state = await this.tracker.stateAtStep(stepIndex);
    if (!this.compareSequencer.isCurrent(ticket) || this.compareStep !== stepIndex) return;
    this.compareFor = state ? versionKey(state) : undefined;
    this.post({ type: 'compare', state: state ?? undefined });
  }

  private async export(format: 'svg' | 'png', data: string): Promise<void> {
    const bytes = exportBytes(format, data);
    if (!bytes) {
      this.output.warn(`drvmap: the address map sent an export that is not a valid ${format.toUpperCase()}.`);
      void vscode.window.showErrorMessage(
        `drvmap: the exported picture is not a valid ${format.toUpperCase()}.`,
      );
      return;
    }
    const shown = this.shown;
    const name = exportFileName(shown?.scenario ?? 'address-map', shown?.stepIndex ?? -1, format);
    const folder =
      this.tracker.followedUri?.scheme === 'file'
        ? vscode.Uri.joinPath(this.tracker.followedUri, '..')
        : undefined;
    const base = folder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: 'Export',
      title: 'Export the address map',
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
      void vscode.window.showInformationMessage(exportedMessage(vscode.workspace.asRelativePath(target)));
    } catch (error) {
      void vscode.window.showErrorMessage(cannotWriteMessage(target.fsPath, describeError(error)));
    }
  }
}

function versionKey(state: PanelState): string {
  return `${state.uri}|${state.version}|${state.scenarioIndex}`;
}

function firstNonBlank(document: vscode.TextDocument | undefined, line: number): number {
  return document && line < document.lineCount ? document.lineAt(line).firstNonWhitespaceCharacterIndex : 0;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}
