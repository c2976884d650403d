// `expect m == VK_SUCCESS`: a Vulkan call that succeeded returned VK_SUCCESS, whatever its step's
// result shows (the memory object, the pointer vkMapMemory hands over, the fd). The trace writes
// `= VK_SUCCESS` for it, so the expectation must agree — and a failed `expect m == VK_ERROR_…`
// says `m is VK_SUCCESS`. A raw syscall or a GL call never returns a VkResult, and neither do the
// Vulkan commands declared `void` (comparing them with any VkResult is wrong-kind).
import { canonicalVerb, VERB_BY_NAME } from '../language/vocabulary';
import { isFailedOutcome } from './outcome';
import type { StepRecord } from './records';

/** Vulkan commands whose C prototype returns `void`, not a VkResult (Vulkan spec, their prototypes). */
const VOID_VULKAN_VERBS: ReadonlySet<string> = new Set(['vkUnmapMemory', 'vkFreeMemory']);

/**
 * How a step stands against `VK_SUCCESS`: `success` (a VkResult-returning Vulkan call that
 * succeeded), `other` (it failed or did not run, or the step is no Vulkan call), or `void` (a
 * Vulkan command that returns nothing to compare).
 */
export function vkSuccessOf(record: StepRecord): 'success' | 'other' | 'void' {
  const verb = canonicalVerb(record.node.verbName);
  if (!verb.startsWith('vk') || VERB_BY_NAME.get(verb)?.family !== 'vulkan') return 'other';
  if (VOID_VULKAN_VERBS.has(verb)) return 'void';
  const outcome = record.outcome;
  return outcome.kind !== 'skipped' && !isFailedOutcome(outcome) ? 'success' : 'other';
}
