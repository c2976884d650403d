// Custom requests besides the panel's (see panel.ts), shared by the client and the server.

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
}

export interface CheckFilesResult {
  readonly files: readonly {
    readonly uri: string;
    readonly diagnostics: readonly CheckedDiagnostic[];
    readonly error?: string;
  }[];
}
