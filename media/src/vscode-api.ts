// The webview's handle on the extension: typed messages out, and the state VS Code keeps for
// the panel while it is hidden.
import type { FromPanelMessage, PanelState } from '../../protocol/panel';

export interface PersistedPanelState {
  readonly uri: string | undefined;
  readonly scenarioIndex: number | undefined;
  readonly view: { readonly startPage: number; readonly endPage: number } | undefined;
  readonly compress: boolean;
  readonly selectedKey: string | undefined;
  readonly stepIndex: number | undefined;
  readonly tableOpen: boolean;
  /** The last state shown, so a re-shown panel paints at once (kept only when small). */
  readonly lastState: PanelState | undefined;
}

export interface PanelHost {
  postMessage(message: FromPanelMessage): void;
  getState(): PersistedPanelState | undefined;
  setState(state: PersistedPanelState): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export function connectHost(): PanelHost {
  const api: VsCodeApi =
    typeof acquireVsCodeApi === 'function'
      ? acquireVsCodeApi()
      : { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
  return {
    postMessage: (message) => api.postMessage(message),
    getState: () => api.getState() as PersistedPanelState | undefined,
    setState: (state) => api.setState(state),
  };
}
