// `alias-exposes-neighbours`: an alias is made of whole pages, so whatever else lies in the pages
// that hold the mapped range — other suballocations of the driver's pool (H1) — becomes readable
// and writable from 32-bit code. Both alias primitives are page granular: macOS mach_vm_remap
// (CrossOver 32on64, facts vulkan-wine §6) and Linux mremap(old_size = 0), which duplicates whole
// pages of a shared mapping (linux-mm §3.8). Facts vulkan-wine §4 H1: "flag any remap of a
// sub-page or slab-child object".
import { formatHex, formatSize } from '../../numbers';
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

/** Reports the other live memory objects in the alias's pages, naming the primitive that made it. */
export function reportAliasNeighbours(
  ctx: StrategyContext,
  memory: VkMemory,
  alias: AliasPages,
  primitive: 'mach_vm_remap' | 'mremap(old_size = 0)',
): void {
  const { pointer, size, base, low } = alias;
  const end = base + alias.length;
  const before = pointer - base;
  const after = end - (pointer + size);
  // Pages that hold nothing but the mapped range expose nothing else: no scan of every memory
  // object per map (a scenario of page-multiple maps was quadratic). Live objects that share the
  // range itself are the driver's reuse, which its own rules report.
  if (before === 0n && after === 0n) return;
  const neighbours: string[] = [];
  const related = [];
  for (const other of ctx.memories) {
    if (other === memory || isFreed(other) || other.driverPointer === undefined) continue;
    const start = other.driverPointer;
    const stop = start + other.allocationSize;
    if (stop <= base || start >= end) continue;
    const from = start > base ? start : base;
    const to = stop < end ? stop : end;
    neighbours.push(
      `${other.name} (${formatSize(to - from)} at ${formatHex(low + (from - base))}..${formatHex(low + (to - base))})`,
    );
    related.push({ range: other.node, message: `${other.name} allocated here, in the same pages` });
  }
  if (neighbours.length === 0) return;
  ctx.sim.finding(
    'alias-exposes-neighbours',
    `${primitive} is page granular: the alias of ${memory.name} covers ${formatHex(base)}..${formatHex(end)} (${formatSize(before)} before it and ${formatSize(after)} after it), so 32-bit code can read and write ${neighbours.join(', ')} through the low alias`,
    related,
    undefined,
    false,
    [low],
  );
}
