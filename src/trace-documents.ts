// Read-only documents for expanded syscall traces (`drvmap-trace:` URIs): the text is handed in
// by whoever opens the document and kept until the document is closed.
import * as vscode from 'vscode';

export const TRACE_SCHEME = 'drvmap-trace';

export class TraceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.disposables = [
      this.emitter,
      vscode.workspace.registerTextDocumentContentProvider(TRACE_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === TRACE_SCHEME) this.texts.delete(d.uri.toString());
      }),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '(this trace is no longer available: explore again)';
  }

  /**
   * Opens (or refreshes) the trace at `path` in `column` (beside the address map, so it does not
   * cover it), without taking the focus.
   */
  async show(
    path: string,
    text: string,
    column: vscode.ViewColumn = vscode.ViewColumn.Beside,
  ): Promise<void> {
    const uri = vscode.Uri.from({ scheme: TRACE_SCHEME, path });
    const known = this.texts.has(uri.toString());
    this.texts.set(uri.toString(), text);
    if (known) this.emitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, {
      viewColumn: column,
      preserveFocus: true,
      preview: true,
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
