// Names in a scenario: step results, drivers, actors, files. Definitions and references are
// recorded with exact ranges for go-to-definition, references, rename and highlights.
import type { TextRange } from '../syntax/text-range';
import type { BindingKind } from '../language/vocabulary';

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
  readonly references: TextRange[];
}

export class SymbolTable {
  private readonly byName = new Map<string, SymbolInfo>();

  define(info: Omit<SymbolInfo, 'references'>): SymbolInfo {
    const symbol: SymbolInfo = { ...info, references: [] };
    this.byName.set(info.name, symbol);
    return symbol;
  }

  get(name: string): SymbolInfo | undefined {
    return this.byName.get(name);
  }

  reference(name: string, range: TextRange): SymbolInfo | undefined {
    const symbol = this.byName.get(name);
    // The range is an immutable syntax node: keep it rather than a copy.
    if (symbol) symbol.references.push(range);
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
      for (const ref of symbol.references) if (offset >= ref.start && offset <= ref.end) return symbol;
    }
    return undefined;
  }
}
