// `use-after-free` for a step that reaches a memory object vkFreeMemory ended: the device or a
// driver reading or writing it, or a driver's syscall on its own address of it. One text and
// one pointer to the free step, read from the memory's freedStep (not from its history's words).
import type { Simulation } from '../sim/simulation';
import type { TextRange } from '../syntax/text-range';
import type { VkMemory } from './vk-memory';

/**
 * Reports the use of freed `memory`. `lead` says who reached for it and ends where the sentence
 * goes on with "was freed at step N" (`lvp writes mem, which`); `at`: the step by default.
 */
export function reportFreedMemory(sim: Simulation, memory: VkMemory, lead: string, at?: TextRange): void {
  const step = memory.freedStep;
  sim.finding(
    'use-after-free',
    `${lead} was freed${step !== undefined ? ` at step ${step + 1}` : ''}: the memory object no longer exists`,
    step !== undefined
      ? [{ range: sim.stepRange(step) ?? memory.node, message: `${memory.name} freed here` }]
      : [],
    at,
  );
}
