// Quick fixes: the engine's actions, attached to the client's matching diagnostics.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { codeActions } from '../engine/features/code-actions';
import { toRange, toTextRange } from './convert';
import { toLspDiagnostic } from './diagnostics';
import type { DocumentStore } from './documents';

export function codeAction(store: DocumentStore, params: CodeActionParams): CodeAction[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  if (
    params.context.only &&
    !params.context.only.some(
      (k) => k === CodeActionKind.QuickFix || k === 'quickfix' || CodeActionKind.QuickFix.startsWith(k),
    )
  )
    return [];
  const uri = params.textDocument.uri;
  return codeActions(a.analysis, toTextRange(a.analysis, params.range), store.analysisOptions).map(
    (action) => {
      const mine = toLspDiagnostic(a.analysis, uri, action.diagnostic);
      const matching: Diagnostic =
        params.context.diagnostics.find(
          (d) =>
            d.code === mine.code &&
            d.range.start.line === mine.range.start.line &&
            d.range.start.character === mine.range.start.character &&
            d.message === mine.message,
        ) ?? mine;
      return {
        title: action.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [matching],
        isPreferred: action.preferred,
        edit: {
          changes: {
            [uri]: action.edits.map((e) => ({ range: toRange(a.analysis, e.range), newText: e.newText })),
          },
        },
      };
    },
  );
}
