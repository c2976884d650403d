// The memory objects 32-bit code has mapped now. Reports list them in allocation order; the
// placed-map overlap check (VUID 09578) asks which of them a range overlaps, on every placed map,
// so they are also kept sorted by where their host mapping starts: a scan of all of them made a
// scenario with thousands of live maps quadratic.
import { firstIndex } from '../first-index';
import type { VkMemory } from './vk-memory';

/** What the overlap check needs: the mapped objects whose host mapping meets [start, end). */
export interface MappedRanges {
  overlapping(start: bigint, end: bigint): readonly VkMemory[];
}

const NONE: readonly VkMemory[] = [];

export const NO_MAPPED_RANGES: MappedRanges = { overlapping: () => NONE };

/**
 * The host's mapping of a mapped object: Wine's placed map covers the whole object at its
 * reservation (offset 0, VK_WHOLE_SIZE, vulkan-wine §3.3), whatever sub-range 32-bit code asked
 * for; otherwise what 32-bit code got.
 */
export function hostRangeOf(memory: VkMemory): { start: bigint; end: bigint } | undefined {
  if (memory.appPointer === undefined) return undefined;
  const placedByWine = memory.windowRange !== undefined && memory.driverPointer === memory.windowRange.start;
  const start = placedByWine ? memory.driverPointer! : memory.appPointer;
  return { start, end: start + (placedByWine ? memory.allocationSize : memory.mapSize) };
}

interface Entry {
  readonly start: bigint;
  readonly memory: VkMemory;
}

export class AppMapped implements MappedRanges {
  /** In allocation order. */
  readonly inOrder: VkMemory[] = [];
  private readonly members = new Set<VkMemory>();
  /** By host start, as it was when the object was mapped (it does not move while mapped). */
  private readonly byStart: Entry[] = [];
  /** The start each member was filed under in `byStart`. */
  private readonly filedAt = new Map<VkMemory, bigint>();
  /** The longest host mapping added: no entry starting `longest` or more before a range reaches it. */
  private longest = 0n;

  has(memory: VkMemory): boolean {
    return this.members.has(memory);
  }

  /** Adds a mapped object, once its app pointer and map size are set. */
  add(memory: VkMemory): void {
    if (this.members.has(memory)) return;
    this.members.add(memory);
    // By hand rather than by splice, which makes an array of what it removed on every call.
    const mapped = this.inOrder;
    let at = mapped.length;
    while (at > 0 && mapped[at - 1]!.allocStep > memory.allocStep) at--;
    mapped.push(memory);
    for (let i = mapped.length - 1; i > at; i--) mapped[i] = mapped[i - 1]!;
    mapped[at] = memory;
    const range = hostRangeOf(memory);
    if (!range) return;
    if (range.end - range.start > this.longest) this.longest = range.end - range.start;
    this.filedAt.set(memory, range.start);
    this.byStart.splice(this.firstStartingAtOrAbove(range.start), 0, { start: range.start, memory });
  }

  remove(memory: VkMemory): void {
    if (!this.members.delete(memory)) return;
    const mapped = this.inOrder;
    const at = mapped.lastIndexOf(memory);
    if (at >= 0) {
      for (let i = at; i < mapped.length - 1; i++) mapped[i] = mapped[i + 1]!;
      mapped.pop();
    }
    const filed = this.filedAt.get(memory);
    if (filed === undefined) return;
    this.filedAt.delete(memory);
    const entries = this.byStart;
    for (let i = this.firstStartingAtOrAbove(filed); i < entries.length; i++) {
      if (entries[i]!.memory === memory) {
        entries.splice(i, 1);
        return;
      }
    }
  }

  /** The mapped objects whose host mapping (as it is now) meets [start, end), in allocation order. */
  overlapping(start: bigint, end: bigint): readonly VkMemory[] {
    const entries = this.byStart;
    // Every app write asks (GL's lost-write tracking): nothing mapped, no list.
    if (entries.length === 0) return NONE;
    const out: VkMemory[] = [];
    for (let k = this.firstStartingAtOrAbove(end) - 1; k >= 0; k--) {
      const entry = entries[k]!;
      if (entry.start + this.longest <= start) break;
      const range = hostRangeOf(entry.memory);
      if (range && start < range.end && range.start < end) out.push(entry.memory);
    }
    return out.length < 2 ? out : out.sort((a, b) => a.allocStep - b.allocStep);
  }

  private firstStartingAtOrAbove(address: bigint): number {
    const entries = this.byStart;
    return firstIndex(entries.length, (i) => entries[i]!.start < address);
  }
}
