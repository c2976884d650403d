// The client's side of the custom LSP protocol, in one place (like rust-analyzer's lsp_ext.ts):
// typed request objects over the message types shared with the server and the panel.
import { RequestType } from 'vscode-languageclient/node';
import { PANEL_STATE_REQUEST, type PanelState, type PanelStateParams } from '../protocol/panel';
import {
  CHECK_FILES_REQUEST,
  EXPLORE_REQUEST,
  EXPLORE_TRACE_REQUEST,
  IMPORT_REQUEST,
  KERNEL_COMPARE_REQUEST,
  SYSCALL_PROGRAM_REQUEST,
  type CheckFilesParams,
  type CheckFilesResult,
  type ExploreParams,
  type ExploreResponse,
  type ExploreTraceParams,
  type ExploreTraceResult,
  type ImportParams,
  type ImportResponse,
  type KernelCompareParams,
  type KernelCompareResult,
  type SyscallProgramParams,
  type SyscallProgramResult,
} from '../protocol/requests';

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

/** `drvmap/explore`: every driver behaviour of one scenario (the code lens's command). */
export const exploreRequest = new RequestType<ExploreParams, ExploreResponse, void>(EXPLORE_REQUEST);

/** `drvmap/exploreTrace`: one behaviour's expanded syscall trace. */
export const exploreTraceRequest = new RequestType<ExploreTraceParams, ExploreTraceResult | null, void>(
  EXPLORE_TRACE_REQUEST,
);

/** `drvmap/syscallProgram`: the scenario's raw syscalls as a kernel-harness program. */
export const syscallProgramRequest = new RequestType<SyscallProgramParams, SyscallProgramResult | null, void>(
  SYSCALL_PROGRAM_REQUEST,
);

/** `drvmap/kernelCompare`: the harness's results compared with the simulation. */
export const kernelCompareRequest = new RequestType<KernelCompareParams, KernelCompareResult, void>(
  KERNEL_COMPARE_REQUEST,
);

/** `drvmap/import`: an strace capture or /proc/PID/maps dump as a scenario. */
export const importRequest = new RequestType<ImportParams, ImportResponse, void>(IMPORT_REQUEST);
