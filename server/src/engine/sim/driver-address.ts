// The address a raw syscall step acts on, when it names a memory object: `madvise mem, 1MiB,
// dontneed by lvp` is the driver madvising its own CPU mapping of `mem` (the pointer it keeps in
// its pool or BO mapping), which a remap strategy may have emptied — not Wine's 32-bit window.
import { reportFreedMemory } from '../model/freed-memory';
import { isFreed, pastEndText, type VkMemory } from '../model/vk-memory';
import { alignDown, alignUp, exactSize, formatHex, isAligned } from '../numbers';
import type { FixData } from '../diagnostics';
import type { Argument, Expression, NameExpression, StepNode } from '../syntax/ast';
import { mapsNameOf } from '../kernel/vma';
import { effectPages } from '../kernel/effect-pages';
import type { Effect, Vma } from '../kernel/types';
import { memoryShownBy } from '../model/device-access';
import { memoriesPlacedIn } from '../model/memories-by-object';
import { memoryNamedBy, memoryTarget } from './access-steps';
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
  const named = memoryNamedBy(context.scope, expression);
  if (named === undefined) return context.scope.evaluate(expression);
  if (!isDriverActor(context, actor)) {
    // An unknown actor is reported where it is named, and a `by` still being typed (no actor yet)
    // is a syntax error there: the memory object is not blamed too, nor the step called the app's.
    if (context.actors.has(actor) && !hasEmptyBy(step)) reportNotTheDriver(context, step, named);
    else context.sim.symbols.reference(named.node.name, named.node);
    return undefined;
  }
  // Another driver has no pointer to this memory (wrong-kind, memoryTarget's words): the step is its owner's to make.
  const target = memoryTarget(context, expression, actor, (owner) => byDriverFix(step, owner));
  if (!target) return undefined;
  const { memory: object, offset } = target;
  if (isFreed(object)) {
    reportFreedMemory(
      context.sim,
      object,
      `${object.driver.name} has no address of ${object.name}, which`,
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
  (context.sim.driverAddresses ??= new Map()).set(expression, { address, memory: object });
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
 * the next object's. What the call reaches is what is mapped there now (reachedPastEnd), never
 * where another object once was: a remap strategy moves mappings away from the driver's pointers.
 *
 * Found before the call (munmap removes what it reaches) and reported after it, when the kernel
 * took the range (reportDriverRangePastEnd). `argument` is the step's address, `length` its
 * length (old_size for mremap).
 */
export function driverRangePastEnd(
  context: StepContext,
  step: StepNode,
  argument: Argument | undefined,
  length: bigint | undefined,
): RangePastEnd | undefined {
  if (argument === undefined || argument.kind === 'string') return undefined;
  const resolved = context.sim.driverAddresses?.get(argument);
  if (resolved === undefined || length === undefined) return undefined;
  const { address, memory: object } = resolved;
  const pointer = object.driverPointer;
  if (pointer === undefined) return undefined;
  const page = context.sim.pageSize;
  const verb = step.verb.name;
  // xnu truncates mach_vm_remap's source to its page (linux-mm §7.5, kernel/mach-vm-remap.ts);
  // Linux refuses an unaligned start with EINVAL and acts on nothing (kernel-refused says so).
  if (verb !== 'mach_vm_remap' && !isAligned(address, page)) return undefined;
  const from = alignDown(address, page);
  const reach = alignUp(address + length, page);
  // A range whose rounded end wraps is refused before any VMA is looked at (madvise and munmap
  // EINVAL, mprotect ENOMEM: linux-mm §2, §6.1), and names no page to look up.
  if (reach >= 1n << 64n) return undefined;
  const end = pointer + object.allocationSize;
  const found = reachedPastEnd(context, object, from, reach);
  if (found.memories.length === 0 && found.other.length === 0) return undefined;
  const driver = object.driver.name;
  const rounded = from !== address || reach !== address + length;
  const outside = [
    from < pointer ? `start${rounded ? '' : 's'} ${exactSize(pointer - from)} before ${object.name}` : '',
    reach > end ? `run${rounded ? '' : 's'} ${exactSize(reach - end)} past the end of ${object.name}` : '',
  ].filter((part) => part !== '');
  const over = `${verb} of ${exactSize(length)} at ${object.name} + ${formatHex(address - pointer)}${rounded ? ' acts on whole pages, which' : ''} ${outside.join(' and ')} (${exactSize(object.allocationSize)})`;
  const names = found.memories.map((m) => `${m.memory.name} (+${formatHex(m.first)}..+${formatHex(m.last)})`);
  const inPool = object.inPool && found.memories.every((m) => m.inSamePool);
  // One entry per mapping name, its ranges together: `lvp pool (A..B, C..D)`.
  const rangesBy = new Map<string, string[]>();
  for (const o of found.other) {
    const name = o.mapping ?? 'no mapping';
    const ranges = rangesBy.get(name);
    if (ranges === undefined) rangesBy.set(name, [o.range]);
    else ranges.push(o.range);
  }
  const others = [...rangesBy].map(([name, ranges]) => `${name} (${ranges.join(', ')})`);
  const message =
    found.memories.length === 0
      ? found.other.every((o) => o.mapping === undefined)
        ? `${over}: nothing is mapped there now (${found.other.map((o) => o.range).join(', ')}), so the call reaches no memory object`
        : `${over}: the call reaches no memory object there, only ${others.join(', ')}`
      : `${over}: ${inPool ? `the kernel acts on ${driver}'s pool there, so ` : ''}the call reaches ${[...names, ...others].join(', ')} too${inPool ? ' (H1)' : ''}`;
  return {
    message,
    related: found.memories.map((m) => ({
      range: m.memory.node,
      message: `${m.memory.name} allocated here`,
    })),
    verb,
    firstPage: context.sim.pageOf(from),
    endPage: context.sim.pageOf(reach - 1n) + 1,
    outsidePages: [
      ...(from < pointer ? [[context.sim.pageOf(from), context.sim.pageOf(pointer - 1n) + 1] as const] : []),
      ...(reach > end ? [[context.sim.pageOf(end), context.sim.pageOf(reach - 1n) + 1] as const] : []),
    ],
  };
}

/** A `driver-range-past-end` warning found before its call, to report once the call's result is known. */
export interface RangePastEnd {
  readonly message: string;
  readonly related: readonly { range: StepNode; message: string }[];
  readonly verb: string;
  /** The pages [firstPage, endPage) the call names. */
  readonly firstPage: number;
  readonly endPage: number;
  /**
   * The pages [from, to) holding what the call names outside the object: before it, and past its
   * end from the object's last page on (which the next suballocation may share).
   */
  readonly outsidePages: readonly (readonly [number, number])[];
}

/**
 * The warning, when the kernel acted on a page outside the object: only the pages the call got to
 * count. A call refused on its arguments before any VMA is looked at (EINVAL for a length that
 * wraps, past TASK_SIZE, a bad flag: madvise(2), munmap(2)) reaches nothing; neither does an
 * mprotect that starts in a hole or stops at one (or at a refusing VMA) before the object's end
 * (linux-mm §6.1: it stops at the first hole), a madvise refused at a VMA before it, a failed
 * munmap, mremap or mach_vm_remap, or an mremap with equal sizes, which returns the address and
 * changes nothing (mm/mremap.c: `if (old_len == new_len) { ret = addr; goto out; }`).
 */
export function reportDriverRangePastEnd(
  context: StepContext,
  pastEnd: RangePastEnd | undefined,
  result: CallResult,
): void {
  if (pastEnd === undefined) return;
  const acted = pagesActedOn(pastEnd, result);
  const reached = acted.some(([from, to]) =>
    pastEnd.outsidePages.some(([start, stop]) => from < stop && start < to),
  );
  if (reached) context.sim.finding('driver-range-past-end', pastEnd.message, [...pastEnd.related]);
}

/** What reportDriverRangePastEnd reads of a call's result (SyscallResult, MachVmRemapResult). */
interface CallResult {
  readonly ok: boolean;
  readonly errno?: string;
  readonly refusedAtPage?: number;
  readonly effects: readonly Effect[];
}

/**
 * The page ranges the kernel acted on, as far as the call got. mprotect, munmap and mremap say it
 * in their effects (mprotect's `protected` covers every VMA it walked, changed or not, up to where
 * it stopped; an mremap that changed nothing has none). madvise keeps no effects (it changes page
 * contents and flags), so its result says it: done, stopped at refusedAtPage, or ENOMEM after
 * walking the whole range (madvise_walk_vmas skips holes and answers ENOMEM at the end).
 * mach_vm_remap reads its whole source range (to alias or copy it) when it succeeds.
 */
function pagesActedOn(pastEnd: RangePastEnd, result: CallResult): readonly (readonly [number, number])[] {
  const whole = [[pastEnd.firstPage, pastEnd.endPage] as const];
  switch (pastEnd.verb) {
    case 'madvise':
      if (result.refusedAtPage !== undefined) return [[pastEnd.firstPage, result.refusedAtPage]];
      return result.ok || result.errno === 'ENOMEM' ? whole : [];
    case 'mach_vm_remap':
      return result.ok ? whole : [];
    default:
      return result.effects.map(effectPages);
  }
}

/** What a driver's call on [from, reach) reaches outside its memory object, as the address space is now. */
interface Reached {
  /** The other memory objects whose pages a mapping in the range shows, and which part of each. */
  readonly memories: { memory: VkMemory; first: bigint; last: bigint; inSamePool: boolean }[];
  /** The rest, past the object's own pages: mappings that show no memory object (by name), and holes. */
  readonly other: { mapping: string | undefined; range: string }[];
}

/**
 * Walks the VMAs over [from, reach) outside the object's bytes [pointer, end): the other memory
 * objects each shows (memoryShownBy: by the pages' object, wherever the mapping is now), and past
 * the object's own pages what else is mapped or that nothing is. The rest of the object's first
 * and last page is its own mapping's (page-rounded, H7) or its pool's: only another object there counts.
 */
function reachedPastEnd(context: StepContext, object: VkMemory, from: bigint, reach: bigint): Reached {
  const { sim } = context;
  const page = sim.pageSize;
  const pointer = object.driverPointer!;
  const end = pointer + object.allocationSize;
  const found: Reached = { memories: [], other: [] };
  const parts: { start: bigint; stop: bigint; ownPages: boolean }[] = [];
  if (from < pointer) parts.push({ start: from, stop: pointer, ownPages: true });
  if (reach > end) {
    const lastPage = alignUp(end, page);
    parts.push({ start: end, stop: reach < lastPage ? reach : lastPage, ownPages: true });
    if (reach > lastPage) parts.push({ start: lastPage, stop: reach, ownPages: false });
  }
  for (const part of parts) {
    let cursor = part.start;
    const vmas = sim.space.overlapping(sim.pageOf(part.start), sim.pageOf(part.stop - 1n) + 1);
    for (const vma of vmas) {
      const vmaStart = sim.addressOfPage(vma.startPage);
      const vmaEnd = sim.addressOfPage(vma.endPage);
      const start = vmaStart > part.start ? vmaStart : part.start;
      const stop = vmaEnd < part.stop ? vmaEnd : part.stop;
      if (!part.ownPages && start > cursor)
        found.other.push({ mapping: undefined, range: rangeText(cursor, start) });
      cursor = stop;
      // The parts of [start, stop) other memory objects show: the rest is named as the mapping's.
      const covered: [bigint, bigint][] = [];
      for (const memory of memoriesShownIn(context, vma, start, stop)) {
        if (memory === object) continue;
        const shows = memoryShownBy(sim, vma, memory);
        if (shows === undefined) continue;
        const showsEnd = shows.address + (shows.last - shows.first);
        const first = shows.address > start ? shows.address : start;
        const last = showsEnd < stop ? showsEnd : stop;
        if (first >= last) continue;
        covered.push([first, last]);
        addReached(found, {
          memory,
          first: shows.first + (first - shows.address),
          last: shows.first + (last - shows.address),
          inSamePool: memory.inPool && memory.driverObject === object.driverObject,
        });
      }
      if (!part.ownPages)
        for (const [gapStart, gapStop] of uncovered(start, stop, covered))
          found.other.push({ mapping: mappingName(vma), range: rangeText(gapStart, gapStop) });
    }
    if (!part.ownPages && cursor < part.stop)
      found.other.push({ mapping: undefined, range: rangeText(cursor, part.stop) });
  }
  return found;
}

/**
 * The live Vulkan memory objects whose pages `vma` may show in [start, stop), in allocation order
 * (the order their messages list them): only memories of the VMA's object, wherever the mapping
 * is now (pages a remap strategy moved keep their object), found by offset in it
 * (memories-by-object.ts), not by scanning every memory ever allocated.
 */
function memoriesShownIn(context: StepContext, vma: Vma, start: bigint, stop: bigint): VkMemory[] {
  const { sim, vulkan } = context;
  const vmaStart = sim.addressOfPage(vma.startPage);
  const vmaFirst = BigInt(vma.pgoff) * sim.pageSize;
  const candidates = memoriesPlacedIn(
    vma.object,
    vmaFirst + (start - vmaStart),
    vmaFirst + (stop - vmaStart),
  );
  // Vulkan's own (not a GL buffer's), not freed, and not an allocation that failed after its driver
  // placed it: memoryCreatedAt finds exactly the memories in vulkan.memories.
  const live = candidates.filter((m) => !isFreed(m) && vulkan.memoryCreatedAt(m.allocStep) === m);
  return live.sort((a, b) => a.allocStep - b.allocStep);
}

/** The parts of [start, stop) that none of the `covered` ranges (any order, may overlap) covers. */
function uncovered(start: bigint, stop: bigint, covered: [bigint, bigint][]): [bigint, bigint][] {
  covered.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const gaps: [bigint, bigint][] = [];
  let cursor = start;
  for (const [first, last] of covered) {
    if (first > cursor) gaps.push([cursor, first]);
    if (last > cursor) cursor = last;
  }
  if (cursor < stop) gaps.push([cursor, stop]);
  return gaps;
}

/** One more part of a memory object reached: merged with the part found before, if any. */
function addReached(found: Reached, part: Reached['memories'][number]): void {
  const known = found.memories.find((m) => m.memory === part.memory);
  if (known === undefined) found.memories.push(part);
  else {
    if (part.first < known.first) known.first = part.first;
    if (part.last > known.last) known.last = part.last;
  }
}

/** A mapping that shows no memory object, by its label and whose it is: `radv internal pools`, `lvp pool`. */
function mappingName(vma: Vma): string {
  const label = vma.label ?? (mapsNameOf(vma) || 'anonymous memory');
  return label.startsWith(`${vma.owner} `) ? label : `${vma.owner}'s ${label}`;
}

function rangeText(start: bigint, stop: bigint): string {
  return `${formatHex(start)}..${formatHex(stop)}`;
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
  { node, memory }: { node: NameExpression; memory: VkMemory },
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
  const by = byOption(step);
  const title = `Make the step ${driver}'s (\`by ${driver}\`): its own CPU address of the memory`;
  // A `by` with no actor yet is filled in; appending would leave `by by DRIVER`.
  const range = by?.value
    ? { start: by.value.start, end: by.value.end }
    : by
      ? { start: by.keyword.start, end: by.keyword.end }
      : { start: step.end, end: step.end };
  return {
    kind: 'replace',
    title,
    range,
    text: by?.value ? driver : by ? `by ${driver}` : ` by ${driver}`,
    preferred: true,
  };
}

/** The step's `by` option (not optionNamed: step-arguments imports this module). */
function byOption(step: StepNode): StepNode['options'][number] | undefined {
  return step.options.find((o) => o.keyword.name === 'by');
}

/** Whether the step ends in a `by` with no actor after it: the `syntax-error` the parser reports. */
function hasEmptyBy(step: StepNode): boolean {
  const by = byOption(step);
  return by !== undefined && by.value === undefined;
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
