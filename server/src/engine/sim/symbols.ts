// Names in a scenario: step results, drivers, actors, files. Definitions and references are
// recorded with exact ranges for go-to-definition, references, rename and highlights.
import type { TextRange } from '../syntax/text-range';
import type { BindingKind } from '../language/vocabulary';
import type { RuntimeValue } from './values';

export type SymbolKind = BindingKind | 'driver' | 'actor';

export interface SymbolInfo {
  readonly name: string;
  readonly kind: SymbolKind;
  /** The identifier that defines it; undefined for built-in actors. */
  readonly definition: TextRange | undefined;
  /** The whole defining statement, for hover. */
  readonly statement: TextRange | undefined;
  /** Step index of the defining step, for "used before defined" and lifetimes. */
  readonly stepIndex: number | undefined;
  readonly references: readonly TextRange[];
}

const NO_REFERENCES: readonly TextRange[] = [];

/**
 * A class, so that every symbol shares one hidden class (object spreads made one per symbol).
 * A lone reference is kept as it is (most names are used once: no array per symbol for the
 * collector to copy); more are kept in an array of their exact size while there are few, since
 * an array grown by push keeps room for 17.
 */
export abstract class DefinedSymbol implements SymbolInfo {
  private referenceList: TextRange[] | TextRange | undefined = undefined;
  /**
   * What the name stands for while the scenario runs (NameScope's binding), kept here so that
   * a use finds its value and its symbol with one lookup, and a binding costs no second map entry.
   */
  value: RuntimeValue | undefined = undefined;

  abstract readonly name: string;
  abstract readonly kind: SymbolKind;
  abstract readonly definition: TextRange | undefined;
  abstract readonly statement: TextRange | undefined;
  abstract readonly stepIndex: number | undefined;

  get references(): readonly TextRange[] {
    const list = this.referenceList;
    return list === undefined ? NO_REFERENCES : Array.isArray(list) ? list : [list];
  }

  /** Whether a reference contains the offset (without a list for a lone reference). */
  referencedAt(offset: number): boolean {
    const list = this.referenceList;
    if (list === undefined) return false;
    if (!Array.isArray(list)) return offset >= list.start && offset <= list.end;
    for (const ref of list) if (offset >= ref.start && offset <= ref.end) return true;
    return false;
  }

  addReference(range: TextRange): void {
    const list = this.referenceList;
    if (list === undefined) this.referenceList = range;
    else if (!Array.isArray(list)) this.referenceList = [list, range];
    else if (list.length < 8) this.referenceList = withOneMore(list, range);
    else list.push(range);
  }
}

/** A driver, an actor or a built-in actor: what it is, where it is declared (if it is). */
class DeclaredSymbol extends DefinedSymbol {
  constructor(
    readonly name: string,
    readonly kind: SymbolKind,
    readonly definition: TextRange | undefined,
    readonly statement: TextRange | undefined,
    readonly stepIndex: number | undefined,
  ) {
    super();
  }
}

/** A copy of the list with one more item, of its exact size (a spread leaves spare room, concat is slow). */
function withOneMore<T>(list: readonly T[], item: T): T[] {
  const longer = new Array<T>(list.length + 1);
  for (let i = 0; i < list.length; i++) longer[i] = list[i]!;
  longer[list.length] = item;
  return longer;
}

/** 2^19 bits (64 KiB): a 100k-step scenario's ~35k names leave ~6 % of absent names to the map. */
const NAME_BITS = 1 << 19;

/** The filter is made when this many names are defined: below, the map is small and cached. */
const FILTERED_NAMES = 2048;

function setNameBit(bits: Int32Array, name: string): void {
  const bit = nameBit(name);
  bits[bit >>> 5]! |= 1 << (bit & 31);
}

/** A bit for the name: a hash of its characters (names are short). */
function nameBit(name: string): number {
  let hash = name.length;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) | 0;
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  return (hash ^ (hash >>> 13)) & (NAME_BITS - 1);
}

export class SymbolTable {
  private readonly byName = new Map<string, DefinedSymbol>();
  /**
   * The last name looked up and its symbol (or undefined): a step often asks for one name twice
   * in a row (an access checks whether `m1 + 0x10` names memory, then evaluates it), and in a
   * long scenario each map lookup is a few cache misses. `define` keeps it current.
   */
  private lastName = '';
  private lastSymbol: DefinedSymbol | undefined;
  /**
   * One bit per hash of every name defined so far, once there are many (FILTERED_NAMES). Each
   * bound step asks whether its new name is already defined, and in a long scenario a lookup of
   * an absent name in a map of tens of thousands is several cache misses: a clear bit says
   * "absent" from one word of this array. Small scenarios (and explore's many runs) never make it.
   */
  private definedBits: Int32Array | undefined;

  define(
    name: string,
    kind: SymbolKind,
    definition: TextRange | undefined,
    statement: TextRange | undefined,
    stepIndex: number | undefined,
  ): DefinedSymbol {
    return this.add(name, new DeclaredSymbol(name, kind, definition, statement, stepIndex));
  }

  /** The symbol of a step's name, defined at that step: the step's record (BoundStepRecord). */
  defineStep(name: string, symbol: DefinedSymbol): DefinedSymbol {
    return this.add(name, symbol);
  }

  private add(name: string, symbol: DefinedSymbol): DefinedSymbol {
    this.byName.set(name, symbol);
    if (this.definedBits !== undefined) setNameBit(this.definedBits, name);
    else if (this.byName.size >= FILTERED_NAMES) {
      const bits = (this.definedBits = new Int32Array(NAME_BITS >>> 5));
      for (const defined of this.byName.keys()) setNameBit(bits, defined);
    }
    this.lastName = name;
    this.lastSymbol = symbol;
    return symbol;
  }

  get(name: string): SymbolInfo | undefined {
    return this.symbolNamed(name);
  }

  /** The symbol itself, for NameScope to read and bind its value. */
  symbolNamed(name: string): DefinedSymbol | undefined {
    if (name === this.lastName) return this.lastSymbol;
    const symbol = this.byName.get(name);
    this.lastName = name;
    this.lastSymbol = symbol;
    return symbol;
  }

  /** As symbolNamed, answering at once for most names never defined (see definedBits). */
  symbolIfDefined(name: string): DefinedSymbol | undefined {
    const bits = this.definedBits;
    if (bits !== undefined) {
      const bit = nameBit(name);
      if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return undefined;
    }
    return this.symbolNamed(name);
  }

  /**
   * A bound name spelt like `name` but for case, for "did you mean". The index of lower-case
   * spellings is made on the first unknown name and extended from a live iterator of the table
   * (it yields the names defined since), so many unknown names cost one pass, not one each.
   */
  sameNameIgnoringCase(name: string): string | undefined {
    const index = (this.lowerCase ??= new Map());
    const pending = (this.notLowerCased ??= this.byName.values());
    for (let next = pending.next(); !next.done; next = pending.next()) {
      const lower = next.value.name.toLowerCase();
      if (!index.has(lower)) index.set(lower, next.value);
    }
    const symbol = index.get(name.toLowerCase());
    return symbol?.value !== undefined ? symbol.name : undefined;
  }

  private lowerCase: Map<string, DefinedSymbol> | undefined;
  private notLowerCased: Iterator<DefinedSymbol> | undefined;

  /** The names bound to a value, in the order their symbols were defined. */
  boundNames(): string[] {
    const names: string[] = [];
    for (const symbol of this.byName.values()) if (symbol.value !== undefined) names.push(symbol.name);
    return names;
  }

  reference(name: string, range: TextRange): SymbolInfo | undefined {
    const symbol = this.symbolNamed(name);
    // The range is an immutable syntax node: keep it rather than a copy.
    if (symbol) symbol.addReference(range);
    return symbol;
  }

  all(): SymbolInfo[] {
    return [...this.byName.values()];
  }

  /** The symbol whose definition or a reference contains the offset. */
  at(offset: number): SymbolInfo | undefined {
    for (const symbol of this.byName.values()) {
      if (symbol.definition && offset >= symbol.definition.start && offset <= symbol.definition.end)
        return symbol;
      if (symbol.referencedAt(offset)) return symbol;
    }
    return undefined;
  }
}
