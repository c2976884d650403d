// The address a raw syscall step acts on, when it names a memory object: `madvise mem, 1MiB,
// dontneed by lvp` is the driver madvising its own CPU mapping of `mem` (the pointer it keeps in
// its pool or BO mapping), which a remap strategy may have emptied — not Wine's 32-bit window.
import { reportFreedMemory } from '../model/freed-memory';
import { pastEndText, type VkMemory } from '../model/vk-memory';
import { alignDown, alignUp, exactSize, formatHex, isAligned } from '../numbers';
import type { FixData } from '../diagnostics';
import type { Expression, StepNode } from '../syntax/ast';
import { memoryTarget } from './access-steps';
import type { StepContext } from './step-context';

/**
 * The verbs whose first value is the address their call acts on, read by syscallAddress
 * (positionalValues with an `addressActor`); completion offers memory objects there.
 */
export const DRIVER_ADDRESS_VERBS: ReadonlySet<string> = new Set([
  'munmap',
  'mprotect',
  'madvise',
  'mremap',
  'mach_vm_remap',
]);

/**
 * The value of a raw syscall's address argument. An address expression evaluates as usual; one
 * that starts with a memory object (`mem`, `mem + 0x10`) is the object's driver's own CPU address
 * of it (pool base + suballocation offset included: the address `DRIVER writes mem` writes
 * through), and only in a step that driver makes. Undefined, reported, otherwise: for another
 * actor (`wrong-kind`: it holds no such pointer), another driver's memory (`wrong-kind`), freed
 * memory (`use-after-free`), an offset at or past the object's end (`access-fault`, as the
 * driver's write there), or no driver mapping at this step (`use-of-failed-result`, as `uffd mem`
 * says it). Never the application's pointer in its place: that is another call.
 */
export function syscallAddress(
  context: StepContext,
  step: StepNode,
  expression: Expression,
  actor: string,
): bigint | undefined {
  if (expression.kind === 'number') return expression.value;
  const named = memoryNamedBy(context, expression);
  if (named === undefined) return context.scope.evaluate(expression);
  if (!isDriverActor(context, actor)) {
    // An unknown actor is reported where it is named; the memory object is not blamed too.
    if (context.actors.has(actor)) reportNotTheDriver(context, step, named);
    else context.sim.symbols.reference(named.node.name, named.node);
    return undefined;
  }
  if (context.drivers.has(actor) && named.memory.driver.name !== actor) {
    // Another driver has no pointer to this memory (memoryTarget's words), and the step is its owner's to make.
    const owner = named.memory.driver.name;
    context.sim.symbols.reference(named.node.name, named.node);
    context.problems.report(
      'wrong-kind',
      named.node,
      `\`${named.node.name}\` is ${owner}'s memory object: only ${owner} has a pointer to it, not ${actor}`,
      undefined,
      byDriverFix(step, owner),
    );
    return undefined;
  }
  // memoryTarget checks the owner (another driver's memory is wrong-kind) and adds up the offset.
  const target = memoryTarget(context, expression, actor);
  if (!target) return undefined;
  const { memory: object, offset } = target;
  if (object.freed) {
    reportFreedMemory(
      context.sim,
      object,
      `${object.driver.name} has no address of ${object.name}: it`,
      named.node,
    );
    return undefined;
  }
  if (offset >= object.allocationSize) {
    // As a driver's write there is refused: the offset names no byte of the object, and the
    // address is another object's (the pool's next suballocation) or nothing the driver has.
    const verb = step.verb.name;
    context.sim.finding('access-fault', pastEndText(object, `a ${verb}`, offset, verb), [], expression);
    return undefined;
  }
  const pointer = object.driverPointer;
  if (pointer === undefined) {
    context.problems.report('use-of-failed-result', named.node, noMappingText(object));
    return undefined;
  }
  const address = pointer + offset;
  (context.sim.driverAddresses ??= new Map()).set(expression, address);
  return address;
}

/**
 * A driver's syscall whose range starts in its memory object but reaches past the object's end
 * (`madvise mem + 0xff000, 8KiB, dontneed by lvp` on a 1 MiB object): the kernel does it, on the
 * pool's or the BO's mapping, but the call reaches what lies beyond the object too — in a pool
 * the next suballocations (H1, facts vulkan-wine §4) — so `driver-range-past-end` names them.
 * Decided on the pages the kernel acts on, not the bytes written: the length rounds up to a page
 * (linux-mm §2 munmap, §3.1 mremap's PAGE_ALIGN(old_len), §6.1 mprotect; madvise likewise), so
 * `madvise mem, 6000` on a 6000-byte object drops the rest of its last page, which in a pool is
 * the next object's. Past the object's own page-rounded mapping (H7) with nothing else there, the
 * call still reaches whatever the driver has mapped next. `expression` is the step's address,
 * `length` its length (old_size for mremap).
 */
export function checkDriverRangePastEnd(
  context: StepContext,
  step: StepNode,
  expression: Expression,
  length: bigint | undefined,
): void {
  const address = context.sim.driverAddresses?.get(expression);
  if (address === undefined || length === undefined) return;
  const object = memoryNamedBy(context, expression)?.memory;
  const pointer = object?.driverPointer;
  if (object === undefined || pointer === undefined) return;
  const page = context.sim.pageSize;
  const verb = step.verb.name;
  // xnu truncates mach_vm_remap's source to its page (linux-mm §7.5, kernel/mach-vm-remap.ts);
  // Linux refuses an unaligned start with EINVAL and acts on nothing (kernel-refused says so).
  if (verb !== 'mach_vm_remap' && !isAligned(address, page)) return;
  const from = alignDown(address, page);
  const reach = alignUp(address + length, page);
  const end = pointer + object.allocationSize;
  const reached: string[] = [];
  const related: { range: StepNode; message: string }[] = [];
  for (const other of context.vulkan.memories) {
    const start = other.driverPointer;
    if (other === object || other.freed || start === undefined) continue;
    const stop = start + other.allocationSize;
    if (stop <= from || start >= reach) continue;
    const first = (start > from ? start : from) - start;
    const last = (stop < reach ? stop : reach) - start;
    reached.push(`${other.name} (+${formatHex(first)}..+${formatHex(last)})`);
    related.push({ range: other.node, message: `${other.name} allocated here` });
  }
  // Rounding up into the object's own last page reaches nothing else: the mapping is page-rounded.
  if (reached.length === 0 && reach <= alignUp(end, page)) return;
  const driver = object.driver.name;
  const rounded = from !== address || reach !== address + length;
  const outside = [
    from < pointer ? `start${rounded ? '' : 's'} ${exactSize(pointer - from)} before ${object.name}` : '',
    reach > end ? `run${rounded ? '' : 's'} ${exactSize(reach - end)} past the end of ${object.name}` : '',
  ].filter((part) => part !== '');
  const over = `${verb} of ${exactSize(length)} at ${object.name} + ${formatHex(address - pointer)}${rounded ? ' acts on whole pages, which' : ''} ${outside.join(' and ')} (${exactSize(object.allocationSize)})`;
  context.sim.finding(
    'driver-range-past-end',
    reached.length > 0
      ? `${over}: the kernel acts on ${driver}'s ${object.inPool ? 'pool' : 'mapping'} there, so the call reaches ${reached.join(', ')} too${object.inPool ? ' (H1)' : ''}`
      : `${over}: the kernel acts on whatever ${driver} has mapped past it; no other memory object is there now`,
    related,
  );
}

/** The memory object an expression starts with (`mem`, `mem + 8 - 4`), without reporting anything. */
function memoryNamedBy(
  context: StepContext,
  expression: Expression,
): { node: { name: string; start: number; end: number }; memory: VkMemory } | undefined {
  let base: Expression = expression;
  while (base.kind === 'binary' && base.op !== '*') base = base.left;
  if (base.kind !== 'name') return undefined;
  const value = context.scope.get(base.name);
  return value?.kind === 'memory' ? { node: base, memory: value.memory } : undefined;
}

/** A driver of the scenario, or `driver` (the scenario's driver, stepActor). */
function isDriverActor(context: StepContext, actor: string): boolean {
  return context.drivers.has(actor) || actor === 'driver';
}

/**
 * `madvise mem, …` by the application (or Wine, the host): no pointer to a memory object but the
 * one vkMapMemory gives, which under a remap or placed strategy is another address than the
 * driver's; the driver's own is named in a step the driver makes.
 */
function reportNotTheDriver(
  context: StepContext,
  step: StepNode,
  { node, memory }: { node: { name: string; start: number; end: number }; memory: VkMemory },
): void {
  context.sim.symbols.reference(node.name, node);
  const driver = memory.driver.name;
  context.problems.report(
    'wrong-kind',
    node,
    `\`${node.name}\` is a memory object, not an address: map it (\`p = vkMapMemory ${node.name}\`) and use the pointer for the application's view of it, or make the step ${driver}'s (\`${step.verb.name} ${node.name}, … by ${driver}\`) for ${driver}'s own CPU address of it`,
    undefined,
    byDriverFix(step, memory.driver.name),
  );
}

/**
 * The quick fix "make the step DRIVER's": `by DRIVER` in place of the step's actor, or after the
 * step when it names none (the application's, by default).
 */
function byDriverFix(step: StepNode, driver: string): FixData {
  // Not optionNamed: step-arguments imports this module.
  const by = step.options.find((o) => o.keyword.name === 'by');
  const title = `Make the step ${driver}'s (\`by ${driver}\`): its own CPU address of the memory`;
  return by?.value
    ? {
        kind: 'replace',
        title,
        range: { start: by.value.start, end: by.value.end },
        text: driver,
        preferred: true,
      }
    : {
        kind: 'replace',
        title,
        range: { start: step.end, end: step.end },
        text: ` by ${driver}`,
        preferred: true,
      };
}

/** Why the driver has no CPU address of the memory at this step. */
function noMappingText(memory: VkMemory): string {
  const driver = memory.driver.name;
  if (memory.driverMapStep !== undefined)
    return `${driver} has no CPU mapping of ${memory.name} here: it mapped it at step ${memory.driverMapStep + 1} and has unmapped it since`;
  if (!memory.properties.has('host-visible'))
    return `${driver} has no CPU mapping of ${memory.name}: it is not host-visible, so nothing maps it`;
  return `${driver} has no CPU mapping of ${memory.name} yet: it maps it at vkMapMemory (\`p = vkMapMemory ${memory.name}\` first)`;
}
