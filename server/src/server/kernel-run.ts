// "Run on This Kernel" (issue 6), the server's half: the scenario at the cursor as a harness
// program (`drvmap/syscallProgram`), and the harness's results compared with the simulation
// (`drvmap/kernelCompare`) as a panel view and `kernel-mismatch` diagnostics. The client runs the
// harness; the server never runs native code.
import { scenarioAt, type ScenarioAnalysis } from '../engine/analysis';
import {
  compareKernelRun,
  HARNESS_REFUSED_DETAIL,
  parseHarnessOutput,
} from '../engine/export/kernel-compare';
import { harnessSimulation } from '../engine/export/harness-simulation';
import { syscallProgram } from '../engine/export/syscall-program';
import { parseKernelVersion, formatKernelVersion } from '../engine/kernel/config';
import { RULE_BY_CODE } from '../engine/rules/registry';
import type { KernelRunView } from '../../../protocol/panel';
import type {
  CheckedDiagnostic,
  KernelCompareParams,
  KernelCompareResult,
  SyscallProgramParams,
  SyscallProgramResult,
} from '../../../protocol/requests';
import { ResponseError } from 'vscode-languageserver/node';
import type { DocumentStore } from './documents';

const CODE = 'kernel-mismatch';
const SEVERITY = { error: 1, warning: 2, info: 3, hint: 4 } as const;

function arenaBaseOf(hex: string): bigint {
  // At least one digit: `_` alone (or `0x_`) passed this and failed in BigInt.
  if (typeof hex !== 'string' || !/^(0x)?_*[0-9a-fA-F][0-9a-fA-F_]{0,19}$/.test(hex))
    throw new ResponseError(-32602, `bad arena base ${String(hex)}`);
  return BigInt(hex.startsWith('0x') ? hex.replace(/_/g, '') : `0x${hex.replace(/_/g, '')}`);
}

/**
 * `harnessRoot`: whether the harness will run as root. The client runs it as this server's user
 * (it starts both), so the server's own uid tells.
 */
export function syscallProgramRequest(
  store: DocumentStore,
  params: SyscallProgramParams,
  harnessRoot: boolean = process.geteuid?.() === 0,
): SyscallProgramResult | null {
  const a = store.analysed(params.uri);
  if (!a) return null;
  const scenario = scenarioAt(
    a.analysis,
    a.analysis.lines.offset({ line: params.line, character: params.character }),
  );
  if (!scenario) return null;
  const { run } = harnessSimulation(scenario.run, a.analysis.text, store.optionsFor(params.uri), harnessRoot);
  const program = syscallProgram(run, arenaBaseOf(params.arenaBase));
  const notes: string[] = [];
  if (program.stoppedAt) notes.push(`${program.stoppedAt.reason}; steps from there on are not run`);
  return {
    uri: params.uri,
    version: a.document.version,
    scenarioIndex: a.analysis.scenarios.indexOf(scenario),
    scenario: scenario.node.name?.value ?? '',
    program: { steps: program.steps.map((s) => s.step) },
    notes,
  };
}

/** `harnessRoot`: whether the harness ran as root (as for syscallProgramRequest). */
export function kernelCompareRequest(
  store: DocumentStore,
  params: KernelCompareParams,
  harnessRoot: boolean = process.geteuid?.() === 0,
): KernelCompareResult {
  const a = store.analysed(params.uri);
  const scenario: ScenarioAnalysis | undefined = a?.analysis.scenarios[params.scenarioIndex];
  if (!a || !scenario || a.document.version !== params.version) return { run: undefined, diagnostics: [] };
  const output = parseHarnessOutput(params.harness);
  if (!output) throw new ResponseError(-32602, 'the harness output is not what harness.c prints');
  const { run, note } = harnessSimulation(
    scenario.run,
    a.analysis.text,
    store.optionsFor(params.uri),
    harnessRoot,
  );
  // The program syscallProgramRequest sent, made again from the same run.
  const program = syscallProgram(run, arenaBaseOf(params.arenaBase));
  const lines = a.analysis.lines;
  const allSteps = run.simulation.records.map((r) => ({
    stepIndex: r.index,
    start: r.node.start,
    end: r.node.end,
    text: r.node.text.replace(/\s+/g, ' ').trim(),
  }));
  const compared = compareKernelRun(program, output, allSteps);
  const notes: string[] = [];
  if (note) notes.push(note);
  const simulated = run.simulation.platform.kernel.version;
  const running = parseKernelVersion(params.kernelRelease);
  /** The simulated version, when it is not the running one: a difference may be the version's. */
  const otherVersion =
    running && (running.major !== simulated.major || running.minor !== simulated.minor)
      ? formatKernelVersion(simulated)
      : undefined;
  if (otherVersion)
    notes.push(
      `The scenario simulates kernel ${otherVersion}; this machine runs ${params.kernelRelease}. A difference may be the version's.`,
    );
  if (program.stoppedAt) notes.push(program.stoppedAt.reason);
  // Said once for the run, not only in the step's detail: a scenario someone else wrote that
  // aims at the harness's memory is worth seeing at a glance.
  const refused = compared.find((c) => c.detail.startsWith(HARNESS_REFUSED_DETAIL));
  if (refused) {
    const why = refused.detail.slice(HARNESS_REFUSED_DETAIL.length).replace(/^; /, '');
    notes.push(
      `The harness did not run step ${refused.stepIndex + 1} (line ${lines.position(refused.start).line + 1}) or any after it: it would change or read the harness's own memory (its code, data, heap, libraries or stack)${why ? `. In the simulation it is memory the scenario mapped: ${why}` : ', not memory the scenario mapped'}.`,
    );
  }
  const layout = compared.find((c) => c.status === 'not-comparable');
  if (layout)
    notes.push(
      `Step ${layout.stepIndex + 1} (line ${lines.position(layout.start).line + 1}) is not comparable: the harness runs the program in an arena of its own, with its fillers, libraries and stack above it, and the step depends on that layout, not on the kernel's rules. Steps marked so are not reported as kernel mismatches.`,
    );
  if (output.crash !== undefined)
    notes.push(
      output.crash >= 0
        ? `The harness's child running the program died (signal ${output.crash}${output.crash === 9 ? ', as the OOM killer kills' : ''}); the steps before are compared.`
        : `The harness's child running the program exited with status ${-output.crash}; the steps before are compared.`,
    );
  const view: KernelRunView = {
    uri: params.uri,
    version: params.version,
    scenarioIndex: params.scenarioIndex,
    scenario: scenario.node.name?.value ?? '',
    kernelRelease: params.kernelRelease,
    ...(otherVersion ? { simulatedKernel: otherVersion } : {}),
    steps: compared.map((c) => ({
      stepIndex: c.stepIndex,
      line: lines.position(c.start).line,
      text: c.text,
      status: c.status,
      kernel: c.kernel,
      simulation: c.simulation,
      detail: c.detail,
    })),
    notes,
  };
  const level =
    store.optionsFor(params.uri).severities?.[CODE] ?? RULE_BY_CODE.get(CODE)?.severity ?? 'warning';
  const diagnostics: CheckedDiagnostic[] =
    level === 'off'
      ? []
      : compared
          .filter((c) => c.status === 'differ')
          .map((c) => ({
            range: { start: lines.position(c.start), end: lines.position(c.end) },
            severity: SEVERITY[level],
            code: CODE,
            source: 'drvmap',
            message:
              `the kernel (${params.kernelRelease}) and the simulation disagree: ${c.detail}` +
              (otherVersion
                ? ` (the scenario simulates kernel ${otherVersion}: the difference may be the version's)`
                : ''),
          }));
  return { run: view, diagnostics };
}
