// H5 for the application's own pointers: 32-bit code using a pointer a map call gave after the
// memory was unmapped or freed. Vulkan (vkMapMemory) and OpenGL (glMapBufferRange) report it the
// same way: what ended the mapping, and what the address is now.
import { formatHex } from '../numbers';
import type { Simulation } from '../sim/simulation';
import type { TextRange } from '../syntax/text-range';
import type { VkMemory } from './vk-memory';

export interface StalePointerUse {
  readonly actor: string;
  readonly kind: 'read' | 'write';
  /** The address the actor reached: for 32-bit code the low 32 bits of `named`. */
  readonly address: bigint;
  /** The address the scenario named. */
  readonly named: bigint;
  /** The step whose map call gave the pointer. */
  readonly mapStep: number;
  /** The signal when the access faulted. */
  readonly fault: string | undefined;
  /** Where to report it when not on the current step: an `expect … reads` line. */
  readonly at?: TextRange;
}

/**
 * Which step's map call gave 32-bit code a pointer into which object: the provenance an access
 * through a named pointer is checked against. One per API layer (VulkanLayer, GlLayer).
 */
export class AppMapSteps {
  private readonly byStep = new Map<number, VkMemory>();
  /** The steps whose map was another call than `mapCall` (glMapBuffer), with that call. */
  private readonly otherCalls = new Map<number, string>();

  /** `mapCall`: the call that gives the pointers, for the message (vkMapMemory, glMapBufferRange). */
  constructor(private readonly mapCall: string) {}

  /** `call`: the map call of this step, when it is not `mapCall`. */
  note(step: number, memory: VkMemory, call?: string): void {
    this.byStep.set(step, memory);
    if (call !== undefined && call !== this.mapCall) this.otherCalls.set(step, call);
  }

  /** Whether any step mapped memory for 32-bit code: raw scenarios skip the check altogether. */
  get any(): boolean {
    return this.byStep.size > 0;
  }

  has(step: number): boolean {
    return this.byStep.has(step);
  }

  /**
   * The memory `use` reaches through a pointer whose map has ended, or undefined (every access
   * through a live pointer comes here first, so this is all it costs).
   */
  ended(use: StalePointerUse): VkMemory | undefined {
    const memory = this.byStep.get(use.mapStep);
    return memory === undefined || memory.mapStep === use.mapStep ? undefined : memory;
  }

  /** Reports `use` of `memory` (from `ended`). `mappedNow`: what 32-bit code has mapped now. */
  report(sim: Simulation, memory: VkMemory, use: StalePointerUse, mappedNow: readonly VkMemory[]): void {
    reportPointerAfterUnmap(sim, memory, this.otherCalls.get(use.mapStep) ?? this.mapCall, use, mappedNow);
  }
}

/**
 * Reports `use` when `memory` (mapped at `use.mapStep` by `mapCall`) is no longer mapped by that
 * map. `mappedNow`: the objects 32-bit code has mapped now, to say whose the address is.
 */
function reportPointerAfterUnmap(
  sim: Simulation,
  memory: VkMemory,
  mapCall: string,
  use: StalePointerUse,
  mappedNow: readonly VkMemory[],
): void {
  const { actor, kind, address, named, mapStep, fault, at } = use;
  const after = (text: string) => memory.history.find((e) => e.step > mapStep && e.text === text);
  const unmapped = after('unmapped');
  const freed = after('freed');
  // vkFreeMemory of mapped memory unmaps it in the same step: say freed once.
  const ends = [
    ...(unmapped && unmapped.step !== freed?.step ? [{ event: unmapped, what: 'unmapped' }] : []),
    ...(freed ? [{ event: freed, what: 'freed' }] : []),
  ];
  const owner = mappedNow.find(
    (m) => m.appPointer !== undefined && address >= m.appPointer && address < m.appPointer + m.mapSize,
  );
  const now =
    owner === undefined
      ? ''
      : owner === memory
        ? `; it is mapped again at step ${(owner.mapStep ?? 0) + 1} at this address, which ${mapCall.startsWith('gl') ? 'OpenGL' : 'Vulkan'} does not promise`
        : `: the address is ${owner.name}'s now (mapped at step ${(owner.mapStep ?? 0) + 1}), so the access reaches another object`;
  sim.finding(
    'use-after-free',
    `${actor} ${kind}s ${formatHex(address)}${windowClause(sim, actor, named, address)} through the pointer ${mapCall} gave for ${memory.name} at step ${mapStep + 1}, but ${memory.name} was ${ends.map((e) => `${e.what} at step ${e.event.step + 1}`).join(' and ') || 'unmapped'}${now}${fault !== undefined ? `: the access faults (${fault})` : ''} (H5)`,
    [
      { range: sim.stepRange(mapStep) ?? memory.node, message: `${memory.name} mapped here` },
      ...ends.map((e) => ({
        range: sim.stepRange(e.event.step) ?? memory.node,
        message: `${memory.name} ${e.what} here`,
      })),
    ],
    at,
    fault !== undefined,
    [address],
  );
}

/**
 * Where 32-bit code's address lies when it is outside its window: said here, in the one report of
 * the access, rather than by a second (pointer-outside-window) error for it.
 */
function windowClause(sim: Simulation, actor: string, named: bigint, address: bigint): string {
  if (actor !== 'app') return '';
  const { start, end } = sim.platform.window;
  const window = `the window ${formatHex(start)}..${formatHex(end)}`;
  if (named !== address)
    return ` (32-bit code cannot hold ${formatHex(named)}, outside ${window}: it keeps only the low 32 bits)`;
  return address >= start && address < end ? '' : ` (outside ${window})`;
}
