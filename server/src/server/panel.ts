// `drvmap/panelState`: the address-space panel's state at the cursor or at a step.
import { panelState as buildPanelState } from '../engine/features/panel-state';
import type { PanelState, PanelStateParams } from '../../../protocol/panel';
import type { DocumentStore } from './documents';

export function panelState(store: DocumentStore, params: PanelStateParams): PanelState | null {
  const a = store.analysed(params.uri);
  if (!a) return null;
  const offset = a.analysis.lines.offset({ line: params.line, character: params.character });
  return (
    buildPanelState(a.analysis, {
      uri: params.uri,
      version: a.document.version,
      offset,
      ...(params.stepIndex !== undefined ? { stepIndex: params.stepIndex } : {}),
    }) ?? null
  );
}
