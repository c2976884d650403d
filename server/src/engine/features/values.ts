// The value of a name or an expression as the scenario's run saw it. Names are bound once, by
// the step that defines them, so a name's value is its defining step's outcome.
import { evaluate } from '../sim/evaluate';
import type { ScenarioRun } from '../sim/run';
import type { SymbolInfo } from '../sim/symbols';
import type { Expression } from '../syntax/ast';
import type { VkMemory } from '../model/vk-memory';
import type { LanguageProblem } from '../sim/problems';

export interface Evaluated {
  readonly value: bigint | undefined;
  /** Why there is no value (unknown name, failed step, overflow…). */
  readonly why: string | undefined;
}

export function symbolOf(run: ScenarioRun, name: string): SymbolInfo | undefined {
  return run.simulation.symbols.get(name);
}

/** The address a name stands for, when its step returned one. */
export function addressOfName(run: ScenarioRun, name: string): bigint | undefined {
  const symbol = symbolOf(run, name);
  if (symbol?.stepIndex === undefined) return undefined;
  const outcome = run.simulation.records[symbol.stepIndex]?.outcome;
  return outcome?.kind === 'address' ? outcome.value : undefined;
}

/** The Vulkan memory object (or GL buffer) a name stands for. */
export function memoryOfName(run: ScenarioRun, name: string): VkMemory | undefined {
  const symbol = symbolOf(run, name);
  if (symbol?.kind !== 'memory' || symbol.stepIndex === undefined) return undefined;
  // A GL buffer is a memory object too (its driver's buffer object).
  return run.vulkan.memoryCreatedAt(symbol.stepIndex) ?? run.gl.memoryCreatedAt(symbol.stepIndex);
}

/** The step that closed the file a name stands for, and why (an import took the fd); none if open. */
export function closeOfFile(
  run: ScenarioRun,
  name: string,
): { readonly step: number; readonly by: string } | undefined {
  const closed = run.simulation.closedFiles;
  if (closed.size === 0) return undefined;
  const value = run.simulation.symbols.symbolNamed(name)?.value;
  return value?.kind === 'file' ? closed.get(value.file) : undefined;
}

export function evaluateIn(run: ScenarioRun, expression: Expression): Evaluated {
  const problems: LanguageProblem[] = [];
  let why: string | undefined;
  const value = evaluate(
    expression,
    (node) => {
      const v = addressOfName(run, node.name);
      if (v === undefined && !why) {
        const symbol = symbolOf(run, node.name);
        const record = symbol?.stepIndex !== undefined ? run.simulation.records[symbol.stepIndex] : undefined;
        why = !symbol
          ? `\`${node.name}\` is not defined`
          : symbol.kind === 'memory'
            ? `\`${node.name}\` is a memory object: its driver reaches it through its own mapping (hover the step to see the address that access used)`
            : record && record.outcome.kind !== 'address'
              ? `\`${node.name}\` has no address (step ${record.index + 1}${record.resultText ? ` ${record.resultText}` : ' did not run'})`
              : `\`${node.name}\` is a ${symbol.kind}, not an address`;
      }
      return v;
    },
    problems,
  );
  return { value, why: value === undefined ? (why ?? problems[0]?.message ?? 'no value') : undefined };
}
