// `drvmap/panelState`: the address-space panel's state at the cursor or at a step — optionally
// under a driver behaviour replayed from exploration (`driverOverrides`), which re-analyses the
// document with those traits and the document's settings (one replay cached at a time).
import { analyseDocument, scenarioAt, type DocumentAnalysis } from '../engine/analysis';
import { describeLabels, driverOverridesFor } from '../engine/explore/replay';
import { panelState as buildPanelState } from '../engine/features/panel-state';
import type { PanelState, PanelStateParams } from '../../../protocol/panel';
import type { DocumentStore } from './documents';

let replayCache: { uri: string; key: string; analysis: DocumentAnalysis } | undefined;

/** A closed document's replay is dropped with it (the analysis keeps the whole text alive). */
export function forgetPanelReplay(uri: string): void {
  if (replayCache?.uri === uri) replayCache = undefined;
}

export function panelState(store: DocumentStore, params: PanelStateParams): PanelState | null {
  const a = store.analysed(params.uri);
  if (!a) return null;
  const offset = a.analysis.lines.offset({ line: params.line, character: params.character });
  let analysis = a.analysis;
  let replay: string | undefined;
  const overrides = params.driverOverrides;
  const scenario = overrides ? scenarioAt(a.analysis, offset) : undefined;
  if (overrides && scenario && a.analysis.scenarios.indexOf(scenario) === overrides.scenarioIndex) {
    // The replay is analysed with the document's settings (its default kernel, window, …), as
    // the document's own analysis is: a settings change makes it stale as an edit does.
    const key = `${params.uri}|${a.document.version}|${store.settingsKey(params.uri)}|${JSON.stringify(overrides)}`;
    if (replayCache?.key !== key) {
      const { overrides: traits } = driverOverridesFor(scenario.run, overrides.drivers);
      replayCache = {
        uri: params.uri,
        key,
        analysis: analyseDocument(a.document.getText(), {
          ...store.optionsFor(params.uri),
          driverOverrides: traits,
        }),
      };
    }
    analysis = replayCache.analysis;
    replay = describeLabels(overrides.drivers);
  }
  const state = buildPanelState(analysis, {
    uri: params.uri,
    version: a.document.version,
    offset,
    ...(params.stepIndex !== undefined ? { stepIndex: params.stepIndex } : {}),
  });
  if (!state) return null;
  return replay === undefined ? state : { ...state, replay };
}
