// AST nodes whose `text` is read from the document when asked for instead of held. Only display
// code reads these texts (hover, the panel, exports, `kernel 6.6`), so holding a string per node
// cost memory and time for every step of a long scenario to serve a few. The fields consumers
// read are the ones in ast.ts; the source is a private field, invisible to them.
import type { Argument, Identifier, NumberLiteral, Option, StepNode, Word } from './ast';
import type { ParsedNumber } from './number-literal';

export class SourceStep implements StepNode {
  readonly kind = 'step';
  readonly #source: string;

  constructor(
    source: string,
    readonly start: number,
    readonly end: number,
    readonly binding: Identifier | undefined,
    readonly actor: Identifier | undefined,
    readonly verb: Identifier,
    readonly args: readonly Argument[],
    readonly words: readonly Word[],
    readonly options: readonly Option[],
  ) {
    this.#source = source;
  }

  get text(): string {
    return this.#source.slice(this.start, this.end);
  }
}

export class SourceNumber implements NumberLiteral {
  readonly kind = 'number';
  readonly value: bigint | undefined;
  readonly unit: string | undefined;
  readonly error: string | undefined;
  readonly #source: string;

  constructor(
    source: string,
    readonly start: number,
    readonly end: number,
    parsed: ParsedNumber,
  ) {
    this.value = parsed.value;
    this.unit = parsed.unit;
    this.error = parsed.error;
    this.#source = source;
  }

  /** The literal as written, unit included (`16MiB`, `16 MiB`). */
  get text(): string {
    return this.#source.slice(this.start, this.end);
  }
}
