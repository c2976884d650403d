// "Open Rule Documentation": docs/rules.md (shipped with the extension) opened at a rule's
// section — the rule under the cursor, one given by a diagnostic's code action, or one picked
// from the list. The list of codes is the manifest's drvmap.severity schema, so the client needs
// no copy of the server's rule registry.
import * as vscode from 'vscode';
import { LANGUAGE_ID } from './client';
import { noRuleSectionMessage } from './notification-text';
import {
  diagnosticCodeValue,
  isRuleCode,
  ruleSectionLine,
  rulesFromManifest,
  RULES_DOC_URL,
  type RuleEntry,
} from './rule-doc-anchor';

export const OPEN_RULE_DOCUMENTATION = 'drvmap.openRuleDocumentation';

export class RuleDocumentation implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly rules: readonly RuleEntry[];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.rules = rulesFromManifest(context.extension.packageJSON);
  }

  register(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.commands.registerCommand(OPEN_RULE_DOCUMENTATION, (arg?: unknown) => this.open(arg)),
      vscode.languages.registerCodeActionsProvider({ language: LANGUAGE_ID }, this, {
        providedCodeActionKinds: RuleDocumentation.providedCodeActionKinds,
      }),
    );
  }

  provideCodeActions(
    _document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const codes = new Set<string>();
    for (const d of context.diagnostics) {
      const code = diagnosticCodeValue(d.code);
      if (code && this.isKnown(code)) codes.add(code);
    }
    return [...codes].map((code) => {
      const action = new vscode.CodeAction(
        `Show documentation for rule ${code}`,
        vscode.CodeActionKind.QuickFix,
      );
      action.command = { title: action.title, command: OPEN_RULE_DOCUMENTATION, arguments: [code] };
      return action;
    });
  }

  /** `arg`: a rule code, a diagnostic (or anything with a `code`), or nothing to pick one. */
  async open(arg?: unknown): Promise<void> {
    const given =
      typeof arg === 'string'
        ? arg
        : arg && typeof arg === 'object' && 'code' in arg
          ? diagnosticCodeValue(arg.code)
          : undefined;
    const code = given && isRuleCode(given) ? given : await this.pick();
    if (code) await this.openAt(code);
  }

  private isKnown(code: string): boolean {
    return this.rules.length === 0 ? isRuleCode(code) : this.rules.some((r) => r.code === code);
  }

  private async pick(): Promise<string | undefined> {
    const atCursor = codesAtCursor();
    const items: (vscode.QuickPickItem & { code?: string })[] = [];
    const known = new Set(this.rules.map((r) => r.code));
    const cursorCodes = atCursor.filter((c) => known.has(c) || this.rules.length === 0);
    if (cursorCodes.length > 0) {
      items.push({ label: 'At the cursor', kind: vscode.QuickPickItemKind.Separator });
      for (const code of cursorCodes) items.push({ label: code, code, detail: this.summary(code) });
      items.push({ label: 'All rules', kind: vscode.QuickPickItemKind.Separator });
    }
    for (const r of this.rules) items.push({ label: r.code, code: r.code, detail: r.summary });
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'drvmap: Rule Documentation',
      placeHolder: 'Pick a rule to read about',
      matchOnDetail: true,
    });
    return chosen?.code;
  }

  private summary(code: string): string | undefined {
    return this.rules.find((r) => r.code === code)?.summary;
  }

  private async openAt(code: string): Promise<void> {
    const docUri = vscode.Uri.joinPath(this.context.extensionUri, 'docs', 'rules.md');
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(docUri);
    } catch {
      // Not shipped in this build: the online copy has the same anchors.
      await vscode.env.openExternal(vscode.Uri.parse(`${RULES_DOC_URL}#${code}`));
      return;
    }
    const line = ruleSectionLine(document.getText(), code);
    if (line === undefined) void vscode.window.showWarningMessage(noRuleSectionMessage(code));
    const position = new vscode.Position(line ?? 0, 0);
    const editor = await vscode.window.showTextDocument(document, {
      preview: true,
      selection: new vscode.Range(position, position),
    });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.AtTop);
  }
}

function codesAtCursor(): string[] {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID) return [];
  const cursor = editor.selection.active;
  const codes = new Set<string>();
  for (const d of vscode.languages.getDiagnostics(editor.document.uri)) {
    const code = diagnosticCodeValue(d.code);
    if (code && d.range.contains(cursor)) codes.add(code);
  }
  return [...codes];
}
