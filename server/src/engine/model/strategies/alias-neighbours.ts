// `alias-exposes-neighbours`: an alias is made of whole pages, so whatever else lies in the pages
// that hold the mapped range — other suballocations of the driver's pool (H1) — becomes readable
// and writable from 32-bit code. Both alias primitives are page granular: macOS mach_vm_remap
// (CrossOver 32on64, facts vulkan-wine §6) and Linux mremap(old_size = 0), which duplicates whole
// pages of a shared mapping (linux-mm §3.8). Facts vulkan-wine §4 H1: "flag any remap of a
// sub-page or slab-child object". The pages stay aliased while the map lasts, so a suballocation
// the pool makes in them later is exposed as much as one made before (reportAllocationInAlias).
import { formatHex, formatSize } from '../../numbers';
import type { Simulation } from '../../sim/simulation';
import type { RelatedInformation } from '../../diagnostics';
import { isFreed, type VkMemory } from '../vk-memory';
import type { StrategyContext } from './strategy';

/** The alias made for one map: the mapped range in the driver's mapping, and the pages duplicated. */
export interface AliasPages {
  /** The driver's pointer to the mapped range, and its size. */
  readonly pointer: bigint;
  readonly size: bigint;
  /** The first duplicated page in the driver's mapping, and how many bytes of pages. */
  readonly base: bigint;
  readonly length: bigint;
  /** Where the alias of `base` is, in the window. */
  readonly low: bigint;
}

type Primitive = 'mach_vm_remap' | 'mremap(old_size = 0)';

/** An alias with room for other objects in its pages, while its map lasts. */
interface LiveAlias {
  readonly alias: AliasPages;
  readonly primitive: Primitive;
  /** The step that made it. */
  readonly step: number;
}

/**
 * Per simulation, the live aliases whose pages hold more than the mapped range: only those can
 * take in a later suballocation, so an allocation checks these, not every memory object.
 */
const LIVE = new WeakMap<Simulation, Map<VkMemory, LiveAlias>>();

/**
 * Reports the other live memory objects in the alias's pages, naming the primitive that made it,
 * and remembers the alias until forgetAlias, for reportAllocationInAlias.
 */
export function reportAliasNeighbours(
  ctx: StrategyContext,
  memory: VkMemory,
  alias: AliasPages,
  primitive: Primitive,
): void {
  const { pointer, size, base } = alias;
  const end = base + alias.length;
  // Pages that hold nothing but the mapped range expose nothing else: no scan of every memory
  // object per map (a scenario of page-multiple maps was quadratic). Live objects that share the
  // range itself are the driver's reuse, which its own rules report.
  if (pointer === base && pointer + size === end) return;
  let live = LIVE.get(ctx.sim);
  if (!live) LIVE.set(ctx.sim, (live = new Map()));
  live.set(memory, { alias, primitive, step: ctx.sim.stepIndex });
  const neighbours: string[] = [];
  const related: RelatedInformation[] = [];
  for (const other of ctx.memories) {
    if (other === memory) continue;
    const shown = exposedText(other, alias);
    if (shown === undefined) continue;
    neighbours.push(shown);
    related.push({ range: other.node, message: `${other.name} allocated here, in the same pages` });
  }
  if (neighbours.length === 0) return;
  ctx.sim.finding(
    'alias-exposes-neighbours',
    `${coverText(memory, alias, primitive)}, so 32-bit code can read and write ${neighbours.join(', ')} through the low alias`,
    related,
    undefined,
    false,
    [alias.low],
  );
}

/**
 * At vkAllocateMemory: a suballocation that lands in pages a live alias duplicates (a pool slot
 * after the aliased one, or a freed slot reused) is exposed to 32-bit code from then on, as one
 * made before the map is. Reported at the allocation, with where the alias was made.
 */
export function reportAllocationInAlias(ctx: StrategyContext, memory: VkMemory): void {
  const live = LIVE.get(ctx.sim);
  if (!live || memory.driverPointer === undefined) return;
  for (const [owner, entry] of live) {
    // Only while the alias is the owner's current map (the alias strategy's unmap forgets it;
    // a layer that ends an alias its own way clears windowRange).
    if (owner === memory || isFreed(owner) || owner.windowRange?.start !== entry.alias.low) continue;
    const shown = exposedText(memory, entry.alias);
    if (shown === undefined) continue;
    const made = ctx.sim.stepRange(entry.step);
    ctx.sim.finding(
      'alias-exposes-neighbours',
      `${memory.name} lands in pages aliased into the window at step ${entry.step + 1}: ${coverText(owner, entry.alias, entry.primitive)}, so 32-bit code can read and write ${shown} through the low alias`,
      made ? [{ range: made, message: `the alias of ${owner.name} was made here` }] : [],
      undefined,
      false,
      [entry.alias.low],
    );
  }
}

/** The alias of `memory` is gone (its unmap): later allocations are no longer exposed by it. */
export function forgetAlias(ctx: StrategyContext, memory: VkMemory): void {
  LIVE.get(ctx.sim)?.delete(memory);
}

/** `primitive is page granular: the alias of NAME covers …`, the start of both findings. */
function coverText(memory: VkMemory, alias: AliasPages, primitive: Primitive): string {
  const end = alias.base + alias.length;
  const before = alias.pointer - alias.base;
  const after = end - (alias.pointer + alias.size);
  return `${primitive} is page granular: the alias of ${memory.name} covers ${formatHex(alias.base)}..${formatHex(end)} (${formatSize(before)} before it and ${formatSize(after)} after it)`;
}

/** The part of `other` the alias's pages hold, as the finding names it, or undefined for none. */
function exposedText(other: VkMemory, alias: AliasPages): string | undefined {
  if (isFreed(other) || other.driverPointer === undefined) return undefined;
  const { base, low } = alias;
  const end = base + alias.length;
  const start = other.driverPointer;
  const stop = start + other.allocationSize;
  if (stop <= base || start >= end) return undefined;
  const from = start > base ? start : base;
  const to = stop < end ? stop : end;
  return `${other.name} (${formatSize(to - from)} at ${formatHex(low + (from - base))}..${formatHex(low + (to - base))})`;
}
