// AST nodes whose `text` is read from the document when asked for instead of held. Only display
// code reads these texts (hover, the panel, exports, `kernel 6.6`), so holding a string per node
// cost memory and time for every step of a long scenario to serve a few. The fields consumers
// read are the ones in ast.ts; the others (the source, the verb's parts, the packed words) are
// not in those types.
import type { Argument, Identifier, NumberLiteral, Option, StepNode, Word } from './ast';
import { EMPTY, nodePrototype, transientIdentifier } from './compact-nodes';
import { wordCountOf, wordNameOf, wordsOf, type HeldWords } from './packed-words';
import { numberTokenEnd, isWordStart, wordTokenEnd } from './lexer';
import { parseNumberAt, unitAt, type ParsedNumber } from './number-literal';

/**
 * The text a tree's nodes read from, one per tree: a reparse (incremental-parse.ts) moves the
 * whole tree onto the next version of the document with one write here, instead of one per node.
 */
export interface SourceText {
  text: string;
  /** How many reparses in a row have moved this tree on (incremental-parse.ts); 0 after a parse. */
  reparses: number;
}

/**
 * A step holds its verb's name and start instead of an Identifier (an object per step for a
 * name every step has): `verb` builds one when asked for. Its start is its first token's: the
 * binding's, the actor's or the verb's. Few steps have an actor (`app writes …`) or options
 * (`at …`): theirs are own fields of SourceStepWithExtras; the others read the prototype's
 * `undefined` and empty list. A class, unlike the other nodes: a literal with a prototype costs
 * a runtime call to set it, which measured no cheaper than the scavenger copying the step.
 */
class SourceStep {
  declare readonly actor: Identifier | undefined;
  declare readonly options: readonly Option[];

  constructor(
    readonly end: number,
    readonly binding: Identifier | undefined,
    readonly args: readonly Argument[],
    readonly source: SourceText,
    readonly verbName: string,
    readonly verbStart: number,
    readonly heldWords: HeldWords,
  ) {}

  get words(): readonly Word[] {
    return wordsOf(this.heldWords, this.verbStart);
  }

  get start(): number {
    return (this.binding ?? this.actor)?.start ?? this.verbStart;
  }

  get verb(): Identifier {
    return transientIdentifier(this.verbName, this.verbStart);
  }

  /** How many words the step has, and each one's name, without making Word nodes (the runner reads names). */
  get wordCount(): number {
    return wordCountOf(this.heldWords);
  }

  wordNameAt(index: number): string {
    return wordNameOf(this.heldWords, index);
  }

  get text(): string {
    return this.source.text.slice(this.start, this.end);
  }
}
Object.defineProperty(SourceStep.prototype, 'kind', { value: 'step' });
Object.defineProperty(SourceStep.prototype, 'actor', { value: undefined, writable: true });
Object.defineProperty(SourceStep.prototype, 'options', { value: EMPTY, writable: true });

class SourceStepWithExtras extends SourceStep {
  constructor(
    end: number,
    binding: Identifier | undefined,
    args: readonly Argument[],
    source: SourceText,
    verbName: string,
    verbStart: number,
    heldWords: HeldWords,
    actor: Identifier | undefined,
    options: readonly Option[],
  ) {
    super(end, binding, args, source, verbName, verbStart, heldWords);
    (this as { actor: Identifier | undefined }).actor = actor;
    (this as { options: readonly Option[] }).options = options;
  }
}

export function sourceStep(
  source: SourceText,
  end: number,
  binding: Identifier | undefined,
  verbName: string,
  verbStart: number,
  args: readonly Argument[],
  heldWords: HeldWords,
): StepNode {
  return new SourceStep(end, binding, args, source, verbName, verbStart, heldWords) as unknown as StepNode;
}

/** A step with an actor or options: both are own fields over the prototype's defaults. */
export function sourceStepWithExtras(
  source: SourceText,
  end: number,
  binding: Identifier | undefined,
  actor: Identifier | undefined,
  verbName: string,
  verbStart: number,
  args: readonly Argument[],
  heldWords: HeldWords,
  options: readonly Option[],
): StepNode {
  return new SourceStepWithExtras(
    end,
    binding,
    args,
    source,
    verbName,
    verbStart,
    heldWords,
    actor,
    options,
  ) as unknown as StepNode;
}

/**
 * A number literal holds its value and start; its end, unit and error are read again from the
 * text when asked for (the sim reads values; ranges, units and errors serve diagnostics, hover
 * and semantic tokens, and the parser has already reported the error): three fields less on
 * the most numerous node. A literal over a prototype (`kind` and the getters), unlike steps:
 * V8 allocates these straight in the old generation (compact-nodes.ts), which halved a long
 * document's parse; as a class, a 100k-step parse measured 160 → 238 ms.
 */
interface HeldNumber {
  readonly start: number;
  readonly value: bigint | undefined;
  readonly source: SourceText;
}

const NUMBER = nodePrototype('number', {
  /** As the parser read it: the number token, then a unit word after blanks, if one follows. */
  get end(): number {
    const { start } = this as unknown as HeldNumber;
    const source = (this as unknown as HeldNumber).source.text;
    const digitsEnd = numberTokenEnd(source, start);
    let unitStart = digitsEnd;
    while (unitStart < source.length && isBlank(source.charCodeAt(unitStart))) unitStart++;
    if (unitStart === digitsEnd || !isWordStart(source.charCodeAt(unitStart))) return digitsEnd;
    const unitEnd = wordTokenEnd(source, unitStart);
    return unitAt(source, unitStart, unitEnd) === undefined ? digitsEnd : unitEnd;
  },

  /** The literal as written, unit included (`16MiB`, `16 MiB`). */
  get text(): string {
    const literal = this as unknown as HeldNumber & NumberLiteral;
    return literal.source.text.slice(literal.start, literal.end);
  },

  get unit(): string | undefined {
    return reparse(this as unknown as HeldNumber & NumberLiteral).unit;
  },

  get error(): string | undefined {
    return reparse(this as unknown as HeldNumber & NumberLiteral).error;
  },
});

export function sourceNumber(source: SourceText, start: number, value: bigint | undefined): NumberLiteral {
  return { __proto__: NUMBER, start, value, source } as unknown as NumberLiteral;
}

/** The parse the parser made: the digits token, then a separate unit after blanks, if any. */
function reparse(literal: HeldNumber & NumberLiteral): ParsedNumber {
  const source = literal.source.text;
  const start = literal.start;
  const end = literal.end;
  const digitsEnd = numberTokenEnd(source, start);
  let unitStart = digitsEnd;
  while (unitStart < end && isBlank(source.charCodeAt(unitStart))) unitStart++;
  const separateUnit = unitStart < end ? source.slice(unitStart, end) : undefined;
  return parseNumberAt(source, start, digitsEnd, separateUnit);
}

/** The characters the lexer skips between tokens on a line. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 0xfeff;
}
