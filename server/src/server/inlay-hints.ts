import type { InlayHint, InlayHintParams } from 'vscode-languageserver/node';
import { inlayHints } from '../engine/features/inlay-hints';
import { toPosition, toTextRange } from './convert';
import type { DocumentStore } from './documents';

export function inlayHint(store: DocumentStore, params: InlayHintParams): InlayHint[] {
  if (!store.settingsFor(params.textDocument.uri).inlayHintsEnabled) return [];
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return inlayHints(a.analysis, toTextRange(a.analysis, params.range)).map((h) => ({
    position: toPosition(a.analysis, h.offset),
    label: h.label,
    paddingLeft: true,
    ...(h.tooltip ? { tooltip: h.tooltip } : {}),
  }));
}
