import { FoldingRangeKind, type FoldingRange, type FoldingRangeParams } from 'vscode-languageserver/node';
import { foldingRegions } from '../engine/features/folding';
import type { DocumentStore } from './documents';

export function foldingRange(store: DocumentStore, params: FoldingRangeParams): FoldingRange[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return foldingRegions(a.analysis).map((r) => ({
    startLine: r.startLine,
    endLine: r.endLine,
    kind: r.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region,
  }));
}
