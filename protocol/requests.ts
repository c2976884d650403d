// Custom requests besides the panel's (see panel.ts), shared by the client and the server.
import type { DriverOverrides, ExploreMatrix, KernelRunView } from './panel';

/** "Check Workspace": diagnostics for files that need not be open in the editor. */
export const CHECK_FILES_REQUEST = 'drvmap/checkFiles';

export interface CheckFilesParams {
  /** Each file by URI with its text, or by URI / absolute path alone (the server reads it). */
  readonly files: readonly { readonly uri: string; readonly text?: string }[];
}

/** Same JSON shape as an LSP Diagnostic, so the client can convert it as it converts published ones. */
export interface CheckedDiagnostic {
  readonly range: {
    readonly start: { readonly line: number; readonly character: number };
    readonly end: { readonly line: number; readonly character: number };
  };
  /** 1 error, 2 warning, 3 information, 4 hint. */
  readonly severity: 1 | 2 | 3 | 4;
  readonly code: string;
  readonly source: 'drvmap';
  readonly message: string;
  /** The rule's documentation (docs/rules.md#CODE), as on a published diagnostic. */
  readonly codeDescription?: { readonly href: string };
  /** The earlier steps involved (where the mapping was made, moved, cached). */
  readonly relatedInformation?: readonly {
    readonly location: { readonly uri: string; readonly range: CheckedDiagnostic['range'] };
    readonly message: string;
  }[];
  /** 1 unnecessary, 2 deprecated. */
  readonly tags?: readonly (1 | 2)[];
}

export interface CheckFilesResult {
  readonly files: readonly {
    readonly uri: string;
    readonly diagnostics: readonly CheckedDiagnostic[];
    readonly error?: string;
  }[];
}

/** Exploration of one scenario (the code lens's command): the matrix of driver behaviours. */
export const EXPLORE_REQUEST = 'drvmap/explore';

export interface ExploreParams {
  readonly uri: string;
  /** 0-based; or give a position and the scenario there is explored. */
  readonly scenarioIndex?: number;
  readonly line?: number;
  readonly character?: number;
}

export interface ExploreResponse {
  /** Undefined when the scenario leaves no driver trait open (see `problems`). */
  readonly result: ExploreMatrix | undefined;
  readonly problems: readonly string[];
}

/** The expanded syscall trace of one driver behaviour, for a read-only document. */
export const EXPLORE_TRACE_REQUEST = 'drvmap/exploreTrace';

export interface ExploreTraceParams {
  readonly uri: string;
  readonly overrides: DriverOverrides;
}

export interface ExploreTraceResult {
  readonly title: string;
  readonly text: string;
  /** 0-based line where the behaviour breaks, if it does. */
  readonly breaksAtLine: number | undefined;
}

/**
 * "Run on This Kernel", first half: the scenario's raw-syscall steps as a harness program
 * (test/fidelity/program.ts's format). `arenaBase` is where the harness put its arena (a probe
 * run tells), so that absolute addresses can be written relative to it.
 */
export const SYSCALL_PROGRAM_REQUEST = 'drvmap/syscallProgram';

export interface SyscallProgramParams {
  readonly uri: string;
  readonly line: number;
  readonly character: number;
  /** Hex. */
  readonly arenaBase: string;
}

export interface SyscallProgramResult {
  readonly uri: string;
  readonly version: number;
  readonly scenarioIndex: number;
  readonly scenario: string;
  /** The program's steps as JSON (see test/fidelity/program.ts), empty when nothing can run. */
  readonly program: { readonly steps: readonly unknown[] };
  /** Why the program stops early, or notes about the conversion. */
  readonly notes: readonly string[];
}

/** "Run on This Kernel", second half: the harness's results compared with the simulation. */
export const KERNEL_COMPARE_REQUEST = 'drvmap/kernelCompare';

export interface KernelCompareParams {
  readonly uri: string;
  readonly version: number;
  readonly scenarioIndex: number;
  readonly arenaBase: string;
  readonly kernelRelease: string;
  /** The harness's result for the program (one JSON line of its output, parsed). */
  readonly harness: unknown;
}

export interface KernelCompareResult {
  /** Undefined when the document changed since the program was made. */
  readonly run: KernelRunView | undefined;
  /** `kernel-mismatch` diagnostics, shaped like LSP diagnostics. */
  readonly diagnostics: readonly CheckedDiagnostic[];
}

/** "Import strace Output…" / "Import /proc/PID/maps…": a capture turned into a scenario. */
export const IMPORT_REQUEST = 'drvmap/import';

export interface ImportParams {
  readonly format: 'strace' | 'maps';
  readonly text: string;
  /** The scenario's name (default: `imported from strace`). */
  readonly title?: string;
  /** strace only: import this process's calls (and the lines without a pid, from before any fork). */
  readonly pid?: string;
}

export interface ImportResponse {
  /** The scenario's text. */
  readonly scenario: string;
  readonly imported: number;
  /** Input lines not imported, 1-based, with why. */
  readonly skipped: readonly { readonly line: number; readonly text: string; readonly reason: string }[];
  /** strace only: the process ids in the capture (`strace -f`), in order of first appearance. */
  readonly processes: readonly string[];
}
