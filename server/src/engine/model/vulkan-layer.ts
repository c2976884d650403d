// The Vulkan side of a scenario: memory objects, the driver behind each, and the strategy the
// compatibility layer uses. Application-level calls (vkMapMemory as 32-bit code makes it) go
// through the strategy; vkMapMemory2/vkUnmapMemory2 are direct host calls checked against the
// valid-usage rules.
import { deviceIsCpu } from './software-device';
import { CallSettledLater } from '../sim/calls';
import { AppMapped } from './app-mapped';
import type { Argument, Expression, ScenarioNode, StepNode } from '../syntax/ast';
import { setupRange } from '../sim/setup-range';
import type { TextRange } from '../syntax/text-range';
import type { AccessResult, OpenFile, Vma } from '../kernel/types';
import { changesPages } from '../kernel/effect-pages';
import { alignUp, formatHex, formatSize, truncate32 } from '../numbers';
import type { Simulation } from '../sim/simulation';
import type { CallRecord, Outcome } from '../sim/records';
import { listOf } from '../sim/calls';
import { stepHasWord } from '../sim/words';
import { checkLazilyFreedRead } from '../sim/lazy-freed-read';
import { optionNamed } from '../sim/step-arguments';
import { addressOutcome, describeSegments, failedMapNote, noteMapAttempt, OK_OUTCOME } from '../sim/outcome';
import { keepsPointer, type DriverModel } from './driver';
import { DriverOps } from './driver-ops';
import { importedBoLength, refusesSmallerImport } from './imported-bo-length';
import {
  MAP_ALREADY_MAPPED,
  mapViolations,
  UNMAP_NOT_MAPPED,
  unmapViolations,
  type Violation,
} from './placed-validity';
import {
  FormattedEvent,
  isHostImport,
  isFreed,
  newMemory,
  pastEndText,
  sharesBo,
  type ExportedFd,
  type ExportedFdFacts,
  type VkMemory,
} from './vk-memory';
import { allocatingDriver } from './allocating-driver';
import { DEVICE_ACTOR, deviceRead, deviceWrite, type CpuView } from './device-access';
import {
  FOUR_GIB,
  beyondFourGibText,
  fitsButOutsideWindow,
  notGivenReason,
  outsideWindow,
  reserveHighTopText,
  fexThunkHandOverText,
  sentence,
} from './window-text';
import { AppMapSteps, type StalePointerUse } from './pointer-after-unmap';
import { reportFreedMemory } from './freed-memory';
import type { StrategyName } from '../sim/platform';
import { mappedRangeViolations, resolveMappedRange } from './mapped-memory-range';
import { passThrough, type Strategy, type StrategyContext } from './strategies/strategy';
import { remapStrategy } from './strategies/remap';
import { hookMmap } from './strategies/hook-mmap';
import { placed, placeMap, unplace, type UnmapOutcome } from './strategies/placed';
import { alias } from './strategies/alias';
import { shadowCopy } from './strategies/shadow-copy';
import { externalMemoryHost } from './strategies/external-memory-host';
import { reserveHigh } from './strategies/reserve-high';
import { mmap32 } from './strategies/mmap32';
import { box64MissedMapping } from './box64-mmap32';
import {
  hostImportRefusal,
  zeroSizeImport,
  zeroSizeRefusal,
  type AllocationRefusal,
} from './allocation-validity';

const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = {
  none: passThrough,
  'remap-dontunmap': remapStrategy(true),
  'remap-move': remapStrategy(false),
  'hook-mmap': hookMmap,
  placed,
  alias,
  'shadow-copy': shadowCopy,
  'external-memory-host': externalMemoryHost,
  'reserve-high': reserveHigh,
  mmap32,
};

// The texts of the application's calls, formatted when a trace or hover reads them.
const vkUnmapMemoryText = (name: string) => `vkUnmapMemory(${name})`;
const vkFreeMemoryText = (name: string) => `vkFreeMemory(${name})`;
const vkUnmapMemory2Text = (unmap: { name: string; reserve: boolean }) =>
  `vkUnmapMemory2KHR(${unmap.name}${unmap.reserve ? ', VK_MEMORY_UNMAP_RESERVE_BIT_EXT' : ''})`;
const vkFlushText = (name: string) => `vkFlushMappedMemoryRanges(${name})`;
const vkInvalidateText = (name: string) => `vkInvalidateMappedMemoryRanges(${name})`;
const vkAllocateMemoryText = (memory: VkMemory) =>
  `vkAllocateMemory(${formatSize(memory.allocationSize)}${memory.properties.size ? ', ' + [...memory.properties].join('|') : ''}${memory.importedFrom ? `, import fd ${memory.importedFrom.fd.fd}` : ''})`;
const vkMapMemoryText = (map: { memory: VkMemory; offset: bigint; size: bigint | undefined }) =>
  `vkMapMemory(${map.memory.name}, offset=${formatHex(map.offset)}, size=${map.size === undefined ? 'VK_WHOLE_SIZE' : formatSize(map.size)})`;

const allocatedText = (a: { size: bigint; driver: string }) =>
  `allocated ${formatSize(a.size)} by ${a.driver}`;
const mappedForAppText = (pointer: bigint) => `mapped for 32-bit code at ${formatHex(pointer)}`;

/** The expression of the step's `KEYWORD VALUE` option, when it has a number or name. */
function optionExpression(step: StepNode, keyword: string): Expression | undefined {
  // Indexed loops here and in hasWord: every Vulkan step asks, and `for…of` leaves iterator results.
  const options = step.options;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    if (option.keyword.name === keyword)
      return option.value && option.value.kind !== 'string' ? option.value : undefined;
  }
  return undefined;
}

/** The value of the step's `KEYWORD VALUE` option (a function, not a closure over the step: every Vulkan step asks). */
function optionValue(
  step: StepNode,
  keyword: string,
  actor: string,
  evaluateArg: (e: Expression, what: string, actor: string) => bigint | undefined,
): bigint | undefined {
  const e = optionExpression(step, keyword);
  return e ? evaluateArg(e, keyword, actor) : undefined;
}

/** Shared outcomes (read-only) for the answers most Vulkan steps give. */
const VK_SUCCESS_OUTCOME: Outcome = { kind: 'vk', result: 'VK_SUCCESS', reason: '' };
const NO_MEMORY_OUTCOME: Outcome = { kind: 'skipped', reason: 'no memory object' };

/** Whether the step's words are `names`, read by name (no Word nodes). */
function sameWords(names: readonly string[], step: StepNode): boolean {
  if (names.length !== step.wordCount) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== step.wordNameAt(i)) return false;
  return true;
}

function hasWord(step: StepNode, word: string): boolean {
  return stepHasWord(step, word);
}

export type EvaluateArg = (expression: Expression, what: string) => bigint | undefined;
export type MemoryArg = (argument: Argument | undefined) => VkMemory | undefined;
/** The open file an argument names (`import FD`), reported when it names something else. */
export type FileArg = (argument: Argument | undefined) => OpenFile | undefined;

export class VulkanLayer {
  readonly memories: VkMemory[] = [];
  /** The same objects, for the check that a name is Vulkan's (GL buffers are memory objects too). */
  private readonly ownMemories = new Set<VkMemory>();
  /** The memory each successful map step mapped for the app: a pointer name's provenance (H5). */
  readonly appMaps = new AppMapSteps('vkMapMemory');
  /** Memories mapped with VK_MEMORY_MAP_PLACED_BIT_EXT now: vkUnmapMemory2 undoes the placement. */
  private readonly placedNow = new Set<VkMemory>();

  /** The memories with an app pointer now (see StrategyContext.appMapped). */
  private readonly appMapped = new AppMapped();
  private readonly ops = new Map<string, DriverOps>();
  private readonly contexts = new Map<string, StrategyContext>();
  /**
   * Memory property sets by their words, in the order written: most allocations name the same
   * few, and the sets are read-only. Compared word by word, without building a key per step.
   */
  private readonly propertySets: { readonly words: readonly string[]; readonly set: ReadonlySet<string> }[] =
    [];
  readonly strategy: Strategy;
  /** The fd each vkGetMemoryFdKHR step exported, by step: what its name stands for. */
  private readonly exports = new Map<number, OpenFile>();
  /** The same fds, with the BO each stands for: what `import FD` imports. */
  private readonly exportedBos = new Map<OpenFile, ExportedFd>();
  /** Exported fds a successful import took, with the memory that took each (importRefusal). */
  private readonly importedBy = new Map<OpenFile, VkMemory>();
  /** Calls made before the first step: the layer's and (see `devicesCreatedAfter`) the drivers' set-up. */
  setupCalls: readonly CallRecord[] = [];
  /**
   * Device creation run after the scenario's leading `reserve … preloaded` steps
   * (sim/device-creation-point.ts): the step after which it ran and its calls, which that step's
   * record holds. Undefined when it ran before step 1, with its calls in `setupCalls`.
   */
  devicesCreatedAfter: { readonly step: number; readonly calls: readonly CallRecord[] } | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly drivers: ReadonlyMap<string, DriverModel>,
  ) {
    for (const [name, model] of drivers)
      this.ops.set(name, new DriverOps(sim, model, this.sharedBoHeldElsewhere));
    this.strategy = STRATEGIES[sim.platform.strategy];
  }

  /**
   * Whether a shared BO outlives `memory`'s vkFreeMemory: a GEM object lives while any handle or
   * dma-buf references it (the exporter's and every importer's handle, an exported fd still
   * open), and its fake offset is freed only when it is destroyed (kernel/drm-offsets.ts close).
   * An fd an import took is closed (importFd), so it no longer counts.
   */
  private readonly sharedBoHeldElsewhere = (memory: VkMemory): boolean => {
    if (!sharesBo(memory) || memory.file === undefined) return false;
    const file = memory.file;
    const offset = memory.boOffset;
    for (const other of this.memories)
      if (other !== memory && !isFreed(other) && other.file === file && other.boOffset === offset)
        return true;
    for (const exported of this.exportedBos.values())
      if (exported.bo.file === file && exported.bo.offset === offset && this.sim.space.isOpen(exported.fd.fd))
        return true;
    return false;
  };

  /**
   * Set-up before step 1: the strategy's reservations, then device creation (internal mappings)
   * unless `devicesLater` (it then runs after the leading `reserve … preloaded` steps: createDevicesLater).
   */
  start(scenario: ScenarioNode, devicesLater = false): void {
    const sim = this.sim;
    sim.takeCalls(); // set-up starts with no calls
    // What the strategy or a driver finds at set-up is said where the set-up is written.
    sim.setupFindingRange = setupRange(scenario, undefined);
    this.strategy.start?.(sim);
    if (!devicesLater) this.createDevices(scenario);
    sim.setupFindingRange = undefined;
    this.setupCalls = listOf(sim.takeCalls());
  }

  /**
   * Device creation after the step just run (the last leading `reserve … preloaded` step): made
   * as at set-up, no step's (its mappings are set-up's, step -1, and what it finds is said at the
   * driver's block), so only when it runs differs. Returns its calls, for the step's record.
   */
  createDevicesLater(scenario: ScenarioNode): readonly CallRecord[] {
    const sim = this.sim;
    const { stepIndex, stepNode } = sim;
    sim.stepIndex = -1;
    sim.stepNode = undefined;
    this.createDevices(scenario);
    sim.setupFindingRange = undefined;
    sim.stepIndex = stepIndex;
    sim.stepNode = stepNode;
    const calls = listOf(sim.takeCalls());
    this.devicesCreatedAfter = { step: stepIndex, calls };
    return calls;
  }

  private createDevices(scenario: ScenarioNode): void {
    const sim = this.sim;
    if (this.usesVulkan())
      for (const ops of this.ops.values()) {
        sim.setupFindingRange = setupRange(scenario, ops.model);
        ops.start();
      }
  }

  private usesVulkan(): boolean {
    // Device creation is only modelled for scenarios that talk Vulkan at all.
    return (
      [...this.drivers.values()].some((d) => d.node !== undefined) || this.sim.platform.strategy !== 'none'
    );
  }

  /**
   * Memories are allocated at most one per step and in step order: a binary search over them
   * answers without a map entry per allocation.
   */
  memoryCreatedAt(step: number): VkMemory | undefined {
    const memories = this.memories;
    // Usually asked for the step that just ran, whose memory (if any) is the last one.
    const last = memories[memories.length - 1];
    if (last === undefined || last.allocStep < step) return undefined;
    if (last.allocStep === step) return last;
    let low = 0;
    let high = memories.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const memory = memories[middle]!;
      if (memory.allocStep === step) return memory;
      if (memory.allocStep < step) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** The fd the vkGetMemoryFdKHR at `step` exported, if it did. */
  exportedAt(step: number): OpenFile | undefined {
    return this.exports.get(step);
  }

  /** The same fd with whose buffer object it is and the import that took it (at the end of the run). */
  exportedFdAt(step: number): ExportedFdFacts | undefined {
    const file = this.exports.get(step);
    const exported = file && this.exportedBos.get(file);
    return exported && { ...exported, takenBy: this.importedBy.get(file!) };
  }

  opsFor(memory: VkMemory): DriverOps {
    return this.ops.get(memory.driver.name)!;
  }

  /** One context per driver, made on first use: its fields never change, and every Vulkan step needs one. */
  private context(memory: VkMemory): StrategyContext {
    const name = memory.driver.name;
    let context = this.contexts.get(name);
    if (context === undefined) {
      context = {
        sim: this.sim,
        ops: this.opsFor(memory),
        memories: this.memories,
        appMapped: this.appMapped,
      };
      this.contexts.set(name, context);
    }
    return context;
  }

  execute(
    step: StepNode,
    verb: string,
    actor: string,
    evaluateArg: (e: Expression, what: string, actor: string) => bigint | undefined,
    memoryArg: MemoryArg,
    fileArg?: FileArg,
  ): Outcome {
    if (verb === 'vkAllocateMemory') return this.allocate(step, actor, evaluateArg, fileArg);
    const named = memoryArg(step.args[0]);
    // A GL buffer is a memory object of the GL layer's: Vulkan calls do not take it.
    const memory = named && this.ownMemories.has(named) ? named : undefined;
    if (named && !memory) {
      this.sim.problems.push({
        code: 'wrong-kind',
        range: step.args[0]!,
        message: `\`${named.name}\` is an OpenGL buffer, not a Vulkan memory object: ${verb} does not take it`,
      });
      return NO_MEMORY_OUTCOME;
    }
    if (!memory) {
      if (!step.args[0])
        this.sim.problems.push({
          code: 'missing-argument',
          range: step.verb,
          message: `${verb} needs a memory object: \`${verb} mem\``,
        });
      return NO_MEMORY_OUTCOME;
    }
    if (isFreed(memory) && verb !== 'vkFreeMemory') {
      reportFreedMemory(this.sim, memory, `${verb} on ${memory.name}, which`);
      return notSimulated('the memory was freed');
    }
    const outcome = this.callOn(memory, step, verb, actor, evaluateArg);
    return verb === 'vkMapMemory' || verb === 'vkMapMemory2'
      ? noteMapAttempt(memory, outcome, this.sim.stepIndex)
      : outcome;
  }

  /** A call on a live memory object. */
  private callOn(
    memory: VkMemory,
    step: StepNode,
    verb: string,
    actor: string,
    evaluateArg: (e: Expression, what: string, actor: string) => bigint | undefined,
  ): Outcome {
    const ctx = this.context(memory);
    const offset = optionValue(step, 'offset', actor, evaluateArg) ?? 0n;
    const sizeOption = hasWord(step, 'whole') ? undefined : optionValue(step, 'size', actor, evaluateArg);
    switch (verb) {
      case 'vkMapMemory': {
        // The application's own call: its rules under vkMapMemory's names (00678–00682), before
        // anything the layer does for it. A call that breaks a core rule is not simulated further
        // (its behaviour is undefined), unless the layer answers a second map itself (brokenMap).
        const v = mapViolations(
          memory,
          memory.driver,
          {
            placed: hasWord(step, 'placed'),
            placedAddress: undefined,
            offset,
            size: sizeOption,
            legacyEntryPoint: true,
          },
          this.appMapped,
        );
        const broken = this.reportMapRules(memory, v);
        if (broken !== undefined) return this.brokenMap(ctx, memory, v, offset, sizeOption, broken);
        const size = sizeOption ?? memory.allocationSize - offset;
        this.sim.noteFormatted('app', vkMapMemoryText, { memory, offset, size: sizeOption }, '', true);
        const result = this.strategy.map(ctx, memory, offset, size);
        if (!result.ok) return { kind: 'vk', result: result.vkResult, reason: result.reason };
        memory.appPointer = result.pointer;
        memory.mapStep = this.sim.stepIndex;
        this.appMaps.note(this.sim.stepIndex, memory);
        memory.mapOffset = offset;
        memory.mapSize = size;
        this.appMapped.add(memory);
        memory.history.push(new FormattedEvent(this.sim.stepIndex, mappedForAppText, result.pointer));
        this.checkWindow(memory, result.pointer, size);
        return addressOutcome(result.pointer, this.sim.stepIndex);
      }
      case 'vkMapMemory2': {
        const address = optionValue(step, 'at', actor, evaluateArg);
        const isPlaced = hasWord(step, 'placed');
        // (With an extra word on the line, a misspelt `placed` most likely, that word is reported.)
        if (!isPlaced && address !== undefined && step.args.length <= 1)
          // The placed info (pPlacedAddress) is read only with VK_MEMORY_MAP_PLACED_BIT_EXT: valid,
          // but the driver ignores the address, which is surely not what was meant.
          this.sim.finding(
            'placed-address-ignored',
            '`at` gives pPlacedAddress, which the driver reads only with `placed` (VK_MEMORY_MAP_PLACED_BIT_EXT, vulkan-wine §1.1): the map goes wherever the driver puts it. Add `placed`, or drop `at`',
          );
        if (!isPlaced) {
          const v = mapViolations(
            memory,
            memory.driver,
            { placed: false, placedAddress: undefined, offset, size: sizeOption, legacyEntryPoint: false },
            this.appMapped,
          );
          const broken = this.reportMapRules(memory, v);
          this.sim.note(
            actor,
            `vkMapMemory2KHR(${memory.name}, offset=${formatHex(offset)}, size=${sizeOption === undefined ? 'VK_WHOLE_SIZE' : formatSize(sizeOption)})`,
            '',
            broken === undefined,
          );
          // As for vkMapMemory: a call that breaks a core rule is not simulated further.
          if (broken !== undefined)
            return { kind: 'vk', result: 'VK_ERROR_MEMORY_MAP_FAILED', reason: `the call breaks ${broken}` };
          const result = passThrough.map(ctx, memory, offset, sizeOption ?? memory.allocationSize - offset);
          if (!result.ok) return { kind: 'vk', result: result.vkResult, reason: result.reason };
          this.markMapped(memory, result.pointer, offset, sizeOption);
          return addressOutcome(result.pointer, this.sim.stepIndex);
        }
        const result = placeMap(ctx, memory, address ?? 0n, {
          offset,
          size: sizeOption,
          caller: actor,
        });
        if (!result.ok) return { kind: 'vk', result: result.vkResult, reason: result.reason };
        this.placedNow.add(memory);
        this.markMapped(memory, result.pointer, offset, sizeOption);
        return addressOutcome(result.pointer, this.sim.stepIndex);
      }
      case 'vkUnmapMemory': {
        if (memory.appPointer === undefined) {
          this.sim.finding(
            'vulkan-valid-usage',
            `VUID-vkUnmapMemory-memory-00689: ${memory.name} is not mapped${failedMapNote(memory.mapFailedStep)}`,
          );
          return notSimulated('the memory is not mapped');
        }
        this.sim.noteFormatted('app', vkUnmapMemoryText, memory.name, '', true);
        this.strategy.unmap(ctx, memory);
        this.markUnmapped(memory);
        return OK_OUTCOME;
      }
      case 'vkUnmapMemory2':
        return this.unmapMemory2(ctx, memory, hasWord(step, 'reserve'), actor);
      case 'vkFreeMemory': {
        if (isFreed(memory)) {
          this.sim.finding('use-after-free', `${memory.name} is freed twice`, [
            { range: memory.node, message: 'allocated here' },
          ]);
          return notSimulated('the memory is freed twice');
        }
        // The application's call first, then what the layer makes of it.
        this.sim.noteFormatted('app', vkFreeMemoryText, memory.name, '', true);
        if (memory.appPointer !== undefined) {
          // Freeing a mapped object implicitly unmaps it (vkFreeMemory spec).
          if (this.strategy.freeMapped) this.strategy.freeMapped(ctx, memory);
          else {
            this.strategy.unmap(ctx, memory);
            this.strategy.free(ctx, memory);
          }
          this.markUnmapped(memory);
        } else this.strategy.free(ctx, memory);
        memory.freedStep = this.sim.stepIndex;
        memory.history.push({ step: this.sim.stepIndex, text: 'freed' });
        return OK_OUTCOME;
      }
      case 'vkGetMemoryFdKHR':
        return this.exportFd(memory, step, actor);
      case 'vkFlushMappedMemoryRanges':
      case 'vkInvalidateMappedMemoryRanges': {
        // One VkMappedMemoryRange: its rules first (a range that breaks one is not simulated:
        // what the driver does with it is undefined), then the strategy syncs just that range.
        const violations = mappedRangeViolations(memory, offset, sizeOption);
        for (const x of violations)
          this.sim.finding(
            'vulkan-valid-usage',
            `${x.vuid}: ${x.message}${x.vuid.endsWith('-00684') ? failedMapNote(memory.mapFailedStep) : ''}`,
          );
        const flush = verb === 'vkFlushMappedMemoryRanges';
        const hasRange =
          optionExpression(step, 'offset') !== undefined || optionExpression(step, 'size') !== undefined;
        this.sim.noteFormatted(
          'app',
          flush ? vkFlushText : vkInvalidateText,
          hasRange
            ? `${memory.name}, offset=${formatHex(offset)}, size=${sizeOption === undefined ? 'VK_WHOLE_SIZE' : formatHex(sizeOption)}`
            : memory.name,
          '',
          violations.length === 0,
        );
        if (violations.length > 0) return notSimulated(`the range breaks ${violations[0]!.vuid}`);
        const range = resolveMappedRange(memory, offset, sizeOption);
        if (flush) this.strategy.flush(ctx, memory, range);
        else this.strategy.invalidate(ctx, memory, range);
        return OK_OUTCOME;
      }
    }
    return { kind: 'skipped', reason: `${verb} is not modelled` };
  }

  /**
   * vkUnmapMemory2 as the application calls it. Memory that is not mapped (07964, vkUnmapMemory's
   * 00689) is the core rule it can break: as for vkUnmapMemory, such a call is reported and not
   * simulated further, since its behaviour is undefined. 09579 and 09580 are reported and the
   * unmap goes on without the reservation (unplace). A RESERVE unmap may fail: the object then
   * stays host-mapped and the call returns VK_ERROR_MEMORY_MAP_FAILED (vulkan-wine §1.1).
   */
  private unmapMemory2(ctx: StrategyContext, memory: VkMemory, reserve: boolean, actor: string): Outcome {
    let notMapped = false;
    for (const x of unmapViolations(memory, memory.driver, reserve)) {
      const isNotMapped = x.vuid === UNMAP_NOT_MAPPED;
      notMapped ||= isNotMapped;
      this.sim.finding(
        'vulkan-valid-usage',
        `${x.vuid}: ${x.message}${isNotMapped ? failedMapNote(memory.mapFailedStep) : ''}`,
      );
    }
    const call = new CallSettledLater(actor, vkUnmapMemory2Text, { name: memory.name, reserve }, '');
    this.sim.noteCall(call);
    if (notMapped) {
      call.settle('', false);
      return notSimulated('the memory is not mapped');
    }
    const result = this.driverUnmap(ctx, memory, reserve);
    if (!result.ok) {
      call.settle(`= ${result.vkResult}`, false);
      return { kind: 'vk', result: result.vkResult, reason: result.reason };
    }
    this.markUnmapped(memory);
    return OK_OUTCOME;
  }

  /**
   * The driver's side of vkUnmapMemory2. A placed map is undone (munmap, or a reservation with
   * UNMAP_RESERVE). UNMAP_RESERVE keeps any map's range reserved, placed or not (vulkan-wine §1.1;
   * the CTS normal_unmap_reserve case): RADV and ANV map PROT_NONE over the BO's own pages (a pool
   * suballocation's pool stays mapped anyway). Any other unmap is the driver's own, as for
   * vkUnmapMemory (lavapipe's is a no-op: its pointer lives on).
   */
  private driverUnmap(ctx: StrategyContext, memory: VkMemory, reserve: boolean): UnmapOutcome {
    if (this.placedNow.has(memory)) {
      const result = unplace(ctx, memory, reserve);
      if (result.ok) this.placedNow.delete(memory);
      return result;
    }
    if (
      reserve &&
      memory.driver.placed.unmapReserve &&
      !memory.inPool &&
      !isHostImport(memory) // 09580: not the driver's mapping to reserve over
    )
      return unplace(
        ctx,
        memory,
        true,
        importedBoLength(memory.driver, memory, this.sim.pageSize) ??
          alignUp(memory.allocationSize, this.sim.pageSize),
      );
    passThrough.unmap(ctx, memory);
    return { ok: true };
  }

  /**
   * vkGetMemoryFdKHR: the memory's buffer object as a dma-buf or opaque fd (vulkan-wine §2: the
   * Android wrapper exports DMA_BUF; §3.6: Wine's GL interop exports OPAQUE_FD). The fd maps the
   * BO's own pages (AddressSpace.openExport); `vkAllocateMemory … import FD` imports it. drvmap
   * treats both handle types as the same kernel object, a choice: the facts name both but say
   * nothing of how they differ in the kernel.
   */
  private exportFd(memory: VkMemory, step: StepNode, actor: string): Outcome {
    const dmaBuf = hasWord(step, 'dma-buf');
    const handle = dmaBuf
      ? 'VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT'
      : 'VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT';
    const text = `vkGetMemoryFdKHR(${memory.name}, ${handle})`;
    if (!memory.properties.has('exportable')) {
      this.sim.finding(
        'vulkan-valid-usage',
        `VUID-VkMemoryGetFdInfoKHR-handleType-00671: ${memory.name} was allocated without VkExportMemoryAllocateInfo for this handle type: allocate it \`exportable\``,
        [{ range: memory.node, message: `${memory.name} allocated here` }],
      );
      this.sim.note(actor, text, '', false);
      return notSimulated('the memory is not exportable');
    }
    const bo = isHostImport(memory) ? undefined : this.opsFor(memory).boOf(memory);
    // A device BO with no room in the fake-offset space: the refused ioctl is the step's call,
    // and kernel-refused says so; it is not memory without a buffer object.
    if (bo === undefined && !isHostImport(memory) && memory.driver.backing !== 'anon')
      return notSimulated('the buffer object got no fake mmap offset (ENOSPC)');
    if (bo === undefined) {
      const why = isHostImport(memory)
        ? 'it is host memory the driver wraps (imported-host, or the external-memory-host strategy), not a buffer object of its own'
        : `${memory.driver.name} keeps memory in private anonymous pages (\`backing anon\`), which are no object another mapping can share`;
      this.sim.problems.push({
        code: 'wrong-kind',
        range: step.args[0] ?? step.verb,
        message: `${memory.name} has no buffer object to export: ${why}`,
      });
      return { ...notSimulated('no buffer object to export'), driverCannotShare: true };
    }
    const fdName = step.binding?.name;
    const file = this.sim.space.openExport(
      bo.file,
      bo.offset,
      alignUp(memory.allocationSize, this.sim.pageSize),
      `${memory.name}'s buffer object through ${dmaBuf ? 'dma-buf' : 'opaque'} fd ${fdName ?? ''}`.trimEnd(),
      this.opsFor(memory).cpuAccessRefusal(memory),
    );
    this.sim.note(actor, text, `= ${file.fd}`, true);
    this.exports.set(this.sim.stepIndex, file);
    this.exportedBos.set(file, {
      fd: file,
      bo,
      dmaBuf,
      memory,
    });
    memory.history.push({
      step: this.sim.stepIndex,
      text: `exported as fd ${file.fd} (${dmaBuf ? 'dma-buf' : 'opaque fd'})`,
    });
    return VK_SUCCESS_OUTCOME;
  }

  private allocate(
    step: StepNode,
    actor: string,
    evaluateArg: (e: Expression, what: string, actor: string) => bigint | undefined,
    fileArg: FileArg | undefined,
  ): Outcome {
    const sizeArg = step.args[0];
    if (!sizeArg || sizeArg.kind === 'string') {
      this.sim.problems.push({
        code: 'missing-argument',
        range: step.verb,
        message: 'vkAllocateMemory needs a size: `mem = vkAllocateMemory 16MiB host-visible coherent`',
      });
      return { kind: 'skipped', reason: 'no size' };
    }
    const size = evaluateArg(sizeArg, 'size', actor);
    if (size === undefined) return { kind: 'skipped', reason: 'no size' };
    const importOption = optionNamed(step, 'import');
    const zeroSize =
      size === 0n
        ? zeroSizeRefusal(hasWord(step, 'exportable'), !!importOption || hasWord(step, 'imported-host'))
        : undefined;
    if (zeroSize) return this.refuseAllocation(zeroSize, sizeArg);
    const driver = allocatingDriver(this.sim, this.drivers, step, true);
    if (!driver) return { kind: 'skipped', reason: 'no driver' };
    if (driver.noDeviceBecause !== undefined) return this.noDevice(driver, actor, size);
    const properties = this.propertiesOf(step);
    this.checkMemoryType(step, properties);
    const hostImport = properties.has('imported-host') ? hostImportRefusal(driver, size) : undefined;
    if (hostImport) return this.refuseAllocation(hostImport, sizeArg);
    const importFile = importOption ? fileArg?.(importOption.value) : undefined;
    if (importOption && !importFile) return { kind: 'skipped', reason: 'no fd to import' };
    const importedFrom = importFile ? this.exportedBos.get(importFile) : undefined;
    if (importFile && !importedFrom) {
      this.sim.problems.push({
        code: 'wrong-kind',
        range: importOption!.value ?? step.verb,
        message: `\`import\` takes an fd from \`vkGetMemoryFdKHR\`; fd ${importFile.fd} is a file from \`open\``,
      });
      return { kind: 'skipped', reason: 'not an exported fd' };
    }
    if (importedFrom && driver.backing === 'anon') {
      this.sim.problems.push({
        code: 'wrong-kind',
        range: importOption!.value ?? step.verb,
        message: `${driver.name} keeps memory in private anonymous pages (\`backing anon\`): it cannot map another driver's buffer object, so it cannot import one`,
      });
      return { kind: 'skipped', reason: 'the driver cannot import', driverCannotShare: true };
    }
    if (importedFrom && this.importRefusal(importedFrom, driver, size))
      return notSimulated('the import breaks valid usage');
    if (importedFrom && size === 0n) return this.refuseAllocation(zeroSizeImport('an fd import'), sizeArg);
    if (
      importedFrom &&
      importedFrom.dmaBuf &&
      refusesSmallerImport(driver) &&
      alignUp(size, this.sim.pageSize) > importedFrom.fd.sizeBytes
    ) {
      // No VUID bounds a DMA_BUF import's size, but the implementation "must perform sufficient
      // validation of external handles and payloads" so that using the memory "as allowed
      // according to its allocation parameters" corrupts no other resource, and fail the import
      // with VK_ERROR_INVALID_EXTERNAL_HANDLE otherwise (VkMemoryAllocateInfo); anv rejects a
      // dma-buf smaller than the aligned allocationSize. Without it a GPU access past the
      // buffer would reach whatever object follows it. NVK and RADV do not check (refusesSmallerImport).
      const result = 'VK_ERROR_INVALID_EXTERNAL_HANDLE';
      const reason = `the dma-buf (fd ${importedFrom.fd.fd}) is ${formatSize(importedFrom.fd.sizeBytes)}, smaller than the ${formatSize(size)} to import: the driver refuses a payload smaller than allocationSize`;
      this.sim.note(
        actor,
        () => `vkAllocateMemory(${formatSize(size)}, import fd ${importedFrom.fd.fd})`,
        `= ${result} (${reason})`,
        false,
      );
      return { kind: 'vk', result, reason };
    }
    const memory = newMemory({
      name: step.binding?.name ?? `memory@${this.sim.stepIndex + 1}`,
      node: step,
      driver,
      allocationSize: size,
      properties,
      step: this.sim.stepIndex,
      importedFrom,
      history: new FormattedEvent(this.sim.stepIndex, allocatedText, { size, driver: driver.name }),
    });
    this.memories.push(memory);
    this.ownMemories.add(memory);
    const call = new CallSettledLater('app', vkAllocateMemoryText, memory, '= VK_SUCCESS');
    this.sim.noteCall(call);
    const ops = this.opsFor(memory);
    ops.start();
    const failed = this.strategy.allocate(this.context(memory), memory);
    if (failed) {
      // No memory object exists: later uses of the name are uses of a failed result.
      call.settle(`= ${failed.vkResult}`, false);
      this.memories.pop();
      this.ownMemories.delete(memory);
      return { kind: 'vk', result: failed.vkResult, reason: failed.reason };
    }
    if (importFile) {
      // A successful import transfers ownership of the fd to the implementation
      // (VkImportMemoryFdInfoKHR; VK_KHR_external_memory_fd issue 1), and Mesa closes it at once
      // (RADV's radv_alloc_memory after buffer_from_fd): a later mmap of it is EBADF.
      this.importedBy.set(importFile, memory);
      this.sim.closeFile(importFile, `the import into ${memory.name} took it, and the driver closed it`);
    }
    return VK_SUCCESS_OUTCOME;
  }

  /** A vkAllocateMemory that breaks a rule of allocation-validity: reported, and no driver call runs. */
  private refuseAllocation(refusal: AllocationRefusal, sizeArg: Argument): Outcome {
    if (refusal.code === 'vulkan-valid-usage') {
      this.sim.finding(refusal.code, refusal.message);
      return notSimulated(refusal.why);
    }
    this.sim.problems.push({ code: refusal.code, range: sizeArg, message: refusal.message });
    return { kind: 'skipped', reason: refusal.why };
  }

  /**
   * vkAllocateMemory on a driver that has no device on this kernel (NVK before Linux 6.6,
   * model/nouveau-vm-bind.ts): the application never got one, so the call stands for all of
   * them failing. VK_ERROR_INCOMPATIBLE_DRIVER is what nvkmd_nouveau_try_create_pdev returned.
   */
  private noDevice(driver: DriverModel, actor: string, size: bigint): Outcome {
    this.ops.get(driver.name)?.start();
    const result = 'VK_ERROR_INCOMPATIBLE_DRIVER';
    const reason = `${driver.name} has no device on this kernel (nvkmd_nouveau_try_create_pdev: "NVK Requires a Linux kernel version 6.6 or later")`;
    this.sim.note(actor, () => `vkAllocateMemory(${formatSize(size)})`, `= ${result} (${reason})`, false);
    return { kind: 'vk', result, reason };
  }

  /**
   * Valid usage of VkImportMemoryFdInfoKHR the import breaks, reported; true if one is. 00670:
   * the fd must be a valid handle, and one a successful import took is not (the application
   * "must not perform any operations on the file descriptor after a successful import"). 01746:
   * an OPAQUE_FD imports only into the driver and device it came from (matching driverUUID and
   * deviceUUID, the spec's external memory handle types compatibility table); a DMA_BUF crosses
   * drivers (PRIME). drvmap takes two `driver` blocks for one driver and device only when they
   * name the same preset: vulkan-wine §3.6, Wine checks the device UUID before its GL route.
   * VkMemoryAllocateInfo 01742: an OPAQUE_FD import allocates the size its payload was made with.
   */
  private importRefusal(from: ExportedFd, driver: DriverModel, size: bigint): boolean {
    const takenBy = this.importedBy.get(from.fd);
    if (takenBy !== undefined) {
      this.sim.finding(
        'vulkan-valid-usage',
        `VUID-VkImportMemoryFdInfoKHR-handleType-00670: fd ${from.fd.fd} is no longer a valid handle: the import into ${takenBy.name} took it (a successful import transfers ownership of the fd to the implementation, which closes it; export again for a second import)`,
        [{ range: takenBy.node, message: `${takenBy.name} imported fd ${from.fd.fd} here` }],
      );
      return true;
    }
    if (!from.dmaBuf && !sameDriverAndDevice(from.memory.driver, driver)) {
      this.sim.finding(
        'vulkan-valid-usage',
        `VUID-VkImportMemoryFdInfoKHR-fd-01746: an OPAQUE_FD imports only into the driver and physical device it was exported from (driverUUID and deviceUUID must match); driver ${from.memory.driver.name} exported it and driver ${driver.name} imports it. Export it as \`dma-buf\` to share it across drivers`,
      );
      return true;
    }
    if (!from.dmaBuf && size !== from.memory.allocationSize) {
      this.sim.finding(
        'vulkan-valid-usage',
        `VUID-VkMemoryAllocateInfo-allocationSize-01742: an OPAQUE_FD import must allocate the allocationSize its payload was created with: fd ${from.fd.fd} holds ${formatSize(from.memory.allocationSize)}, and the import asks for ${formatSize(size)}`,
      );
      return true;
    }
    return false;
  }

  /**
   * `cached` or `coherent` without `host-visible` names no memory type (and `persistent` without
   * it names a map that cannot be made): the Vulkan spec allows
   * HOST_CACHED and HOST_COHERENT only together with HOST_VISIBLE (Memory Types, the list of
   * allowed propertyFlags combinations), so no driver exposes such a type. That list binds
   * implementations, not applications, so no VUID applies (vulkan-valid-usage would cite one);
   * the words are known ones (not unknown-word) and are not a driver's traits (not
   * conflicting-traits): the step lacks the word its others need, which is missing-argument,
   * with the fix that adds it. The memory is then simulated as written: not host-visible, so no
   * driver maps it (mapsAtAllocation, DriverOps.allocate).
   */
  private checkMemoryType(step: StepNode, properties: ReadonlySet<string>): void {
    // The set every allocation reads anyway: the step's Word nodes only for the report.
    if (
      properties.has('host-visible') ||
      !(properties.has('cached') || properties.has('coherent') || properties.has('persistent'))
    )
      return;
    const hostOnly = step.words.filter((w) => w.name === 'cached' || w.name === 'coherent');
    // `persistent` is no property bit but how the application maps the memory (H10): memory that
    // is not host-visible is never mapped, so it cannot stay mapped either.
    const persistent = step.words.find((w) => w.name === 'persistent');
    const first = hostOnly[0] ?? persistent;
    if (!first) return;
    const bits = hostOnly.map((w) => (w.name === 'cached' ? 'HOST_CACHED' : 'HOST_COHERENT')).join(' and ');
    const words = [...hostOnly, ...(persistent ? [persistent] : [])]
      .map((w) => `\`${w.name}\``)
      .join(' and ');
    const why = [
      ...(bits
        ? [`the spec allows ${bits} only together with HOST_VISIBLE, so no driver offers such a memory type`]
        : []),
      ...(persistent ? ['memory that is not HOST_VISIBLE is never mapped, so it cannot stay mapped'] : []),
    ].join('; ');
    this.sim.problems.push({
      code: 'missing-argument',
      range: first,
      message: `${words} without \`host-visible\`: ${why}. Add \`host-visible\` (the memory is simulated as device memory no one maps)`,
      fix: {
        kind: 'replace',
        title: 'Add `host-visible`',
        range: { start: first.start, end: first.start },
        text: 'host-visible ',
        preferred: true,
      },
    });
  }

  /** The step's property words as a set, shared with earlier steps that named the same words. */
  private propertiesOf(step: StepNode): ReadonlySet<string> {
    const known = this.propertySets;
    for (let i = 0; i < known.length; i++) if (sameWords(known[i]!.words, step)) return known[i]!.set;
    const words = step.words;
    const set = new Set(words.map((w) => w.name));
    this.propertySets.push({ words: words.map((w) => w.name), set });
    return set;
  }

  private markMapped(memory: VkMemory, pointer: bigint, offset: bigint, size: bigint | undefined): void {
    memory.appPointer = pointer;
    memory.mapStep = this.sim.stepIndex;
    // Only vkMapMemory2 maps here: a stale pointer's message names the call that gave it.
    this.appMaps.note(this.sim.stepIndex, memory, 'vkMapMemory2KHR');
    memory.mapOffset = offset;
    memory.mapSize = size ?? memory.allocationSize - offset;
    this.appMapped.add(memory);
    memory.history.push({ step: this.sim.stepIndex, text: `mapped at ${formatHex(pointer)}` });
  }

  private markUnmapped(memory: VkMemory): void {
    this.appMapped.remove(memory);
    memory.appPointer = undefined;
    memory.mapStep = undefined;
    // Not mapped now because of this unmap, whatever a map before it did.
    memory.mapFailedStep = undefined;
    memory.history.push({ step: this.sim.stepIndex, text: 'unmapped' });
  }

  /**
   * The result of an application's vkMapMemory that breaks core rule `broken` (reported). A layer
   * that answers a map of mapped memory itself (00678) hands its pointer back without calling the
   * driver (Strategy.mapAgain), whatever else the call breaks: Wine looks at nothing else first.
   * Otherwise the driver refuses it: VK_ERROR_MEMORY_MAP_FAILED, as NVK, ANV, PanVK and pvr do
   * for memory that is mapped ("Memory object already mapped.", nvk_MapMemory2KHR,
   * anv_MapMemory2KHR), and the call is not simulated further.
   */
  private brokenMap(
    ctx: StrategyContext,
    memory: VkMemory,
    violations: readonly Violation[],
    offset: bigint,
    size: bigint | undefined,
    broken: string,
  ): Outcome {
    const again = violations.some((x) => x.vuid === MAP_ALREADY_MAPPED)
      ? this.strategy.mapAgain?.(ctx, memory, offset)
      : undefined;
    if (again === undefined)
      return { kind: 'vk', result: 'VK_ERROR_MEMORY_MAP_FAILED', reason: `the call breaks ${broken}` };
    this.sim.noteFormatted('app', vkMapMemoryText, { memory, offset, size }, '', false);
    this.sim.note(
      'wine',
      `${memory.name} is mapped already (vm_map set): vkMapMemory returns vm_map + ${formatHex(offset)} without calling ${memory.driver.name}`,
      '= VK_SUCCESS',
      true,
    );
    // The mapping stays the first map's: one vkUnmapMemory ends it, and this pointer with it.
    return addressOutcome(again, this.sim.stepIndex);
  }

  /**
   * Reports the rules an application's map call breaks, and answers the first core rule among
   * them (undefined when none): such a call is not simulated further. The PLACED flag on
   * vkMapMemory (09568) is reported but does not stop the map.
   */
  private reportMapRules(memory: VkMemory, violations: readonly Violation[]): string | undefined {
    let broken: string | undefined;
    for (const x of violations) {
      this.sim.finding('vulkan-valid-usage', `${x.vuid}: ${x.message}`);
      if (!x.vuid.endsWith('-09568')) broken ??= x.vuid;
    }
    return broken;
  }

  /** A pointer handed to 32-bit code must lie inside the window: it sees only the low 32 bits. */
  private checkWindow(memory: VkMemory, pointer: bigint, size: bigint): void {
    const gets = outsideWindow(this.sim.platform, pointer, size);
    if (gets === undefined) return;
    const strategy = this.sim.platform.strategy;
    const escaped =
      strategy === 'hook-mmap'
        ? (this.opsFor(memory).escapeOf(memory) ?? hookMissText(this.opsFor(memory).hookMissOf(memory)))
        : strategy === 'mmap32' && !isHostImport(memory)
          ? box64MissedMapping(this.opsFor(memory).model)
          : undefined;
    // Wine refuses a pointer only when it has bits above 32 (vulkan-wine §3.3 step 5); one that
    // fits is handed over unchanged, and the window is what the process's 32-bit code expects.
    const consequence =
      pointer > 0xffff_ffffn && strategy === 'reserve-high'
        ? `. ${fexThunkHandOverText(truncate32(pointer))}, which points at ${this.describeAddress(truncate32(pointer))}`
        : pointer > 0xffff_ffffn
          ? `; truncated to 32 bits it is ${formatHex(truncate32(pointer))}, which points at ${this.describeAddress(truncate32(pointer))}, so a thunk that truncates sends 32-bit code to the wrong memory. With \`strategy ${this.sim.platform.strategy}\` the layer hands the pointer over as it is, and the step's result is that pointer; Wine's own vkMapMemory would refuse it with VK_ERROR_OUT_OF_HOST_MEMORY ("does not fit 32-bit pointer", vulkan-wine §3.3), as the placed strategy shows when it falls back to a direct map`
          : `. ${fitsButOutsideWindow(this.sim.platform, pointer, size)}${sentence(reserveHighTopText(this.sim.platform, pointer))}`;
    this.sim.finding(
      'pointer-outside-window',
      `${gets}${consequence}${escaped ? ` — ${escaped}` : ''}`,
      [{ range: memory.node, message: `${memory.name} allocated here` }],
      undefined,
      false,
      [pointer],
    );
  }

  private describeAddress(address: bigint): string {
    const vma = this.sim.space.vmaAt(this.sim.pageOf(address));
    if (!vma) return 'nothing mapped';
    return `${vma.label ?? 'a mapping'} of ${vma.owner}`;
  }

  /** `driver writes mem + off, len`: through the driver's cached pointer, or by the GPU. */
  driverAccess(
    actor: string,
    memory: VkMemory,
    offset: bigint,
    length: bigint,
    datum: number | undefined,
  ): Outcome {
    const verbText = datum === undefined ? 'reads' : 'writes';
    const refused = this.refuseDeviceAccess(actor, memory, offset, length, datum);
    if (refused) return refused;
    const pointer = cachedPointer(memory);
    if (pointer !== undefined) {
      const address = pointer + offset;
      const result =
        datum === undefined
          ? this.readThroughPointer(actor, address, length)
          : this.sim.write(actor, address, length, datum);
      // After the access (which changes no mapping), so that the report can say it faulted.
      this.checkStale(memory, address, result.ok ? undefined : result.signal);
      this.sim.note(
        actor,
        `${verbText} through its cached pointer ${formatHex(address)}, ${length}`,
        result.ok ? '' : `${result.signal} at ${formatHex(result.address)}`,
        result.ok,
      );
      if (!result.ok)
        return { kind: 'fault', signal: result.signal, address: result.address, reason: result.reason };
      return {
        kind: 'data',
        summary:
          datum === undefined ? `${result.segments.length} run(s)` : `${length} bytes via cached pointer`,
      };
    }
    // No CPU pointer: the GPU reads or writes the buffer object itself.
    return this.gpuAccess(actor, memory, offset, length, datum);
  }

  /**
   * `device writes mem + off, len`: the GPU (a shader, a copy engine) reaches the memory's pages
   * whatever the CPU mappings are (model/device-access.ts). A software driver (`backing anon`,
   * lavapipe) has no GPU: its rasterizer runs on the CPU and writes through the driver's own
   * mapping, so the device's access is the driver's, with what that pointer meets.
   */
  deviceAccess(
    step: StepNode,
    memory: VkMemory,
    offset: bigint,
    length: bigint,
    datum: number | undefined,
  ): Outcome {
    if (deviceIsCpu(memory.driver) && !isHostImport(memory))
      return this.driverAccess(memory.driver.name, memory, offset, length, datum);
    const refused = this.refuseDeviceAccess(DEVICE_ACTOR, memory, offset, length, datum);
    if (refused) return refused;
    return this.gpuAccess(DEVICE_ACTOR, memory, offset, length, datum);
  }

  /**
   * What a device access to a memory object checks first: the object exists (a freed one is
   * `use-after-free`) and the range lies in it (`access-fault`). An access that fails either is
   * reported and not carried out, as a CPU access that faults is not: the returned outcome says why.
   */
  private refuseDeviceAccess(
    actor: string,
    memory: VkMemory,
    offset: bigint,
    length: bigint,
    datum: number | undefined,
  ): Outcome | undefined {
    const verbText = datum === undefined ? 'reads' : 'writes';
    if (isFreed(memory)) {
      reportFreedMemory(this.sim, memory, `${actor} ${verbText} ${memory.name}, which`);
      return freedOutcome(memory);
    }
    if (offset + length > memory.allocationSize) {
      const kind = datum === undefined ? 'read' : 'write';
      this.sim.finding('access-fault', pastEndText(memory, `a ${kind} of ${length} bytes`, offset, kind));
      return { kind: 'skipped', reason: `the ${kind} runs past the end of ${memory.name} (not simulated)` };
    }
    return undefined;
  }

  /** The GPU reads or writes the buffer object itself: every CPU mapping of its pages shows it. */
  private gpuAccess(
    actor: string,
    memory: VkMemory,
    offset: bigint,
    length: bigint,
    datum: number | undefined,
  ): Outcome {
    const verbText = datum === undefined ? 'reads' : 'writes';
    const what = `GPU ${verbText} ${memory.name}+${formatHex(offset)}, ${length}`;
    if (datum !== undefined) {
      const views = deviceWrite(this.sim, memory, offset, length, datum);
      // Device memory keeps its contents unmapped: the next CPU mapping shows them.
      // An exported BO can be mapped through its fd (a dma-buf) without the driver: say so then.
      const seen =
        views.length > 0
          ? `seen at ${seenAt(views)}`
          : memory.file
            ? 'written into the buffer object: any mapping of it shows it'
            : 'kept in the buffer object; no CPU mapping shows it now';
      this.sim.note(actor, what, seen, true);
    } else {
      const segments = deviceRead(this.sim, memory, offset, length);
      this.sim.note(actor, what, describeSegments({ ok: true, segments, faults: 0 }, this.sim), true);
    }
    return { kind: 'data', summary: `GPU ${verbText}` };
  }

  /**
   * What the driver would read at `mem + offset` now (for expectations): its pointer, or the BO.
   * `at`: the expectation's address, where a warning about the read goes.
   */
  driverRead(
    actor: string,
    memory: VkMemory,
    offset: bigint,
    length: bigint,
    at?: TextRange,
  ): AccessResult | undefined {
    if (isFreed(memory)) return undefined; // nothing to read: the expectation says why
    const pointer = cachedPointer(memory);
    if (pointer !== undefined) return this.readThroughPointer(actor, pointer + offset, length, at);
    return { ok: true, segments: deviceRead(this.sim, memory, offset, length), faults: 0 };
  }

  /**
   * The driver's CPU read through its own pointer (a step's or an expectation's): a read like any
   * other, so a page `madvise … free` freed lazily there is `lazy-freed-read` (the driver may have
   * advised its own mapping: `madvise mem, …, free by lvp`). A GPU's read of the pages is not: it
   * goes through no CPU pointer, and reclaim never discards a page the device has pinned
   * (try_to_unmap_one keeps a lazily freed folio with references beyond its mappings).
   */
  private readThroughPointer(actor: string, address: bigint, length: bigint, at?: TextRange): AccessResult {
    const result = this.sim.read(actor, address, length);
    checkLazilyFreedRead(this.sim, actor, address, result, at);
    return result;
  }

  /** What the device would read at `mem + offset` now (`expect device reads mem …`). */
  deviceReadNow(memory: VkMemory, offset: bigint, length: bigint, at?: TextRange): AccessResult | undefined {
    if (deviceIsCpu(memory.driver) && !isHostImport(memory))
      return this.driverRead(memory.driver.name, memory, offset, length, at);
    if (isFreed(memory)) return undefined;
    return { ok: true, segments: deviceRead(this.sim, memory, offset, length), faults: 0 };
  }

  /**
   * For an expectation's read by the driver (`expect lvp reads mem …`): when it goes through a
   * cached pointer that no longer shows the memory, why, so a failed expectation says it; the
   * read itself is a probe, and stale-pointer is reported where the driver really uses it.
   */
  staleReadNote(memory: VkMemory): string | undefined {
    const address = cachedPointer(memory);
    if (address === undefined) return undefined;
    const stale = this.staleness(memory, address);
    if (stale === undefined) return undefined;
    const through = `through its cached pointer ${formatHex(address)}`;
    if (stale.vma === undefined) return `${through}, where nothing is mapped any more (H2)`;
    if (stale.emptiedBy)
      return `${through}, which ${stale.emptiedBy.call.actor}'s MREMAP_DONTUNMAP at step ${stale.emptiedBy.step + 1} left empty: it reads fresh memory, not ${memory.name}'s pages (H11)`;
    return `${through}, which no longer shows ${memory.name}: ${stale.vma.label ?? 'another mapping'} of ${stale.vma.owner} (step ${stale.vma.createdStep + 1}) is there (H2)`;
  }

  /**
   * Whether a driver's cached pointer still shows its memory: undefined when it does (or a
   * userfaultfd handler answers for the page, which uffd-snapshot-stale covers); otherwise what is
   * there now (no VMA: nothing) and the change that left it so.
   */
  private staleness(
    memory: VkMemory,
    address: bigint,
  ):
    | {
        vma: Vma | undefined;
        change: ReturnType<Simulation['lastChangeAt']>;
        emptiedBy: ReturnType<Simulation['lastChangeAt']>;
      }
    | undefined {
    const page = this.sim.pageOf(address);
    if (this.sim.space.userfaultfd.handlerAt(page)) return undefined;
    const vma = this.sim.space.vmaAt(page);
    if (vma === undefined) return { vma, change: this.sim.lastChangeAt(page), emptiedBy: undefined };
    const object = memory.driverObject;
    if (!object || vma.object.id === object.id || vma.anon?.id === object.id) return undefined;
    const change = this.sim.lastChangeAt(page);
    // An MREMAP_DONTUNMAP leaves its source range empty (H11): its call says so with an
    // `emptied` effect on the page, whichever of its effects lastChangeAt met first.
    const emptied = change?.call.effects.some((e) => e.kind === 'emptied' && changesPages(e, page, page + 1));
    return { vma, change, emptiedBy: emptied ? change : undefined };
  }

  /**
   * The driver uses a pointer it cached: is its mapping still what it was (H2, H11)? `fault`: the
   * signal the access got, when it faulted.
   */
  private checkStale(memory: VkMemory, address: bigint, fault: string | undefined): void {
    const stale = this.staleness(memory, address);
    if (stale === undefined) return;
    const made = memory.driverMapStep !== undefined ? this.sim.stepRange(memory.driverMapStep) : undefined;
    const related = made ? [{ range: made, message: `${memory.driver.name} cached this pointer here` }] : [];
    const { vma, change, emptiedBy } = stale;
    if (vma === undefined) {
      const cause = emptiedAt(memory, change);
      this.sim.finding(
        'stale-pointer',
        `${memory.driver.name} uses its cached pointer ${formatHex(address)}, but nothing is mapped there any more${cause ? ` (step ${cause.step + 1}: ${cause.text})` : ''}: the access faults (H2)`,
        [
          ...related,
          ...(cause ? [{ range: this.sim.stepRange(cause.step) ?? memory.node, message: cause.here }] : []),
        ],
        undefined,
        fault !== undefined,
        [address],
      );
      return;
    }
    const changeRange = change ? this.sim.stepRange(change.step) : undefined;
    let detail: string;
    if (emptiedBy) {
      detail = `${emptiedBy.call.actor}'s MREMAP_DONTUNMAP at step ${emptiedBy.step + 1} moved the pages away and left this range empty: the ${memory.driver.backing === 'anon' ? 'access lands in fresh zero-filled memory' : 'access lands in memory'} that 32-bit code never sees (H11)`;
    } else if (change?.effect.kind === 'replaced') {
      detail = `${change.call.actor} replaced the mapping at step ${change.step + 1}; ${vma.label ?? 'another mapping'} of ${vma.owner} is there now`;
    } else {
      detail = `${vma.label ?? 'another mapping'} of ${vma.owner} (step ${vma.createdStep + 1}) is there now`;
    }
    this.sim.finding(
      'stale-pointer',
      `${memory.driver.name} uses its cached pointer ${formatHex(address)} for ${memory.name}, but ${detail}${fault !== undefined ? `: the access faults (${fault})` : ''}`,
      [
        ...related,
        ...(changeRange
          ? [{ range: changeRange, message: 'the pages left here' }]
          : this.sim.madeAt(vma, 'what is there now was made here')),
      ],
      undefined,
      fault !== undefined,
      [address],
    );
  }

  /** An access through a pointer a vkMapMemory gave, after that mapping ended (H5). */
  checkPointerAfterUnmap(use: StalePointerUse): void {
    const memory = this.appMaps.ended(use);
    if (memory) this.appMaps.report(this.sim, memory, use, this.appMapped.inOrder);
  }

  /** 32-bit code touching an address it cannot hold. */
  noteAppAccess(
    step: StepNode,
    actor: string,
    address: bigint,
    length: bigint,
    kind: 'read' | 'write',
    fault: string | undefined,
  ): void {
    if (actor !== 'app') return;
    const { start, end } = this.sim.platform.window;
    if (address >= start && address + length <= end) return;
    const window = `the window ${formatHex(start)}..${formatHex(end)}`;
    // Above 4 GiB the access went to the truncated address: when that faulted, this says so, and
    // access-fault need not report the same access again.
    const truncated = address > 0xffff_ffffn;
    const faults = truncated && fault !== undefined;
    // An access that starts inside the window and runs past its end: the part outside starts at
    // the window's end, and that address is the one the reasons are about.
    const startsInside = address >= start && address < end;
    // One that starts below the window and runs into it: only its head is outside, and the reason
    // is about the window's start.
    const runsIn = address < start && address + length > start;
    const outside = startsInside ? end : address;
    const where = startsInside
      ? `${formatHex(address)}..${formatHex(address + length)}, which starts inside ${window} and runs past its end: its last ${formatSize(address + length - end)} (${formatHex(end)}..${formatHex(address + length)}) lie outside`
      : runsIn
        ? `${formatHex(address)}..${formatHex(address + length)}, which starts below ${window} and runs into it: its first ${formatSize(start - address)} (${formatHex(address)}..${formatHex(start)}) lie outside`
        : `${formatHex(address)}, outside ${window}`;
    // What the truncated access reached instead: another mapping, silently, is the harm.
    const reached = truncated ? this.sim.space.vmaAt(this.sim.pageOf(truncate32(address))) : undefined;
    const reachedName = reached?.label ?? 'that mapping';
    const instead = faults
      ? `: the access faults (${fault})`
      : reached
        ? `, which is in ${reached.label ?? 'a mapping'} of ${reached.owner}: ${kind === 'write' ? `${reachedName} is silently overwritten` : `it reads ${reachedName}'s bytes, not those at the address it was given`}`
        : '';
    this.sim.finding(
      'pointer-outside-window',
      truncated
        ? `32-bit code cannot hold ${formatHex(address)}, outside ${window}: it keeps only the low 32 bits, so it ${kind}s ${formatHex(truncate32(address))} instead${instead}`
        : startsInside && address + length > FOUR_GIB
          ? // A window set to end at 4 GiB: the bytes past it have no 32-bit address at all.
            `32-bit code ${kind}s ${where}: ${beyondFourGibText()}`
          : `32-bit code ${kind}s ${where}: ${startsInside || runsIn ? 'the addresses fit' : 'the address fits'} in 32 bits, but this process's 32-bit code is not given addresses there${notGivenReason(this.sim.platform, outside)}${sentence(reserveHighTopText(this.sim.platform, outside))}`,
      reached && !faults
        ? this.sim.madeAt(reached, `${reached.owner} made the mapping it ${kind}s here`)
        : [],
      step,
      faults,
      // The mapping the scenario's address is in, and, above 4 GiB, whatever the access reached.
      truncated ? [address, truncate32(address)] : [address],
    );
  }
}

/**
 * The pointer a driver reaches its memory through, when it has one: a driver that caches its
 * pointer, or whose memory is its own anonymous pages, uses its mapping rather than the GPU.
 */
function cachedPointer(memory: VkMemory): bigint | undefined {
  const driver = memory.driver;
  return keepsPointer(driver, sharesBo(memory)) ? memory.driverPointer : undefined;
}

/** The hook found no room in the window for the mapping (DriverOps.hookMissOf), said after the finding's ` — `. */
function hookMissText(why: string | undefined): string | undefined {
  return why === undefined ? undefined : `the hook found no room for it in the window: ${why}`;
}

/**
 * Where a device write shows: one address as it is; several (an alias, a range a remap strategy
 * moved, beside the driver's own) each with whose mapping it is, so none is taken for the only one.
 */
function seenAt(views: readonly CpuView[]): string {
  if (views.length === 1) return formatHex(views[0]!.address);
  const named = views.map((v) => `${formatHex(v.address)} (${v.owner})`);
  return `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]!}`;
}

/**
 * The step that left a driver's cached pointer with nothing mapped, for stale-pointer to name:
 * the last call that changed its page when that was an unmap of something there (the driver's
 * own `munmap mem, … by radv`, or anyone's), else the move that took the memory's pages away.
 */
function emptiedAt(
  memory: VkMemory,
  change: ReturnType<Simulation['lastChangeAt']>,
): { step: number; text: string; here: string } | undefined {
  if (change?.effect.kind === 'unmapped' && change.effect.victims.length > 0) {
    const actor = change.call.actor;
    return { step: change.step, text: `${actor} unmapped it`, here: `${actor} unmapped it here` };
  }
  const moved = memory.history.filter((h) => h.kind === 'moved').pop();
  return moved && { step: moved.step, text: moved.text, here: 'the mapping left here' };
}

/** The outcome of an access to freed memory, which its caller has reported (reportFreedMemory): nothing to access. */
function freedOutcome(memory: VkMemory): Outcome {
  return { kind: 'skipped', reason: `${memory.name} was freed` };
}

/**
 * A call that breaks a valid-usage rule the layer cannot get past (its behaviour is undefined):
 * reported, and not simulated. No VkResult is made up for it, and vkUnmapMemory and vkFreeMemory
 * return none anyway.
 */
function notSimulated(why: string): Extract<Outcome, { kind: 'skipped' }> {
  return { kind: 'skipped', reason: `${why}, which breaks a valid-usage rule (not simulated)` };
}

/**
 * Whether two drivers are one driver on one physical device, as OPAQUE_FD import needs: the same
 * `driver` block, or two naming the same preset.
 */
function sameDriverAndDevice(a: DriverModel, b: DriverModel): boolean {
  if (a === b) return true;
  const preset = a.traitSources.get('preset')?.words[0]?.name;
  return preset !== undefined && preset === b.traitSources.get('preset')?.words[0]?.name;
}
