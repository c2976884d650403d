// The editor features over a DocumentAnalysis: plain data in (offsets), plain data out.
export { hoverAt, numberFacts, type HoverResult } from './hover';
export { completionsAt, type CompletionItem, type CompletionKind } from './completion';
export {
  documentSymbols,
  workspaceSymbols,
  fuzzyMatch,
  type OutlineSymbol,
  type OutlineKind,
  type WorkspaceSymbol,
} from './symbols';
export {
  definitionAt,
  referencesAt,
  highlightsAt,
  prepareRename,
  rename,
  nameProblem,
  symbolAt,
  type Highlight,
  type PrepareRenameResult,
  type RenameResult,
} from './navigation';
export { foldingRegions, type FoldingRegion } from './folding';
export { selectionRanges } from './selection-ranges';
export {
  semanticTokens,
  encodeSemanticTokens,
  SEMANTIC_TOKENS_LEGEND,
  TOKEN_TYPES,
  TOKEN_MODIFIERS,
  type SemanticToken,
} from './semantic-tokens';
export { formatDocument, type FormattingOptions } from './formatting';
export { inlayHints, type InlayHint } from './inlay-hints';
export { codeActions, removesDiagnostic, isolate, type CodeAction } from './code-actions';
export { panelState, type PanelRequest } from './panel-state';
export { parseOnlyAnalysis, FILE_TOO_LARGE } from './limited-analysis';
export { applyEdits, type TextEdit } from './edits';
export { locate, stepIndexAt, type Target } from './locate';
