// A rule: a stable code, its family, default severity and the one-line summary the docs and
// hovers show. Rules with `check` find their cases in a finished run; the others are reported
// by the parser, the resolver or the simulator under their code.
import type { FixData, RelatedInformation, Severity } from '../diagnostics';
import type { ScenarioRun } from '../sim/run';
import type { TextRange } from '../syntax/text-range';

export type RuleFamily = 'language' | 'kernel' | 'unsafe' | 'vulkan' | 'expectation';

export interface Emit {
  (
    range: TextRange,
    message: string,
    related?: readonly RelatedInformation[],
    fix?: FixData,
    /** The addresses the finding is about (EngineDiagnostic.addresses). */
    addresses?: readonly bigint[],
  ): void;
}

export interface Rule {
  readonly code: string;
  readonly family: RuleFamily;
  readonly severity: Severity;
  readonly title: string;
  readonly check?: (run: ScenarioRun, emit: Emit) => void;
  /**
   * Reported only after a run on the real kernel ("drvmap: Run on This Kernel"), never by the
   * analysis: its documentation can show no example that fires it.
   */
  readonly requiresKernel?: boolean;
  /**
   * Reported by the language server about a file as a whole (its size), never by the analysis of
   * a text: its documentation can show no example that fires it either.
   */
  readonly reportedForFileOnly?: boolean;
}
