// The text of drvmap's notifications. Pure: the vscode side passes these strings to
// show…Message. VS Code turns `[label](href)` in a notification into a link when href starts
// with `https://`, `command:` or `file:`, and opens it with commands allowed (linkedText.ts
// LINK_REGEX; notificationsViewer.ts renderMessage) — so a scenario name or a file name written
// as `[Fix it](command:…)` would become a button that runs any command with any arguments,
// even in an untrusted workspace. Notifications have no escape syntax: every piece of user or
// file text goes through `inert`, which makes its brackets look-alikes no link can start from.

/** `text` with `[` and `]` as fullwidth brackets (U+FF3B, U+FF3D): never part of a link. */
export function inert(text: string): string {
  return text.replace(/\[/g, '\uff3b').replace(/\]/g, '\uff3d');
}

/** The server found nothing to explore; its reasons quote scenario names. */
export function nothingToExploreMessage(problems: readonly string[]): string {
  return `drvmap: nothing to explore — ${inert(problems.join('; '))}`;
}

/** A command failed; the error's message may quote a path, a scenario or a compiler's output. */
export function failedMessage(what: string, error: string): string {
  return `drvmap: ${what} failed: ${inert(error)}`;
}

export function importTooLargeMessage(path: string, bytes: number, limitMiB: number): string {
  return `drvmap: ${inert(path)} is ${Math.ceil(bytes / 1024 / 1024)} MiB; imports are limited to ${limitMiB} MiB.`;
}

export function cannotReadMessage(path: string, error: string): string {
  return `drvmap: cannot read ${inert(path)}: ${inert(error)}`;
}

/** After an import: how many lines of file `name` became steps. */
export function importedMessage(imported: number, name: string, skipped: number): string {
  return `drvmap: imported ${imported} line(s) of ${inert(name)}${
    skipped ? `; skipped ${skipped} (reasons in the output)` : ''
  }.`;
}

export function exportedMessage(path: string): string {
  return `drvmap: exported the address map to ${inert(path)}.`;
}

export function cannotWriteMessage(path: string, error: string): string {
  return `drvmap: could not write ${inert(path)}: ${inert(error)}`;
}

/** The compiler setting is the user's text too. */
export function noCompilerMessage(compiler: string): string {
  return `drvmap: no C compiler found (\`${inert(compiler)}\`). Running on the kernel compiles a small harness: install gcc or clang, or set drvmap.kernelRun.compiler.`;
}

/** A rule code arrives as a command argument, which a link elsewhere may have chosen. */
export function noRuleSectionMessage(code: string): string {
  return `drvmap: docs/rules.md has no section for \`${inert(code)}\`.`;
}

/** Progress of Run on This Kernel: whether the harness is compiled now or was already. */
export function harnessProgressMessage(compilerVersion: string, cached: boolean): string {
  return cached
    ? `using the harness already compiled with ${inert(compilerVersion)}`
    : `compiling the harness (${inert(compilerVersion)})`;
}

/**
 * `notComparable`: steps the harness's own layout decided (not counted as differing);
 * `simulatedKernel`: the version the scenario simulates, when it is not the running one.
 */
export function kernelRunSummaryMessage(
  kernelRelease: string,
  agree: number,
  differ: number,
  notRun: number,
  more: { readonly notComparable?: number; readonly simulatedKernel?: string } = {},
): string {
  const layout = more.notComparable ? `, ${more.notComparable} not comparable (the harness's layout)` : '';
  const version = more.simulatedKernel
    ? ` The scenario simulates kernel ${inert(more.simulatedKernel)}: a difference may be the version's.`
    : '';
  return `drvmap: on kernel ${inert(kernelRelease)}, ${agree} step(s) agree with the simulation, ${differ} differ, ${notRun} not run${layout}.${version}`;
}
