// The kernel model's public contract: what the simulator, the rules, the differential tests and
// the panel rely on. Values use Linux's own numbers (flags, errnos) so that a syscall program
// can be handed unchanged to the C harness that runs it on the real kernel.

export type Errno =
  | 'EPERM'
  | 'ENXIO'
  | 'EBADF'
  | 'EAGAIN'
  | 'ENOMEM'
  | 'EACCES'
  | 'EFAULT'
  | 'EBUSY'
  | 'EEXIST'
  | 'ENODEV'
  | 'ENOSPC'
  | 'EINVAL'
  | 'ENOSYS'
  | 'EOVERFLOW'
  | 'ERANGE'
  | 'EOPNOTSUPP';

export const ERRNO_NUMBER: Readonly<Record<Errno, number>> = {
  EPERM: 1,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOSPC: 28,
  EINVAL: 22,
  ENOSYS: 38,
  ERANGE: 34,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
};

export const PROT_NONE = 0;
export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const PROT_EXEC = 0x4;

export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_SHARED_VALIDATE = 0x03;
export const MAP_TYPE = 0x0f;
export const MAP_DROPPABLE = 0x08;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_32BIT = 0x40;
export const MAP_ABOVE4G = 0x80;
export const MAP_GROWSDOWN = 0x0100;
export const MAP_DENYWRITE = 0x0800;
export const MAP_EXECUTABLE = 0x1000;
export const MAP_LOCKED = 0x2000;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_NONBLOCK = 0x10000;
export const MAP_STACK = 0x20000;
export const MAP_HUGETLB = 0x40000;
export const MAP_SYNC = 0x80000;
export const MAP_FIXED_NOREPLACE = 0x100000;
export const MAP_UNINITIALIZED = 0x4000000;

export const MREMAP_MAYMOVE = 1;
export const MREMAP_FIXED = 2;
export const MREMAP_DONTUNMAP = 4;

/** VMA flags the model tracks (a subset of the kernel's vm_flags, with our own bit numbers). */
export const VM_SHARED = 1 << 0;
export const VM_MAYSHARE = 1 << 1;
export const VM_IO = 1 << 2;
export const VM_PFNMAP = 1 << 3;
export const VM_DONTEXPAND = 1 << 4;
export const VM_MIXEDMAP = 1 << 5;
export const VM_DONTDUMP = 1 << 6;
export const VM_LOCKED = 1 << 7;
export const VM_GROWSDOWN = 1 << 8;
export const VM_ACCOUNT = 1 << 9;
export const VM_NORESERVE = 1 << 10;
export const VM_SEALED = 1 << 11;
export const VM_UFFD_MISSING = 1 << 12;
/** MAP_STACK sets it from 6.8 (commit c4608d1bf7c6), from 6.15 only when THP is built in; only merging sees it here. */
export const VM_NOHUGEPAGE = 1 << 16;
/** A MAP_HUGETLB mapping (hugetlbfs_file_mmap sets it with VM_DONTEXPAND). */
export const VM_HUGETLB = 1 << 17;
/** MAP_DROPPABLE (6.11+) sets it with VM_NORESERVE|VM_WIPEONFORK|VM_DONTDUMP; userfaultfd refuses it. */
export const VM_DROPPABLE = 1 << 18;
/** MADV_WIPEONFORK, or MAP_DROPPABLE: only merging and madvise see it here (smaps `wf`). */
export const VM_WIPEONFORK = 1 << 19;
/** MADV_DONTFORK: fork() leaves the range out of the child (smaps `dc`); only merging sees it here. */
export const VM_DONTCOPY = 1 << 20;

export interface KernelVersion {
  readonly major: number;
  readonly minor: number;
}

/** The platform a scenario runs on. Defaults mirror the observed Linux 6.18 x86-64 machine of the facts. */
/** The CPU architecture: it decides which mmap flags exist (linux-mm §1.3). */
export type Arch = 'x86_64' | 'arm64';

export interface KernelConfig {
  readonly version: KernelVersion;
  /**
   * x86_64 by default. On arm64 MAP_32BIT and MAP_ABOVE4G do not exist (linux-mm §1.3: "MAP_32BIT
   * does not exist on arm64"; MAP_ABOVE4G is x86), so their bits are unknown flags to mmap.
   */
  readonly arch: Arch;
  /** 4096 on x86-64; 16 KiB / 64 KiB arm64 kernels exist. */
  readonly pageSize: bigint;
  /** 0x7ffffffff000 with 4-level paging (x86-64); a scenario's arm64 default is 1 << 48. */
  readonly taskSize: bigint;
  /** Top of the top-down mmap search (`mm->mmap_base`). Deterministic here: no ASLR. */
  readonly mmapBase: bigint;
  /** Effective mmap_min_addr = max(vm.mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR); 65536 by default. */
  readonly mmapMinAddr: bigint;
  /** vm.mmap_min_addr itself (the EPERM check for MAP_FIXED); 4096 by default. */
  readonly dacMmapMinAddr: bigint;
  /** Whether the process has CAP_SYS_RAWIO (root has it). */
  readonly capSysRawio: boolean;
  /**
   * Whether a read fault on private anonymous memory gives the VMA its anon_vma, as a write fault
   * does. Mainline maps the zero page and leaves the VMA without one (do_anonymous_page), which
   * decides later merges; a kernel booted so that a read takes a private page does otherwise
   * (the fidelity machine's `pvm_no_zero_page=1`, docs/fidelity.md). False by default.
   */
  readonly readFaultPreparesAnonVma: boolean;
  /**
   * THP compiled in: private anonymous maps get PMD_SIZE alignment (config.ts pmdBytes: 2 MiB on
   * x86-64), 6.7–6.11 any length of a PMD or more, 6.12 PMD multiples, 6.13+ PMD multiples
   * without a hint (placement.ts thpApplies).
   */
  readonly thp: boolean;
  readonly maxMapCount: number;
  readonly layout: 'topdown' | 'legacy';
  /** Start of the MAP_32BIT search; 0x40000000 without randomisation. */
  readonly map32bitBegin: bigint;
  /** RLIMIT_AS in bytes, or undefined for unlimited. */
  readonly rlimitAs?: bigint;
}

/** Who did something: the application (32-bit code), the compatibility layer, a driver by name. */
export type Actor = string;

/** Where an operation came from in the scenario: the step index (0-based, in execution order) and actor. */
export interface Origin {
  readonly step: number;
  readonly actor: Actor;
  /**
   * Whose the mappings the call makes are, when not the caller's: Wine's remap strategy moves a
   * driver's pages back to where the driver keeps them, and the mapping there is the driver's
   * again though the mremap is Wine's (the call stays Wine's in the trace). Simulation-only, as
   * Vma.owner is. Absent: the caller's.
   */
  readonly owner?: Actor;
}

/** The owner of the mappings a call from `origin` makes (Origin.owner). */
export function ownerOf(origin: Origin): Actor {
  return origin.owner ?? origin.actor;
}

export type ObjectKind = 'anon' | 'shmem' | 'memfd' | 'regular' | 'device' | 'hugetlb';

/** A backing object: what pages a mapping shows. Private anonymous memory gets one per mapping. */
export interface MemoryObject {
  readonly id: number;
  readonly kind: ObjectKind;
  /** The name /proc/PID/maps would show, e.g. `/memfd:wow64buf (deleted)`, `/dev/dri/renderD128`. */
  readonly name: string;
  /** Object size for shared objects (SIGBUS beyond it); undefined for anonymous memory. */
  readonly sizeBytes: bigint | undefined;
  /** The huge page size in base pages, for the hugetlbfs file behind a MAP_HUGETLB mapping. */
  readonly pagesPerHugePage?: number;
}

/** How a device file behaves when mapped (DRM/TTM, i915, NVIDIA…: facts 4.1). */
export interface DeviceTraits {
  /** VM_ flags the driver's mmap sets, e.g. VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP. */
  readonly vmFlags: number;
  /** MAP_PRIVATE writable (COW) mappings refused with EINVAL (TTM, panthor, xe). */
  readonly rejectsCow: boolean;
  /**
   * The kernel function a `rejectsCow` refusal cites; absent, TTM's `ttm_bo_mmap_obj`. Only for
   * the message.
   */
  readonly cowRefusedBy?: string;
  /**
   * The driver's fault handler inserts pfns (vmf_insert_pfn) into a VM_PFNMAP mapping it does not
   * refuse as COW: the first access to a copy-on-write mapping of it hits vmf_insert_pfn_prot's
   * `BUG_ON((vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags))` (mm/memory.c), a
   * kernel oops that kills the process. The call chain the message names; absent, no such BUG.
   * msm from Linux 6.0 (model/msm-nodes.ts).
   */
  readonly cowFaultBug?: string;
  /**
   * amdgpu's "Thunk bug" workaround (amdgpu_gem_object_mmap, drivers/gpu/drm/amd/amdgpu/
   * amdgpu_gem.c): a PROT_NONE MAP_PRIVATE map is let through with VM_MAYWRITE cleared, so it is
   * no COW mapping for TTM's check, and a later mprotect(PROT_WRITE) is EACCES.
   */
  readonly privateProtNoneAllowed?: boolean;
  /**
   * How a mapping through the BO's exported fd (a dma-buf) differs, when the exporter's
   * dma_buf_ops.mmap is not its object's mmap: i915 without local memory maps the object's shmem
   * file (i915_gem_dmabuf_mmap), no VM_PFNMAP and no COW check; `mapsCallerOffset`: that mmap
   * does not add the BO's fake offset, so maps shows the offset the fd was mapped at
   * (ExportedBuffer.mapsCallerOffset). Absent: as through the node.
   */
  readonly exportedAs?: {
    readonly vmFlags: number;
    readonly rejectsCow: boolean;
    readonly mapsCallerOffset?: boolean;
  };
  /** The driver has its own get_unmapped_area (io_uring; DRM after drm_gem_get_unmapped_area). */
  readonly customGetUnmappedArea: boolean;
  /** vm_ops->may_split refuses partial unmaps/moves (special mappings like [vvar]). */
  readonly refusesSplit: boolean;
  /**
   * Errno when the mapping is larger than the object: EINVAL for DRM (default); NVIDIA's GPU node
   * ENXIO, its control node ERANGE (facts 4.1; model/nvidia-nodes.ts).
   */
  readonly sizeMismatchErrno?: Errno;
  /** The kernel check a `sizeMismatchErrno` refusal cites. Only for the message. */
  readonly sizeRefusedBy?: string;
  /**
   * A mapping smaller than the object is refused too, with `sizeMismatchErrno`: NVIDIA's GPU node
   * maps exactly its mapping context (model/nvidia-nodes.ts).
   */
  readonly sizeMustMatch?: boolean;
  /** The kernel check a nonzero offset's EINVAL cites, on a device without fake offsets. Only for the message. */
  readonly offsetRefusedBy?: string;
  /**
   * A DRM node: the fd maps each buffer object made through it (AddressSpace.createBufferObject)
   * at the BO's own fake offset, and nothing else (facts 4.1; kernel/drm-offsets.ts). Absent, the
   * file is one object mapped from offset 0, NVIDIA's layout (facts 4.1: `vm_pgoff` must be 0).
   */
  readonly fakeOffsets?: boolean;
  /**
   * The name /proc/PID/maps shows for the node's BO mappings when the driver's mmap gives the VMA
   * another file: i915's `vma_set_file` to its per-device `anon_inode:i915.gem` (facts 4.1, 6.2).
   * Absent: the node's own name.
   */
  readonly boMapsName?: string;
  /**
   * A dma-buf (or opaque fd) a driver exported: mmap(fd, offset) maps the exporting driver's
   * buffer object `object` from its page `firstPage` (its fake offset in pages on a DRM node, 0
   * in an fd of its own) plus `offset`, so both mappings show the same pages. The fd's size is the
   * BO's (dma_buf_mmap_internal refuses a mapping past it). See AddressSpace.openExport.
   */
  readonly exported?: ExportedBuffer;
}

/**
 * A buffer object exported as an fd (AddressSpace.openExport), as a mapping of that fd sees it.
 * In the kernel such a VMA keeps the dma-buf's own file as vm_file: dma_buf_mmap_internal
 * (drivers/dma-buf/dma-buf.c) only hands the VMA to the exporter's dma_buf_ops.mmap, which for a
 * DRM GEM object is drm_gem_dmabuf_mmap → drm_gem_prime_mmap (drivers/gpu/drm/drm_prime.c): it
 * adds the BO's fake offset to vm_pgoff and calls the object's own mmap, without replacing the
 * file (amdgpu_dmabuf_ops.mmap is drm_gem_dmabuf_mmap). Kernel source, not the facts files.
 */
export interface ExportedBuffer {
  readonly object: MemoryObject;
  readonly firstPage: number;
  /**
   * The name /proc/PID/maps shows for a mapping of the fd: the dma-buf file's, `/dmabuf:` plus
   * the buffer's name when DMA_BUF_SET_NAME gave it one (dmabuffs_dname, drivers/dma-buf/dma-buf.c).
   */
  readonly mapsName: string;
  /**
   * /proc/PID/maps shows the offset the fd was mapped at, not the BO's fake offset plus it: the
   * exporter maps its own file with the VMA as the caller made it (i915_gem_dmabuf_mmap without
   * local memory: call_mmap(obj->base.filp, vma)). The VMA's pgoff still counts from the BO's
   * fake offset, which is where the model keeps the BO's pages (mapsPgoffOf).
   */
  readonly mapsCallerOffset?: boolean;
  /** Simulation-only, for the user: whose buffer object the fd is, e.g. `m's buffer object, dma-buf fd buf`. */
  readonly describes: string;
  /**
   * The exporter's mmap refuses every CPU mapping of this BO: amdgpu_gem_object_mmap's EPERM for
   * a BO created with AMDGPU_GEM_CREATE_NO_CPU_ACCESS (DriverOps.cpuAccessRefusal).
   */
  readonly refusal?: { readonly errno: Errno; readonly reason: string };
}

/** An open file the scenario can map: memfd, shmem, regular file, or a device (a GPU BO). */
export interface FileSpec {
  readonly kind: 'memfd' | 'regular' | 'device';
  readonly name: string;
  readonly sizeBytes: bigint;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly device?: DeviceTraits;
  /** What the file's pages hold before anyone writes them (default 0x00). */
  readonly initialDatum?: Datum;
}

export interface OpenFile extends FileSpec {
  readonly fd: number;
  readonly object: MemoryObject;
}

/**
 * One VMA. Immutable: every change makes new Vma objects, so a timeline can keep old ones.
 * Addresses are page numbers (address / pageSize): exact JS integers, fast in hot loops.
 */
export interface Vma {
  readonly startPage: number;
  readonly endPage: number;
  readonly prot: number;
  /** VM_ flags including VM_SHARED / VM_MAYSHARE. */
  readonly vmFlags: number;
  /** The shared object (shmem, memfd, file, device) or, for private anonymous memory, its anon object. */
  readonly object: MemoryObject;
  /** Page offset into `object` of startPage. */
  readonly pgoff: number;
  /**
   * Private COW pages of a private file mapping (or the pages of private anonymous memory),
   * indexed by object page number. Shared with the VMA's split pieces.
   */
  readonly anon: MemoryObject | undefined;
  /**
   * The kernel's anon_vma, by identity; 0 (or absent) = none yet. Private memory gets one on its
   * first write fault (anon_vma_prepare, which reuses a compatible neighbour's), split pieces and
   * moved copies keep it. It decides merging (is_mergeable_anon_vma: either side without one, or
   * the same one) and whether a move keeps vm_pgoff (copy_vma resets it for a never-faulted
   * private anonymous VMA).
   */
  readonly anonVma?: number;
  /**
   * True when the kernel has merged this VMA with the one just below it: /proc/PID/maps shows one
   * line. The simulation keeps them as separate records because their attribution differs (owner,
   * label, creation step, or the backing object of their pages); see docs/kernel-model.md.
   */
  readonly joinsPrev?: boolean;
  /** Simulation-only attributes: they never affect kernel behaviour (merging ignores them). */
  readonly owner: Actor;
  readonly createdStep: number;
  /** A user-facing label: a scenario name (`mem`, `a`), `reservation`, `[heap]`… */
  readonly label: string | undefined;
  /**
   * The exported fd (a dma-buf) the VMA maps `object` through, when it was mapped that way: its
   * vm_file is the dma-buf's file, not the exporter's node (ExportedBuffer), so /proc/PID/maps
   * names it differently and it never merges with a mapping made through the node.
   */
  readonly viaExport?: ExportedBuffer;
}

/** What a syscall changed, so rules can reason about it and the timeline can replay it. */
export type Effect =
  | { readonly kind: 'mapped'; readonly vma: Vma }
  | {
      readonly kind: 'unmapped';
      readonly startPage: number;
      readonly endPage: number;
      readonly victims: readonly Vma[];
    }
  | {
      readonly kind: 'replaced';
      readonly startPage: number;
      readonly endPage: number;
      readonly victims: readonly Vma[];
      /**
       * Parallel to `victims`, where the call knows it (an MREMAP_FIXED destination): whether the
       * victim held private pages of its own (written anonymous memory, COW copies), which the
       * replacement freed. `fixed-clobber` needs it to tell an emptied DONTUNMAP source that
       * gets its pages back (nothing lost) from one something wrote into since.
       */
      readonly victimsWithPages?: readonly boolean[];
    }
  | {
      readonly kind: 'moved';
      readonly fromPage: number;
      readonly toPage: number;
      readonly pages: number;
      readonly vmas: readonly Vma[];
    }
  | {
      readonly kind: 'emptied';
      readonly startPage: number;
      readonly endPage: number;
      readonly aliasOfNew: boolean;
    }
  | {
      readonly kind: 'aliased';
      readonly startPage: number;
      readonly endPage: number;
      readonly sourcePage: number;
    }
  | {
      readonly kind: 'protected';
      readonly startPage: number;
      readonly endPage: number;
      readonly prot: number;
    };

export type SyscallResult =
  | { readonly ok: true; readonly value: bigint; readonly effects: readonly Effect[] }
  | {
      readonly ok: false;
      readonly errno: Errno;
      /** Why, precisely: the check that failed and the kernel version that decides it. */
      readonly reason: string;
      /** Effects that happened before the failure (e.g. a FIXED destination already unmapped). */
      readonly effects: readonly Effect[];
      /** madvise: the page where a VMA refused part-way through the walk; the VMAs before it were advised. */
      readonly refusedAtPage?: number;
    };

/**
 * Contents are symbolic: a datum is a byte value 0..255 (a fill), or an id >= 256 naming a write
 * (registered with `registerTag`), so expectations can say "reads what the driver wrote".
 */
export type Datum = number;

export interface Segment {
  /** Byte offset from the start of the access. */
  readonly offset: bigint;
  readonly length: bigint;
  readonly datum: Datum;
}

export type AccessResult =
  | { readonly ok: true; readonly segments: readonly Segment[]; readonly faults: number }
  | {
      readonly ok: false;
      readonly signal: 'SIGSEGV' | 'SIGBUS';
      readonly address: bigint;
      readonly reason: string;
      /** Bytes done before the fault (a write is applied page by page up to it). */
      readonly segments: readonly Segment[];
    };

export interface MmapArgs {
  readonly addr: bigint;
  readonly length: bigint;
  readonly prot: number;
  readonly flags: number;
  /** File descriptor number from `openFile`, or -1. */
  readonly fd: number;
  readonly offset: bigint;
}

export interface MremapArgs {
  readonly oldAddress: bigint;
  readonly oldSize: bigint;
  readonly newSize: bigint;
  readonly flags: number;
  readonly newAddress: bigint;
}

/**
 * The simulated address space of one process. All methods are total: bad arguments give an
 * errno, never an exception.
 */
export interface AddressSpaceApi {
  readonly config: KernelConfig;
  openFile(spec: FileSpec): OpenFile;
  mmap(args: MmapArgs, origin: Origin, label?: string): SyscallResult;
  munmap(addr: bigint, length: bigint, origin: Origin): SyscallResult;
  mremap(args: MremapArgs, origin: Origin, label?: string): SyscallResult;
  mprotect(addr: bigint, length: bigint, prot: number, origin: Origin): SyscallResult;
  read(addr: bigint, length: bigint, origin: Origin): AccessResult;
  write(addr: bigint, length: bigint, datum: Datum, origin: Origin): AccessResult;
  /** The VMAs, sorted by address. */
  vmas(): readonly Vma[];
  /** The VMA containing the page, if any. */
  vmaAt(page: number): Vma | undefined;
}
