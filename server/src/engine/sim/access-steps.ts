// `write ADDRESS, LENGTH [, BYTE]` and `read ADDRESS, LENGTH`: an actor touching memory through
// an address, or a driver through its own pointer when the address starts with a memory object.
import type { AccessResult } from '../kernel/types';
import { VERB_BY_NAME } from '../language/vocabulary';
import { DEVICE_ACTOR } from '../model/device-access';
import type { VkMemory } from '../model/vk-memory';
import { formatHex } from '../numbers';
import type { FixData } from '../diagnostics';
import type { Expression, NameExpression, StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import { checkLazilyFreedRead } from './lazy-freed-read';
import { accessOutcome, byteReadOutcome, describeSegments, skippedForArguments } from './outcome';
import type { NameScope } from './names';
import type { Outcome } from './records';
import type { StepContext } from './step-context';
import { addressReached } from './step-actor';

export function accessStep(
  context: StepContext,
  step: StepNode,
  verb: 'write' | 'read',
  actor: string,
): Outcome {
  const { sim, scope, vulkan, gl, problems } = context;
  const addressArg = step.args[0];
  const lengthArg = step.args[1];
  if (!addressArg || addressArg.kind === 'string' || !lengthArg || lengthArg.kind === 'string') {
    // The device names a memory object, never an address (language.md: `device writes MEM [+ OFFSET], LENGTH`).
    problems.report(
      'missing-argument',
      step.verb,
      actor === DEVICE_ACTOR
        ? `device ${verb}s needs a memory object and a length: \`device ${verb}s mem + 0x200, 64\``
        : `${verb} needs an address and a length: \`${VERB_BY_NAME.get(verb)?.example}\``,
    );
    return skippedForArguments();
  }
  const length = scope.evaluate(lengthArg);
  if (actor === DEVICE_ACTOR) return deviceStep(context, step, verb, addressArg, length);
  // A driver naming a memory object writes through its own pointer (or the GPU does).
  if (addressArg.kind !== 'number') {
    const target = memoryTarget(context, addressArg, actor);
    if (target && length !== undefined) {
      const datum = verb === 'write' ? writeDatum(context, step, actor) : undefined;
      return vulkan.driverAccess(actor, target.memory, target.offset, length, datum);
    }
    if (target === null) return skippedForArguments();
  }
  const address = scope.evaluate(addressArg);
  if (address === undefined || length === undefined) return skippedForArguments();
  const reached = addressReached(actor, address);
  // Only where a vkMapMemory or glMapBufferRange pointer can be named: raw scenarios pay nothing.
  const base =
    addressArg.kind !== 'number' && (vulkan.appMaps.any || gl.appMaps.any)
      ? baseStep(context, addressArg)
      : undefined;
  if (verb === 'write') {
    const datum = writeDatum(context, step, actor);
    const result = sim.write(actor, reached, length, datum);
    const stale = base !== undefined && checkAfterUnmap(context, actor, verb, address, reached, base, result);
    sim.noteAccess(actor, 'write', reached, length, result.ok ? '' : faultText(result), result.ok);
    // One access, one error: a stale pointer's report already says where the address lies.
    if (!stale)
      vulkan.noteAppAccess(step, actor, address, length, 'write', result.ok ? undefined : result.signal);
    gl.noteAccess(actor, reached, length, 'write');
    return result.ok ? writtenOutcome(length) : accessOutcome(result, '');
  }
  const result = sim.read(actor, reached, length);
  checkLazilyFreedRead(sim, actor, reached, result);
  const stale = base !== undefined && checkAfterUnmap(context, actor, verb, address, reached, base, result);
  // The call's result and the step's summary are the same text: describe the read once.
  const seen = result.ok ? describeSegments(result, sim) : '';
  sim.noteAccess(actor, 'read', reached, length, result.ok ? seen : faultText(result), result.ok);
  if (!stale)
    vulkan.noteAppAccess(step, actor, address, length, 'read', result.ok ? undefined : result.signal);
  return byteReadOutcome(result) ?? accessOutcome(result, seen);
}

/**
 * `device writes mem + 0x200, 64`: the GPU reaches a memory object's pages, not a CPU address
 * (model/device-access.ts); an address is `wrong-kind`.
 */
function deviceStep(
  context: StepContext,
  step: StepNode,
  verb: 'write' | 'read',
  addressArg: Expression,
  length: bigint | undefined,
): Outcome {
  const target = addressArg.kind === 'number' ? undefined : memoryTarget(context, addressArg, DEVICE_ACTOR);
  if (target === undefined) {
    context.problems.report('wrong-kind', addressArg, deviceAddressText(verb));
    return skippedForArguments();
  }
  if (target === null || length === undefined) return skippedForArguments();
  const datum = verb === 'write' ? writeDatum(context, step, DEVICE_ACTOR) : undefined;
  return context.vulkan.deviceAccess(step, target.memory, target.offset, length, datum);
}

/** Why `device` cannot take a CPU address. */
export function deviceAddressText(verb: 'write' | 'read'): string {
  return `the device reaches memory objects, not CPU addresses: name the memory (\`device ${verb}s mem + 0x200, 64\`); a CPU address is reached by a CPU actor (app, wine, host, a driver)`;
}

/**
 * H5 for a read an `expect` line makes (`expect app reads p1, 4 == w`): the same stale pointer as
 * in a step, reported on the expectation (docs/rules.md `use-after-free` exempts no read).
 */
export function checkExpectReadAfterUnmap(
  context: StepContext,
  reader: string,
  addressArg: Expression,
  named: bigint,
  address: bigint,
  result: AccessResult,
  at: TextRange,
): void {
  if (addressArg.kind === 'number' || !(context.vulkan.appMaps.any || context.gl.appMaps.any)) return;
  const base = baseStep(context, addressArg);
  if (base !== undefined) checkAfterUnmap(context, reader, 'read', named, address, base, result, at);
}

/**
 * H5 for whichever API's map step gave the pointer: whether it was reported. `named` is the
 * address the scenario wrote, `address` the one the actor reached (its low 32 bits for 32-bit code).
 */
function checkAfterUnmap(
  context: StepContext,
  actor: string,
  kind: 'write' | 'read',
  named: bigint,
  address: bigint,
  mapStep: number,
  result: AccessResult,
  at?: TextRange,
): boolean {
  const fault = result.ok ? undefined : result.signal;
  const use = { actor, kind, address, named, mapStep, fault, ...(at ? { at } : {}) };
  const findings = context.sim.findings.length;
  if (context.vulkan.appMaps.has(mapStep)) context.vulkan.checkPointerAfterUnmap(use);
  else context.gl.checkPointerAfterUnmap(use);
  return context.sim.findings.length > findings;
}

/**
 * The step whose result is the pointer an address expression offsets (`p + 0x10`, `0x10 + p`,
 * `q - q + p` → the step that bound `p`): the one name of a vkMapMemory step counted once with a
 * plus sign. A plain name, the common case, is answered without allocating.
 */
function baseStep(context: StepContext, expression: Expression): number | undefined {
  const stepOf = (name: string) => context.sim.symbols.get(name)?.stepIndex;
  // The usual shapes, `p` and `p + 0x100` (every access of a Vulkan scenario): no allocation.
  let left: Expression = expression;
  while (left.kind === 'binary' && left.op !== '*' && left.right?.kind === 'number') left = left.left;
  if (left.kind === 'name') return stepOf(left.name);
  const signs = new Map<string, number>();
  const visit = (e: Expression | undefined, sign: number): void => {
    if (e === undefined) return;
    if (e.kind === 'name') signs.set(e.name, (signs.get(e.name) ?? 0) + sign);
    else if (e.kind === 'paren') visit(e.inner, sign);
    else if (e.kind === 'negate') visit(e.operand, -sign);
    else if (e.kind === 'binary' && e.op !== '*') {
      visit(e.left, sign);
      visit(e.right, e.op === '-' ? -sign : sign);
    }
  };
  visit(expression, 1);
  let found: number | undefined;
  for (const [name, sign] of signs) {
    const step = sign === 1 ? stepOf(name) : undefined;
    if (step === undefined || !(context.vulkan.appMaps.has(step) || context.gl.appMaps.has(step))) continue;
    if (found !== undefined) return undefined; // two pointers: not an offset of one
    found = step;
  }
  return found;
}

function faultText(result: Extract<AccessResult, { ok: false }>): string {
  return `${result.signal} at ${formatHex(result.address)}`;
}

/**
 * `17 bytes written`, made once per length for the usual small ones: outcomes are read-only,
 * and most writes repeat a few lengths.
 */
const writtenOutcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(4096);

function writtenOutcome(length: bigint): Outcome {
  if (length >= 4096n) return { kind: 'data', summary: `${length} bytes written` };
  return (writtenOutcomes[Number(length)] ??= {
    kind: 'data',
    summary: length === 1n ? '1 byte written' : `${length} bytes written`,
  });
}

/**
 * What a write leaves: the fill byte when one is given, otherwise a new tag named after the
 * step, so a later read can tell whose data it sees.
 */
function writeDatum(context: StepContext, step: StepNode, actor: string): number {
  const { sim, scope, problems } = context;
  const valueArg = step.args[2];
  if (valueArg && valueArg.kind !== 'string') {
    const value = scope.evaluate(valueArg);
    if (value !== undefined) {
      if (value > 0xffn)
        problems.report(
          'number-out-of-range',
          valueArg,
          `a fill value is one byte (0x00..0xff), not ${formatHex(value)}`,
        );
      else return Number(value);
    }
  }
  return sim.newTag(step.binding?.name, actor);
}

/**
 * The memory object an expression starts with, and its name's node, reporting nothing: `mem`,
 * `mem + 0x100`, `mem + 8 - 4` (the memory object starts the left spine of `+`/`-` operators).
 * Found without allocating for an address (`m1 + 0x100`), which nearly every access is.
 */
export function memoryNamedBy(
  scope: NameScope,
  expression: Expression,
): { node: NameExpression; memory: VkMemory } | undefined {
  let base: Expression = expression;
  while (base.kind === 'binary' && base.op !== '*') base = base.left;
  if (base.kind !== 'name') return undefined;
  const value = scope.get(base.name);
  return value?.kind === 'memory' ? { node: base, memory: value.memory } : undefined;
}

/**
 * `mem + 0x100` where `mem` is a memory object: undefined when the expression does not start
 * with a memory name, null when it does but is unusable (already reported). `ownerFix`: the quick
 * fix offered when another driver than its owner names it (a raw syscall's "make it the owner's").
 */
export function memoryTarget(
  context: StepContext,
  expression: Expression,
  actor: string,
  ownerFix?: (owner: string) => FixData,
): { memory: VkMemory; offset: bigint } | undefined | null {
  const { sim, scope, drivers, problems } = context;
  // The terms after the memory object add up to the offset; only a memory object's are collected.
  const named = memoryNamedBy(scope, expression);
  if (named === undefined) return undefined;
  const { node: base, memory } = named;
  sim.symbols.reference(base.name, base);
  if (!drivers.has(actor) && actor !== 'driver' && actor !== DEVICE_ACTOR) {
    // An unknown actor is reported where it is named; the memory object is not blamed too.
    if (!context.actors.has(actor)) return null;
    problems.report(
      'wrong-kind',
      base,
      `\`${base.name}\` is a memory object: only its driver has a pointer to it; ${actor} must map it first (\`p = vkMapMemory ${base.name}\`) and use \`p\``,
    );
    return null;
  }
  const owner = memory.driver.name;
  if (drivers.has(actor) && owner !== actor) {
    // Another driver has no pointer to this memory: it is not silently the owner's access.
    problems.report(
      'wrong-kind',
      base,
      `\`${base.name}\` is ${owner}'s memory object: only ${owner} has a pointer to it, not ${actor}`,
      undefined,
      ownerFix?.(owner),
    );
    return null;
  }
  const terms: { op: '+' | '-'; term: Expression | undefined }[] = [];
  for (let e: Expression = expression; e.kind === 'binary' && e.op !== '*'; e = e.left)
    terms.push({ op: e.op, term: e.right });
  let offset = 0n;
  for (let i = terms.length - 1; i >= 0; i--) {
    const { op, term } = terms[i]!;
    const v = term ? scope.evaluate(term) : undefined;
    if (v === undefined) return null;
    offset = op === '+' ? offset + v : offset - v;
  }
  if (offset < 0n) {
    problems.report(
      'number-out-of-range',
      expression,
      `the offset into \`${base.name}\` is ${offset}, before its start`,
    );
    return null;
  }
  return { memory, offset };
}
