// "drvmap: Run on This Kernel" (issue 6): the raw-syscall steps of the scenario at the cursor run
// on the machine's kernel through the harness (native/harness.c, compiled here with the C
// compiler), and the server compares each step with the simulation. Differences become
// `kernel-mismatch` diagnostics (a collection of their own, cleared when the document changes)
// and the address map marks every step. Native code: Linux and trusted workspaces only.
import { arch, platform, release } from 'node:os';
import * as vscode from 'vscode';
import type { ServerConnection } from './client';
import { describeError, isDrvmapEditor } from './editor-state';
import { compileHarness, compilerVersion, harnessUnavailable, probeArenaBase, runHarness } from './harness';
import {
  failedMessage,
  harnessProgressMessage,
  kernelRunSummaryMessage,
  noCompilerMessage,
} from './notification-text';
import type { AddressMapPanel } from './panel-host';
import { kernelCompareRequest, syscallProgramRequest, type KernelRunView } from './protocol';
import { RULES_DOC_URL } from './rule-doc-anchor';

export const RUN_ON_KERNEL_COMMAND = 'drvmap.runOnKernel';
/** The setting naming the C compiler; restricted in untrusted workspaces (package.json). */
const COMPILER_SETTING = 'kernelRun.compiler';

export class KernelRunner implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('drvmap kernel run');
  private readonly disposables: vscode.Disposable[] = [this.diagnostics];
  private running = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly connection: ServerConnection,
    private readonly panel: AddressMapPanel,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand(RUN_ON_KERNEL_COMMAND, () => this.run()),
      // A comparison belongs to the text it was made for.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.diagnostics.has(e.document.uri)) {
          this.diagnostics.delete(e.document.uri);
          this.panel.showKernelRun(undefined);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.diagnostics.delete(d.uri)),
    );
  }

  async run(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'drvmap: Run on This Kernel compiles and runs native code, so it is available only in a trusted workspace. Trust this workspace (Manage Workspace Trust) to use it.',
      );
      return;
    }
    const unavailable = harnessUnavailable(platform(), arch());
    if (unavailable) {
      void vscode.window.showWarningMessage(`drvmap: cannot run on this kernel: ${unavailable}.`);
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!isDrvmapEditor(editor)) {
      void vscode.window.showInformationMessage(
        'drvmap: put the cursor in a scenario of a .drvmap file first.',
      );
      return;
    }
    if (this.running) return;
    this.running = true;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'drvmap: running on this kernel' },
        (progress) => this.runIn(editor, progress),
      );
    } catch (error) {
      this.output.error(`drvmap: Run on This Kernel: ${describeError(error)}`);
      void vscode.window
        .showErrorMessage(failedMessage('Run on This Kernel', describeError(error)), 'Show Output')
        .then((choice) => choice && this.output.show());
    } finally {
      this.running = false;
    }
  }

  private async runIn(
    editor: vscode.TextEditor,
    progress: vscode.Progress<{ message?: string }>,
  ): Promise<void> {
    const cc = vscode.workspace.getConfiguration('drvmap').get<string>(COMPILER_SETTING) || 'cc';
    progress.report({ message: 'looking for a C compiler' });
    const version = await compilerVersion(cc);
    if (!version) {
      void vscode.window.showWarningMessage(noCompilerMessage(cc));
      return;
    }
    const source = this.context.asAbsolutePath('native/harness.c');
    const { bin, cached } = await compileHarness(
      source,
      this.context.globalStorageUri.fsPath,
      cc,
      version,
      () => progress.report({ message: harnessProgressMessage(version, false) }),
    );
    if (cached) progress.report({ message: harnessProgressMessage(version, true) });
    const arenaBase = await probeArenaBase(bin);
    const document = editor.document;
    const position = editor.selection.active;
    const program = await this.connection.request(syscallProgramRequest, {
      uri: document.uri.toString(),
      line: position.line,
      character: position.character,
      arenaBase: `0x${arenaBase.toString(16)}`,
    });
    if (program === undefined) throw new Error('the language server is not running');
    if (program === null) {
      void vscode.window.showInformationMessage('drvmap: the cursor is not inside a scenario.');
      return;
    }
    for (const note of program.notes)
      this.output.info(`drvmap: kernel run of "${program.scenario}": ${note}`);
    progress.report({ message: `running ${program.program.steps.length} syscalls` });
    const harness = await runHarness(bin, program.program.steps);
    const ran = (harness as { arenaBase?: unknown }).arenaBase;
    if (typeof ran === 'number' && BigInt(ran) !== arenaBase)
      this.output.warn(
        'drvmap: the harness put its arena elsewhere than the probe said; absolute addresses may be off.',
      );
    const compared = await this.connection.request(kernelCompareRequest, {
      uri: program.uri,
      version: program.version,
      scenarioIndex: program.scenarioIndex,
      arenaBase: `0x${arenaBase.toString(16)}`,
      kernelRelease: release(),
      harness,
    });
    if (!compared?.run) {
      void vscode.window.showInformationMessage('drvmap: the document changed during the run; run it again.');
      return;
    }
    const diagnostics = await this.connection.asDiagnostics(compared.diagnostics);
    for (const d of diagnostics)
      d.code = { value: 'kernel-mismatch', target: vscode.Uri.parse(`${RULES_DOC_URL}#kernel-mismatch`) };
    this.diagnostics.set(document.uri, diagnostics);
    this.panel.showKernelRun(compared.run);
    this.report(compared.run);
  }

  private report(run: KernelRunView): void {
    const count = (s: string) => run.steps.filter((x) => x.status === s).length;
    this.output.info(`drvmap: "${run.scenario}" on kernel ${run.kernelRelease}:`);
    for (const s of run.steps)
      this.output.info(
        `  step ${s.stepIndex + 1} (line ${s.line + 1}) ${s.status}: kernel ${s.kernel}; simulation ${s.simulation} — ${s.detail}`,
      );
    for (const note of run.notes) this.output.info(`  note: ${note}`);
    const differ = count('differ');
    const message = kernelRunSummaryMessage(run.kernelRelease, count('agree'), differ, count('not-run'), {
      notComparable: count('not-comparable'),
      ...(run.simulatedKernel ? { simulatedKernel: run.simulatedKernel } : {}),
    });
    const show = differ > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(message, 'Show Output').then((choice) => choice && this.output.show());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
