// AST nodes whose `text` is read from the document when asked for instead of held. Only display
// code reads these texts (hover, the panel, exports, `kernel 6.6`), so holding a string per node
// cost memory and time for every step of a long scenario to serve a few. The fields consumers
// read are the ones in ast.ts; the others (the source, the verb's parts, the packed words) are
// not in those types. As in compact-nodes.ts, nodes are literals over a prototype that holds
// `kind` and the getters, so that V8 can allocate them straight in the old generation.
import type { Argument, Identifier, NumberLiteral, Option, StepNode, Word } from './ast';
import { EMPTY, nodePrototype, transientIdentifier } from './compact-nodes';
import { wordsOf, type HeldWords } from './packed-words';
import { numberTokenEnd, isWordStart, wordTokenEnd } from './lexer';
import { parseNumberAt, unitAt, type ParsedNumber } from './number-literal';

/**
 * What a step holds. It holds its verb's name and start instead of an Identifier (an object per
 * step for a name every step has): `verb` builds one when asked for. Its start is its first
 * token's: the binding's, the actor's or the verb's. Few steps have an actor (`app writes …`)
 * or options (`at …`): theirs are own fields of the steps that have them; the others read the
 * prototype's `undefined` and empty list.
 */
interface HeldStep {
  readonly end: number;
  readonly binding: Identifier | undefined;
  readonly args: readonly Argument[];
  readonly actor: Identifier | undefined;
  readonly source: string;
  readonly verbName: string;
  readonly verbStart: number;
  /** Packed while held (packed-words.ts). */
  readonly heldWords: HeldWords;
}

const STEP = nodePrototype('step', {
  actor: undefined,
  options: EMPTY,
  get words(): readonly Word[] {
    const step = this as unknown as HeldStep;
    return wordsOf(step.heldWords, step.verbStart);
  },
  get start(): number {
    const step = this as unknown as HeldStep;
    return (step.binding ?? step.actor)?.start ?? step.verbStart;
  },
  get verb(): Identifier {
    const step = this as unknown as HeldStep;
    return transientIdentifier(step.verbName, step.verbStart);
  },
  get text(): string {
    const step = this as unknown as HeldStep & StepNode;
    return step.source.slice(step.start, step.end);
  },
});

export function sourceStep(
  source: string,
  end: number,
  binding: Identifier | undefined,
  verbName: string,
  verbStart: number,
  args: readonly Argument[],
  heldWords: HeldWords,
): StepNode {
  return {
    __proto__: STEP,
    end,
    binding,
    args,
    source,
    verbName,
    verbStart,
    heldWords,
  } as unknown as StepNode;
}

/** A step with an actor or options: both are own fields over the prototype's defaults. */
export function sourceStepWithExtras(
  source: string,
  end: number,
  binding: Identifier | undefined,
  actor: Identifier | undefined,
  verbName: string,
  verbStart: number,
  args: readonly Argument[],
  heldWords: HeldWords,
  options: readonly Option[],
): StepNode {
  return {
    __proto__: STEP,
    end,
    binding,
    args,
    source,
    verbName,
    verbStart,
    heldWords,
    actor,
    options,
  } as unknown as StepNode;
}

/**
 * A number literal holds its value and start; its end, unit and error are read again from the
 * text when asked for (the sim reads values; ranges, units and errors serve diagnostics, hover
 * and semantic tokens, and the parser has already reported the error): three fields less on
 * the most numerous node.
 */
interface HeldNumber {
  readonly start: number;
  readonly value: bigint | undefined;
  readonly source: string;
}

const NUMBER = nodePrototype('number', {
  /** As the parser read it: the number token, then a unit word after blanks, if one follows. */
  get end(): number {
    const { source, start } = this as unknown as HeldNumber;
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
    return literal.source.slice(literal.start, literal.end);
  },

  get unit(): string | undefined {
    return reparse(this as unknown as HeldNumber & NumberLiteral).unit;
  },

  get error(): string | undefined {
    return reparse(this as unknown as HeldNumber & NumberLiteral).error;
  },
});

export function sourceNumber(source: string, start: number, value: bigint | undefined): NumberLiteral {
  return { __proto__: NUMBER, start, value, source } as unknown as NumberLiteral;
}

/** The parse the parser made: the digits token, then a separate unit after blanks, if any. */
function reparse(literal: HeldNumber & NumberLiteral): ParsedNumber {
  const { source, start } = literal;
  const end = literal.end;
  const digitsEnd = numberTokenEnd(source, start);
  let unitStart = digitsEnd;
  while (unitStart < end && isBlank(source.charCodeAt(unitStart))) unitStart++;
  const separateUnit = unitStart < end ? source.slice(unitStart, end) : undefined;
  return parseNumberAt(source, start, digitsEnd, separateUnit);
}

/** The characters the lexer skips between tokens on a line. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 0xfeff;
}
