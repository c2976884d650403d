// AST nodes whose `text` is read from the document when asked for instead of held. Only display
// code reads these texts (hover, the panel, exports, `kernel 6.6`), so holding a string per node
// cost memory and time for every step of a long scenario to serve a few. The fields consumers
// read are the ones in ast.ts; the source is a private field, invisible to them. As in
// compact-nodes.ts, `kind` is on the prototype.
import type { Argument, Identifier, NumberLiteral, Option, StepNode, Word } from './ast';
import { EMPTY, IdentifierNode, kindOnPrototype } from './compact-nodes';
import { wordCountOf, wordNameOf, wordsOf, type HeldWords } from './packed-words';
import { numberTokenEnd, isWordStart, wordTokenEnd } from './lexer';
import { parseNumberAt, unitAt, type ParsedNumber } from './number-literal';

/**
 * A step holds its verb's name and start instead of an Identifier (an object per step for a
 * name every step has): `verb` builds one when asked for. Its start is its first token's:
 * the binding's, the actor's or the verb's. Few steps have an actor (`app writes …`) or
 * options (`at …`): theirs are fields of SourceStepWithExtras; the others read the
 * prototype's `undefined` and empty list.
 */
export class SourceStep implements StepNode {
  declare readonly kind: 'step';
  declare readonly actor: Identifier | undefined;
  declare readonly options: readonly Option[];
  readonly #source: string;
  readonly #verbName: string;
  readonly #verbStart: number;
  readonly #words: HeldWords;

  constructor(
    source: string,
    readonly end: number,
    readonly binding: Identifier | undefined,
    verbName: string,
    verbStart: number,
    readonly args: readonly Argument[],
    words: HeldWords,
  ) {
    this.#source = source;
    this.#verbName = verbName;
    this.#verbStart = verbStart;
    this.#words = words;
  }

  /** Packed while held (packed-words.ts). */
  get words(): readonly Word[] {
    return wordsOf(this.#words, this.#verbStart);
  }

  get start(): number {
    return (this.binding ?? this.actor)?.start ?? this.#verbStart;
  }

  get verb(): Identifier {
    return new IdentifierNode(this.#verbName, this.#verbStart);
  }

  /** How many words the step has, and each one's name, without making Word nodes (the runner reads names). */
  get wordCount(): number {
    return wordCountOf(this.#words);
  }

  wordNameAt(index: number): string {
    return wordNameOf(this.#words, index);
  }

  /** The verb's name without an Identifier around it (the runner reads it for every step). */
  get verbName(): string {
    return this.#verbName;
  }

  get text(): string {
    return this.#source.slice(this.start, this.end);
  }
}
kindOnPrototype(SourceStep, 'step');
Object.defineProperty(SourceStep.prototype, 'actor', { value: undefined, writable: true });
Object.defineProperty(SourceStep.prototype, 'options', { value: EMPTY, writable: true });

export class SourceStepWithExtras extends SourceStep {
  declare readonly actor: Identifier | undefined;
  declare readonly options: readonly Option[];

  constructor(
    source: string,
    end: number,
    binding: Identifier | undefined,
    actor: Identifier | undefined,
    verbName: string,
    verbStart: number,
    args: readonly Argument[],
    words: HeldWords,
    options: readonly Option[],
  ) {
    super(source, end, binding, verbName, verbStart, args, words);
    // Own properties over the prototype's defaults (writable there, so assignment makes them).
    (this as { actor: Identifier | undefined }).actor = actor;
    (this as { options: readonly Option[] }).options = options;
  }
}

/**
 * A number literal holds its value and start; its end, unit and error are read again from the
 * text when asked for (the sim reads values; ranges, units and errors serve diagnostics, hover
 * and semantic tokens, and the parser has already reported the error): three fields less on
 * the most numerous node.
 */
export class SourceNumber implements NumberLiteral {
  declare readonly kind: 'number';
  readonly #source: string;

  constructor(
    source: string,
    readonly start: number,
    readonly value: bigint | undefined,
  ) {
    this.#source = source;
  }

  /** As the parser read it: the number token, then a unit word after blanks, if one follows. */
  get end(): number {
    const source = this.#source;
    const digitsEnd = numberTokenEnd(source, this.start);
    let unitStart = digitsEnd;
    while (unitStart < source.length && isBlank(source.charCodeAt(unitStart))) unitStart++;
    if (unitStart === digitsEnd || !isWordStart(source.charCodeAt(unitStart))) return digitsEnd;
    const unitEnd = wordTokenEnd(source, unitStart);
    return unitAt(source, unitStart, unitEnd) === undefined ? digitsEnd : unitEnd;
  }

  /** The literal as written, unit included (`16MiB`, `16 MiB`). */
  get text(): string {
    return this.#source.slice(this.start, this.end);
  }

  get unit(): string | undefined {
    return this.reparse().unit;
  }

  get error(): string | undefined {
    return this.reparse().error;
  }

  /** The parse the parser made: the digits token, then a separate unit after blanks, if any. */
  private reparse(): ParsedNumber {
    const source = this.#source;
    const end = this.end;
    const digitsEnd = numberTokenEnd(source, this.start);
    let unitStart = digitsEnd;
    while (unitStart < end && isBlank(source.charCodeAt(unitStart))) unitStart++;
    const separateUnit = unitStart < end ? source.slice(unitStart, end) : undefined;
    return parseNumberAt(source, this.start, digitsEnd, separateUnit);
  }
}
kindOnPrototype(SourceNumber, 'number');

/** The characters the lexer skips between tokens on a line. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 0xfeff;
}
