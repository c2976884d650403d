// Exploration in the editor (issue 7): a code lens on each scenario that leaves a driver trait
// open (`safe for 12 / 48 driver behaviours — explore`), `drvmap/explore` for the full matrix and
// `drvmap/exploreTrace` for one behaviour's trace. The lens is listed cheaply and counted in
// codeLens/resolve, once per text of the scenario, within a time budget. Counts and matrices run
// on the explore thread (explore-thread.ts), so the server answers hovers and edits meanwhile.
import type { CancellationToken, CodeLens, CodeLensParams, Command } from 'vscode-languageserver/node';
import { replayBehaviour } from '../engine/explore/replay';
import { scenarioAt, type AnalysisOptions } from '../engine/analysis';
import type { PlatformDefaults } from '../engine/sim/platform';
import type {
  ExploreParams,
  ExploreResponse,
  ExploreTraceParams,
  ExploreTraceResult,
} from '../../../protocol/requests';
import type { Analysed, DocumentStore } from './documents';
import { throwIfCancelled } from './cancellation';
import { runJob, type LensJob, type LensSummary, type MatrixJob } from './explore-jobs';

/** The command the lens runs (registered by the client). */
export const EXPLORE_COMMAND = 'drvmap.explore';
/**
 * The commands of a lens that cannot be counted. Each has a real command id: an empty one is no
 * command to a client that runs it, and VS Code shows a lens resolved without a command as
 * "!!MISSING: command!!" (microsoft/vscode#197643). Without arguments the explore command
 * explores the scenario at the cursor, as from the command palette: it asks about the current
 * text, so it cannot explore another scenario than the one its title says.
 */
export const EXPLORE_AT_CURSOR: Command = {
  title: 'explore the scenario at the cursor',
  command: EXPLORE_COMMAND,
};
const OUT_OF_DATE: Command = {
  ...EXPLORE_AT_CURSOR,
  title: 'out of date — explore the scenario at the cursor',
};
/** How long one lens may explore before it gives up and offers the command without counts. */
export const LENS_BUDGET_MS = Number(process.env['DRVMAP_LENS_BUDGET_MS'] ?? 1500);
/**
 * The panel's exploration: longer, since the user asked for it, but bounded: it holds the
 * explore thread, and every exploration after it waits.
 */
export const EXPLORE_BUDGET_MS = Number(process.env['DRVMAP_EXPLORE_BUDGET_MS'] ?? 15_000);

/** Scenario texts whose lens counts a document keeps (an undo, or edits between scenarios, reuse them). */
const LENS_CACHE_ENTRIES = 16;

interface LensData {
  readonly uri: string;
  readonly version: number;
  readonly scenarioIndex: number;
}

/** Counts one scenario's behaviours for its lens (cancelled: the client no longer shows it). */
export type LensCounter = (
  job: LensJob,
  token?: CancellationToken,
) => LensSummary | null | Promise<LensSummary | null>;

/** Runs an exploration for the panel (cancelled: the user pressed Cancel). */
export type MatrixExplorer = (job: MatrixJob, token?: CancellationToken) => Promise<ExploreResponse>;

interface CachedCount {
  /** Shared while it runs: VS Code resolves every visible lens at once. */
  readonly counted: Promise<LensSummary | null>;
  readonly version: number;
}

export class ExploreLenses {
  /**
   * Per document: summaries by the text of their scenario, the most recently used last. A
   * scenario is self-contained (a file is only scenarios), so an edit elsewhere in the file, or an
   * edit undone, answers from here; each document keeps the last LENS_CACHE_ENTRIES texts.
   */
  private readonly cache = new Map<string, Map<string, CachedCount>>();

  constructor(
    private readonly store: Pick<DocumentStore, 'analysed'> & Partial<Pick<DocumentStore, 'optionsFor'>>,
    /** Counts one scenario's behaviours (a parameter so that tests can see when it runs). */
    private readonly count: LensCounter = runJob,
  ) {}

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** One unresolved lens per scenario with an open driver trait, on its `strategy` line. */
  codeLens(params: CodeLensParams): CodeLens[] {
    const a = this.store.analysed(params.textDocument.uri);
    if (!a) return [];
    const lenses: CodeLens[] = [];
    a.analysis.scenarios.forEach((scenario, scenarioIndex) => {
      const open = [...scenario.run.drivers.values()].some((d) => (d.openTraits?.size ?? 0) > 0);
      if (!open) return;
      const strategy = scenario.node.body.find((s) => s.kind === 'setting' && s.keyword.name === 'strategy');
      const anchor = strategy ?? scenario.node;
      const start = a.analysis.lines.position(anchor.start);
      const data: LensData = { uri: params.textDocument.uri, version: a.document.version, scenarioIndex };
      lenses.push({ range: { start, end: start }, data });
    });
    return lenses;
  }

  async resolve(lens: CodeLens, token?: CancellationToken): Promise<CodeLens> {
    const data = lens.data as LensData | undefined;
    const analysed = data ? this.store.analysed(data.uri) : undefined;
    if (!data || !analysed) return { ...lens, command: EXPLORE_AT_CURSOR };
    // A lens listed for an older version: its scenario index and line are of that text, and the
    // current text's scenario at that index may be another (delete the first scenario and the
    // second's lens would count the third). It is not counted: the client asks for new lenses
    // after a change (VS Code resolves only its current, visible ones), so this one only shows
    // until they come, and says so.
    if (data.version !== analysed.document.version) return { ...lens, command: OUT_OF_DATE };
    const summary = await this.summary(data.uri, analysed, data.scenarioIndex, token);
    // The lens's line goes too: the client puts the cursor there when the map shows another
    // scenario, so the map and the matrix are of the same scenario at once.
    const args = [data.uri, data.scenarioIndex, lens.range.start.line];
    // Still the explore command: the server answers it with why there is nothing to explore.
    if (summary === null)
      return {
        ...lens,
        command: { title: 'explore (nothing to explore)', command: EXPLORE_COMMAND, arguments: args },
      };
    if (summary === 'over-budget')
      return {
        ...lens,
        command: {
          title: 'explore driver behaviours (too many to count here)',
          command: EXPLORE_COMMAND,
          arguments: args,
        },
      };
    return {
      ...lens,
      command: {
        title: lensTitle(summary.safe, summary.total),
        command: EXPLORE_COMMAND,
        arguments: args,
      },
    };
  }

  private async summary(
    uri: string,
    analysed: Analysed,
    scenarioIndex: number,
    token: CancellationToken | undefined,
  ): Promise<LensSummary | null> {
    const text = analysed.document.getText();
    const node = analysed.analysis.scenarios[scenarioIndex]?.node;
    // The settings' default kernel and window decide the count too (of a scenario without its own).
    const defaults = platformDefaults(this.store.optionsFor?.(uri) ?? {});
    const key = `${JSON.stringify(defaults, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n${node ? text.slice(node.start, node.end) : ''}`;
    let byText = this.cache.get(uri);
    if (!byText) this.cache.set(uri, (byText = new Map()));
    // A count already made, or running, for this text is shared. One that ended without an answer
    // (its resolve was cancelled while it was queued) is gone from the cache: the first resolve
    // that waited on it counts again, and the others join that count.
    for (let known = byText.get(key); known !== undefined;) {
      byText.delete(key);
      byText.set(key, known);
      const counted = await known.counted.catch(() => undefined);
      // A count that ran out of time is tried again at the next version: the budget may have been
      // spent waiting on a busy machine, and an edit is when the user looks again.
      if (counted !== undefined && (counted !== 'over-budget' || known.version === analysed.document.version))
        return counted;
      const now = byText.get(key);
      if (now === known) break;
      known = now;
    }
    throwIfCancelled(token);
    const entry: CachedCount = {
      counted: Promise.resolve().then(() =>
        this.count({ kind: 'lens', text, scenarioIndex, defaults, budgetMs: LENS_BUDGET_MS }, token),
      ),
      version: analysed.document.version,
    };
    // A count that did not end (cancelled, or the thread failed) is no answer to keep.
    entry.counted.catch(() => {
      if (byText.get(key) === entry) byText.delete(key);
    });
    byText.delete(key);
    byText.set(key, entry);
    if (byText.size > LENS_CACHE_ENTRIES) byText.delete(byText.keys().next().value as string);
    return entry.counted;
  }
}

/** The kernel, Wine and window the document's settings give scenarios that do not set them. */
function platformDefaults(options: AnalysisOptions): PlatformDefaults {
  return {
    ...(options.kernel ? { kernel: options.kernel } : {}),
    ...(options.wine ? { wine: options.wine } : {}),
    ...(options.window ? { window: options.window } : {}),
  };
}

export function lensTitle(safe: number, total: number): string {
  return `safe for ${safe} / ${total} driver behaviour${total === 1 ? '' : 's'} — explore`;
}

/** `drvmap/explore`: the whole exploration of one scenario, as the panel's matrix. */
export async function exploreRequest(
  store: DocumentStore,
  params: ExploreParams,
  run: MatrixExplorer,
  token?: CancellationToken,
): Promise<ExploreResponse> {
  const a = store.analysed(params.uri);
  if (!a) return { result: undefined, problems: ['the document is not open'] };
  let index = params.scenarioIndex;
  if (index === undefined) {
    const offset = a.analysis.lines.offset({ line: params.line ?? 0, character: params.character ?? 0 });
    const scenario = scenarioAt(a.analysis, offset);
    index = scenario ? a.analysis.scenarios.indexOf(scenario) : -1;
  }
  if (index < 0 || index >= a.analysis.scenarios.length)
    return { result: undefined, problems: ['there is no scenario here'] };
  return run(
    {
      kind: 'matrix',
      text: a.document.getText(),
      uri: params.uri,
      version: a.document.version,
      scenarioIndex: index,
      defaults: platformDefaults(store.optionsFor(params.uri)),
      budgetMs: EXPLORE_BUDGET_MS,
    },
    token,
  );
}

/** `drvmap/exploreTrace`: one behaviour's expanded trace. */
export function exploreTrace(store: DocumentStore, params: ExploreTraceParams): ExploreTraceResult | null {
  const document = store.get(params.uri);
  if (!document) return null;
  const replay = replayBehaviour(
    document.getText(),
    params.overrides.scenarioIndex,
    params.overrides.drivers,
    store.optionsFor(params.uri),
  );
  if (!replay) return null;
  return {
    title: `${replay.scenario} — ${replay.behaviour}`,
    text: replay.text,
    breaksAtLine: replay.breaksAtLine === undefined ? undefined : replay.breaksAtLine - 1,
  };
}
