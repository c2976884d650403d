// One simulated process: wires the VMA set, placement, contents, the syscalls and the timeline.
import { pageGeometry } from './config';
import { ContentStore, readSegments } from './contents';
import { access } from './access';
import { DrmOffsetSpace } from './drm-offsets';
import { doMmap } from './mmap';
import { doMremap } from './mremap';
import { doMadvise } from './madvise';
import { lazilyFreedIn, type LazilyFreedRead } from './lazy-freed';
import { doMprotect } from './mprotect';
import { doMseal } from './mseal';
import { doMunmap } from './munmap';
import { ObjectTable } from './objects';
import { Placer } from './placement';
import { Timeline, type TimelineWalk } from './timeline';
import { doMachVmRemap } from './mach-vm-remap';
import { Userfaultfd } from './userfaultfd';
import { VM_UFFD_MISSING } from './types';
import { sliceVma, vmaWith } from './vma';
import { kernelView, VmaSet } from './vma-set';
import type { MsealResult } from './mseal';
import type { MachVmRemapArgs, MachVmRemapResult } from './mach-vm-remap';
import type { KernelState } from './state';
import type {
  ExportedBuffer,
  AccessResult,
  AddressSpaceApi,
  Datum,
  FileSpec,
  KernelConfig,
  MemoryObject,
  MmapArgs,
  MremapArgs,
  OpenFile,
  Origin,
  Segment,
  SyscallResult,
  Vma,
} from './types';

/** The first fd `openFile` hands out: 0–2 are stdin/stdout/stderr. */
export const FIRST_FD = 3;
/** The first symbolic datum id (0–255 are byte fills). */
export const FIRST_TAG = 256;

export class AddressSpace implements AddressSpaceApi {
  readonly config: KernelConfig;
  private readonly state: KernelState;
  private readonly timeline: Timeline;
  private nextFd = FIRST_FD;
  private nextTag = FIRST_TAG;
  private readonly tagNames = new Map<Datum, string>();

  constructor(config: KernelConfig) {
    this.config = config;
    const geo = pageGeometry(config);
    const vmas = new VmaSet(geo.stackGuardPages);
    this.state = {
      config,
      geo,
      vmas,
      objects: new ObjectTable(),
      contents: new ContentStore(),
      placer: new Placer(config, geo, vmas),
      files: new Map(),
      closedBy: new Map(),
      fileOfObject: new Map(),
      drmOffsets: new Map(),
    };
    this.timeline = new Timeline(
      () => vmas.toArray(),
      () => vmas.size,
    );
    const objects = this.state.objects;
    // A closed BO is destroyed, and its fake offset freed, when its last mapping goes.
    objects.onDeviceUnmapped = (object) => {
      const file = this.state.fileOfObject.get(object.id);
      if (file !== undefined) this.state.drmOffsets.get(file.object.id)?.unmapped(object);
    };
    vmas.listener = (anchor, removed, inserted) => {
      this.timeline.record(anchor, removed.length, inserted);
      objects.updateUsers(removed, inserted);
    };
  }

  openFile(spec: FileSpec): OpenFile {
    const object = this.state.objects.createForFile(spec);
    // Field by field, not a spread: a spread of a spec whose shape varies takes V8's slow copy,
    // and drivers open a file per buffer object.
    const file: OpenFile = {
      kind: spec.kind,
      name: spec.name,
      sizeBytes: spec.sizeBytes,
      readable: spec.readable,
      writable: spec.writable,
      device: spec.device,
      initialDatum: spec.initialDatum,
      fd: this.nextFd++,
      object,
    };
    this.state.files.set(file.fd, file);
    this.state.fileOfObject.set(object.id, file);
    if (spec.device?.fakeOffsets)
      this.state.drmOffsets.set(object.id, new DrmOffsetSpace(this.state.geo.pageBytes));
    return file;
  }

  /**
   * A buffer object of `sizeBytes` (rounded up to pages) made through a DRM node's fd, as a GEM
   * create ioctl and the driver's MMAP_OFFSET ioctl do: its fake mmap offset, which mmap of the fd
   * must be given exactly (kernel/drm-offsets.ts). `at`: the offset it must have (a trace's),
   * refused (undefined) unless page aligned and free. Undefined for a file that is not a DRM node,
   * and when the offset space has no room for the BO (drm_vma_offset_add: ENOSPC).
   */
  createBufferObject(file: OpenFile, sizeBytes: bigint, at?: bigint): bigint | undefined {
    const space = this.state.drmOffsets.get(file.object.id);
    if (space === undefined) return undefined;
    const P = this.state.geo.pageSize;
    const pages = Number((sizeBytes + P - 1n) / P);
    // Contents keep byte positions as exact doubles (kernel/contents.ts): up to 2^53.
    if (at !== undefined && (at < 0n || at % P !== 0n || at + BigInt(pages) * P > 1n << 53n))
      return undefined;
    const objectAt = (startPage: number): MemoryObject => {
      const name = file.device?.boMapsName ?? file.name;
      const object = this.state.objects.create('device', name, BigInt(startPage + pages) * P);
      this.state.fileOfObject.set(object.id, file);
      return object;
    };
    if (at === undefined) {
      const startPage = space.add(pages, objectAt);
      return startPage === undefined ? undefined : BigInt(startPage) * P;
    }
    const startPage = Number(at / P);
    return space.addAt(objectAt(startPage), startPage, pages) ? at : undefined;
  }

  /**
   * The driver closes a BO of a DRM node (GEM_CLOSE, at vkFreeMemory): its fake offset goes back
   * to the offset space once nothing maps it (kernel/drm-offsets.ts), for a later BO to reuse.
   */
  releaseBufferObject(file: OpenFile, offset: bigint): void {
    const space = this.state.drmOffsets.get(file.object.id);
    const startPage = Number(offset / this.state.geo.pageSize);
    const bo = space?.exact(startPage);
    if (space !== undefined && bo !== undefined)
      space.close(startPage, this.state.objects.isDeviceMapped(bo.object));
  }

  /**
   * A buffer object exported as an fd (vkGetMemoryFdKHR: a dma-buf or an opaque fd), its
   * `sizeBytes` from the BO's `boOffset` in `source` (the fd the BO is mapped through). Mapping
   * the new fd maps the same pages as the exporter's own mapping: the kernel's dma_buf_mmap hands
   * the VMA to the exporter's mmap (drivers/dma-buf/dma-buf.c), so the mapping is the BO's, with
   * the exporter's VM_ flags (a DRM BO: VM_PFNMAP|VM_DONTEXPAND, facts linux-mm §4.1). A memfd
   * BO (`backing shmem`) exports as a second fd of the same memfd. `describes`: whose BO the fd
   * is, for the user (ExportedBuffer.describes); `refusal`: the exporter refuses every mmap of
   * it (ExportedBuffer.refusal).
   */
  openExport(
    source: OpenFile,
    boOffset: bigint,
    sizeBytes: bigint,
    describes: string,
    refusal?: ExportedBuffer['refusal'],
  ): OpenFile {
    const P = this.state.geo.pageSize;
    const bo = this.state.drmOffsets.get(source.object.id)?.exact(Number(boOffset / P))?.object;
    const object = bo ?? source.object;
    // A mapping of the fd keeps the dma-buf's file, which maps names `/dmabuf:` (ExportedBuffer).
    // radv exports both handle types through one path (radv_get_memory_fd, a dma-buf); the model
    // treats both alike (VulkanLayer.exportFd).
    const exported: ExportedBuffer = {
      object,
      firstPage: Number(boOffset / P),
      mapsName: '/dmabuf:',
      ...(source.device?.exportedAs?.mapsCallerOffset ? { mapsCallerOffset: true } : {}),
      describes,
      ...(refusal !== undefined ? { refusal } : {}),
    };
    const device = source.device
      ? { ...source.device, ...source.device.exportedAs, fakeOffsets: false, exported }
      : undefined;
    const file: OpenFile = {
      kind: source.kind,
      // For messages only: the mapping's object is the BO, which /proc/PID/maps shows as the exporter's.
      name: device ? `dma-buf of ${source.name}` : source.name,
      sizeBytes,
      readable: true,
      writable: true,
      device,
      initialDatum: source.initialDatum,
      fd: this.nextFd++,
      object,
    };
    this.state.files.set(file.fd, file);
    return file;
  }

  /**
   * close(2): the fd goes away; existing mappings keep the file. `by`: who closed it, when not the
   * application's own close (a driver that took the fd): why, for a later EBADF to say.
   */
  closeFile(fd: number, by?: string): boolean {
    if (by !== undefined) this.state.closedBy.set(fd, by);
    return this.state.files.delete(fd);
  }

  /** Whether `fd` is open (made by openFile or openExport and not closed since). */
  isOpen(fd: number): boolean {
    return this.state.files.has(fd);
  }

  mmap(args: MmapArgs, origin: Origin, label?: string): SyscallResult {
    return doMmap(this.state, args, origin, label);
  }

  munmap(addr: bigint, length: bigint, origin: Origin): SyscallResult {
    return doMunmap(this.state, addr, length, origin);
  }

  mremap(args: MremapArgs, origin: Origin, label?: string): SyscallResult {
    return doMremap(this.state, args, origin, label);
  }

  mprotect(addr: bigint, length: bigint, prot: number, origin: Origin): SyscallResult {
    return doMprotect(this.state, addr, length, prot, origin);
  }

  /**
   * madvise(2) with MADV_DONTNEED, MADV_FREE, MADV_DONTFORK/DOFORK or MADV_WIPEONFORK/KEEPONFORK
   * (kernel/madvise.ts); an unknown advice is EINVAL. Throws for advice Linux accepts that the
   * model does not (MADV_WILLNEED, MADV_COLD…): no step sends those.
   */
  madvise(addr: bigint, length: bigint, advice: number, origin: Origin): SyscallResult {
    return doMadvise(this.state, addr, length, advice, origin.step);
  }

  /**
   * Whether some page is lazily freed now: otherwise no read asks lazilyFreedIn (a field check
   * and a map's size per read), before the run's first MADV_FREE and after its pages are gone.
   */
  get hasLazilyFreed(): boolean {
    const lazyFreed = this.state.contents.lazyFreed;
    return lazyFreed !== undefined && !lazyFreed.isEmpty;
  }

  /**
   * The pages of [addr, addr + length) that MADV_FREE freed lazily and nothing wrote since
   * (kernel/lazy-freed.ts): the first one's address, the madvise step that freed it and how many
   * such pages the range touches. Undefined when there are none.
   */
  lazilyFreedIn(addr: bigint, length: bigint): LazilyFreedRead | undefined {
    return lazilyFreedIn(this.state, addr, length);
  }

  /**
   * The pages the MADV_FREE calls of `step` freed lazily (those that held data), as the addresses
   * were then: [startPage, endPage) pairs, flat, in address order.
   */
  lazilyFreedBy(step: number): readonly number[] {
    return this.state.contents.lazyFreed?.freedBy(step) ?? [];
  }

  /** mseal(2), Linux 6.10+ (ENOSYS before). */
  mseal(addr: bigint, length: bigint, _origin: Origin): MsealResult {
    return doMseal(this.state, addr, length);
  }

  /**
   * UFFDIO_REGISTER (MODE_MISSING) on [addr, addr+length): marks the VMAs inside it
   * userfaultfd-armed, which keeps them out of multi-VMA mremap moves (facts 3.4). Holes in the
   * range stay holes (userfaultfd_register walks only the VMAs it finds). Returns false if no VMA
   * intersects the range; the kernel's checks are Userfaultfd.register's.
   */
  registerUserfaultfd(addr: bigint, length: bigint): boolean {
    const P = this.state.geo.pageSize;
    if (addr % P !== 0n || length <= 0n || length % P !== 0n) return false;
    const start = Number(addr / P);
    const end = start + Number(length / P);
    const vmas = this.state.vmas.overlapping(start, end);
    if (vmas.length === 0) return false;
    for (const v of vmas) {
      const piece = sliceVma(v, Math.max(start, v.startPage), Math.min(end, v.endPage));
      this.state.vmas.splice(
        piece.startPage,
        piece.endPage,
        [vmaWith(piece, { vmFlags: piece.vmFlags | VM_UFFD_MISSING })],
        'both',
      );
    }
    return true;
  }

  private uffd: Userfaultfd | undefined;

  /** Record the pages reads fault in, for userfaultfd registrations to come (contents.tracksFaults). */
  trackFaultedPages(): void {
    this.state.contents.tracksFaults = true;
  }

  /** userfaultfd handlers registered in this process (kernel/userfaultfd.ts). */
  get userfaultfd(): Userfaultfd {
    return (this.uffd ??= new Userfaultfd(this.state, (a, l) => this.registerUserfaultfd(a, l)));
  }

  /** Simulation-only: give the VMAs of a range a new label (hover, trace, panel); no kernel effect. */
  relabel(addr: bigint, length: bigint, label: string): void {
    const P = this.state.geo.pageSize;
    const start = Number(addr / P);
    const end = Number((addr + length + P - 1n) / P);
    for (const v of this.state.vmas.overlapping(start, end)) {
      const piece = sliceVma(v, Math.max(start, v.startPage), Math.min(end, v.endPage));
      this.state.vmas.splice(piece.startPage, piece.endPage, [vmaWith(piece, { label })], 'none');
    }
  }

  /** macOS mach_vm_remap: a second mapping of the same pages (kernel/mach-vm-remap.ts). */
  machVmRemap(args: MachVmRemapArgs, origin: Origin, label?: string): MachVmRemapResult {
    return doMachVmRemap(this.state, args, origin, label);
  }

  read(addr: bigint, length: bigint, _origin: Origin): AccessResult {
    return access(this.state, addr, length, false, 0);
  }

  write(addr: bigint, length: bigint, datum: Datum, _origin: Origin): AccessResult {
    return access(this.state, addr, length, true, datum);
  }

  /**
   * A write into a file's object itself, not through a mapping: a GPU writing a buffer object
   * that no CPU mapping shows. Clipped to the file's size. Offsets are bytes into the file.
   */
  writeFile(file: OpenFile, offset: bigint, length: bigint, datum: Datum): void {
    const { object, sizeBytes } = this.objectAtOffset(file, offset);
    const end = offset + length < sizeBytes ? offset + length : sizeBytes;
    if (end > offset) this.state.contents.write(object.id, Number(offset), Number(end), datum);
  }

  /**
   * A device's DMA into `object`'s pages at [offset, offset + length) of it (object positions, as
   * an access counts them): through no CPU mapping, so no protection applies and nothing faults.
   * For anonymous pages a driver pinned (host memory imported with VK_EXT_external_memory_host).
   */
  writeObject(object: MemoryObject, offset: bigint, length: bigint, datum: Datum): void {
    if (length > 0n) this.state.contents.write(object.id, Number(offset), Number(offset + length), datum);
  }

  /** What `object`'s anonymous pages hold at [offset, offset + length), read as a device does (writeObject). */
  readObject(object: MemoryObject, offset: bigint, length: bigint): Segment[] {
    return readSegments(this.state.contents, object.id, offset, length, 0);
  }

  /** What a file's object holds at [offset, offset + length), as a read's runs (offsets from `offset`). */
  readFile(file: OpenFile, offset: bigint, length: bigint): Segment[] {
    const { object } = this.objectAtOffset(file, offset);
    return readSegments(this.state.contents, object.id, offset, length, file.initialDatum ?? 0);
  }

  /** The object whose pages are at `offset` of the file: on a DRM node, the BO's there. */
  objectOfFile(file: OpenFile, offset: bigint): MemoryObject {
    return this.objectAtOffset(file, offset).object;
  }

  /**
   * The object whose pages are at `offset` of the file, and where it ends: the file's own, or on
   * a DRM node the buffer object at that fake offset (none: the node's own, which has no pages).
   */
  private objectAtOffset(file: OpenFile, offset: bigint): { object: MemoryObject; sizeBytes: bigint } {
    const bo = this.state.drmOffsets.get(file.object.id)?.containing(offset);
    if (bo === undefined) return { object: file.object, sizeBytes: file.sizeBytes };
    return { object: bo.object, sizeBytes: bo.object.sizeBytes ?? 0n };
  }

  /** A new symbolic datum (≥ 256) naming a write, e.g. "driver-data". */
  registerTag(name: string): Datum {
    const tag = this.nextTag++;
    this.tagNames.set(tag, name);
    return tag;
  }

  tagName(datum: Datum): string | undefined {
    return this.tagNames.get(datum);
  }

  /** The VMAs that intersect [startPage, endPage), in order — without copying the whole set. */
  overlapping(startPage: number, endPage: number): readonly Vma[] {
    return this.state.vmas.overlapping(startPage, endPage);
  }

  vmas(): readonly Vma[] {
    return this.state.vmas.toArray();
  }

  /**
   * The lowest page in [lowPage, highPage) where `pages` free pages start, or -1: the bottom-up
   * gap search (logarithmic over the VMAs), without the kernel's mmap checks.
   */
  lowestFree(lowPage: number, highPage: number, pages: number): number {
    return this.state.vmas.findBottomUp(lowPage, highPage, pages);
  }

  vmaAt(page: number): Vma | undefined {
    return this.state.vmas.vmaAt(page);
  }

  /** What /proc/PID/maps would list: VMAs merged as the kernel merges them, ignoring owner/label. */
  kernelView(): Vma[] {
    return kernelView(this.state.vmas.toArray());
  }

  /** See VmaSet.takeLowWater: where free space may have grown since the last call. */
  takeLowWater(): number {
    return this.state.vmas.takeLowWater();
  }

  /** Changes to the VMAs so far: equal counts, the same mappings (for caches of derived facts). */
  get changes(): number {
    return this.state.vmas.changes;
  }

  get mapCount(): number {
    return this.state.vmas.kernelSize;
  }

  /** Record that the current state is the state after scenario step `step`. */
  markStep(step: number): void {
    this.timeline.markStep(step);
  }

  /** The VMAs after step `step` (the latest marked step at or before it). */
  vmasAt(step: number): readonly Vma[] {
    return this.timeline.vmasAt(step);
  }

  /** Each step's change in order (Timeline.walk): for listings that show changes only. */
  walkTimeline(): TimelineWalk {
    return this.timeline.walk();
  }

  vmaAtStep(step: number, page: number): Vma | undefined {
    return this.timeline.vmaAt(step, page);
  }
}
