// The two explorations the editor asks for, as jobs of plain data in and plain data out: the
// panel's matrix of one scenario and the count a code lens shows. Plain, because they run on the
// explore thread (explore-thread.ts), which gets its input and returns its answer by structured
// clone; the same functions answer in-process when that thread cannot start.
import { explore, exploreSummaryForLens, ExploreBudgetExceeded } from '../engine/explore/explore';
import type { PlatformDefaults } from '../engine/sim/platform';
import type { ExploreMatrix } from '../../../protocol/panel';
import type { ExploreResponse } from '../../../protocol/requests';

export interface MatrixJob {
  readonly kind: 'matrix';
  readonly text: string;
  readonly uri: string;
  readonly version: number;
  /** 0-based, in the analysis' order. */
  readonly scenarioIndex: number;
  readonly defaults: PlatformDefaults;
  readonly budgetMs: number;
}

export interface LensJob {
  readonly kind: 'lens';
  readonly text: string;
  readonly scenarioIndex: number;
  readonly defaults: PlatformDefaults;
  readonly budgetMs: number;
}

export type ExploreJob = MatrixJob | LensJob;

export type LensSummary =
  { readonly safe: number; readonly total: number; readonly summary: string } | 'over-budget';

export type JobAnswer<J extends ExploreJob> = J extends MatrixJob ? ExploreResponse : LensSummary | null;

export function runJob<J extends ExploreJob>(job: J): JobAnswer<J>;
export function runJob(job: ExploreJob): ExploreResponse | LensSummary | null {
  return job.kind === 'matrix' ? matrix(job) : lensSummary(job);
}

function lensSummary(job: LensJob): LensSummary | null {
  try {
    const s = exploreSummaryForLens(job.text, job.scenarioIndex, {
      deadline: Date.now() + job.budgetMs,
      defaults: job.defaults,
    });
    return s ? { safe: s.safe, total: s.total, summary: s.summary } : null;
  } catch (error) {
    if (error instanceof ExploreBudgetExceeded) return 'over-budget';
    throw error;
  }
}

function matrix(job: MatrixJob): ExploreResponse {
  let result: ReturnType<typeof explore>;
  try {
    result = explore(job.text, {
      scenario: job.scenarioIndex + 1,
      deadline: Date.now() + job.budgetMs,
      defaults: job.defaults,
    });
  } catch (error) {
    if (!(error instanceof ExploreBudgetExceeded)) throw error;
    return {
      result: undefined,
      problems: [
        `exploration stopped after ${job.budgetMs / 1000} s: leave fewer traits \`any\`, or run \`drvmap explore\` in a terminal, which has no time limit`,
      ],
    };
  }
  const s = result.scenarios[0];
  if (!s) return { result: undefined, problems: [...result.problems] };
  const answer: ExploreMatrix = {
    uri: job.uri,
    version: job.version,
    scenarioIndex: job.scenarioIndex,
    scenario: s.name,
    strategy: s.strategy,
    summary: s.summary,
    total: s.total,
    counts: s.counts,
    dimensions: s.dimensions.map((d) => ({
      key: d.key,
      ...(d.driver !== undefined ? { driver: d.driver } : {}),
      trait: d.trait,
      values: d.values,
    })),
    deciding: s.deciding,
    safeWhen: s.safeWhen,
    classes: s.classes.map((c) => ({
      verdict: c.verdict,
      hazard: c.hazard,
      count: c.count,
      deciding: c.deciding,
      when: c.when,
      breaksAtLine: c.counterexample.breaksAt.line - 1,
      message: c.counterexample.hazard.message,
    })),
    behaviours: s.behaviours.map((b) => ({
      values: b.values,
      verdict: b.verdict,
      ...(b.hazard !== undefined ? { hazard: b.hazard } : {}),
    })),
    notes: s.notes,
  };
  return { result: answer, problems: [...result.problems] };
}
