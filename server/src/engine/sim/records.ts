// What a simulation records: every step, what it expanded to, its outcome, and the facts the
// rules read (findings). Plain data: hover, inlay hints, the panel and the CLI all read it.
import type { Effect, Errno, Segment } from '../kernel/types';
import type { RelatedInformation } from '../diagnostics';
import type { ExpectNode, StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';

/** One syscall or API call that a step caused, attributed to its actor. */
export interface CallRecord {
  readonly actor: string;
  /** `mmap(NULL, 0x1000000, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0)` */
  readonly text: string;
  /** `= 0x7fff_f6e0_0000`, `= -1 EINVAL`, `= VK_SUCCESS` */
  readonly result: string;
  readonly ok: boolean;
  readonly errno?: Errno;
  readonly reason?: string;
  readonly effects: readonly Effect[];
  /**
   * The addresses the call acts on (a syscall's address operands): a refusal's diagnostic names
   * them, so the panel marks the mapping the refused call was about.
   */
  readonly addresses?: readonly bigint[];
}

export type Outcome =
  | { readonly kind: 'address'; readonly value: bigint }
  | { readonly kind: 'ok' }
  | { readonly kind: 'errno'; readonly errno: Errno; readonly reason: string }
  | { readonly kind: 'vk'; readonly result: string; readonly reason: string }
  | {
      readonly kind: 'data';
      readonly summary: string;
      /**
       * What a read saw, run by run, when it was not one byte value throughout (those share one
       * outcome per byte, whose summary says it): Run on This Kernel compares the bytes.
       */
      readonly segments?: readonly Segment[];
    }
  | {
      readonly kind: 'fault';
      readonly signal: 'SIGSEGV' | 'SIGBUS';
      readonly address: bigint;
      readonly reason: string;
    }
  | {
      readonly kind: 'skipped';
      readonly reason: string;
      /**
       * An export or import the driver has no shareable object for (explore/driver-cannot-share.ts):
       * a real driver refuses it loudly, so exploration counts the run as refused.
       */
      readonly driverCannotShare?: true;
    };

/**
 * A fact found while simulating, for the rule of the same code to report. The simulator decides
 * *that* something happened; the rule module owns severity and documentation.
 */
export interface Finding {
  readonly code: string;
  readonly range: TextRange;
  readonly message: string;
  readonly related?: readonly RelatedInformation[];
  readonly fix?: import('../diagnostics').FixData;
  /** The message says the step's access faults, and why: access-fault need not say it again. */
  readonly explainsFault?: true;
  /** The addresses the finding is about (see EngineDiagnostic.addresses). */
  readonly addresses?: readonly bigint[];
}

export interface StepRecord {
  /** Position in execution order (0-based); the timeline's step index. */
  readonly index: number;
  readonly node: StepNode;
  readonly actor: string;
  readonly calls: readonly CallRecord[];
  readonly outcome: Outcome;
  /** Short result text for inlay hints: `→ 0x7f3a_c000_0000`, `→ EINVAL`. */
  readonly resultText: string;
}

export interface ExpectRecord {
  readonly node: ExpectNode;
  /** The step after which the expectation was checked (-1: before any step). */
  readonly afterStep: number;
  readonly passed: boolean | undefined;
  readonly detail: string;
  /**
   * The calls its check made (a read that faulted pages in through a userfaultfd handler). The
   * timeline keeps them on the step before it too (run.ts): memory changes step by step.
   */
  readonly calls: readonly CallRecord[];
}
