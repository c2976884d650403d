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
  /** The highest user address + 1 (TASK_SIZE). */
  readonly addressSpaceEnd: string;
}

/** Extension → panel. */
export type ToPanelMessage =
  | { readonly type: 'state'; readonly state: PanelState }
  /** Compare view: the state at another step, to show side by side with `state`. */
  | { readonly type: 'compare'; readonly state: PanelState | undefined }
  | { readonly type: 'empty'; readonly reason: string };

/** Panel → extension. */
export type FromPanelMessage =
  | { readonly type: 'ready' }
  /** The user moved the timeline: show this step, and move the editor cursor to its line. */
  | { readonly type: 'selectStep'; readonly stepIndex: number }
  /** The user clicked a mapping: reveal the line of the step that made it. */
  | { readonly type: 'reveal'; readonly line: number }
  | { readonly type: 'compareWith'; readonly stepIndex: number | undefined }
  | { readonly type: 'export'; readonly format: 'svg' | 'png'; readonly data: string };

/** Custom LSP requests between client and server. */
export const PANEL_STATE_REQUEST = 'drvmap/panelState';
export interface PanelStateParams {
  readonly uri: string;
  /** Either a position (the cursor) or an explicit step index in the scenario at `line`. */
  readonly line: number;
  readonly character: number;
  readonly stepIndex?: number;
}
