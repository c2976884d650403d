// What a step's name (`p = mmap …`) stands for after the step: its address, its data, its
// memory object, its status, or the failure that later uses will report.
import { isReservedWord, type BindingKind } from '../language/vocabulary';
import type { StepNode } from '../syntax/ast';
import { BoundStepRecord, RecordedStep, type AddressOutcome } from './outcome';
import type { OneOrList } from './calls';
import type { CallRecord, Outcome, StepRecord } from './records';
import type { StepContext } from './step-context';
import type { SymbolKind } from './symbols';
import type { RuntimeValue } from './values';

export function bindStepResult(
  context: StepContext,
  step: StepNode,
  binds: BindingKind,
  outcome: Outcome,
  index: number,
  actor: string,
  calls: OneOrList<CallRecord>,
): StepRecord {
  const { sim, scope, problems } = context;
  const name = step.binding;
  if (!name) return new RecordedStep(index, step, actor, calls, outcome);
  const reserved = isReservedWord(name.name);
  if (reserved) {
    problems.report('reserved-name', name, `\`${name.name}\` is a word of the language; choose another name`);
  }
  const existing = sim.symbols.symbolIfDefined(name.name);
  if (existing) {
    problems.report(
      'duplicate-name',
      name,
      `\`${name.name}\` is already defined; names are defined once per scenario`,
      existing.definition ? [{ range: existing.definition, message: 'first defined here' }] : [],
    );
    return new RecordedStep(index, step, actor, calls, outcome);
  }
  // The layer's own actor (`fex` under reserve-high, `box64` under mmap32) has no symbol, and its
  // name is not a word of the language (elsewhere it is an ordinary name): `fex writes fex, 4`
  // would read one name two ways.
  if (!reserved && context.actors.has(name.name)) {
    problems.report(
      'duplicate-name',
      name,
      `\`${name.name}\` is already an actor (the layer's, under \`strategy ${sim.platform.strategy}\`); names are defined once per scenario`,
    );
    return new RecordedStep(index, step, actor, calls, outcome);
  }
  const kind: SymbolKind = binds;
  const bound = step as StepNode & { readonly binding: typeof name };
  // The record is the name's symbol too (BoundStepRecord).
  const symbol = new BoundStepRecord(index, bound, actor, calls, outcome, kind);
  sim.symbols.defineStep(name.name, symbol);
  if (scope.attachSymbol(name.name, symbol)) return symbol; // open() binds its own value
  let value = valueOfOutcome(context, outcome, index);
  if (binds === 'memory') {
    const memory = context.vulkan.memoryCreatedAt(index) ?? context.gl.memoryCreatedAt(index);
    if (memory) value = { kind: 'memory', memory, step: index };
  } else if (binds === 'file') {
    // `fd = vkGetMemoryFdKHR m`: the exported fd (open() binds its own file, above).
    const file = context.vulkan.exportedAt(index);
    if (file) value = { kind: 'file', file, step: index };
  }
  scope.set(name.name, value, symbol);
  return symbol;
}

function valueOfOutcome(context: StepContext, outcome: Outcome, index: number): RuntimeValue {
  switch (outcome.kind) {
    case 'address':
      // The outcome is the value already (see its `step`).
      return (outcome as AddressOutcome).step === index
        ? (outcome as AddressOutcome)
        : { kind: 'address', value: outcome.value, step: index };
    case 'errno':
      return { kind: 'failed', step: index, reason: outcome.errno };
    case 'vk':
      return outcome.result === 'VK_SUCCESS'
        ? { kind: 'status', step: index }
        : { kind: 'failed', step: index, reason: outcome.result };
    case 'fault':
      return { kind: 'failed', step: index, reason: outcome.signal };
    case 'skipped':
      return { kind: 'failed', step: index, reason: `not run: ${outcome.reason}` };
    case 'data': {
      // A write's name stands for the data it left, for `expect … reads … == NAME`.
      const datum = context.sim.tagOfStep.get(index);
      return datum !== undefined ? { kind: 'data', datum, step: index } : { kind: 'status', step: index };
    }
    default:
      return { kind: 'status', step: index };
  }
}
