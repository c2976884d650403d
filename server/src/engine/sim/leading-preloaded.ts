// Wine's reserved areas exist before anything else in the process runs: the preloader maps them
// in wld_start before it jumps to ld.so (wine-mirror/wine loader/preloader.c), so before any
// library's constructor and before Wine creates a Vulkan device, whose driver then makes its
// internal mappings (radv's pools, Mesa src/amd/vulkan radv_device.c) wherever the kernel finds
// room outside them. A scenario states them first (docs/language.md, `reserve … preloaded`), but
// its set-up (a strategy's reservations, each driver's device creation) runs before step 1: the
// leading `reserve … preloaded` steps are therefore run inside set-up, before device creation,
// each still as its own step. One written after another step keeps its place (sim/preloaded-order.ts).
import type { Expression, Statement, StepNode } from '../syntax/ast';
import { stepHasWord } from './words';

/**
 * The `reserve … preloaded` steps written before any other step or expectation (settings and
 * declarations between them do not count), in order. Only those whose values are written as
 * numbers: a name is a value some step binds, which exists only when the steps run in order.
 */
export function leadingPreloadedSteps(body: readonly Statement[]): StepNode[] {
  const leading: StepNode[] = [];
  for (let i = 0; i < body.length; i++) {
    const statement = body[i]!;
    if (statement.kind === 'expect') break;
    if (statement.kind !== 'step') continue;
    if (!isConstantPreloaded(statement)) break;
    leading.push(statement);
  }
  return leading;
}

function isConstantPreloaded(step: StepNode): boolean {
  if (step.verbName !== 'reserve' || !stepHasWord(step, 'preloaded')) return false;
  for (const arg of step.args) if (arg.kind === 'string' || !isConstant(arg)) return false;
  for (const option of step.options) {
    const keyword = option.keyword.name;
    if (keyword === 'by') continue;
    if (keyword !== 'at' || !option.value || option.value.kind === 'string' || !isConstant(option.value))
      return false;
  }
  return true;
}

function isConstant(expression: Expression | undefined): boolean {
  if (!expression) return false;
  switch (expression.kind) {
    case 'number':
      return true;
    case 'binary':
      return isConstant(expression.left) && isConstant(expression.right);
    case 'negate':
      return isConstant(expression.operand);
    case 'paren':
      return isConstant(expression.inner);
    case 'name':
      return false;
  }
}
