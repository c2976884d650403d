import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { hoverAt } from '../engine/features/hover';
import { toOffset, toRange } from './convert';
import type { DocumentStore } from './documents';

export function hover(store: DocumentStore, params: HoverParams): Hover | null {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return null;
  const result = hoverAt(a.analysis, toOffset(a.analysis, params.position));
  if (!result) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: result.markdown },
    range: toRange(a.analysis, result.range),
  };
}
