import {
  SymbolKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type SymbolInformation,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver/node';
import {
  documentSymbols,
  workspaceSymbols,
  type OutlineKind,
  type OutlineSymbol,
} from '../engine/features/symbols';
import type { DocumentAnalysis } from '../engine/analysis';
import { toRange } from './convert';
import type { DocumentStore } from './documents';

const KIND: Record<OutlineKind, SymbolKind> = {
  scenario: SymbolKind.Namespace,
  setting: SymbolKind.Property,
  driver: SymbolKind.Class,
  trait: SymbolKind.Field,
  actor: SymbolKind.Interface,
  step: SymbolKind.Event,
  name: SymbolKind.Variable,
  expect: SymbolKind.Boolean,
};

function convert(analysis: DocumentAnalysis, s: OutlineSymbol): DocumentSymbol {
  return {
    name: s.name,
    detail: s.detail,
    kind: KIND[s.kind],
    range: toRange(analysis, s.range),
    selectionRange: toRange(analysis, s.selectionRange),
    children: s.children.map((c) => convert(analysis, c)),
  };
}

export function documentSymbol(store: DocumentStore, params: DocumentSymbolParams): DocumentSymbol[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return documentSymbols(a.analysis).map((s) => convert(a.analysis, s));
}

export function workspaceSymbol(store: DocumentStore, params: WorkspaceSymbolParams): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const document of store.documents.all()) {
    const a = store.analysed(document.uri);
    if (!a) continue;
    for (const s of workspaceSymbols(a.analysis, params.query)) {
      const info: SymbolInformation = {
        name: s.name,
        kind: KIND[s.kind],
        location: { uri: document.uri, range: toRange(a.analysis, s.range) },
      };
      if (s.containerName) info.containerName = s.containerName;
      out.push(info);
    }
  }
  return out;
}
