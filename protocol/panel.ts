// Messages and data shared by the language server, the client and the address-space panel.
// Addresses travel as strings of hex digits (`0x7f3ac0000000`): JSON has no bigint and a JS
// number would round them.

/** The kind of a mapping, drawn with its own pattern so colour is never the only signal. */
export type MappingKind = 'reservation' | 'private' | 'shared' | 'device' | 'alias' | 'shadow' | 'guard';

export interface PanelMapping {
  /** Hex strings, exact. `end` is exclusive. */
  readonly start: string;
  readonly end: string;
  /** `rw-p` as /proc/PID/maps writes it. */
  readonly perms: string;
  readonly kind: MappingKind;
  /** The actor who made it: `app`, `wine`, a driver's name. */
  readonly owner: string;
  /** Scenario name or kernel-style label (`mem`, `reservation`, `/dev/dri/renderD128`). */
  readonly label: string;
  /** Backing description: `private anonymous`, `memfd wow64buf`, `device BO (VM_PFNMAP|VM_DONTEXPAND)`. */
  readonly backing: string;
  /** Step index that created it, and its 0-based source line. */
  readonly createdStep: number;
  readonly line: number;
  /** Marks: moved away from / emptied by DONTUNMAP / referenced by a hazard at this step. */
  readonly stale: boolean;
  readonly hazard: string | undefined;
  /** The fork flags it carries (madvise `dontfork`, `wipeonfork`), each with the steps that set it. */
  readonly forkFlags?: readonly PanelForkFlag[];
}

export interface PanelForkFlag {
  /** The advice word that sets it; `flag` is the kernel's name (VM_DONTCOPY, VM_WIPEONFORK). */
  readonly advice: 'dontfork' | 'wipeonfork';
  readonly flag: string;
  /**
   * Since which step each part of the mapping has carried it, in address order: one part covering
   * the mapping, or several when flagged neighbours merged (two madvise steps, one mapping).
   */
  readonly since: readonly PanelForkFlagPart[];
}

export interface PanelForkFlagPart {
  /** Hex strings, exact; `end` is exclusive. */
  readonly start: string;
  readonly end: string;
  /** The step that set the flag on these pages (-1: set-up), and its 0-based source line. */
  readonly step: number;
  readonly line: number;
}

export interface PanelStep {
  readonly index: number;
  /** 0-based line of the step in the document. */
  readonly line: number;
  /** Short text: `p = vkMapMemory mem`. */
  readonly text: string;
  /** Result: `→ 0x7f3a_c000_0000`, `→ EINVAL`, or empty. */
  readonly result: string;
  /** Highest diagnostic severity on this step, if any. */
  readonly severity: 'error' | 'warning' | 'info' | undefined;
  /**
   * The 0-based line of that diagnostic when it is not on the step's own line (an `expect` line
   * checked after the step): the caption says where it is, so the step does not look failed.
   */
  readonly severityLine?: number;
}

export interface PanelGap {
  readonly start: string;
  readonly end: string;
}

export interface PanelState {
  /** The document and scenario this state belongs to. */
  readonly uri: string;
  readonly version: number;
  readonly scenario: string;
  readonly scenarioIndex: number;
  readonly scenarioCount: number;
  readonly steps: readonly PanelStep[];
  /** The step whose state is shown (after it ran); -1 = before the first step. */
  readonly stepIndex: number;
  readonly mappings: readonly PanelMapping[];
  /** The 32-bit window, hex strings; `end` exclusive. */
  readonly window: { readonly start: string; readonly end: string };
  /** Free gaps inside the window, largest first. */
  readonly windowGaps: readonly PanelGap[];
  readonly windowUsedBytes: string;
  readonly windowSizeBytes: string;
  /**
   * Some of the free space is Wine's reserved areas (box64's under `strategy mmap32`): PROT_NONE
   * placeholders that are mapped, but that Wine maps over, so they count as free.
   */
  readonly reservedAreasFree?: boolean;
  /** The highest user address + 1 (TASK_SIZE). */
  readonly addressSpaceEnd: string;
  /**
   * The scenario's drivers by name (`driver` when it declares none). Only these owners are
   * drivers; `app`, `wine`, `host` and declared actors are not.
   */
  readonly drivers: readonly string[];
  /** Set when the state replays a driver behaviour from exploration: `maps at-alloc, backing anon`. */
  readonly replay?: string;
}

// ---- exploration (issue 7): every driver behaviour of one scenario, and its verdict ----

export type ExploreVerdict = 'safe' | 'refused' | 'unsafe';

export interface ExploreDimension {
  /** `maps`, or `gpu.maps` when several drivers are open. */
  readonly key: string;
  /** The driver whose trait this is; absent for the kernel. */
  readonly driver?: string;
  /** The driver-block keyword: `maps`, `backing`, … */
  readonly trait: string;
  readonly values: readonly string[];
}

export interface ExploreBehaviour {
  /** Dimension key → value label. */
  readonly values: Readonly<Record<string, string>>;
  readonly verdict: ExploreVerdict;
  /** The deciding diagnostic's code; absent when safe. */
  readonly hazard?: string;
}

export interface ExploreClass {
  readonly verdict: Exclude<ExploreVerdict, 'safe'>;
  readonly hazard: string;
  readonly count: number;
  readonly deciding: readonly string[];
  /** `backing = anon and caches-pointer = yes`. */
  readonly when: string;
  /** 0-based line where its counterexample breaks. */
  readonly breaksAtLine: number;
  readonly message: string;
}

/** One scenario's exploration, as the panel draws it (a behaviours × verdict matrix). */
export interface ExploreMatrix {
  readonly uri: string;
  readonly version: number;
  /** 0-based. */
  readonly scenarioIndex: number;
  readonly scenario: string;
  readonly strategy: string;
  /** `remap-dontunmap: unsafe under 18 … of 162 driver behaviours; safe only when backing = shmem`. */
  readonly summary: string;
  readonly total: number;
  readonly counts: Readonly<Record<ExploreVerdict, number>>;
  readonly dimensions: readonly ExploreDimension[];
  /** Dimension keys that decide safe vs not safe. */
  readonly deciding: readonly string[];
  readonly safeWhen: string;
  readonly classes: readonly ExploreClass[];
  readonly behaviours: readonly ExploreBehaviour[];
  readonly notes: readonly string[];
}

/**
 * Whether the exploration matrix still belongs to what the address map follows; the panel and
 * the extension host both ask, so both drop it at the same moment. An exploration is of one
 * scenario of one document; once dropped it comes back only when the user explores again.
 *
 * It is dropped when the map follows another document (or none), and, once the map has shown
 * the explored scenario (`anchored`), when it follows another scenario of the document. Before
 * that, another scenario keeps it: the code lens explores a scenario without moving the cursor
 * into it, and a state asked for before the exploration may still arrive. With the cursor in no
 * scenario of the explored document, or the server down, nothing is known and it is kept.
 */
export function explorationFate(
  explored: { readonly uri: string; readonly scenarioIndex: number },
  followed: {
    /** The followed document; undefined when none is. */
    readonly uri: string | undefined;
    /** The scenario shown; undefined when the map shows none of the document's. */
    readonly scenarioIndex: number | undefined;
  },
  anchored: boolean,
): 'keep' | 'anchor' | 'drop' {
  if (followed.uri !== explored.uri) return 'drop';
  if (followed.scenarioIndex === undefined) return 'keep';
  if (followed.scenarioIndex === explored.scenarioIndex) return 'anchor';
  return anchored ? 'drop' : 'keep';
}

// ---- "Run on This Kernel" (issue 6): where the real kernel and the simulation agree ----

/**
 * `not-comparable`: both sides ran the step, but the harness's own layout (its arena, fillers and
 * libraries), not the kernel's rules, decides it: never reported as a mismatch.
 */
export type KernelStepStatus = 'agree' | 'differ' | 'not-run' | 'not-comparable';

export interface KernelStepComparison {
  /** The scenario step (0-based, the timeline's index) and its 0-based line. */
  readonly stepIndex: number;
  readonly line: number;
  readonly text: string;
  readonly status: KernelStepStatus;
  /** What each side did: `ok 0x7f…`, `EINVAL`, `SIGSEGV at …`. */
  readonly kernel: string;
  readonly simulation: string;
  /** Why they differ, or why the step did not run. */
  readonly detail: string;
}

export interface KernelRunView {
  readonly uri: string;
  readonly version: number;
  readonly scenarioIndex: number;
  readonly scenario: string;
  /** `uname -r` of the machine. */
  readonly kernelRelease: string;
  /** The kernel version the scenario simulates, when it is not the running one's. */
  readonly simulatedKernel?: string;
  readonly steps: readonly KernelStepComparison[];
  readonly notes: readonly string[];
}

/** Extension → panel. */
export type ToPanelMessage =
  | { readonly type: 'state'; readonly state: PanelState }
  /** Compare view: the state at another step, to show side by side with `state`. */
  | { readonly type: 'compare'; readonly state: PanelState | undefined }
  | { readonly type: 'empty'; readonly reason: string }
  /** The exploration matrix of a scenario; `undefined` hides it. */
  | { readonly type: 'explore'; readonly result: ExploreMatrix | undefined }
  /** The behaviour being replayed (its index in the matrix), or none. */
  | { readonly type: 'replaying'; readonly behaviourIndex: number | undefined }
  /** A run on the real kernel, compared step by step; `undefined` hides it. */
  | { readonly type: 'kernel'; readonly run: KernelRunView | undefined };

/** Panel → extension. */
export type FromPanelMessage =
  | { readonly type: 'ready' }
  /** The user moved the timeline: show this step, and move the editor cursor to its line. */
  | { readonly type: 'selectStep'; readonly stepIndex: number }
  /** The user clicked a mapping: reveal the line of the step that made it. */
  | { readonly type: 'reveal'; readonly line: number }
  | { readonly type: 'compareWith'; readonly stepIndex: number | undefined }
  | { readonly type: 'export'; readonly format: 'svg' | 'png'; readonly data: string }
  /** Replay this behaviour of the exploration matrix (its index), or stop replaying (`null`). */
  | { readonly type: 'replay'; readonly behaviourIndex: number | null };

/** Custom LSP requests between client and server. */
export const PANEL_STATE_REQUEST = 'drvmap/panelState';
export interface PanelStateParams {
  readonly uri: string;
  /** Either a position (the cursor) or an explicit step index in the scenario at `line`. */
  readonly line: number;
  readonly character: number;
  readonly stepIndex?: number;
  /** Replay a driver behaviour in one scenario (from exploration); other scenarios are unchanged. */
  readonly driverOverrides?: DriverOverrides;
}

/** Driver traits by their driver-block words, for one scenario: `{ gpu: { maps: 'at-alloc' } }`. */
export interface DriverOverrides {
  /** 0-based; the overrides apply only to this scenario. */
  readonly scenarioIndex: number;
  /** Driver name → trait keyword → value label (as in the exploration's dimensions). */
  readonly drivers: Readonly<Record<string, Readonly<Record<string, string>>>>;
}
