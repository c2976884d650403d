// The names a scenario has bound so far, and how a use of a name resolves: its value, a
// reference for go-to-definition, or a problem that says why it cannot be used there.
import type { Argument, Expression, NameExpression, Statement } from '../syntax/ast';
import type { VkMemory } from '../model/vk-memory';
import type { OpenFile } from '../kernel/types';
import { evaluate } from './evaluate';
import type { ProblemSink } from './problems';
import type { Simulation } from './simulation';
import type { DefinedSymbol } from './symbols';
import type { RuntimeValue } from './values';
import { closestWord, didYouMeanText } from '../language/closest-word';
import { stepWordNames } from '../language/vocabulary';

/** A name as written, whether an expression or a bare identifier. */
type NameUse = NameExpression | { name: string; start: number; end: number };

/**
 * A name's value is held by its symbol (DefinedSymbol.value): one map entry and one lookup per
 * name. Only a value bound before its step defines the name (open() binds its own file) waits
 * here, without a symbol, until bindStepResult attaches it.
 */
export class NameScope {
  private readonly unattached = new Map<string, RuntimeValue>();
  /** The scenario's statements, for finding where an unbound name is bound. */
  private body: readonly Statement[] = [];
  /**
   * Names bound anywhere in the scenario with the offset of their binding, for "used before
   * defined". Made on the first unresolved name: a scenario without one never needs it.
   */
  private laterBindings: Map<string, number> | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly problems: ProblemSink,
  ) {}

  /** The statements whose bindings a use before its step can point at. */
  noteBindings(body: readonly Statement[]): void {
    this.body = body;
    this.laterBindings = undefined;
  }

  /** Where each name is first bound in the scenario. */
  private bindingOffsets(): Map<string, number> {
    if (this.laterBindings) return this.laterBindings;
    const offsets = new Map<string, number>();
    for (let i = 0; i < this.body.length; i++) {
      const statement = this.body[i]!;
      if (statement.kind === 'step' && statement.binding) {
        if (!offsets.has(statement.binding.name))
          offsets.set(statement.binding.name, statement.binding.start);
      }
    }
    return (this.laterBindings = offsets);
  }

  /** The bound value, without recording a reference or reporting anything. */
  get(name: string): RuntimeValue | undefined {
    return this.sim.symbols.symbolNamed(name)?.value ?? this.unattachedValue(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Binds (or rebinds) the name's value; a name already defined keeps its symbol. */
  set(name: string, value: RuntimeValue, symbol?: DefinedSymbol): void {
    const holder = symbol ?? this.sim.symbols.symbolNamed(name);
    if (holder) holder.value = value;
    else this.unattached.set(name, value);
  }

  /**
   * Gives a name its symbol when a value is already bound (open() binds its own file before
   * its step defines the name); false when the name has no value yet.
   */
  attachSymbol(name: string, symbol: DefinedSymbol): boolean {
    const value = this.unattachedValue(name);
    if (value === undefined) return symbol.value !== undefined;
    symbol.value = value;
    this.unattached.delete(name);
    return true;
  }

  /** A value bound before its name's symbol (rare: the map is empty almost always). */
  private unattachedValue(name: string): RuntimeValue | undefined {
    return this.unattached.size === 0 ? undefined : this.unattached.get(name);
  }

  /** An address expression's value; undefined when it has none (already reported). */
  readonly evaluate = (expression: Expression): bigint | undefined => {
    // Plain numbers are most arguments: skip the evaluator.
    if (expression.kind === 'number') return expression.value;
    return evaluate(expression, this.nameValueOf, this.problems.list);
  };

  /** The memory object an argument names (`vkMapMemory mem`). */
  readonly memoryNamed = (node: Argument | undefined): VkMemory | undefined => {
    if (!node) return undefined;
    if (node.kind !== 'name') {
      this.problems.report(
        'wrong-kind',
        node,
        'expected the name of a memory object from `vkAllocateMemory`',
      );
      return undefined;
    }
    const value = this.lookup(node, 'memory');
    return value?.kind === 'memory' ? value.memory : undefined;
  };

  /** The open file an argument names (`import fd`): from `open` or `vkGetMemoryFdKHR`. */
  readonly fileNamed = (node: Argument | undefined): OpenFile | undefined => {
    if (!node) return undefined;
    if (node.kind !== 'name') {
      this.problems.report(
        'wrong-kind',
        node,
        'expected the name of a file, from `open` or `vkGetMemoryFdKHR`',
      );
      return undefined;
    }
    const value = this.lookup(node, 'file');
    return value?.kind === 'file' ? value.file : undefined;
  };

  private readonly nameValueOf = (node: NameExpression): bigint | undefined => this.nameValue(node);

  /** The numeric value of a name in an address expression. */
  private nameValue(node: NameExpression): bigint | undefined {
    const value = this.lookup(node, 'address');
    if (!value) return undefined;
    switch (value.kind) {
      case 'address':
        return value.value;
      case 'failed':
        this.reportFailed(node, value);
        return undefined;
      case 'memory':
        this.problems.report(
          'wrong-kind',
          node,
          `\`${node.name}\` is a memory object, not an address: map it (\`p = vkMapMemory ${node.name}\`) and use the pointer`,
        );
        return undefined;
      case 'file':
        this.problems.report('wrong-kind', node, `\`${node.name}\` is a file; use it as \`fd ${node.name}\``);
        return undefined;
      case 'data':
        this.problems.report(
          'wrong-kind',
          node,
          `\`${node.name}\` names written data; it can only be compared in \`expect … reads … == ${node.name}\``,
        );
        return undefined;
      case 'status':
        this.problems.report(
          'wrong-kind',
          node,
          `\`${node.name}\` is the status of a step that returns no address`,
        );
        return undefined;
    }
  }

  /**
   * Resolves a use of a name, recording the reference. Reports a name of the wrong kind, a
   * driver or actor used as a value, a use before its step, or an unknown name.
   */
  lookup(node: NameUse, wanted: 'address' | 'memory' | 'file' | 'any'): RuntimeValue | undefined {
    const symbol = this.sim.symbols.symbolNamed(node.name);
    const value = symbol?.value ?? this.unattachedValue(node.name);
    if (value !== undefined) {
      symbol?.addReference(node);
      // A failed step (a vkAllocateMemory Wine could not serve) is not a value of another kind.
      if (value.kind === 'failed' && (wanted === 'file' || wanted === 'memory')) {
        this.reportFailed(node, value);
        return undefined;
      }
      if (wanted === 'file' && value.kind !== 'file') {
        this.problems.report(
          'wrong-kind',
          node,
          `\`${node.name}\` is not a file from \`open\` or \`vkGetMemoryFdKHR\``,
        );
        return undefined;
      }
      if (wanted === 'memory' && value.kind !== 'memory') {
        this.problems.report(
          'wrong-kind',
          node,
          `\`${node.name}\` is not a memory object from \`vkAllocateMemory\``,
        );
        return undefined;
      }
      return value;
    }
    if (symbol && (symbol.kind === 'driver' || symbol.kind === 'actor')) {
      symbol.addReference(node);
      this.problems.report(
        'wrong-kind',
        node,
        `\`${node.name}\` is ${symbol.kind === 'driver' ? 'a driver' : 'an actor'}, not a value`,
      );
      return undefined;
    }
    const later = this.bindingOffsets().get(node.name);
    if (later !== undefined && later > node.start) {
      this.problems.report(
        'used-before-defined',
        node,
        `\`${node.name}\` is defined later in the scenario; steps run in order`,
        [{ range: { start: later, end: later + node.name.length }, message: 'defined here' }],
      );
    } else if (symbol) {
      // Defined, but its step produced nothing usable (already reported there).
      symbol.addReference(node);
    } else this.reportUnknown(node);
    return undefined;
  }

  /** A use of a name whose step failed or did not run: it has no value to use. */
  reportFailed(node: NameUse, value: { readonly step: number; readonly reason: string }): void {
    this.problems.report(
      'use-of-failed-result',
      node,
      `\`${node.name}\` has no value: step ${value.step + 1} failed (${value.reason})`,
      [{ range: this.sim.stepRange(value.step) ?? node, message: 'failed here' }],
    );
  }

  /**
   * Apart from lookup: arrows there capturing the name would make V8 allocate a context on
   * every lookup, not only for an unknown name.
   */
  private reportUnknown(node: NameUse): void {
    const lower = node.name.toLowerCase();
    // A misspelt flag (`dontunmapp`) reads as a name: the nearest step word is the likelier fix.
    const word = closestWord(node.name, stepWordNames());
    const similar =
      this.sim.symbols.sameNameIgnoringCase(node.name) ??
      [...this.unattached.keys()].find((k) => k.toLowerCase() === lower) ??
      (word !== node.name ? word : undefined);
    if (node.name === 'zero') {
      // `expect x == zero`, x a read's bytes: `zero` is a byte pattern, which only a read
      // expectation compares with.
      this.problems.report(
        'unknown-name',
        node,
        '`zero` compares the bytes a read sees: write `expect read ADDRESS, LENGTH == zero` (or `expect app reads …`)',
      );
      return;
    }
    const dash = node.name.includes('-') && node.name.split('-').every((part) => this.has(part));
    this.problems.report(
      'unknown-name',
      node,
      dash
        ? `\`${node.name}\` reads as one name; write subtraction with spaces: \`${node.name.split('-').join(' - ')}\``
        : `unknown name \`${node.name}\`${similar ? `; ${didYouMeanText(similar)}` : ''}`,
    );
  }
}
