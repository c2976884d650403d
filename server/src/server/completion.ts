import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionParams,
} from 'vscode-languageserver/node';
import { completionsAt, type CompletionKind } from '../engine/features/completion';
import { toOffset, toRange } from './convert';
import type { DocumentStore } from './documents';

const KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  verb: CompletionItemKind.Function,
  flag: CompletionItemKind.EnumMember,
  option: CompletionItemKind.Property,
  name: CompletionItemKind.Variable,
  unit: CompletionItemKind.Unit,
  trait: CompletionItemKind.Field,
  setting: CompletionItemKind.Property,
  snippet: CompletionItemKind.Snippet,
  actor: CompletionItemKind.Class,
  value: CompletionItemKind.Constant,
  rule: CompletionItemKind.Reference,
};

export function completion(store: DocumentStore, params: CompletionParams): CompletionItem[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return completionsAt(a.analysis, toOffset(a.analysis, params.position)).map((item) => {
    const out: CompletionItem = { label: item.label, kind: KIND[item.kind] };
    if (item.detail) out.detail = item.detail;
    if (item.documentation) out.documentation = { kind: MarkupKind.Markdown, value: item.documentation };
    if (item.sortText) out.sortText = item.sortText;
    if (item.snippet) out.insertTextFormat = InsertTextFormat.Snippet;
    if (item.replace)
      out.textEdit = { range: toRange(a.analysis, item.replace), newText: item.insertText ?? item.label };
    else if (item.insertText) out.insertText = item.insertText;
    return out;
  });
}
