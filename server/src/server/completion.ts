import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionParams,
} from 'vscode-languageserver/node';
import { completionsAt, type CompletionKind } from '../engine/features/completion';
import { markdownAsPlainText } from '../../../protocol/markdown';
import type { ClientSupport } from './client-support';
import { toOffset, toRange } from './convert';
import type { DocumentStore } from './documents';
import { snippetAsPlainText } from './snippet-text';

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

/** Completions in the formats the client declared: snippets and Markdown only if it supports them. */
export function completion(
  store: DocumentStore,
  params: CompletionParams,
  client: Pick<ClientSupport, 'snippets' | 'completionMarkdown'>,
): CompletionItem[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return completionsAt(a.analysis, toOffset(a.analysis, params.position)).map((item) => {
    const out: CompletionItem = { label: item.label, kind: KIND[item.kind] };
    if (item.detail) out.detail = item.detail;
    if (item.documentation)
      out.documentation = client.completionMarkdown
        ? { kind: MarkupKind.Markdown, value: item.documentation }
        : { kind: MarkupKind.PlainText, value: markdownAsPlainText(item.documentation) };
    if (item.sortText) out.sortText = item.sortText;
    let insertText = item.insertText;
    if (item.snippet && client.snippets) out.insertTextFormat = InsertTextFormat.Snippet;
    else if (item.snippet && insertText !== undefined) insertText = snippetAsPlainText(insertText);
    if (item.replace)
      out.textEdit = { range: toRange(a.analysis, item.replace), newText: insertText ?? item.label };
    else if (insertText) out.insertText = insertText;
    return out;
  });
}
