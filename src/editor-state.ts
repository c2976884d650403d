// Follows the active drvmap editor — its cursor and its edits, debounced — and asks the server
// for the state at the cursor. The status bar and the address-map panel both listen, so one
// request serves both. Moves the panel makes in the editor are recognised and not followed.
import * as vscode from 'vscode';
import type { ServerConnection } from './client';
import { LANGUAGE_ID } from './client';
import { Debouncer } from './debounce';
import type { DriverOverrides, PanelState } from './protocol';
import { RequestSequencer } from './request-sequencer';
import { SelfMoveGuard, type CursorSpot } from './self-move-guard';

const SELECTION_DELAY_MS = 120;
const EDIT_DELAY_MS = 300;

export interface EditorStateEvent {
  /** The document followed, if any. */
  readonly uri: vscode.Uri | undefined;
  readonly state: PanelState | undefined;
  /** Why there is no state (shown by the panel). */
  readonly reason: string | undefined;
}

export const isDrvmapEditor = (editor: vscode.TextEditor | undefined): editor is vscode.TextEditor =>
  !!editor && editor.document.languageId === LANGUAGE_ID;

export class EditorStateTracker implements vscode.Disposable {
  private followed: vscode.Uri | undefined;
  private cursor: vscode.Position = new vscode.Position(0, 0);
  private event: EditorStateEvent = {
    uri: undefined,
    state: undefined,
    reason: 'Open a .drvmap file to see its address space.',
  };
  private lastEmittedKey: string | undefined;
  private readonly guard = new SelfMoveGuard();
  private readonly debouncer = new Debouncer();
  private readonly sequencer = new RequestSequencer();
  private pending: vscode.CancellationTokenSource | undefined;
  /** A driver behaviour replayed from exploration, until the document changes or it is stopped. */
  private replaying: { readonly uri: string; readonly overrides: DriverOverrides } | undefined;
  private readonly emitter = new vscode.EventEmitter<EditorStateEvent>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly connection: ServerConnection,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!isDrvmapEditor(editor)) return; // keep following the last drvmap editor (the panel may have focus)
        const changed = editor.document.uri.toString() !== this.followed?.toString();
        if (changed) this.replaying = undefined;
        this.follow(editor);
        if (changed) this.schedule(0);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!this.isFollowed(e.textEditor.document)) return;
        const active = e.selections[0]?.active ?? e.textEditor.selection.active;
        this.cursor = active;
        if (this.guard.isEcho(spot(e.textEditor.document.uri, active))) return;
        this.schedule(SELECTION_DELAY_MS);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!this.isFollowed(e.document) || e.contentChanges.length === 0) return;
        // An edit ends a replay: the behaviour was explored on the old text.
        this.replaying = undefined;
        this.schedule(EDIT_DELAY_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!this.isFollowed(document)) return;
        this.followed = undefined;
        this.cancelPending();
        this.emit({ uri: undefined, state: undefined, reason: 'The scenario file was closed.' });
      }),
      connection.onDidChangeHealth((health) => {
        if (health === 'running') this.schedule(0);
        else if (health !== 'starting') {
          this.cancelPending();
          this.emit({
            uri: this.followed,
            state: undefined,
            reason: 'The drvmap language server is not running.',
          });
        }
      }),
    );
    const active = vscode.window.activeTextEditor;
    if (isDrvmapEditor(active)) this.follow(active);
  }

  /** The last state and the document it belongs to. */
  get latest(): EditorStateEvent {
    return this.event;
  }

  get followedUri(): vscode.Uri | undefined {
    return this.followed;
  }

  /** The followed document's editor, if one is visible (the active one first). */
  get followedEditor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && this.isFollowed(active.document)) return active;
    return vscode.window.visibleTextEditors.find((e) => this.isFollowed(e.document));
  }

  /** The behaviour replayed in the followed document, if any. */
  get replay(): DriverOverrides | undefined {
    return this.replaying?.uri === this.followed?.toString() ? this.replaying?.overrides : undefined;
  }

  /** Shows the followed document under a driver behaviour (or as written, with undefined). */
  setReplay(overrides: DriverOverrides | undefined): void {
    const uri = this.followed?.toString();
    this.replaying = overrides && uri ? { uri, overrides } : undefined;
    this.refresh();
  }

  /** Asks again now (the panel opened, a setting changed). */
  refresh(): void {
    this.lastEmittedKey = undefined;
    this.schedule(0);
  }

  /**
   * The state at a given step of the scenario under the cursor, without following it: the caller
   * decides (see adopt).
   */
  async stateAtStep(stepIndex: number): Promise<PanelState | null | undefined> {
    const uri = this.followed;
    if (!uri) return undefined;
    const line = this.event.state?.steps[0]?.line ?? this.cursor.line;
    try {
      const replay = this.replay;
      return await this.connection.requestPanelState({
        uri: uri.toString(),
        line,
        character: 0,
        stepIndex,
        ...(replay ? { driverOverrides: replay } : {}),
      });
    } catch (error) {
      this.output.error(`drvmap/panelState at step ${stepIndex}: ${describeError(error)}`);
      return undefined;
    }
  }

  /** Shows a state obtained elsewhere (the panel chose a step) to every listener. */
  adopt(state: PanelState): void {
    this.debouncer.cancel();
    this.cancelPending();
    this.emit({ uri: this.followed, state, reason: undefined });
  }

  /**
   * Moves the followed editor's cursor or selection without following the move (no feedback
   * loop). Shows the document when no editor of it is visible.
   */
  async moveSelection(selection: vscode.Selection): Promise<void> {
    const uri = this.followed;
    if (!uri) return;
    let editor = this.followedEditor;
    if (!editor) {
      const document = await vscode.workspace.openTextDocument(uri);
      editor = await vscode.window.showTextDocument(document, { preserveFocus: true, preview: false });
    }
    const target = new vscode.Selection(
      editor.document.validatePosition(selection.anchor),
      editor.document.validatePosition(selection.active),
    );
    if (!target.isEqual(editor.selection)) {
      this.guard.expect(spot(uri, target.active));
      this.cursor = target.active;
      editor.selection = target;
    }
    editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.debouncer.cancel();
    this.cancelPending();
    for (const d of this.disposables) d.dispose();
  }

  private follow(editor: vscode.TextEditor): void {
    this.followed = editor.document.uri;
    this.cursor = editor.selection.active;
  }

  private isFollowed(document: vscode.TextDocument): boolean {
    return !!this.followed && document.uri.toString() === this.followed.toString();
  }

  private schedule(delayMs: number): void {
    this.debouncer.schedule(() => void this.request(), delayMs);
  }

  private cancelPending(): void {
    this.sequencer.invalidate();
    this.pending?.cancel();
    this.pending?.dispose();
    this.pending = undefined;
  }

  private async request(): Promise<void> {
    const uri = this.followed;
    if (!uri) return;
    this.cancelPending();
    const ticket = this.sequencer.next();
    const cts = new vscode.CancellationTokenSource();
    this.pending = cts;
    const replay = this.replay;
    const params = {
      uri: uri.toString(),
      line: this.cursor.line,
      character: this.cursor.character,
      ...(replay ? { driverOverrides: replay } : {}),
    };
    let next: EditorStateEvent;
    try {
      const state = await this.connection.requestPanelState(params, cts.token);
      if (!this.sequencer.isCurrent(ticket)) return;
      if (state === undefined) {
        if (!this.connection.isRunning)
          next = { uri, state: undefined, reason: 'The drvmap language server is not running.' };
        else return; // cancelled
      } else if (state === null)
        next = { uri, state: undefined, reason: 'The cursor is not inside a scenario.' };
      else next = { uri, state, reason: undefined };
    } catch (error) {
      if (!this.sequencer.isCurrent(ticket)) return;
      this.output.error(`drvmap/panelState: ${describeError(error)}`);
      next = {
        uri,
        state: undefined,
        reason: `The server could not compute the address space: ${describeError(error)}`,
      };
    } finally {
      if (this.pending === cts) this.pending = undefined;
      cts.dispose();
    }
    this.emit(next);
  }

  private emit(event: EditorStateEvent): void {
    const s = event.state;
    // The cursor moved within the same step of the same version: nothing to redraw.
    const key = s
      ? `${s.uri}|${s.version}|${s.scenarioIndex}|${s.stepIndex}|${s.replay ?? ''}`
      : `none|${event.uri?.toString()}|${event.reason}`;
    this.event = event;
    if (key === this.lastEmittedKey) return;
    this.lastEmittedKey = key;
    this.emitter.fire(event);
  }
}

function spot(uri: vscode.Uri, position: vscode.Position): CursorSpot {
  return { uri: uri.toString(), line: position.line, character: position.character };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
