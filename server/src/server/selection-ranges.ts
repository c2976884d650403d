import type { SelectionRange, SelectionRangeParams } from 'vscode-languageserver/node';
import { selectionRanges } from '../engine/features/selection-ranges';
import { toOffset, toRange } from './convert';
import type { DocumentStore } from './documents';

export function selectionRange(store: DocumentStore, params: SelectionRangeParams): SelectionRange[] {
  const a = store.analysed(params.textDocument.uri);
  if (!a) return [];
  return params.positions.map((position) => {
    const ranges = selectionRanges(a.analysis, toOffset(a.analysis, position));
    let parent: SelectionRange | undefined;
    for (let i = ranges.length - 1; i >= 0; i--) {
      parent = parent
        ? { range: toRange(a.analysis, ranges[i]!), parent }
        : { range: toRange(a.analysis, ranges[i]!) };
    }
    return parent ?? { range: { start: position, end: position } };
  });
}
