// Whether the exploration matrix still belongs to what the address map follows. Used by the
// panel and by the extension host, so both drop it at the same moment. An exploration is of one
// scenario of one document; once dropped it comes back only when the user explores again.
//
// It is dropped when the map follows another document (or none), and, once the map has shown
// the explored scenario ("anchored"), when it follows another scenario of the document. Before
// that, another scenario keeps it: the code lens explores a scenario without moving the cursor
// into it, and a state asked for before the exploration may still arrive. With the cursor in no
// scenario of the explored document, or the server down, nothing is known and it is kept.

export type ExplorationFate = 'keep' | 'anchor' | 'drop';

export interface Followed {
  /** The followed document; undefined when none is (closed, or not a drvmap file). */
  readonly uri: string | undefined;
  /** The scenario shown; undefined when the map shows none of the document's scenarios. */
  readonly scenarioIndex: number | undefined;
}

export function explorationFate(
  explored: { readonly uri: string; readonly scenarioIndex: number },
  followed: Followed,
  anchored: boolean,
): ExplorationFate {
  if (followed.uri !== explored.uri) return 'drop';
  if (followed.scenarioIndex === undefined) return 'keep';
  if (followed.scenarioIndex === explored.scenarioIndex) return 'anchor';
  return anchored ? 'drop' : 'keep';
}
