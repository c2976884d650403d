import type { SemanticTokens, SemanticTokensParams } from 'vscode-languageserver/node';
import { encodeSemanticTokens, semanticTokens } from '../engine/features/semantic-tokens';
import type { DocumentStore } from './documents';

export { SEMANTIC_TOKENS_LEGEND } from '../engine/features/semantic-tokens';

export function semanticTokensFull(store: DocumentStore, params: SemanticTokensParams): SemanticTokens {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return { data: [] };
  return { data: encodeSemanticTokens(semanticTokens(a.analysis)) };
}
