// The syntax tree. Every node carries its exact source range; the parser fills in what it can
// and leaves `undefined` where text was missing, so later phases still see the rest of a
// half-typed line.
import type { TextRange } from './text-range';

export interface Identifier extends TextRange {
  readonly kind: 'ident';
  readonly name: string;
}

export interface StringLiteral extends TextRange {
  readonly kind: 'string';
  readonly value: string;
}

export interface NumberLiteral extends TextRange {
  readonly kind: 'number';
  readonly text: string;
  /** Exact value in bytes (unit applied); undefined when the literal is malformed. */
  readonly value: bigint | undefined;
  /** The unit as written (`MiB`), glued or separate. */
  readonly unit: string | undefined;
  /** Why the literal is malformed, when it is. */
  readonly error: string | undefined;
}

export interface NameExpression extends TextRange {
  readonly kind: 'name';
  readonly name: string;
}

export interface BinaryExpression extends TextRange {
  readonly kind: 'binary';
  readonly op: '+' | '-' | '*';
  readonly left: Expression;
  readonly right: Expression | undefined;
}

export interface NegateExpression extends TextRange {
  readonly kind: 'negate';
  readonly operand: Expression | undefined;
}

export interface ParenExpression extends TextRange {
  readonly kind: 'paren';
  readonly inner: Expression | undefined;
}

export type Expression =
  NumberLiteral | NameExpression | BinaryExpression | NegateExpression | ParenExpression;

/** A bare word in a command: a flag (`maymove`), a protection (`rw`), a property (`coherent`). */
export interface Word extends TextRange {
  readonly kind: 'word';
  readonly name: string;
}

/** `at 0x1000_0000`, `fd f`, `by wine`: a keyword followed by its value. */
export interface Option extends TextRange {
  readonly kind: 'option';
  readonly keyword: Identifier;
  readonly value: Expression | StringLiteral | undefined;
}

/** One positional argument; commas between them are optional. */
export type Argument = Expression | StringLiteral;

export interface StepNode extends TextRange {
  readonly kind: 'step';
  /** `a = mmap …`: the name the step's result gets. */
  readonly binding: Identifier | undefined;
  /** `driver writes …`: the actor named before the verb; `by wine` is in `options`. */
  readonly actor: Identifier | undefined;
  readonly verb: Identifier;
  /** The verb's name, without making the `verb` node (the runner reads it for every step). */
  readonly verbName: string;
  readonly args: readonly Argument[];
  readonly words: readonly Word[];
  /** How many words, and each one's name, without making the Word nodes `words` builds. */
  readonly wordCount: number;
  wordNameAt(index: number): string;
  readonly options: readonly Option[];
  /** `maymove | dontunmap`: the `|` separators are only syntax; the words are in `words`. */
  readonly text: string;
}

export interface SettingNode extends TextRange {
  readonly kind: 'setting';
  readonly keyword: Identifier;
  readonly args: readonly Argument[];
  readonly words: readonly Word[];
  /** `window A .. B`: the range form. */
  readonly rangeEnd: Expression | undefined;
}

export interface TraitNode extends TextRange {
  readonly kind: 'trait';
  readonly keyword: Identifier;
  readonly args: readonly Argument[];
  readonly words: readonly Word[];
}

export interface DriverNode extends TextRange {
  readonly kind: 'driver';
  readonly keyword: Identifier;
  readonly name: Identifier | undefined;
  readonly traits: readonly TraitNode[];
  readonly closed: boolean;
}

export interface ActorNode extends TextRange {
  readonly kind: 'actor';
  readonly keyword: Identifier;
  readonly name: Identifier | undefined;
}

export type ExpectForm =
  /** `expect a == 0x1000`, `expect b == EINVAL`, `expect p != 0` */
  | {
      readonly form: 'value';
      readonly subject: Expression | undefined;
      readonly op: '==' | '!=';
      readonly value: Argument | undefined;
    }
  /** `expect app reads p, 64 == w`, `expect read a, 1 == 0xAB` */
  | {
      readonly form: 'read';
      readonly actor: Identifier | undefined;
      readonly address: Expression | undefined;
      readonly length: Expression | undefined;
      readonly op: '==' | '!=';
      readonly value: Argument | undefined;
    }
  /** `expect mapped a, 4KiB`, `expect unmapped a` */
  | {
      readonly form: 'mapped';
      readonly negated: boolean;
      readonly address: Expression | undefined;
      readonly length: Expression | undefined;
    }
  /** `expect diagnostic stale-pointer` */
  | { readonly form: 'diagnostic'; readonly code: Identifier | undefined };

export interface ExpectNode extends TextRange {
  readonly kind: 'expect';
  readonly keyword: Identifier;
  readonly expectation: ExpectForm;
}

export type Statement = StepNode | SettingNode | DriverNode | ActorNode | ExpectNode;

export interface ScenarioNode extends TextRange {
  readonly kind: 'scenario';
  readonly keyword: Identifier;
  readonly name: StringLiteral | undefined;
  readonly body: readonly Statement[];
  /** Range of `{ … }`, for folding. */
  readonly bodyRange: TextRange | undefined;
  readonly closed: boolean;
}

export interface Comment extends TextRange {
  readonly text: string;
}

export interface SyntaxDiagnostic extends TextRange {
  readonly message: string;
  /** A replacement of the error's range that repairs it (offered as a quick fix). */
  readonly fix?: { readonly title: string; readonly text: string };
  /** The rule it is reported under when it is not a `syntax-error` (a literal too big for 64 bits). */
  readonly code?: 'number-out-of-range';
}

export interface FileNode extends TextRange {
  readonly kind: 'file';
  readonly scenarios: readonly ScenarioNode[];
  readonly comments: readonly Comment[];
  readonly errors: readonly SyntaxDiagnostic[];
}
