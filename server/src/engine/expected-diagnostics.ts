// Which diagnostics an `expect diagnostic CODE` line answers for: those of the step it is checked
// after, and those of the expect lines between that step and it. An `expect … reads` line makes
// an access of its own (a freed or stale pointer read there is reported there), and the line
// that documents the hazard can only come after it. What `drvmap check` (analysis.ts) and an
// exploration's verdict (explore.ts scenarioDiagnostics) both ask, so that they agree.
import type { EngineDiagnostic } from './diagnostics';
import { diagnosticsByStep } from './diagnostics-by-step';
import type { ExpectRecord } from './sim/records';
import type { TextRange } from './syntax/text-range';

type Located = Pick<EngineDiagnostic, 'code' | 'range'>;

export class DiagnosticsAbove {
  private byStep: Map<number, number[]> | undefined;
  private byExpect: Map<number, number[]> | undefined;

  /**
   * `records` and `expects`: the scenario's steps and expectations, each in text order;
   * `diagnostics`: the run's, whose indexes the answers are.
   */
  constructor(
    private readonly records: readonly { readonly node: TextRange; readonly index: number }[],
    private readonly expects: readonly ExpectRecord[],
    private readonly diagnostics: readonly Located[],
  ) {}

  /**
   * The indexes of the diagnostics with `code` that `expects[at]` (an `expect diagnostic`)
   * answers for. Another expectation's failure is not among them: that line asserts something
   * the scenario wants to hold, and `expect diagnostic expectation-failed` below it would turn
   * a failed check into a pass (invert the expectation instead).
   */
  matching(at: number, code: string): number[] {
    const expectation = this.expects[at]!;
    const step = expectation.afterStep;
    if (step < 0) return [];
    this.byStep ??= diagnosticsByStep(this.records, this.diagnostics);
    const own = (this.byStep.get(step) ?? []).filter((i) => this.diagnostics[i]!.code === code);
    if (code === 'expectation-failed') return own;
    this.byExpect ??= diagnosticsByStep(
      this.expects.map((e, index) => ({ node: e.node, index })),
      this.diagnostics,
    );
    for (let before = at - 1; before >= 0 && this.expects[before]!.afterStep === step; before--)
      for (const i of this.byExpect.get(before) ?? []) if (this.diagnostics[i]!.code === code) own.push(i);
    return own;
  }
}
