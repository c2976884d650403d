import type {
  DocumentFormattingParams,
  DocumentRangeFormattingParams,
  TextEdit,
} from 'vscode-languageserver/node';
import { formatDocument } from '../engine/features/formatting';
import { toRange, toTextRange } from './convert';
import type { DocumentStore } from './documents';

export function formatting(store: DocumentStore, params: DocumentFormattingParams): TextEdit[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return formatDocument(a.analysis).map((e) => ({ range: toRange(a.analysis, e.range), newText: e.newText }));
}

export function rangeFormatting(store: DocumentStore, params: DocumentRangeFormattingParams): TextEdit[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return formatDocument(a.analysis, {}, toTextRange(a.analysis, params.range)).map((e) => ({
    range: toRange(a.analysis, e.range),
    newText: e.newText,
  }));
}
