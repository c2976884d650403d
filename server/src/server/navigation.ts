// Definition, references, highlights and rename.
import {
  DocumentHighlightKind,
  ResponseError,
  ErrorCodes,
  type DefinitionParams,
  type DocumentHighlight,
  type DocumentHighlightParams,
  type Location,
  type PrepareRenameParams,
  type Range,
  type ReferenceParams,
  type RenameParams,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import {
  definitionAt,
  highlightsAt,
  prepareRename as prepareRenameAt,
  referencesAt,
  rename as renameAt,
} from '../engine/features/navigation';
import { toOffset, toRange } from './convert';
import type { DocumentStore } from './documents';

export function definition(store: DocumentStore, params: DefinitionParams): Location | null {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return null;
  const range = definitionAt(a.analysis, toOffset(a.analysis, params.position));
  return range ? { uri: params.textDocument.uri, range: toRange(a.analysis, range) } : null;
}

export function references(store: DocumentStore, params: ReferenceParams): Location[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return referencesAt(
    a.analysis,
    toOffset(a.analysis, params.position),
    params.context.includeDeclaration,
  ).map((r) => ({ uri: params.textDocument.uri, range: toRange(a.analysis, r) }));
}

export function documentHighlight(
  store: DocumentStore,
  params: DocumentHighlightParams,
): DocumentHighlight[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return highlightsAt(a.analysis, toOffset(a.analysis, params.position)).map((h) => ({
    range: toRange(a.analysis, h.range),
    kind: h.kind === 'write' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

export function prepareRename(
  store: DocumentStore,
  params: PrepareRenameParams,
): { range: Range; placeholder: string } | null {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return null;
  const result = prepareRenameAt(a.analysis, toOffset(a.analysis, params.position));
  if ('error' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
  return { range: toRange(a.analysis, result.range), placeholder: result.placeholder };
}

export function rename(store: DocumentStore, params: RenameParams): WorkspaceEdit | null {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return null;
  const result = renameAt(a.analysis, toOffset(a.analysis, params.position), params.newName);
  if ('error' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
  return {
    changes: {
      [params.textDocument.uri]: result.edits.map((e) => ({
        range: toRange(a.analysis, e.range),
        newText: e.newText,
      })),
    },
  };
}
