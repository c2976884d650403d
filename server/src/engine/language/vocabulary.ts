// The language's words, defined once: the parser decides word-versus-name with it, the checker
// validates with it, and completion, hover and the docs read their text from it.

export interface WordDoc {
  readonly name: string;
  readonly doc: string;
  /** Where the fact comes from (facts sheet section, man page, commit). */
  readonly source?: string;
}

export type ArgKind = 'expr' | 'memory' | 'string' | 'value';

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional?: boolean;
  readonly doc: string;
}

export type BindingKind = 'mapping' | 'memory' | 'pointer' | 'file' | 'data' | 'result';

export interface VerbSpec {
  readonly verb: string;
  /** `vulkan` is every graphics-API call the application makes through the layer (Vulkan and GL). */
  readonly family: 'syscall' | 'vulkan' | 'access' | 'object';
  readonly doc: string;
  readonly args: readonly ArgSpec[];
  /** Bare words accepted after the verb, by group; a group marked `one` takes at most one word. */
  readonly wordGroups: readonly WordGroup[];
  /** Keywords that take a value: `at ADDR`, `fd NAME`, `by ACTOR`. */
  readonly options: readonly WordDoc[];
  /** What `name = …` names. */
  readonly binds: BindingKind;
  readonly example: string;
}

export interface WordGroup {
  readonly group: string;
  readonly one: boolean;
  /**
   * A required word written before the positional arguments (`open memfd "x" 4KiB`): completion
   * offers it while none of its words is given, not only once the arguments are all there.
   */
  readonly leading?: true;
  readonly words: readonly WordDoc[];
  /** Options of the verb that are alternatives to a word of this one-of group (uffd's handlers). */
  readonly alternativeOptions?: readonly string[];
}

const w = (name: string, doc: string, source?: string): WordDoc =>
  source ? { name, doc, source } : { name, doc };

export const PROT_WORDS: WordGroup = {
  group: 'protection',
  one: true,
  words: [
    w('none', 'PROT_NONE: no access. Wine reservations and UNMAP_RESERVE placeholders are PROT_NONE.'),
    w('r', 'PROT_READ'),
    w('rw', 'PROT_READ | PROT_WRITE'),
    w('rx', 'PROT_READ | PROT_EXEC'),
    w(
      'wx',
      "PROT_WRITE | PROT_EXEC: /proc/PID/maps shows `-wx`. A writable page reads too on x86-64, but the VMA has no VM_READ, so it merges with no neighbour that has it (a capture's JIT code). Write alone and exec alone have no word: `w` and `x` are free for names.",
      'K:arch/x86/mm/pgprot.c protection_map; K:mm/vma.c is_mergeable_vma',
    ),
    w('rwx', 'PROT_READ | PROT_WRITE | PROT_EXEC'),
  ],
};

export const MADVISE_WORDS: WordGroup = {
  group: 'advice',
  one: true,
  words: [
    w(
      'dontneed',
      'MADV_DONTNEED: drop the pages. Private anonymous memory reads zero again (registered with `uffd`, its pages are missing again: the next touch goes to the handler), a private file mapping reads the file again, shared memory (shmem, memfd) keeps its data. EINVAL on VM_LOCKED and VM_PFNMAP (a DRM BO) mappings.',
      'man madvise(2); K:mm/madvise.c madvise_dontneed_free_valid_vma',
    ),
    w(
      'free',
      'MADV_FREE (Linux 4.5+): free the pages lazily. Private anonymous memory only: they keep their data until the kernel reclaims them under memory pressure, and a write before that keeps the page. drvmap shows the old data (no pressure) and warns on a read of such a page (`lazy-freed-read`). EINVAL on shared, file, hugetlb, VM_LOCKED and VM_PFNMAP mappings.',
      'man madvise(2); K:mm/madvise.c madvise_free_single_vma',
    ),
    w(
      'dontfork',
      'MADV_DONTFORK (Linux 2.6.16+): VM_DONTCOPY, fork() leaves the range out of the child. The flag splits the mapping and keeps it from merging with neighbours without it.',
      'man madvise(2); K:mm/madvise.c madvise_vma_behavior',
    ),
    w(
      'dofork',
      'MADV_DOFORK: clears VM_DONTCOPY; EINVAL on a VM_IO mapping (device memory).',
      'man madvise(2); K:mm/madvise.c madvise_vma_behavior',
    ),
    w(
      'wipeonfork',
      'MADV_WIPEONFORK (Linux 4.14+): VM_WIPEONFORK, the child of fork() reads zero here. Private anonymous memory only (EINVAL on file and shared mappings).',
      'man madvise(2); K:mm/madvise.c madvise_vma_behavior',
    ),
    w(
      'keeponfork',
      'MADV_KEEPONFORK (Linux 4.14+): clears VM_WIPEONFORK; EINVAL on a MAP_DROPPABLE mapping.',
      'man madvise(2); K:mm/madvise.c madvise_vma_behavior',
    ),
  ],
};

export const MMAP_FLAG_WORDS: WordGroup = {
  group: 'mmap flags',
  one: false,
  words: [
    w(
      'private',
      'MAP_PRIVATE: copy-on-write; private anonymous memory is zero-filled and moves with mremap.',
      'man:mmap(2)',
    ),
    w('shared', 'MAP_SHARED: writes are visible to every mapping of the same object.', 'man:mmap(2)'),
    w(
      'shared-validate',
      'MAP_SHARED_VALIDATE: like MAP_SHARED, unknown flags fail with EOPNOTSUPP (4.15+).',
      'man:mmap(2)',
    ),
    w('anon', 'MAP_ANONYMOUS: not backed by a file; `fd` is ignored.', 'man:mmap(2)'),
    w(
      'fixed',
      'MAP_FIXED: map exactly at `at`, silently replacing whatever is there.',
      'man:mmap(2); mm/mmap.c do_mmap',
    ),
    w(
      'fixed-noreplace',
      'MAP_FIXED_NOREPLACE (4.17+): map exactly at `at`, or fail with EEXIST if anything is mapped in the range (a partial overlap counts).',
      'man:mmap(2); mm/mmap.c do_mmap',
    ),
    w(
      '32bit',
      'MAP_32BIT (x86-64): search bottom-up in [1 GiB, 2 GiB) — not "the first 2 GB" as the man page says. arm64 has no MAP_32BIT: under `arch arm64` (or 16/64 KiB pages) the bit is ignored.',
      'arch/x86/kernel/sys_x86_64.c',
    ),
    w(
      'above4g',
      'MAP_ABOVE4G (x86, 6.6+): the top-down search starts at 4 GiB; a free hint still wins, and with MAP_32BIT the flag is ignored. Ignored under `arch arm64`.',
      'arch/x86/kernel/sys_x86_64.c',
    ),
    w(
      'growsdown',
      'MAP_GROWSDOWN: a stack-like mapping; the 1 MiB stack guard gap is kept below it, and a touch just below it grows it (up to RLIMIT_STACK, 8 MiB assumed).',
      'mm/mmap.c get_unmapped_area; mm/vma.c expand_downwards',
    ),
    w(
      'locked',
      'MAP_LOCKED: VM_LOCKED, and the pages are faulted in at mmap time as with `populate` (so a private writable mapping has its anon_vma from the start, which changes merging). RLIMIT_MEMLOCK is not modelled.',
    ),
    w('noreserve', 'MAP_NORESERVE: no swap reservation (Wine reservations use it).'),
    w(
      'populate',
      'MAP_POPULATE: the pages are faulted in at mmap time — write faults for a private writable mapping, which then has its anon_vma (it keeps VM_ACCOUNT when made read-only, so it does not merge with a never-written neighbour) and its COW copies; a later userfaultfd finds every page present.',
    ),
    w(
      'stack',
      'MAP_STACK: no effect on placement (a PMD-sized MAP_STACK map is still THP-aligned); from 6.8 it sets VM_NOHUGEPAGE (from 6.15 only with THP), so it does not merge with a plain neighbour.',
      'mm/mmap.c calc_vm_flag_bits; commit c4608d1bf7c6',
    ),
    w(
      'hugetlb',
      'MAP_HUGETLB: huge pages of the default size, PMD_SIZE (2 MiB on x86-64; on arm64 2, 32 or 512 MiB with 4, 16 or 64 KiB pages); none are reserved (vm.nr_hugepages = 0), so only `noreserve` maps, huge-page aligned, and a touch is SIGBUS.',
      'mm/mmap.c ksys_mmap_pgoff; fs/hugetlbfs/inode.c',
    ),
    w('uninitialized', 'MAP_UNINITIALIZED: ignored unless CONFIG_MMAP_ALLOW_UNINITIALIZED.'),
    w(
      'droppable',
      'MAP_DROPPABLE (Linux 6.11+, a mapping type: use it instead of `private`, with `anon`): pages the kernel may drop under memory pressure (the vDSO getrandom state). VM_DROPPABLE|VM_NORESERVE|VM_WIPEONFORK|VM_DONTDUMP: not accounted, does not merge with plain private memory, refused by userfaultfd; EINVAL with `locked`, `hugetlb`, `growsdown`, a file, or before 6.11.',
    ),
  ],
};

export const MREMAP_FLAG_WORDS: WordGroup = {
  group: 'mremap flags',
  one: false,
  words: [
    w('maymove', 'MREMAP_MAYMOVE: the kernel may move the mapping to grow it.', 'man:mremap(2)'),
    w(
      'fixed',
      'MREMAP_FIXED: move to exactly `new_address`, unmapping whatever is there first (needs MAYMOVE).',
      'man:mremap(2); mm/mremap.c',
    ),
    w(
      'dontunmap',
      'MREMAP_DONTUNMAP (5.7+): move the pages but leave the old range mapped — empty (private anonymous: zero-fill on the next touch) or, for shared mappings, an alias (5.13+). Needs MAYMOVE and old_size == new_size; refused for VM_PFNMAP/VM_DONTEXPAND (every DRM BO).',
      'man:mremap(2); mm/mremap.c, 3.5; commits e346b3813067, a4609387859f',
    ),
  ],
};

export const MEMORY_PROPERTY_WORDS: WordGroup = {
  group: 'memory properties',
  one: false,
  words: [
    w(
      'host-visible',
      'VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT: the memory can be mapped (VUID-vkMapMemory-memory-00682).',
    ),
    w(
      'coherent',
      'VK_MEMORY_PROPERTY_HOST_COHERENT_BIT: no flush needed; a shadow copy cannot honour it. Only with `host-visible`.',
    ),
    w(
      'cached',
      'VK_MEMORY_PROPERTY_HOST_CACHED_BIT (only with `host-visible`). Turnip maps HOST_CACHED non-coherent BOs at allocation (H3).',
      'docs/hazards.md (H3)',
    ),
    w(
      'device-local',
      'VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT. Not importable as host memory: external-memory-host loses it.',
      'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
    ),
    w(
      'persistent',
      'The application keeps the memory mapped for its whole life (DXVK maps everything: H10).',
      'docs/hazards.md (H10)',
    ),
    w(
      'imported-host',
      'Imported with VK_EXT_external_memory_host (HOST_ALLOCATION): placed maps and RESERVE unmaps are invalid (VUID 09575, 09580).',
    ),
    w(
      'exportable',
      'VkExportMemoryAllocateInfo (opaque fd and dma-buf): `vkGetMemoryFdKHR` may export it. The driver gives it a buffer object of its own (no pool slot, no reused BO).',
      'facts vulkan-wine §2 (Android wrapper), §3.6 (Wine GL interop)',
    ),
  ],
};

export const HANDLE_TYPE_WORDS: WordGroup = {
  group: 'handle type',
  one: true,
  words: [
    w(
      'opaque-fd',
      'VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT (the default): what Wine exports to import into GL (glImportMemoryFdEXT).',
      'facts vulkan-wine §3.6',
    ),
    w(
      'dma-buf',
      "VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT: a dma-buf; `mmap … shared fd NAME` maps the exporting driver's buffer object (the Android wrapper's placed map: MAP_SHARED|MAP_FIXED at pPlacedAddress).",
      'facts vulkan-wine §2',
    ),
  ],
};

export const OPEN_KIND_WORDS: WordGroup = {
  group: 'file kind',
  one: true,
  leading: true,
  words: [
    w(
      'memfd',
      'memfd_create: a shmem file; MAP_SHARED mappings of it alias each other (DONTUNMAP leaves an alias, 5.13+).',
      'man:mremap(2) (MREMAP_DONTUNMAP on shmem)',
    ),
    w('file', 'A regular file (page cache).'),
    w(
      'device',
      'A GPU device node (DRM render node): mappings get VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP; MAP_PRIVATE writable mappings are refused (TTM).',
      'drivers/gpu/drm (drm_gem.c, ttm_bo_vm.c)',
    ),
  ],
};

export const OPEN_OPTION_WORDS: WordGroup = {
  group: 'file options',
  one: false,
  words: [
    w(
      'readonly',
      'Opened O_RDONLY: a MAP_SHARED PROT_WRITE mapping fails with EACCES.',
      'man:mmap(2); mm/mmap.c do_mmap',
    ),
    w(
      'mixedmap',
      'Device mapping with VM_MIXEDMAP|VM_SHARED|VM_DONTEXPAND (NVIDIA system memory) instead of VM_PFNMAP.',
      'drivers/gpu/drm (drm_gem.c, ttm_bo_vm.c)',
    ),
    w(
      'custom-placement',
      'The device has its own get_unmapped_area (io_uring; DRM with drm_gem_get_unmapped_area): it cannot take part in a multi-VMA move.',
      'mm/mremap.c remap_move (6.17)',
    ),
  ],
};

export const RESERVE_WORDS: WordGroup = {
  group: 'reservation kind',
  one: false,
  words: [
    w(
      'preloaded',
      "One of Wine's reserved areas (wine_main_preload_info): a PROT_NONE MAP_FIXED|MAP_NORESERVE placeholder made before Wine runs, as the preloader makes its DOS area, low memory area and 32-bit top-down area; it needs `at`. Wine's window allocations map over it (room, not occupied), the kernel's searches do not. An application's MEM_RESERVE looks the same in /proc/PID/maps: that is a plain `reserve … by wine`.",
      'wine-mirror/wine loader/preloader.c (preload_info, wld_start); dlls/ntdll/unix/virtual.c (mmap_add_reserved_area)',
    ),
  ],
};

export const UNMAP_WORDS: WordGroup = {
  group: 'unmap flags',
  one: false,
  words: [
    w(
      'reserve',
      'VK_MEMORY_UNMAP_RESERVE_BIT_EXT: leave the range reserved (the driver maps a PROT_NONE anonymous mapping over it).',
      'Vulkan spec: VK_EXT_map_memory_placed',
    ),
  ],
};

export const MAP_WORDS: WordGroup = {
  group: 'map flags',
  one: false,
  words: [
    w(
      'placed',
      'VK_MEMORY_MAP_PLACED_BIT_EXT: map at `at` (pPlacedAddress), replacing what is there (like MAP_FIXED).',
      'Vulkan spec: VK_EXT_map_memory_placed',
    ),
  ],
};

/** The VkMappedMemoryRange of a flush or invalidate (model/mapped-memory-range.ts). */
const RANGE_OFFSET = w(
  'offset',
  "Offset of the range from the start of the memory: a multiple of the driver's nonCoherentAtomSize (`non-coherent-atom`, 64 bytes unless the driver says).",
);
const RANGE_SIZE = w(
  'size',
  "Size of the range (a multiple of the driver's nonCoherentAtomSize, unless it ends at the end of the memory), or `whole`: to the end of the mapping.",
);

// VK_WHOLE_SIZE means two things (the spec, chapters/memory.adoc): vkMapMemory's `size` maps "from
// offset to the end of the allocation", VkMappedMemoryRange's `size` affects "the range from
// offset to the end of the current mapping of the allocation". A map of a range ends before the
// allocation does, so each verb family gets its own wording.
export const SIZE_WORDS: WordGroup = {
  group: 'size',
  one: true,
  words: [w('whole', 'VK_WHOLE_SIZE: from `offset` to the end of the allocation.')],
};

export const RANGE_SIZE_WORDS: WordGroup = {
  group: 'size',
  one: true,
  words: [w('whole', 'VK_WHOLE_SIZE: from `offset` to the end of the current mapping of the memory.')],
};

export const UFFD_WORDS: WordGroup = {
  group: 'userfaultfd handler',
  one: true,
  alternativeOptions: ['copy-from', 'map-moved'],
  words: [
    w(
      'zero',
      'The handler answers each fault with UFFDIO_ZEROPAGE: a zero page, as with no handler, but every fault is counted.',
      'man:ioctl_userfaultfd(2)',
    ),
    w(
      'fail',
      'The handler refuses every fault (UFFD_FEATURE_SIGBUS, or an error reply): the access gets SIGBUS.',
      'man:userfaultfd(2) UFFD_FEATURE_SIGBUS',
    ),
  ],
};

export const MACH_REMAP_WORDS: WordGroup = {
  group: 'mach_vm_remap flags',
  one: false,
  words: [
    w(
      'fixed',
      'VM_FLAGS_FIXED: map at `at` exactly, "unless that space is already allocated" (KERN_NO_SPACE).',
      'xnu osfmk/man/vm_remap.html; xnu vm_remap; CrossOver unix_wgl.c',
    ),
    w(
      'anywhere',
      'VM_FLAGS_ANYWHERE (the default): the kernel picks a free range at or above `at`. It wins over `fixed`: VM_FLAGS_FIXED is 0, so FIXED | ANYWHERE is ANYWHERE.',
      '<mach/vm_statistics.h>; facts linux-mm 7.5',
    ),
    w(
      'overwrite',
      'VM_FLAGS_OVERWRITE (with fixed): replace whatever is mapped at the target — CrossOver remaps over its own low reservation.',
      'CrossOver dlls/opengl32/unix_wgl.c remap_memory',
    ),
    w(
      'copy',
      'copy = TRUE: the target gets a copy of the pages. Without it (copy = FALSE) both mappings show the same pages and the source stays intact.',
      'xnu osfmk/man/vm_remap.html',
    ),
  ],
};

export const GL_LEGACY_ACCESS_WORDS: WordGroup = {
  group: 'glMapBuffer access',
  one: true,
  words: [
    w('read-only', 'GL_READ_ONLY: mapped with GL_MAP_READ_BIT.'),
    w(
      'write-only',
      "GL_WRITE_ONLY: mapped with GL_MAP_WRITE_BIT. There is no INVALIDATE bit, so Wine's copy path still copies the buffer into the shadow first.",
    ),
    w('read-write', 'GL_READ_WRITE: mapped with GL_MAP_READ_BIT | GL_MAP_WRITE_BIT.'),
  ],
};

export const GL_STORAGE_WORDS: WordGroup = {
  group: 'buffer storage flags',
  one: false,
  words: [
    w('map-read', 'GL_MAP_READ_BIT: the buffer may be mapped for reading.'),
    w('map-write', 'GL_MAP_WRITE_BIT: the buffer may be mapped for writing.'),
    w(
      'persistent',
      'GL_MAP_PERSISTENT_BIT: the buffer may stay mapped while the GPU uses it. Wine backs it with Vulkan memory placed low when it has an interop device; without one it hides GL_ARB_buffer_storage.',
      'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
    ),
    w('coherent', 'GL_MAP_COHERENT_BIT: persistent maps need no flush or barrier.'),
    w(
      'client-storage',
      'GL_CLIENT_STORAGE_BIT: a hint for host memory; Wine then leaves out DEVICE_LOCAL from the Vulkan memory type.',
      'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
    ),
    w('dynamic-storage', 'GL_DYNAMIC_STORAGE_BIT: glBufferSubData is allowed.'),
  ],
};

export const GL_ACCESS_WORDS: WordGroup = {
  group: 'map access',
  one: false,
  words: [
    w('read', "GL_MAP_READ_BIT: the map is read. On Wine's copy path the data is copied into the shadow."),
    w(
      'write',
      "GL_MAP_WRITE_BIT: the map is written. Wine's copy path copies the shadow back at glUnmapBuffer only with this bit.",
      'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c) (copy_length)',
    ),
    w(
      'invalidate-range',
      'GL_MAP_INVALIDATE_RANGE_BIT: the old contents of the range may be discarded; Wine skips the copy-in.',
    ),
    w(
      'invalidate-buffer',
      'GL_MAP_INVALIDATE_BUFFER_BIT: the old contents of the whole buffer may be discarded; Wine skips the copy-in.',
    ),
    w(
      'persistent',
      'GL_MAP_PERSISTENT_BIT: the buffer stays mapped while in use. On the copy path Wine prints a FIXME and the map fails.',
      'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
    ),
    w('coherent', 'GL_MAP_COHERENT_BIT: writes are visible to the GPU without a flush.'),
    w(
      'flush-explicit',
      'GL_MAP_FLUSH_EXPLICIT_BIT: only ranges given to glFlushMappedBufferRange are defined after unmap.',
      'OpenGL 4.6 §6.3.1',
    ),
    w('unsynchronized', 'GL_MAP_UNSYNCHRONIZED_BIT: no implicit synchronisation with pending GPU work.'),
    w(
      'client-pointer',
      'MAP_CLIENT_POINTER_BIT_MESA (0x4000): the driver places the map inside the client pointer ranges (GL_MESA_map_buffer_client_pointer). Wine sets it by itself when ranges are registered.',
      'GLREG extensions/MESA/MESA_map_buffer_client_pointer.txt',
    ),
  ],
};

const by = w(
  'by',
  'The actor that makes the call: `app`, `wine`, `host` or a driver. Raw syscalls default to `host` (64-bit code).',
);
const at = w('at', 'The address argument: a hint, or the exact address with `fixed` / `fixed-noreplace`.');

export const VERBS: readonly VerbSpec[] = [
  {
    verb: 'mmap',
    family: 'syscall',
    doc: "mmap(2): map `length` bytes. Checks run in the kernel's order, so the first failing check decides the errno.",
    args: [{ name: 'length', kind: 'expr', doc: 'Length in bytes (rounded up to pages).' }],
    wordGroups: [PROT_WORDS, MMAP_FLAG_WORDS],
    options: [
      at,
      w('fd', 'The file to map: from `open` or `vkGetMemoryFdKHR`.'),
      w('offset', 'File offset in bytes; must be page aligned.'),
      by,
    ],
    binds: 'mapping',
    example: 'a = mmap 2MiB rw private anon',
  },
  {
    verb: 'munmap',
    family: 'syscall',
    doc: 'munmap(2): unmap whole pages in the range; partial unmaps split mappings; unmapping nothing succeeds.',
    args: [
      {
        name: 'address',
        kind: 'expr',
        doc: "Page-aligned start. In a step a driver makes (`by DRIVER`), a memory object (`mem + 0x1000`) is that driver's own CPU address of it.",
      },
      { name: 'length', kind: 'expr', doc: 'Length in bytes (rounded up to pages).' },
    ],
    wordGroups: [],
    options: [by],
    binds: 'result',
    example: 'munmap a, 4KiB',
  },
  {
    verb: 'mremap',
    family: 'syscall',
    doc: 'mremap(2): grow, shrink, move or duplicate a mapping.',
    args: [
      {
        name: 'old_address',
        kind: 'expr',
        doc: "Page-aligned start of the old range. In a step a driver makes (`by DRIVER`), a memory object (`mem + 0x1000`) is that driver's own CPU address of it.",
      },
      { name: 'old_size', kind: 'expr', doc: 'Old size; 0 duplicates a shared mapping.' },
      { name: 'new_size', kind: 'expr', doc: 'New size.' },
      {
        name: 'new_address',
        kind: 'expr',
        optional: true,
        doc: 'Destination with `fixed`; a hint with `dontunmap` alone.',
      },
    ],
    wordGroups: [MREMAP_FLAG_WORDS],
    options: [by],
    binds: 'mapping',
    example: 'b = mremap a, 2MiB, 2MiB, maymove | dontunmap',
  },
  {
    verb: 'mprotect',
    family: 'syscall',
    doc: 'mprotect(2): change protection; on a range with a hole it changes the mapped part before failing with ENOMEM.',
    args: [
      {
        name: 'address',
        kind: 'expr',
        doc: "Page-aligned start. In a step a driver makes (`by DRIVER`), a memory object (`mem + 0x1000`) is that driver's own CPU address of it.",
      },
      { name: 'length', kind: 'expr', doc: 'Length in bytes.' },
    ],
    wordGroups: [PROT_WORDS],
    options: [by],
    binds: 'result',
    example: 'mprotect a, 4KiB, r',
  },
  {
    verb: 'madvise',
    family: 'syscall',
    doc: 'madvise(2) with one advice. Unlike mprotect it skips holes: on a range with a hole it advises every mapped part, then fails with ENOMEM.',
    args: [
      {
        name: 'address',
        kind: 'expr',
        doc: "Page-aligned start. In a step a driver makes (`by DRIVER`), a memory object (`mem + 0x1000`) is that driver's own CPU address of it.",
      },
      { name: 'length', kind: 'expr', doc: 'Length in bytes (rounded up to pages).' },
    ],
    wordGroups: [MADVISE_WORDS],
    options: [by],
    binds: 'result',
    example: 'madvise a, 64KiB, dontfork',
  },
  {
    verb: 'mseal',
    family: 'syscall',
    doc: 'mseal(2), Linux 6.10+ (ENOSYS before): seals every VMA of a wholly mapped range (ENOMEM for a hole). A sealed VMA refuses munmap, mremap, mprotect and a MAP_FIXED map over it with EPERM, and a discarding madvise (dontneed, free, dontfork, wipeonfork; on 6.10 dofork and keeponfork too) of read-only anonymous memory.',
    args: [
      { name: 'address', kind: 'expr', doc: 'Page-aligned start.' },
      { name: 'length', kind: 'expr', doc: 'Length in bytes (rounded up to pages).' },
    ],
    wordGroups: [],
    options: [by],
    binds: 'result',
    example: 'mseal a, 64KiB',
  },
  {
    verb: 'reserve',
    family: 'syscall',
    doc: "Reserve address space the way Wine does: mmap PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, with MAP_FIXED_NOREPLACE when `at` is given. `by wine` it is an application's MEM_RESERVE: `at` rounded down to 64 KiB, refused (EEXIST) over one of Wine's views, and without `at` found in the 32-bit window. With `preloaded`, one of Wine's reserved areas instead: a placeholder made before Wine runs (by its preloader, or box64) that Wine's own allocations map over.",
    args: [{ name: 'length', kind: 'expr', doc: 'Length in bytes.' }],
    wordGroups: [RESERVE_WORDS],
    options: [at, by],
    binds: 'mapping',
    example: 'r = reserve 64MiB at 0x1000_0000 by wine',
  },
  {
    verb: 'open',
    family: 'object',
    doc: 'Open a file to map: a memfd, a regular file, or a GPU device node (a buffer object of the given size).',
    args: [
      { name: 'name', kind: 'string', doc: 'File name as /proc/PID/maps shows it.' },
      { name: 'size', kind: 'expr', doc: 'Object size in bytes; touching past it raises SIGBUS.' },
    ],
    wordGroups: [OPEN_KIND_WORDS, OPEN_OPTION_WORDS],
    options: [
      by,
      w(
        'offset',
        "`device` only: the buffer object's fake mmap offset on a DRM node (a trace's); mmap it with that offset. Without it the device is one object at offset 0.",
      ),
    ],
    binds: 'file',
    example: 'f = open memfd "wow64buf" 20KiB',
  },
  {
    verb: 'write',
    family: 'access',
    doc: "A write by an actor (`host` when none is named): a CPU write at an address, or, to a memory object (`device writes mem + 0x200, 64`), the GPU's own write to its pages (a driver's goes through its cached pointer when it keeps one). Without a value it writes data tagged with the step, which `expect … reads … == NAME` can recognise.",
    args: [
      { name: 'address', kind: 'expr', doc: 'Start address, or a memory object and offset (`mem + 0x200`).' },
      { name: 'length', kind: 'expr', doc: 'Bytes written.' },
      { name: 'value', kind: 'value', optional: true, doc: 'A byte (`0xAB`) to fill with.' },
    ],
    wordGroups: [],
    options: [by],
    binds: 'data',
    example: 'write a, 4KiB, 0xAB',
  },
  {
    verb: 'read',
    family: 'access',
    doc: "A read by an actor (`host` when none is named): a CPU read at an address, or, of a memory object (`device reads mem, 4`), the GPU's own read of its pages (a driver's goes through its cached pointer when it keeps one).",
    args: [
      { name: 'address', kind: 'expr', doc: 'Start address, or a memory object and offset (`mem + 0x200`).' },
      { name: 'length', kind: 'expr', doc: 'Bytes read.' },
    ],
    wordGroups: [],
    options: [by],
    binds: 'data',
    example: 'read a, 1',
  },
  {
    verb: 'vkAllocateMemory',
    family: 'vulkan',
    doc: 'vkAllocateMemory: the driver allocates a memory object. Depending on its `maps` trait it may mmap now (at-alloc) or suballocate from its pool.',
    args: [{ name: 'size', kind: 'expr', doc: 'allocationSize in bytes.' }],
    wordGroups: [MEMORY_PROPERTY_WORDS],
    options: [
      w('driver', 'Which driver allocates (the only driver when omitted).'),
      w(
        'import',
        "Import a dma-buf or opaque fd (from `vkGetMemoryFdKHR`): the memory is the exporter's buffer object, and a write through one is read through the other.",
      ),
    ],
    binds: 'memory',
    example: 'mem = vkAllocateMemory 16MiB host-visible coherent',
  },
  {
    verb: 'vkGetMemoryFdKHR',
    family: 'vulkan',
    doc: "vkGetMemoryFdKHR on the host driver: the memory's buffer object as an fd (`opaque-fd`, the default, or `dma-buf`). `mmap … fd NAME` maps it, `vkAllocateMemory … import NAME` imports it (and takes the fd: the driver closes it; an `opaque-fd` imports only into the same driver). The memory must be `exportable`.",
    args: [{ name: 'memory', kind: 'memory', doc: 'The memory object, allocated `exportable`.' }],
    wordGroups: [HANDLE_TYPE_WORDS],
    options: [],
    binds: 'file',
    example: 'buf = vkGetMemoryFdKHR mem dma-buf',
  },
  {
    verb: 'vkMapMemory',
    family: 'vulkan',
    doc: 'vkMapMemory as the 32-bit application calls it: the strategy decides what the compatibility layer does, and the result is the pointer 32-bit code gets.',
    args: [{ name: 'memory', kind: 'memory', doc: 'The memory object.' }],
    wordGroups: [SIZE_WORDS, MAP_WORDS],
    options: [w('offset', 'Offset into the allocation.'), w('size', 'Size, or `whole`.')],
    binds: 'pointer',
    example: 'p = vkMapMemory mem',
  },
  {
    verb: 'vkMapMemory2',
    family: 'vulkan',
    doc: 'vkMapMemory2(KHR) called directly on the host driver, with VkMemoryMapPlacedInfoEXT when `placed`: the valid-usage rules of VK_EXT_map_memory_placed are checked.',
    args: [{ name: 'memory', kind: 'memory', doc: 'The memory object.' }],
    wordGroups: [SIZE_WORDS, MAP_WORDS],
    options: [
      w('offset', 'VkMemoryMapInfo.offset.'),
      w('size', 'VkMemoryMapInfo.size, or `whole`.'),
      w('at', 'pPlacedAddress.'),
    ],
    binds: 'pointer',
    example: 'p = vkMapMemory2 mem placed at 0x1000_0000',
  },
  {
    verb: 'vkUnmapMemory',
    family: 'vulkan',
    doc: 'vkUnmapMemory as the application calls it; the strategy decides what happens to the 32-bit pointer.',
    args: [{ name: 'memory', kind: 'memory', doc: 'The memory object.' }],
    wordGroups: [],
    options: [],
    binds: 'result',
    example: 'vkUnmapMemory mem',
  },
  {
    verb: 'vkUnmapMemory2',
    family: 'vulkan',
    doc: 'vkUnmapMemory2(KHR) on the host driver; `reserve` sets VK_MEMORY_UNMAP_RESERVE_BIT_EXT. A RESERVE unmap whose overmap fails returns VK_ERROR_MEMORY_MAP_FAILED and the memory stays mapped (RADV ignores the failure).',
    args: [{ name: 'memory', kind: 'memory', doc: 'The memory object.' }],
    wordGroups: [UNMAP_WORDS],
    options: [],
    binds: 'result',
    example: 'vkUnmapMemory2 mem reserve',
  },
  {
    verb: 'vkFreeMemory',
    family: 'vulkan',
    doc: 'vkFreeMemory: the driver frees (or caches, when it reuses) the memory object.',
    args: [{ name: 'memory', kind: 'memory', doc: 'The memory object.' }],
    wordGroups: [],
    options: [],
    binds: 'result',
    example: 'vkFreeMemory mem',
  },
  {
    verb: 'vkFlushMappedMemoryRanges',
    family: 'vulkan',
    doc: 'Make host writes visible to the device. Under a shadow copy this is where the copy back happens, of just this range.',
    args: [{ name: 'memory', kind: 'memory', doc: 'The memory object.' }],
    wordGroups: [RANGE_SIZE_WORDS],
    options: [RANGE_OFFSET, RANGE_SIZE],
    binds: 'result',
    example: 'vkFlushMappedMemoryRanges mem',
  },
  {
    verb: 'vkInvalidateMappedMemoryRanges',
    family: 'vulkan',
    doc: 'Make device writes visible to the host. Under a shadow copy this refreshes the shadow, in just this range.',
    args: [{ name: 'memory', kind: 'memory', doc: 'The memory object.' }],
    wordGroups: [RANGE_SIZE_WORDS],
    options: [RANGE_OFFSET, RANGE_SIZE],
    binds: 'result',
    example: 'vkInvalidateMappedMemoryRanges mem',
  },
  {
    verb: 'uffd',
    family: 'syscall',
    doc: "userfaultfd(2) + UFFDIO_REGISTER (MODE_MISSING) on a range, with how the handler answers each fault on a missing page (after MREMAP_DONTUNMAP the old range has none): `copy-from ADDR` (UFFDIO_COPY: a snapshot of the moved page at fault time), `map-moved ADDR` (the moved pages themselves: an alias), `zero`, or `fail` (SIGBUS). A memory object instead of ADDRESS, LENGTH registers its driver's mapping. Every serviced fault is listed in the step that touched the page.",
    args: [
      {
        name: 'address',
        kind: 'expr',
        doc: "Page-aligned start, or a memory object (its driver's mapping).",
      },
      { name: 'length', kind: 'expr', optional: true, doc: 'Length in bytes (page multiple).' },
    ],
    wordGroups: [UFFD_WORDS],
    options: [
      w(
        'copy-from',
        'UFFDIO_COPY: fill each missing page with a copy of the page at this address + its offset in the range, at fault time. Later writes on either side are not seen by the other.',
        'man:ioctl_userfaultfd(2) UFFDIO_COPY',
      ),
      w(
        'map-moved',
        "Install the moved page at this address + its offset: an alias, so both sides see each other's writes. No Linux ioctl does this for private anonymous memory (UFFDIO_MOVE takes the page away); it stands for the ideal handler.",
        'man:ioctl_userfaultfd(2); man:mremap(2) (MREMAP_DONTUNMAP)',
      ),
      by,
    ],
    binds: 'result',
    example: 'uffd a, 2MiB copy-from b',
  },
  {
    verb: 'mach_vm_remap',
    family: 'syscall',
    doc: 'macOS mach_vm_remap on the task itself (`platform macos`): map round_page(size) bytes from the page holding source a second time (the legacy rounding: a range across a page boundary loses its last page), leaving the source intact (copy = FALSE), or a copy. Result: the target address, or KERN_NO_SPACE, KERN_INVALID_ADDRESS, KERN_PROTECTION_FAILURE, KERN_INVALID_ARGUMENT.',
    args: [
      {
        name: 'source',
        kind: 'expr',
        doc: "Source address (truncated to its page). In a step a driver makes (`by DRIVER`), a memory object (`mem + 0x1000`) is that driver's own CPU address of it.",
      },
      {
        name: 'size',
        kind: 'expr',
        doc: 'Bytes, rounded up to whole pages on their own: that many pages from the source page are remapped.',
      },
    ],
    wordGroups: [MACH_REMAP_WORDS],
    options: [w('at', 'target_address: exact with `fixed`, where the search starts otherwise.'), by],
    binds: 'mapping',
    example: 'low = mach_vm_remap p, 64KiB at 0x1000_0000 fixed overwrite',
  },
  {
    verb: 'glBufferData',
    family: 'vulkan',
    doc: "glBufferData: a buffer object with mutable storage; the GL driver allocates its BO (by its `maps` trait). Maps of it take Wine's first route that works: the driver's pointer fits, the client pointer range (GL_MESA_map_buffer_client_pointer), or the shadow copy.",
    args: [{ name: 'size', kind: 'expr', doc: 'Size in bytes.' }],
    wordGroups: [],
    options: [w('driver', 'Which driver allocates (the only driver when omitted).')],
    binds: 'memory',
    example: 'b = glBufferData 64KiB',
  },
  {
    verb: 'glBufferStorage',
    family: 'vulkan',
    doc: 'glBufferStorage: immutable storage with flags. With `persistent` and a Vulkan interop device (the driver supports placed maps with unmap reserve) Wine allocates Vulkan memory, exports it as an fd and imports it into GL (create_buffer_storage); maps are placed low.',
    args: [{ name: 'size', kind: 'expr', doc: 'Size in bytes.' }],
    wordGroups: [GL_STORAGE_WORDS],
    options: [w('driver', 'Which driver allocates (the only driver when omitted).')],
    binds: 'memory',
    example: 'b = glBufferStorage 1MiB map-write persistent coherent',
  },
  {
    verb: 'glMapBufferRange',
    family: 'vulkan',
    doc: 'glMapBufferRange as 32-bit code calls it through Wine (wow64_glMapBufferRange): the result is the pointer 32-bit code gets, from the first route that works — the driver\'s pointer fits ("we\'re lucky"), a Vulkan-backed persistent buffer placed low, the client pointer range, or a shadow copy in the window.',
    args: [
      { name: 'buffer', kind: 'memory', doc: 'The buffer (from glBufferData / glBufferStorage).' },
      { name: 'offset', kind: 'expr', doc: 'Offset of the range.' },
      { name: 'length', kind: 'expr', doc: 'Length of the range.' },
    ],
    wordGroups: [GL_ACCESS_WORDS],
    options: [],
    binds: 'pointer',
    example: 'p = glMapBufferRange b, 0, 4KiB write invalidate-range',
  },
  {
    verb: 'glMapBuffer',
    family: 'vulkan',
    doc: "glMapBuffer, the legacy whole-buffer map, as 32-bit code calls it through Wine (wow64_glMapBuffer): glMapBufferRange of the whole buffer with the access turned into range bits. A legacy map has no INVALIDATE bit, so on Wine's copy path the whole buffer is copied into the shadow at every map, and back at unmap unless it is `read-only`.",
    args: [{ name: 'buffer', kind: 'memory', doc: 'The buffer (from glBufferData / glBufferStorage).' }],
    wordGroups: [GL_LEGACY_ACCESS_WORDS],
    options: [],
    binds: 'pointer',
    example: 'p = glMapBuffer b, write-only',
  },
  {
    verb: 'glUnmapBuffer',
    family: 'vulkan',
    doc: 'glUnmapBuffer: on the copy path Wine copies the shadow back first, if the map had `write`; a placed Vulkan map is unmapped with VK_MEMORY_UNMAP_RESERVE_BIT_EXT.',
    args: [{ name: 'buffer', kind: 'memory', doc: 'The buffer.' }],
    wordGroups: [],
    options: [],
    binds: 'result',
    example: 'glUnmapBuffer b',
  },
  {
    verb: 'glFlushMappedBufferRange',
    family: 'vulkan',
    doc: 'glFlushMappedBufferRange: with `flush-explicit`, the range (relative to the map) is defined after unmap. On the copy path Wine flushes the host map and copies nothing: the shadow reaches the buffer at glUnmapBuffer. A Vulkan-backed buffer flushes with vkFlushMappedMemoryRanges.',
    args: [
      { name: 'buffer', kind: 'memory', doc: 'The buffer.' },
      { name: 'offset', kind: 'expr', doc: 'Offset from the start of the mapped range.' },
      { name: 'length', kind: 'expr', doc: 'Length.' },
    ],
    wordGroups: [],
    options: [],
    binds: 'result',
    example: 'glFlushMappedBufferRange b, 0, 256',
  },
  {
    verb: 'glAddClientPointerRangeMESA',
    family: 'vulkan',
    doc: 'GL_MESA_map_buffer_client_pointer: hand the driver a page-aligned, read-write range (global state) to place maps with MAP_CLIENT_POINTER_BIT_MESA in. While the driver holds its pages, any access other than through a map is undefined.',
    args: [
      { name: 'address', kind: 'expr', doc: 'Page-aligned start (mapped read-write).' },
      { name: 'size', kind: 'expr', doc: 'Page-multiple size.' },
    ],
    wordGroups: [],
    options: [by],
    binds: 'result',
    example: 'glAddClientPointerRangeMESA low, 16MiB by wine',
  },
  {
    verb: 'glReleaseClientPointerRangeMESA',
    family: 'vulkan',
    doc: 'GL_MESA_map_buffer_client_pointer: take the client pointer ranges back. Allowed only after every buffer in them is unmapped and glFlush was called.',
    args: [],
    wordGroups: [],
    options: [by],
    binds: 'result',
    example: 'glReleaseClientPointerRangeMESA by wine',
  },
  {
    verb: 'glFlush',
    family: 'vulkan',
    doc: 'glFlush: submit pending GL commands (needed before glReleaseClientPointerRangeMESA).',
    args: [],
    wordGroups: [],
    options: [],
    binds: 'result',
    example: 'glFlush',
  },
];

export const VERB_BY_NAME: ReadonlyMap<string, VerbSpec> = new Map(VERBS.map((v) => [v.verb, v]));

/** `app writes …`: an actor followed by `writes`/`reads` is the access form of write/read. */
export const ACCESS_VERBS: Readonly<Record<string, string>> = { writes: 'write', reads: 'read' };

/**
 * Other spellings of a verb: the KHR entry points VK_KHR_map_memory2 introduced, which Vulkan
 * 1.4 promoted to the core names (facts vulkan-wine §1.1: the KHR names are aliases).
 */
export const VERB_ALIASES: Readonly<Record<string, string>> = {
  vkMapMemory2KHR: 'vkMapMemory2',
  vkUnmapMemory2KHR: 'vkUnmapMemory2',
};

const CANONICAL_VERBS: ReadonlyMap<string, string> = new Map([
  ...Object.entries(ACCESS_VERBS),
  ...Object.entries(VERB_ALIASES),
]);

/** The verb a written word stands for: `writes` → `write`, `vkMapMemory2KHR` → `vkMapMemory2`, else itself. */
export function canonicalVerb(word: string): string {
  return CANONICAL_VERBS.get(word) ?? word;
}

export interface SettingSpec {
  readonly keyword: string;
  readonly doc: string;
  readonly args: 'none' | 'expr' | 'range' | 'version' | 'word';
  readonly words?: readonly WordDoc[];
  readonly example: string;
}

export const STRATEGY_WORDS: readonly WordDoc[] = [
  w(
    'none',
    'The layer hands the driver\'s pointer to 32-bit code as it is ("we\'re lucky" when it fits; otherwise truncated).',
    'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
  ),
  w(
    'remap-dontunmap',
    "Move the driver's mapping into the window with mremap(MAYMOVE|DONTUNMAP): refused for device BOs; leaves private anonymous memory empty behind the driver.",
    'drvmap design, strategy 1; man:mremap(2) (MREMAP_DONTUNMAP), H11',
  ),
  w(
    'remap-move',
    "Move the driver's mapping into the window with mremap(MAYMOVE|FIXED): works on BOs, but the driver's pointer dies.",
    'drivers/gpu/drm; mm/mremap.c',
  ),
  w(
    'hook-mmap',
    "Intercept the driver's mmap calls made during vkMapMemory and force them into the window. Misses mappings made at allocation, from pools, or by raw syscalls.",
    'drvmap design, strategy 2; FEX, box64 and CrossOver sources (box64)',
  ),
  w(
    'placed',
    "VK_EXT_map_memory_placed: commit the object's pages at a 64 KiB boundary in the window and let the driver map there (Wine ≥ 9.4; under an older `wine`, Wine imports host memory or maps directly).",
    'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
  ),
  w(
    'alias',
    'Map the same pages a second time in the window, leaving the original (mremap old_size 0 on Linux; mach_vm_remap on macOS).',
    'drvmap design, strategy 4; mm/mremap.c (old_size == 0), 7.5',
  ),
  w(
    'shadow-copy',
    'Map a low shadow buffer, copy in at map and back at unmap/flush: always possible, costs bandwidth, breaks persistent coherent maps.',
    'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
  ),
  w(
    'external-memory-host',
    'Allocate host memory in the window at vkAllocateMemory and import it (VK_EXT_external_memory_host, Wine 9.0): window consumed from allocation to free (from `wine 10.15`, the default, dlls/win32u never frees it). Only where Wine imports: from `wine 9.4` a driver with placed maps and memoryUnmapReserve gets the placed map (`host-import-not-taken`).',
    'Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
  ),
  w(
    'reserve-high',
    "FEX running an i386 Linux program: FEX (the `fex` actor) reserves everything above 4 GiB so every mmap(NULL) lands low, and its thunks hand the driver's pointer over (GL too: no Wine layer). All driver-internal mappings consume the space below 4 GiB (H9). The window is 0x1_0000 .. 0x1_0000_0000 unless a `window` or `large-address-aware` line says otherwise. Not FEX as Wine's WOW64 back end, which reserves nothing.",
    'FEX, box64 and CrossOver sources',
  ),
  w(
    'mmap32',
    "box64's BOX64_MMAP32 (on by default): box64's own mmap symbol adds MAP_32BIT to every libc mmap(NULL) for the whole process, so the driver's maps land in [1 GiB, 2 GiB) (on arm64 box64's own search: from 0x3000_0000 up to 3 GiB, then from 0x1_0000) — internal pools, slabs and allocation-time maps too (H9). Calls with an address are untouched; a raw mmap syscall escapes it (box64#1946). box64 hides no extension: Wine still places the map or imports host memory when the driver can, and maps directly only when it can do neither.",
    'box64 src/custommmap.c, docs/USAGE.md; linux-mm §1.3 (MAP_32BIT); vulkan-wine §3.2, §3.5',
  ),
];

export const SETTINGS: readonly SettingSpec[] = [
  {
    keyword: 'kernel',
    doc: 'Linux version whose rules apply (5.7 and 5.13 change DONTUNMAP; 6.17 multi-VMA moves). Default 6.18.',
    args: 'version',
    example: 'kernel 5.15',
  },
  {
    keyword: 'wine',
    doc: "Wine release whose WOW64 Vulkan and OpenGL mapping applies: before 9.4 there are no placed maps (`strategy placed` and `mmap32` import host memory, or map directly); from 10.15 (win32u) vkFreeMemory never gives a host import's window space back; before 10.15 the GL copy keeps its pointer in the buffer; from 10.18 persistent GL buffers are Vulkan-backed (not under the default). Without a `wine` line: 10.15, or the Wine `--wine` or the drvmap.defaultWine setting gives. (`wine writes …` is still the `wine` actor's access.)",
    args: 'version',
    example: 'wine 10.15',
  },
  {
    keyword: 'platform',
    doc: "linux (default) or macos (mach_vm_remap aliasing; XNU's page size and map end; the rest Linux's, with a kernel-unmodelled note on calls only Linux has).",
    args: 'word',
    words: [
      w('linux', 'Linux semantics.'),
      w(
        'macos',
        'macOS: mach_vm_remap(copy=FALSE) can alias any mapping; 16 KiB pages on arm64 (4 KiB with `page-size 4KiB`), 4 KiB on x86-64; the map ends at MACH_VM_MAX_ADDRESS.',
      ),
    ],
    example: 'platform linux',
  },
  {
    keyword: 'page-size',
    doc: 'Kernel page size: 4 KiB (default), 16 KiB or 64 KiB. 16 and 64 KiB pages are arm64 kernels (Apple M1, some arm64 distributions), so they imply `arch arm64`.',
    args: 'expr',
    example: 'page-size 4KiB',
  },
  {
    keyword: 'arch',
    doc: 'The CPU architecture: x86_64 (default, or arm64 when `page-size` is 16 or 64 KiB). On arm64 MAP_32BIT and MAP_ABOVE4G do not exist: mmap ignores the bits (MAP_SHARED_VALIDATE refuses them). On arm64 TASK_SIZE defaults to 1 << 48 and mmap_base to 128 MiB below it, the legacy base is DEFAULT_MAP_WINDOW/4, and THP and MAP_HUGETLB use the PMD size of the page size (2, 32 or 512 MiB).',
    args: 'word',
    words: [
      w('x86_64', 'x86-64: 4 KiB pages, MAP_32BIT and MAP_ABOVE4G exist.'),
      w('arm64', 'arm64 (aarch64): no MAP_32BIT (linux-mm §1.3) and no MAP_ABOVE4G; 4, 16 or 64 KiB pages.'),
    ],
    example: 'arch arm64',
  },
  {
    keyword: 'window',
    doc: "The range 32-bit code can reach. Default 0x1_0000 .. 0x8000_0000 (2 GiB, WOW64 Wine without LARGE_ADDRESS_AWARE: its allocations reach 2 GiB, KUSER_SHARED_DATA's 64 KiB at 0x7ffe_0000 left out), `strategy mmap32` too (box64 runs x86-64 Wine, whose WOW64 runs the 32-bit code); under `strategy reserve-high` 0x1_0000 .. 0x1_0000_0000 (a FEX i386 guest), or 0x1_0000 .. 0x7fff_0000 with a `large-address-aware no` line (old i386 Wine: its search ends at user_space_limit).",
    args: 'range',
    example: 'window 0x1_0000 .. 0xffff_0000',
  },
  {
    keyword: 'large-address-aware',
    doc: "The main image is LARGE_ADDRESS_AWARE: the window ends at 0x1_0000_0000 (4 GiB; WOW64 Wine's allocations reach it), or 0xffff_0000 for i386 Wine (`reserve-high`'s old 32-bit Wine; not `strategy mmap32`, whose x86-64 Wine is WOW64's). `large-address-aware no` is the default: 2 GiB.",
    args: 'word',
    words: [
      w('yes', 'The default when the setting is written alone.'),
      w(
        'no',
        'Not large-address-aware: the window ends at 0x8000_0000 (0x7fff_0000 for i386 Wine, under `reserve-high`).',
      ),
    ],
    example: 'large-address-aware',
  },
  {
    keyword: 'privileged',
    doc: 'The process holds CAP_SYS_RAWIO (root): a fixed map or mremap destination below vm.mmap_min_addr (4096) is allowed, where an ordinary process, the default, gets EPERM. Hints are still raised to `mmap-min-addr`. `privileged no` is the default.',
    args: 'word',
    words: [
      w('yes', 'The default when the setting is written alone: root.'),
      w('no', 'An ordinary process (Wine, FEX and Box64 are never root).'),
    ],
    example: 'privileged',
  },
  {
    keyword: 'mmap-base',
    doc: 'mm->mmap_base: the top of the top-down mmap search, or under `layout legacy` where the bottom-up search starts. Default 0x7fff_f7ff_f000, and TASK_SIZE/3 (0x2aaa_aaaa_b000) with `layout legacy`; on arm64 128 MiB below min(TASK_SIZE, 1 << 48) (0xffff_f800_0000), and DEFAULT_MAP_WINDOW/4 (0x4000_0000_0000) with `layout legacy`. It must be page aligned and below TASK_SIZE.',
    args: 'expr',
    example: 'mmap-base 0x7f00_0000_0000',
  },
  {
    keyword: 'mmap-min-addr',
    doc: 'Effective mmap_min_addr (default 64 KiB): hints below it are raised to it. Below 4096 it is vm.mmap_min_addr too, so `mmap-min-addr 0` lets the process, an ordinary one, map at 0.',
    args: 'expr',
    example: 'mmap-min-addr 64KiB',
  },
  {
    keyword: 'task-size',
    doc: 'TASK_SIZE, the end of user space: a whole number of pages. Default 0x7fff_ffff_f000 (x86-64, 4-level paging); 0x1_0000_0000_0000 (1 << 48) on arm64, where a TASK_SIZE alone also moves mmap_base below it.',
    args: 'expr',
    example: 'task-size 0x7fff_ffff_f000',
  },
  {
    keyword: 'thp',
    doc: 'Transparent huge pages compiled in: mmap aligns private anonymous maps to PMD_SIZE (2 MiB on x86-64; on arm64 2, 32 or 512 MiB with 4, 16 or 64 KiB pages), on 6.7–6.11 any length of a PMD or more, on 6.12 only PMD multiples, on 6.13+ only PMD multiples without a hint (before 6.13 a hint is kept only if a PMD more after the map is free too). Default on.',
    args: 'word',
    words: [w('on', 'THP on.'), w('off', 'THP off.')],
    example: 'thp off',
  },
  {
    keyword: 'layout',
    doc: 'mmap layout: topdown (default) or legacy bottom-up.',
    args: 'word',
    words: [
      w('topdown', 'Top-down from mmap_base.'),
      w('legacy', 'Bottom-up from TASK_UNMAPPED_BASE: TASK_SIZE/3 on x86-64, DEFAULT_MAP_WINDOW/4 on arm64.'),
    ],
    example: 'layout legacy',
  },
  {
    keyword: 'strategy',
    doc: 'How the compatibility layer makes driver memory reachable by 32-bit code.',
    args: 'word',
    words: STRATEGY_WORDS,
    example: 'strategy placed',
  },
];

export const SETTING_BY_NAME: ReadonlyMap<string, SettingSpec> = new Map(SETTINGS.map((s) => [s.keyword, s]));

export interface TraitSpec {
  readonly keyword: string;
  readonly doc: string;
  readonly source: string;
  readonly args: 'none' | 'expr' | 'word' | 'words';
  readonly words?: readonly WordDoc[];
  readonly example: string;
}

export const DRIVER_TRAITS: readonly TraitSpec[] = [
  {
    keyword: 'maps',
    doc: 'When the driver calls mmap: at each vkMapMemory (`at-map`), at vkAllocateMemory (`at-alloc`; `at-alloc-cached` only for cached non-coherent memory it makes, not an import), or once for a pool it suballocates from (`pool`).',
    source: 'docs/hazards.md (H1, H3)',
    args: 'word',
    words: [
      w('at-map', 'mmap on every vkMapMemory, munmap on vkUnmapMemory (RADV, ANV, NVK).'),
      w('at-alloc', 'mmap at allocation, before the application maps (lavapipe, ANV internal BOs): H3.'),
      w(
        'at-alloc-cached',
        'mmap at allocation for HOST_CACHED non-coherent memory (to clean cache lines), at each vkMapMemory otherwise; vkUnmapMemory drops either (tu_bo_unmap): Turnip on msm and virtio (H3).',
      ),
      w('pool', 'Suballocates from a big pool mapped at the first allocation (pb_slab, DXVK-style): H1.'),
    ],
    example: 'maps at-alloc',
  },
  {
    keyword: 'backing',
    doc: "What the driver's mapping is: a device buffer object (VM_PFNMAP|VM_DONTEXPAND), shmem/memfd, or private anonymous memory.",
    source: 'drivers/gpu/drm (drm_gem.c, ttm_bo_vm.c)',
    args: 'word',
    words: [
      w(
        'device',
        'DRM/TTM buffer object: MAP_SHARED of the render node, VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP.',
      ),
      w(
        'shmem',
        'A shmem/memfd object mapped MAP_SHARED (software drivers: lavapipe since Mesa 24.2; dma-buf heaps).',
      ),
      w('anon', 'Private anonymous memory (software rendering: lavapipe before Mesa 24.2).'),
    ],
    example: 'backing device',
  },
  {
    keyword: 'caches-pointer',
    doc: "The driver keeps its own CPU pointer to the mapping and writes through it later (uploads, descriptor pools, bookkeeping): H2. Its mapping outlives vkUnmapMemory. The lavapipe and proprietary presets set it; RADV, ANV and Turnip keep such pointers only to their internal BOs and drop the application's mapping at vkUnmapMemory. `caches-pointer no` turns off the proprietary preset's; lavapipe has no GPU and keeps its pointer whatever the line says (`no` is conflicting-traits there).",
    source: 'docs/hazards.md (H2)',
    args: 'word',
    words: [
      w('yes', 'The default when the trait is written alone.'),
      w('no', "The driver keeps no pointer: its writes are the GPU's, and it unmaps at vkUnmapMemory."),
    ],
    example: 'caches-pointer',
  },
  {
    keyword: 'fixed-mapping',
    doc: "The driver's CPU mapping is the memory's GPU address (H6): it maps the memory at vkAllocateMemory (host-visible or not) and keeps that mapping until vkFreeMemory. vkUnmapMemory and a RESERVE unmap do nothing, every vkMapMemory returns the same pointer, a placed map elsewhere fails, and a strategy that moves the pages leaves the GPU on the old address (`stale-pointer`). Turnip on KGSL does this for replayable memory (VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_CAPTURE_REPLAY_BIT or an opaque capture address). `fixed-mapping no` turns it off.",
    source: 'Mesa tu_knl_kgsl.cc (kgsl_bo_user_map: never_unmap), tu_knl.cc (tu_bo_map, tu_bo_unmap)',
    args: 'word',
    words: [
      w('yes', 'The default when the trait is written alone.'),
      w('no', 'The GPU address does not depend on the CPU mapping (every preset).'),
    ],
    example: 'fixed-mapping',
  },
  {
    keyword: 'external-memory-host',
    doc: "The driver exposes VK_EXT_external_memory_host (importing host memory as device memory). Wine's placed strategy falls back to it on a driver that cannot place maps, and Wine 9.0's `external-memory-host` strategy needs it; without it, Wine maps directly. `external-memory-host no` turns off a preset's.",
    source: 'facts vulkan-wine §3.2, §3.4, §3.5',
    args: 'word',
    words: [
      w('yes', 'The default when the trait is written alone (RADV, ANV, lavapipe).'),
      w('no', 'No host-memory import (NVK, Turnip, the closed drivers): Wine maps directly.'),
    ],
    example: 'external-memory-host no',
  },
  {
    keyword: 'reuses',
    doc: 'Whether the driver hands out the same memory again: after vkUnmapMemory (a preallocated pool) or after vkFreeMemory (BO caches): H5.',
    source: 'docs/hazards.md (H5); wine-devel 2022-04-25',
    args: 'word',
    words: [
      w('never', 'No reuse.'),
      w(
        'after-unmap',
        'The mapping is kept at vkUnmapMemory and handed to the next map, of this or another object: the old pointer reaches the new object.',
      ),
      w('after-free', 'Freed BOs stay mapped in a cache and are handed out again.'),
    ],
    example: 'reuses after-free',
  },
  {
    keyword: 'pool-size',
    doc: 'Size of the pool a `maps pool` driver maps at its first allocation (ANV slab parents are at least 2 MiB).',
    source: 'docs/hazards.md (H1, H8)',
    args: 'expr',
    example: 'pool-size 64MiB',
  },
  {
    keyword: 'alignment',
    doc: 'Alignment the driver asks of its own mappings (large aligned reservations waste a small window): H8.',
    source: 'docs/hazards.md (H8)',
    args: 'expr',
    example: 'alignment 2MiB',
  },
  {
    keyword: 'non-coherent-atom',
    doc: 'VkPhysicalDeviceLimits::nonCoherentAtomSize in bytes, a power of two from 1 to 256: vkFlushMappedMemoryRanges and vkInvalidateMappedMemoryRanges ranges are multiples of it (VUID-VkMappedMemoryRange-offset-00687, -size-01390). 64 for every preset (each Mesa driver reports 64).',
    source: 'Vulkan spec: VkPhysicalDeviceLimits, VkMappedMemoryRange',
    args: 'expr',
    example: 'non-coherent-atom 256',
  },
  {
    keyword: 'vram',
    doc: "Size of amdgpu's VRAM domain in bytes (your machine's: `/sys/class/drm/card*/device/mem_info_vram_total`). No answer depends on it: radv asks for VRAM|GTT for device-local memory (radv_amdgpu_winsys_bo_create makes every VRAM BO spillable to GTT), and with GTT among the domains amdgpu_bo_validate_size checks GTT alone, so `gtt` bounds every radv BO. VRAM's size would matter only to a request of VRAM alone (RADV_PERFTEST=nogttspill, not modelled). `preset radv` only; 8 GiB unless the driver says.",
    source:
      'drivers/gpu/drm/amd/amdgpu/amdgpu_object.c (amdgpu_bo_validate_size); Mesa src/amd/vulkan/winsys/amdgpu/radv_amdgpu_bo.c',
    args: 'expr',
    example: 'vram 16GiB',
  },
  {
    keyword: 'gtt',
    doc: "Size of amdgpu's GTT domain in bytes (your machine's: `/sys/class/drm/card*/device/mem_info_gtt_total`; by default half of system memory). amdgpu_bo_validate_size refuses a BO not smaller than it with ENOMEM: radv asks for GTT, or VRAM|GTT for device-local memory, and amdgpu checks GTT alone whenever GTT is among the domains, so this bounds every radv BO. `preset radv` only; 16 GiB unless the driver says.",
    source: 'drivers/gpu/drm/amd/amdgpu/amdgpu_object.c (amdgpu_bo_validate_size), amdgpu_ttm.c',
    args: 'expr',
    example: 'gtt 32GiB',
  },
  {
    keyword: 'internal-mappings',
    doc: 'Bytes the driver maps for itself at start (command buffers, descriptor and shader pools): under mmap32 (box64) and reserve-high they all land in the window; hook-mmap, armed only inside vkMapMemory, leaves them high (H9).',
    source: 'docs/hazards.md (H9)',
    args: 'expr',
    example: 'internal-mappings 96MiB',
  },
  {
    keyword: 'placed-map',
    doc: 'VK_EXT_map_memory_placed support: `none`, or the minPlacedMemoryMapAlignment, optionally with `range-placed` (memoryMapRangePlaced) and `no-unmap-reserve`. Every Mesa driver: memoryMapPlaced, no range placement, unmap reserve, page alignment.',
    source: 'Mesa driver sources',
    args: 'words',
    words: [
      w('none', 'The extension is not exposed (lavapipe, proprietary Qualcomm).'),
      w('range-placed', 'memoryMapRangePlaced: placing a sub-range (no Mesa driver has it).'),
      w('no-unmap-reserve', 'memoryUnmapReserve is not supported.'),
    ],
    example: 'placed-map 4KiB',
  },
  {
    keyword: 'mmap-via',
    doc: 'How the driver calls mmap: through libc (`libc`, hookable) or a raw syscall (`syscall`, invisible to a symbol hook).',
    source: 'FEX, box64 and CrossOver sources (ptitSeb/box64#1946)',
    args: 'word',
    words: [
      w('libc', "Calls libc mmap (hook-mmap and box64's mmap32 see it)."),
      w('syscall', 'Calls the syscall directly: no symbol hook sees it.'),
    ],
    example: 'mmap-via syscall',
  },
  {
    keyword: 'gl-client-pointer',
    doc: "The GL driver implements GL_MESA_map_buffer_client_pointer (a proposal, 2026): Wine registers a low range once and the driver places each map inside it. Without it Wine's GL maps fall back to the shadow copy unless the pointer fits. (Wine's Vulkan-backed persistent buffers need the driver's placed maps with unmap reserve: `placed-map`.)",
    source:
      'GLREG extensions/MESA/MESA_map_buffer_client_pointer.txt; Wine sources (win32u/vulkan.c, opengl32/unix_wgl.c)',
    args: 'none',
    example: 'gl-client-pointer',
  },
  {
    keyword: 'preset',
    doc: "Start from a known driver's behaviour, then override traits below.",
    source: 'Mesa driver sources',
    args: 'word',
    words: [
      w(
        'radv',
        'RADV: maps at vkMapMemory and unmaps at vkUnmapMemory, device BOs, internal pools mapped at creation, placed maps at page alignment.',
      ),
      w(
        'anv',
        'ANV on i915: device BOs (shown as anon_inode:i915.gem from Linux 5.6), internal pools mapped at creation, placed maps at 4 KiB.',
      ),
      w('nvk', 'NVK: device BOs, placed maps at page alignment.'),
      w('turnip', 'Turnip (msm): maps HOST_CACHED non-coherent memory at allocation (H3/H4).'),
      w(
        'lavapipe',
        'lavapipe (Mesa 24.2+): memfd memory mapped at allocation, no GPU, no placed maps (H3, H6). Older Mesa: add `backing anon`.',
      ),
      w(
        'proprietary',
        "A closed driver without placed maps or external memory host (the extension set of Qualcomm's and Mali's closed drivers), caching pointers and reusing memory after free; its device files are NVIDIA's (/dev/nvidia0, /dev/nvidiactl), the one closed kernel layout modelled. Not NVIDIA's driver: that is `nvidia`.",
      ),
      w(
        'nvidia',
        "NVIDIA's Linux driver: device BOs through /dev/nvidia0 (device-local memory) or /dev/nvidiactl (system memory), each fd mapped at offset 0; placed maps with unmap reserve (developer driver 535.43.10 on, unconfirmed in the facts), external memory host (likely).",
      ),
    ],
    example: 'preset radv',
  },
];

export const TRAIT_BY_NAME: ReadonlyMap<string, TraitSpec> = new Map(
  DRIVER_TRAITS.map((t) => [t.keyword, t]),
);

export const BUILTIN_ACTORS: readonly WordDoc[] = [
  w('app', 'The 32-bit application code: it can only use addresses inside the window.'),
  w('wine', "The compatibility layer (Wine's WOW64 side, FEX/Box64 thunks, CrossOver)."),
  w(
    'host',
    '64-bit code of the process that is neither the layer nor a driver: the default actor of raw syscalls and plain reads and writes.',
  ),
  w(
    'device',
    "The GPU (a shader, a copy engine): `device writes mem + 0x200, 64` reaches the memory object's pages whatever the CPU mappings are, never faults on them, and shows in every CPU mapping of those pages, not in a shadow copy. It only reads and writes memory objects. A software driver (`backing anon`) has no GPU: its rasterizer writes through the driver's own mapping.",
  ),
];

export const ERRNO_NAMES: readonly string[] = [
  'EPERM',
  'ENXIO',
  'EBADF',
  'EAGAIN',
  'ENOMEM',
  'EACCES',
  'EFAULT',
  'EBUSY',
  'EEXIST',
  'ENODEV',
  'ENOSPC',
  'EINVAL',
  'ENOSYS',
  'EOVERFLOW',
  'ERANGE',
  'EOPNOTSUPP',
];

/** Results of API calls an expectation can name: VkResult, and also macOS kern_return_t and GL errors. */
export const VK_RESULT_NAMES: readonly string[] = [
  'VK_SUCCESS',
  'VK_ERROR_MEMORY_MAP_FAILED',
  'VK_ERROR_OUT_OF_HOST_MEMORY',
  'VK_ERROR_OUT_OF_DEVICE_MEMORY',
  'VK_ERROR_INVALID_EXTERNAL_HANDLE',
  'VK_ERROR_INCOMPATIBLE_DRIVER',
  'KERN_SUCCESS',
  'KERN_INVALID_ADDRESS',
  'KERN_PROTECTION_FAILURE',
  'KERN_NO_SPACE',
  'KERN_INVALID_ARGUMENT',
  'GL_INVALID_VALUE',
  'GL_INVALID_OPERATION',
  'GL_OUT_OF_MEMORY',
  'NULL',
];

/** Values an expectation can compare with besides numbers and names. */
export const EXPECT_WORDS: readonly WordDoc[] = [
  w('ok', 'The step succeeded.'),
  w('zero', 'All bytes are 0x00.'),
  w('SIGSEGV', 'The access faults: nothing mapped there, or the protection forbids it.'),
  w('SIGBUS', 'The access is past the end of a shared object.'),
];

let stepWords: readonly string[] | undefined;

/** Every word a step takes (flags, protections, kinds), for "did you mean" on a misspelt one. */
export function stepWordNames(): readonly string[] {
  stepWords ??= [...new Set(VERBS.flatMap((v) => v.wordGroups.flatMap((g) => g.words.map((x) => x.name))))];
  return stepWords;
}

let reservedWordSet: ReadonlySet<string> | undefined;

/** Words a name may not take, because they would read as part of the language. */
export function isReservedWord(name: string): boolean {
  return reservedWords().has(name);
}

/** Every reserved word (docs/language.md "Lines, comments, names" lists them by kind; the docs test checks it). */
export function reservedWords(): ReadonlySet<string> {
  // One set, made on first use: every bound step asks, and the lists it comes from are fixed.
  reservedWordSet ??= new Set([
    // Flag words (`r`, `shared`, `fixed`…) would be read as flags where a verb takes them.
    ...stepWordNames(),
    ...BUILTIN_ACTORS.map((a) => a.name),
    ...VERB_BY_NAME.keys(),
    ...SETTING_BY_NAME.keys(),
    'scenario',
    'driver',
    'actor',
    'expect',
    'by',
    'at',
    'fd',
    'offset',
    'size',
    'whole',
    'mapped',
    'unmapped',
    'diagnostic',
    'reads',
    'writes',
    ...ERRNO_NAMES,
    ...VK_RESULT_NAMES,
    ...EXPECT_WORDS.map((e) => e.name),
  ]);
  return reservedWordSet;
}

const verbWordCache = new Map<VerbSpec, ReadonlySet<string>>();
const verbOptionCache = new Map<VerbSpec, ReadonlySet<string>>();

/** The bare words a verb accepts (computed once per verb: the parser asks on every step). */
export function verbWords(spec: VerbSpec): ReadonlySet<string> {
  let words = verbWordCache.get(spec);
  if (!words) {
    const set = new Set<string>();
    for (const g of spec.wordGroups) for (const word of g.words) set.add(word.name);
    verbWordCache.set(spec, (words = set));
  }
  return words;
}

/** The keywords that take a value after a verb (`at`, `fd`, `by`…). */
export function verbOptions(spec: VerbSpec): ReadonlySet<string> {
  let options = verbOptionCache.get(spec);
  if (!options) verbOptionCache.set(spec, (options = new Set(spec.options.map((o) => o.name))));
  return options;
}
