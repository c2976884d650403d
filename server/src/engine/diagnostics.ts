// The engine's diagnostic: plain data the server turns into LSP and the CLI into text/JSON/SARIF.
import type { TextRange } from './syntax/text-range';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface RelatedInformation {
  readonly range: TextRange;
  readonly message: string;
}

/** What a quick fix should do; the server turns it into a WorkspaceEdit. */
export type FixData =
  | {
      readonly kind: 'replace';
      readonly title: string;
      readonly range: TextRange;
      readonly text: string;
      readonly preferred?: boolean;
    }
  | {
      readonly kind: 'choices';
      readonly fixes: readonly { readonly title: string; readonly range: TextRange; readonly text: string }[];
    };

export interface EngineDiagnostic {
  /** Stable rule code, e.g. `kernel-refused`; documented in docs/rules.md#code. */
  readonly code: string;
  readonly severity: Severity;
  readonly range: TextRange;
  readonly message: string;
  readonly related: readonly RelatedInformation[];
  readonly fix?: FixData;
  readonly tags?: readonly ('unnecessary' | 'deprecated')[];
  /**
   * The scenario says this finding is intended (`expect diagnostic CODE`, or an expectation of
   * the failure it explains): shown as information, "(expected) …", and offered no fix.
   */
  readonly intended?: true;
  /**
   * The addresses the finding is about, when the rule knows them: the pointer handed out, the
   * address accessed, the start of what was replaced. The panel marks the mappings holding them
   * after the step (a message's numbers also name window bounds, sizes and offsets).
   */
  readonly addresses?: readonly bigint[];
}
