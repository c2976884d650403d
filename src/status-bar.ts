// The status bar item while a drvmap editor is active: server health, analysis state, the step
// under the cursor and how many mappings sit in the 32-bit window. Its tooltip carries the
// commands (and trusts only those).
import * as vscode from 'vscode';
import type { ServerConnection } from './client';
import { isDrvmapEditor, type EditorStateTracker } from './editor-state';
import { presentStatus, STATUS_COMMANDS } from './status-text';

/** If no diagnostics arrive after an edit, stop saying "analysing" after this long. */
const ANALYSING_TIMEOUT_MS = 10_000;

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'drvmap.status',
    vscode.StatusBarAlignment.Left,
    0,
  );
  /** Documents edited since their last diagnostics, with the fallback timer. */
  private readonly analysing = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(
    private readonly connection: ServerConnection,
    private readonly tracker: EditorStateTracker,
  ) {
    this.item.name = 'drvmap';
    this.item.command = { title: 'Show Address Map', command: 'drvmap.showAddressMap' };
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      tracker.onDidChange(() => this.update()),
      connection.onDidChangeHealth(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId !== 'drvmap' || e.contentChanges.length === 0) return;
        this.markAnalysing(e.document.uri.toString());
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        let touched = false;
        for (const uri of e.uris) touched = this.clearAnalysing(uri.toString()) || touched;
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (touched || e.uris.some((u) => u.toString() === active)) this.update();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clearAnalysing(d.uri.toString())),
    );
    this.update();
  }

  dispose(): void {
    for (const timer of this.analysing.values()) clearTimeout(timer);
    this.analysing.clear();
    for (const d of this.disposables) d.dispose();
  }

  private markAnalysing(uri: string): void {
    const old = this.analysing.get(uri);
    if (old) clearTimeout(old);
    this.analysing.set(
      uri,
      setTimeout(() => {
        this.analysing.delete(uri);
        this.update();
      }, ANALYSING_TIMEOUT_MS),
    );
    if (uri === vscode.window.activeTextEditor?.document.uri.toString()) this.update();
  }

  private clearAnalysing(uri: string): boolean {
    const timer = this.analysing.get(uri);
    if (!timer) return false;
    clearTimeout(timer);
    this.analysing.delete(uri);
    return true;
  }

  private update(): void {
    const editor = vscode.window.activeTextEditor;
    if (!isDrvmapEditor(editor)) {
      this.item.hide();
      return;
    }
    const uri = editor.document.uri;
    let errors = 0;
    let warnings = 0;
    for (const d of vscode.languages.getDiagnostics(uri)) {
      if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
    }
    const latest = this.tracker.latest;
    const state = latest.state && latest.state.uri === uri.toString() ? latest.state : undefined;
    const p = presentStatus({
      server: this.connection.healthState,
      analysing: this.analysing.has(uri.toString()),
      errors,
      warnings,
      state,
    });
    this.item.text = p.text;
    const tooltip = new vscode.MarkdownString(p.tooltip, true);
    tooltip.isTrusted = { enabledCommands: STATUS_COMMANDS.map((c) => c.command) };
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: p.accessibilityLabel, role: 'button' };
    this.item.backgroundColor =
      p.tone === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : p.tone === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }
}
