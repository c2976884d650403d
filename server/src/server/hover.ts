import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { hoverAt } from '../engine/features/hover';
import { markdownAsPlainText } from '../../../protocol/markdown';
import { toOffset, toRange } from './convert';
import type { DocumentStore } from './documents';

/** The hover in Markdown, or as plain text for a client that did not declare Markdown. */
export function hover(store: DocumentStore, params: HoverParams, markdown: boolean): Hover | null {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return null;
  const result = hoverAt(a.analysis, toOffset(a.analysis, params.position));
  if (!result) return null;
  return {
    contents: markdown
      ? { kind: MarkupKind.Markdown, value: result.markdown }
      : { kind: MarkupKind.PlainText, value: markdownAsPlainText(result.markdown) },
    range: toRange(a.analysis, result.range),
  };
}
