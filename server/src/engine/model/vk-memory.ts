// A Vulkan memory object as the simulator tracks it: the driver's side (its BO, its own CPU
// pointer) and the application's side (the pointer 32-bit code got), with its history.
import type { Datum, MemoryObject, OpenFile, Segment } from '../kernel/types';
import type { StepNode } from '../syntax/ast';
import { ContentStore, readSegments } from '../kernel/contents';
import { alignUp, formatHex, formatSize } from '../numbers';
import type { DriverModel } from './driver';
import type { Escape } from './driver-ops';

export interface MemoryEvent {
  readonly step: number;
  readonly text: string;
  /**
   * `moved`: a remap strategy moved the driver's pages (into the window, or back), which is what
   * left its cached pointer with nothing mapped (stale-pointer names it); read from here, not from
   * the text, which may name a memory object or a handler with "moved" in it.
   */
  readonly kind?: 'moved';
}

/**
 * An event whose text one shared function formats from its data when read: every allocation
 * and map adds one, and only a hover or a diagnostic about that memory reads them.
 */
export class FormattedEvent<T> implements MemoryEvent {
  constructor(
    readonly step: number,
    private readonly format: (data: T) => string,
    private readonly data: T,
  ) {}

  get text(): string {
    return this.format(this.data);
  }
}

export interface VkMemory {
  readonly name: string;
  readonly node: StepNode;
  readonly driver: DriverModel;
  readonly allocationSize: bigint;
  readonly properties: ReadonlySet<string>;
  readonly allocStep: number;
  /** The BO's file (device node or memfd), when the backing has one. */
  file: OpenFile | undefined;
  /**
   * Where the BO starts in `file`: its fake mmap offset on the driver's DRM node (every mmap of
   * the BO passes it), 0 in a file of its own (memfd, NVIDIA's fd per BO). The pool's BO's for a
   * suballocation, whose place in it is `poolOffset`.
   */
  boOffset: bigint;
  /** Offset of this allocation inside the driver's pool (`maps pool`), or 0. */
  poolOffset: bigint;
  /**
   * Whether the memory is a suballocation of the driver's pool, at `poolOffset`. A `maps pool`
   * driver whose pool has no room gives the memory a dedicated BO instead (pb_slab and
   * tu_suballoc fall back to a real BO), mapped at vkMapMemory, unmapped and freed as one.
   */
  inPool: boolean;
  /** Where the driver's own CPU mapping is, and the object it showed when made. */
  driverPointer: bigint | undefined;
  /**
   * The length of that mapping when it is not the whole page-rounded object: a `range-placed`
   * driver's placed map of part of it (VkMemoryMapInfo size, facts vulkan-wine §1.1). Undefined
   * for every other mapping.
   */
  driverMapLength: bigint | undefined;
  /** Set by setDriverObject (memories-by-object.ts), which keeps the memories of each object indexed. */
  readonly driverObject: MemoryObject | undefined;
  driverMapStep: number | undefined;
  /** The pointer handed to 32-bit code, while mapped. */
  appPointer: bigint | undefined;
  mapStep: number | undefined;
  mapOffset: bigint;
  mapSize: bigint;
  /** The step of the last map attempt, when it failed (what a later "not mapped" error follows from). */
  mapFailedStep: number | undefined;
  /** Address-space the layer holds for this memory in the window (placed reservation, shadow, host import). */
  windowRange: { start: bigint; size: bigint } | undefined;
  /**
   * Where the layer moved the driver's pages from (remap strategies), and who made the mapping
   * there: the pages go back on unmap, as that actor's mapping again (the driver's, whose kept
   * block a `reuses after-unmap` driver maps its next BO over).
   */
  movedFrom: { readonly address: bigint; readonly owner: string } | undefined;
  /** The step vkFreeMemory freed it at: a use-after-free points there (model/freed-memory.ts). */
  freedStep: number | undefined;
  readonly history: MemoryEvent[];
  /**
   * Where the driver's mapping escaped the mmap hook, when it did (DriverOps.escapeOf): made
   * while the hook was not armed, or by raw syscall. On the memory, not in a map beside it:
   * every map notes one. The reason's text is made only when asked; few are ever read.
   */
  escape: Escape | undefined;
  /**
   * What the GPU wrote while no CPU mapping showed the memory, oldest first. Device memory keeps
   * its contents whether or not the host has it mapped: the next CPU mapping of the memory shows
   * them (VulkanLayer.driverAccess, DriverOps.mapOwnPointer). Undefined until there is one.
   */
  deviceWrites: DeviceWrite[] | undefined;
  /**
   * Imported as host memory (VK_EXT_external_memory_host) by the layer, not by the application:
   * the external-memory-host strategy imports every host-visible allocation (facts §3.4).
   */
  importedByLayer: boolean;
  /**
   * The fd the memory was imported from (`vkAllocateMemory … import FD`: a dma-buf or opaque fd
   * from vkGetMemoryFdKHR): its BO is the exporter's, so both memories show the same pages.
   */
  readonly importedFrom: ExportedFd | undefined;
  /**
   * Under the shadow-copy strategy, while mapped: what each byte of the memory held when the
   * shadow last synced with it (copy-in, flush, invalidate), as one object (id 0) in memory
   * offsets. A copy-back compares against it to find device writes it would destroy
   * (strategies/shadow-sync.ts).
   */
  shadowBaseline: ContentStore | undefined;
}

/**
 * An fd vkGetMemoryFdKHR made, and the BO it stands for: the file the exporter maps it through and
 * where it starts there (VkMemory.file, boOffset). An importer maps the BO as the exporter does,
 * through the exporter's fd at the BO's offset: a real importer gets a handle on its own DRM fd,
 * but the pages and the VM_ flags are the BO's either way (the facts say nothing of the handles).
 */
export interface ExportedFd {
  readonly fd: OpenFile;
  readonly bo: { readonly file: OpenFile; readonly offset: bigint };
  /** VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, else OPAQUE_FD. */
  readonly dmaBuf: boolean;
  /**
   * The memory whose buffer object it is: its driver and allocationSize are what an OPAQUE_FD
   * import must match (VUIDs 01746, 01742).
   */
  readonly memory: VkMemory;
}

/** What an exported fd's name stands for (the hover's answer): the fd, and the import that took it, if one did. */
export interface ExportedFdFacts extends ExportedFd {
  /** The memory a successful `import` made from it: the driver closed the fd then (0-based step: its allocStep). */
  readonly takenBy: VkMemory | undefined;
}

/** Whether the memory was imported as host memory, by the application (`imported-host`) or the layer. */
export function isHostImport(memory: VkMemory): boolean {
  return memory.importedByLayer || memory.properties.has('imported-host');
}

/**
 * The GPU writes kept while no CPU mapping showed the memory, handed over once: to the first
 * mapping made (DriverOps.mapOwnPointer) or the object given pages (the GL client pointer route).
 */
export function takeDeviceWrites(memory: VkMemory): readonly DeviceWrite[] {
  const writes = memory.deviceWrites ?? NO_DEVICE_WRITES;
  memory.deviceWrites = undefined;
  return writes;
}

/**
 * Whether the memory's BO is shared with another memory object or API: made exportable
 * (VkExportMemoryAllocateInfo) or imported from an fd. The driver gives it a BO of its own — no
 * pool slot, no cached BO another allocation would get — which is a choice: the facts say only
 * that Wine allocates one VkDeviceMemory per exported buffer (vulkan-wine §3.6).
 */
export function sharesBo(memory: VkMemory): boolean {
  return memory.importedFrom !== undefined || memory.properties.has('exportable');
}

const NO_DEVICE_WRITES: readonly DeviceWrite[] = [];

/** A GPU write into the memory that no CPU mapping showed when it was made. */
export interface DeviceWrite {
  readonly offset: bigint;
  readonly length: bigint;
  readonly datum: Datum;
}

export function isCoherentPersistent(memory: VkMemory): boolean {
  return memory.properties.has('coherent') && memory.properties.has('persistent');
}

/** A freshly allocated memory object: nothing mapped yet, by either side. */
/**
 * Whether vkFreeMemory freed it. A function rather than a getter on the memory: a getter in the
 * object literal newMemory returns is made again for every memory object, and made the LSP
 * benchmark's analysis (thousands of allocations) 15–30 % slower.
 */
export function isFreed(memory: Pick<VkMemory, 'freedStep'>): boolean {
  return memory.freedStep !== undefined;
}

export function newMemory(o: {
  readonly name: string;
  readonly node: StepNode;
  readonly driver: DriverModel;
  readonly allocationSize: bigint;
  readonly properties: ReadonlySet<string>;
  readonly step: number;
  readonly importedFrom?: ExportedFd;
  /** The first event (at `step`), or its text. */
  readonly history: string | MemoryEvent;
}): VkMemory {
  return {
    name: o.name,
    node: o.node,
    driver: o.driver,
    allocationSize: o.allocationSize,
    properties: o.properties,
    allocStep: o.step,
    file: undefined,
    boOffset: 0n,
    poolOffset: 0n,
    inPool: false,
    driverPointer: undefined,
    driverMapLength: undefined,
    driverObject: undefined,
    driverMapStep: undefined,
    appPointer: undefined,
    mapStep: undefined,
    mapOffset: 0n,
    mapSize: 0n,
    mapFailedStep: undefined,
    windowRange: undefined,
    movedFrom: undefined,
    freedStep: undefined,
    escape: undefined,
    deviceWrites: undefined,
    importedByLayer: false,
    importedFrom: o.importedFrom,
    shadowBaseline: undefined,
    history: [typeof o.history === 'string' ? { step: o.step, text: o.history } : o.history],
  };
}

/**
 * Why a step at `+offset` of `memory` is refused: `what` (`a write of 4 bytes`, `a madvise`) runs
 * past the object's end, or starts at or past it, where the offset names no address of the object
 * (docs/language.md). One text for the device's and the driver's accesses and a driver's syscall
 * on its own address of the object.
 */
export function pastEndText(memory: VkMemory, what: string, offset: bigint, verb: string): string {
  const size = memory.allocationSize;
  const where =
    offset < size
      ? 'runs past its end'
      : `starts ${offset === size ? 'at' : 'past'} its end: it names no address of ${memory.name}`;
  return `${memory.name} is ${formatSize(size)}; ${what} at +${formatHex(offset)} ${where}, so the ${verb} is not simulated`;
}

/**
 * What `memory` holds at [offset, offset + length) from its device writes alone, as the runs a
 * read returns (offsets from `offset`): zero where nothing was written, as a fresh buffer object
 * reads (the kernel hands out zeroed pages for GEM objects and memfds).
 */
export function deviceContents(memory: VkMemory, offset: bigint, length: bigint): Segment[] {
  // The kernel's own content store lays the writes over each other, newest last.
  const store = new ContentStore();
  for (const w of memory.deviceWrites ?? [])
    store.write(0, Number(w.offset), Number(w.offset + w.length), w.datum);
  return readSegments(store, 0, offset, length, 0);
}

/** The length of the driver's own mapping of `memory`: the page-rounded object unless a range-placed map made less. */
export function driverMappingLength(memory: VkMemory, pageSize: bigint): bigint {
  return memory.driverMapLength ?? alignUp(memory.allocationSize, pageSize);
}
