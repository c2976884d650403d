// The client's side of the custom LSP protocol, in one place (like rust-analyzer's lsp_ext.ts):
// typed request objects over the message types shared with the server and the panel.
import { RequestType } from 'vscode-languageclient/node';
import { PANEL_STATE_REQUEST, type PanelState, type PanelStateParams } from '../protocol/panel';
import { CHECK_FILES_REQUEST, type CheckFilesParams, type CheckFilesResult } from '../protocol/requests';

export * from '../protocol/panel';
export * from '../protocol/requests';

/**
 * `drvmap/panelState`: the simulated address space at a position (the step under the cursor) or
 * at `stepIndex` in the scenario containing `line`. `null` when there is no scenario there.
 */
export const panelStateRequest = new RequestType<PanelStateParams, PanelState | null, void>(
  PANEL_STATE_REQUEST,
);

/** `drvmap/checkFiles`: diagnostics for files by URI, open or not ("Check Workspace"). */
export const checkFilesRequest = new RequestType<CheckFilesParams, CheckFilesResult, void>(
  CHECK_FILES_REQUEST,
);
