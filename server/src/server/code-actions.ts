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
  // The client's diagnostics by what identifies one, looked up once per action (a selection of
  // the whole document sends thousands; a search per action made the request quadratic).
  const sent = new Map<string, Diagnostic>();
  for (const d of params.context.diagnostics) {
    const key = diagnosticKey(d);
    if (!sent.has(key)) sent.set(key, d);
  }
  return codeActions(a.analysis, toTextRange(a.analysis, params.range), store.optionsFor(uri)).map(
    (action) => {
      const mine = toLspDiagnostic(a.analysis, uri, action.diagnostic);
      const matching: Diagnostic = sent.get(diagnosticKey(mine)) ?? mine;
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

function diagnosticKey(d: Diagnostic): string {
  return `${String(d.code)}\u0000${d.range.start.line}\u0000${d.range.start.character}\u0000${d.message}`;
}
