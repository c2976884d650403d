// A read compared with the name of an access whose name stands for no data: a write given a
// fill byte (only a write without one leaves data tagged with its step, access-steps.ts
// writeDatum), or a read. Reported as what it is, with the comparison that works, rather than as
// a name "that returns no address" (names.ts), which is about address expressions.
import { canonicalVerb } from '../language/vocabulary';
import type { NameExpression } from '../syntax/ast';
import type { StepContext } from './step-context';

/** Why `value` (a name in `expect … reads … == NAME`) is no data to compare with, or undefined. */
export function untaggedDataProblem(context: StepContext, value: NameExpression): string | undefined {
  const { sim, scope } = context;
  if (scope.get(value.name)?.kind !== 'status') return undefined;
  const step = sim.symbols.get(value.name)?.stepIndex;
  const node = step === undefined ? undefined : sim.records[step]?.node;
  if (!node) return undefined;
  const verb = canonicalVerb(node.verbName);
  if (verb === 'read')
    return `\`${value.name}\` is a read, not written data: compare with a byte (\`0xAB\`), \`zero\`, or the name of a write without a fill byte`;
  if (verb !== 'write') return undefined;
  const fill = node.args[2];
  const byte = fill?.kind === 'number' ? ` (\`${fill.text}\`)` : '';
  return `\`${value.name}\` is a write with a fill byte, not tagged data: compare the read with the byte${byte}, or drop the byte from the write to get data tagged with it`;
}
