// mmap(2): every check of facts 1.1 in kernel order (sys_mmap → ksys_mmap_pgoff → do_mmap →
// __get_unmapped_area → mmap_region → the driver's ->mmap), so the first failing check decides.
import { writtenParts } from './written-pages';
import { formatHex, formatSize } from '../numbers';
import { populate } from './access';
import { formatKernelVersion, hugePageSizes, pmdBytes, versionAtLeast } from './config';
import { fail, NO_EFFECTS, succeed, withEffects } from './result';
import { describeRange, exceedsAddressSpaceLimit } from './state';
import * as T from './types';
import { checkUnmap, pagesInRange, removeRange } from './unmap-range';
import {
  bytesToPagesUp,
  flagLowBits,
  flagsHaveHighBits,
  pageAddress,
  pageAlign,
  smallNumber,
  u64,
} from './u64';
import { VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE, VM_SPECIAL, isCowMapping, sharedPage } from './vma';
import type { PlacementKind } from './placement';
import type { KernelState } from './state';
import type { Effect, MemoryObject, MmapArgs, Origin, OpenFile, SyscallResult, Vma } from './types';

const TWO_64 = 1n << 64n;
const MAX_LFS_FILESIZE = (1n << 63n) - 1n;

/** include/linux/mman.h LEGACY_MAP_MASK: what MAP_SHARED silently accepts and MAP_SHARED_VALIDATE allows. */
const LEGACY_MAP_MASK =
  T.MAP_SHARED |
  T.MAP_PRIVATE |
  T.MAP_FIXED |
  T.MAP_ANONYMOUS |
  T.MAP_DENYWRITE |
  T.MAP_EXECUTABLE |
  T.MAP_UNINITIALIZED |
  T.MAP_GROWSDOWN |
  T.MAP_LOCKED |
  T.MAP_NORESERVE |
  T.MAP_POPULATE |
  T.MAP_NONBLOCK |
  T.MAP_STACK |
  T.MAP_HUGETLB |
  T.MAP_32BIT |
  (0x3f << 26); // MAP_HUGE_2MB / MAP_HUGE_1GB size encodings; MAP_ABOVE4G from 6.6 (doMmap)

export function doMmap(state: KernelState, args: MmapArgs, origin: Origin, label?: string): SyscallResult {
  const { config, geo } = state;
  const P = geo.pageSize;
  const p = geo.pageBytes;
  // An argument in [0, 2^52) is its own u64 value: only the others go through u64 (each bigint
  // comparison is a call).
  const a = smallNumber(args.addr);
  let l = smallNumber(args.length);
  const o = smallNumber(args.offset);
  const addr = a >= 0 ? args.addr : u64(args.addr);
  let len = l >= 0 ? args.length : u64(args.length);
  const off = o >= 0 ? args.offset : u64(args.offset);
  let flags = flagLowBits(args.flags);
  // ksys_mmap_pgoff(): MAP_ANONYMOUS|MAP_HUGETLB maps a fresh hugetlbfs file (hugetlb_file_setup)
  // whose huge page size MAP_HUGE_SHIFT picks, and first rounds the length up to it (ALIGN, which
  // may wrap to 0). No check comes before that needs the length.
  const hugetlb = (flags & (T.MAP_ANONYMOUS | T.MAP_HUGETLB)) === (T.MAP_ANONYMOUS | T.MAP_HUGETLB);
  const hugeBytes = hugetlb ? hugePageBytes(flags, config) : 0n;
  const hugePages = Number(hugeBytes / geo.pageSize);
  if (hugeBytes > 0n) {
    len = ((len + hugeBytes - 1n) / hugeBytes) * hugeBytes;
    if (len >= TWO_64) len -= TWO_64;
    l = smallNumber(len);
  }
  const rawProt = Number.isSafeInteger(args.prot) ? args.prot : 0;
  const prot = rawProt & (T.PROT_READ | T.PROT_WRITE | T.PROT_EXEC);
  const v = config.version;
  // arm64 has neither MAP_32BIT nor MAP_ABOVE4G (linux-mm §1.3): there both bits are unknown
  // flags, which MAP_PRIVATE and MAP_SHARED ignore and MAP_SHARED_VALIDATE refuses (§1.1 row 16).
  const x86 = config.arch === 'x86_64';
  // 4. MAP_FIXED_NOREPLACE implies MAP_FIXED (Linux 4.17, commit a4ff8e8620d3); older kernels ignore the bit.
  const noReplace = (flags & T.MAP_FIXED_NOREPLACE) !== 0 && versionAtLeast(v, 4, 17);
  const fixed = (flags & T.MAP_FIXED) !== 0 || noReplace;
  // The usual arguments (each below 2^52, the offset aligned, the length nonzero and within
  // TASK_SIZE, a MAP_FIXED address aligned and in range) pass every arithmetic check of steps 1–12:
  // `fast` says so, worked out in doubles, and those checks are skipped with their bigint
  // arithmetic (every bigint operation allocates). Any other argument takes the exact checks.
  let pages = l > 0 ? bytesToPagesUp(l, p) : 0;
  const fast =
    a >= 0 &&
    l > 0 &&
    o >= 0 &&
    o % p === 0 &&
    pages <= geo.taskPages &&
    (!fixed || (a % p === 0 && a / p + pages <= geo.taskPages));

  // 1. arch/x86/kernel/sys_x86_64.c (`off & ~PAGE_MASK`), arch/arm64/kernel/sys.c
  // (`offset_in_page(off)`): the byte offset must be page aligned, even for anonymous maps.
  if (!fast && off !== 0n && off % P !== 0n) {
    const check = x86
      ? 'x86-64 sys_mmap checks off & ~PAGE_MASK'
      : 'arm64 sys_mmap checks offset_in_page(off)';
    return fail(
      'EINVAL',
      `the offset ${formatHex(off)} is not page aligned (${check}, even for MAP_ANONYMOUS)`,
    );
  }
  // 2. ksys_mmap_pgoff: the fd must be open unless MAP_ANONYMOUS.
  let file: OpenFile | undefined;
  if ((flags & T.MAP_ANONYMOUS) === 0) {
    file = state.files.get(args.fd);
    if (file === undefined)
      return fail(
        'EBADF',
        `fd ${args.fd} is not an open file${closedByText(state, args.fd)} and MAP_ANONYMOUS is not set (ksys_mmap_pgoff)`,
      );
    if ((flags & T.MAP_HUGETLB) !== 0)
      return fail('EINVAL', 'MAP_HUGETLB on a file that is not on hugetlbfs (ksys_mmap_pgoff)');
  }
  if (hugetlb && hugeBytes === 0n) {
    return fail(
      'EINVAL',
      `MAP_HUGETLB with MAP_HUGE_SHIFT size 2^${(flags >>> 26) & 0x3f}: ${hugePageSizesText(config)}`,
    );
  }
  // 3. do_mmap
  if (len === 0n) {
    const wrapped = hugeBytes > 0n && u64(args.length) !== 0n;
    return fail(
      'EINVAL',
      wrapped
        ? 'the length rounded up to the huge page size wraps to 0 (ksys_mmap_pgoff ALIGN, then do_mmap: len == 0)'
        : 'the length is 0 (mmap(2): EINVAL since Linux 2.6.12)',
    );
  }
  // 5. round_hint_to_min(): hint &= PAGE_MASK; a nonzero hint below mmap_min_addr becomes mmap_min_addr.
  let hintPage = 0;
  if (!fixed) {
    if (fast) hintPage = (a - (a % p)) / p;
    else {
      const hint = addr === 0n ? 0n : addr - (addr % P);
      hintPage = hint === 0n ? 0 : Number(hint / P);
    }
    if (hintPage !== 0 && hintPage < geo.mmapMinPage) hintPage = geo.mmapMinHintPage;
    // hugetlb_get_unmapped_area(): the hint is aligned up to the huge page (0 if that wraps).
    if (hugePages > 1) {
      hintPage = Math.ceil(hintPage / hugePages) * hugePages;
      if (hintPage * p >= 2 ** 64) hintPage = 0;
    }
  }
  // Exact in the fast case (offset below 2^52); pgoffBig is only read when not fast.
  let pgoff = fast ? o / p : 0;
  let alignedLen = 0n;
  let pgoffBig = 0n;
  if (!fast) {
    // 6. PAGE_ALIGN(len) overflow.
    alignedLen = pageAlign(len, P);
    if (alignedLen === 0n)
      return fail(
        'ENOMEM',
        `PAGE_ALIGN(length ${formatHex(len)}) wraps to 0 (do_mmap: "Careful about overflows")`,
      );
    const pagesBig = alignedLen / P;
    pgoffBig = off === 0n ? 0n : off / P;
    // 7. pgoff + len/PAGE_SIZE must not wrap.
    if (pgoffBig !== 0n && pgoffBig + pagesBig >= TWO_64)
      return fail('EOVERFLOW', 'offset/PAGE_SIZE + length/PAGE_SIZE overflows (do_mmap)');
    pages = Number(pagesBig);
    pgoff = Number(pgoffBig);
  }
  // 8. Too many mappings.
  if (state.vmas.kernelSize > config.maxMapCount) {
    return fail(
      'ENOMEM',
      `map_count (${state.vmas.kernelSize}) exceeds vm.max_map_count (${config.maxMapCount}) (do_mmap)`,
    );
  }
  // 9–12. __get_unmapped_area
  if (!fast && alignedLen > config.taskSize)
    return fail('ENOMEM', `the length ${formatHex(alignedLen)} exceeds TASK_SIZE (__get_unmapped_area)`);
  // From here on the length is at most TASK_SIZE: `alignedBytes` is exact whenever TASK_SIZE is.
  const alignedBytes = pages * p;
  const type = flags & T.MAP_TYPE;
  const kind: PlacementKind =
    file !== undefined || hugetlb ? 'file' : (flags & T.MAP_SHARED) !== 0 ? 'shared-anon' : 'private-anon';
  let startPage: number;
  if (fixed) {
    // hugetlb_get_unmapped_area() runs before the TASK_SIZE test on the result.
    if (hugetlb && addr % hugeBytes !== 0n) {
      return fail(
        'EINVAL',
        `MAP_HUGETLB: the MAP_FIXED address ${formatHex(addr)} is not aligned to the huge page size ${formatHex(hugeBytes)} (hugetlb_get_unmapped_area)`,
      );
    }
    if (!fast && addr > config.taskSize - alignedLen) {
      return fail(
        'ENOMEM',
        `MAP_FIXED range [${formatHex(addr)}, +${formatHex(alignedLen)}) ends beyond TASK_SIZE ${formatHex(config.taskSize)} (__get_unmapped_area: addr > TASK_SIZE - len)`,
      );
    }
    if (!fast && addr % P !== 0n)
      return fail('EINVAL', `MAP_FIXED address ${formatHex(addr)} is not page aligned (__get_unmapped_area)`);
    startPage = fast ? a / p : Number(addr / P);
  } else {
    startPage = state.placer.place(
      hintPage,
      pages,
      false,
      x86 && (flags & T.MAP_32BIT) !== 0,
      x86 && (flags & T.MAP_ABOVE4G) !== 0 && versionAtLeast(v, 6, 6),
      kind,
      hugetlb ? hugePages : 1,
    );
    if (startPage < 0) return fail(state.placer.failure.errno, state.placer.failure.reason);
    if (startPage > geo.taskPages - pages)
      return fail('ENOMEM', 'the chosen range ends beyond TASK_SIZE (__get_unmapped_area)');
  }
  if (startPage < geo.dacMinPage && !config.capSysRawio) {
    return fail(
      'EPERM',
      `address ${formatHex(BigInt(startPage) * P)} is below vm.mmap_min_addr (${formatHex(config.dacMmapMinAddr)}) and the process lacks CAP_SYS_RAWIO (security/commoncap.c cap_mmap_addr)`,
    );
  }
  const endPage = startPage + pages;
  // 13. MAP_FIXED_NOREPLACE: any overlap, even partial, is EEXIST.
  if (noReplace && state.vmas.intersects(startPage, endPage)) {
    const hit = state.vmas.overlapping(startPage, endPage)[0] as Vma;
    return fail(
      'EEXIST',
      `MAP_FIXED_NOREPLACE: ${describeRange(state, startPage, endPage)} overlaps the existing mapping ${describeRange(state, hit.startPage, hit.endPage)} (any overlap, even partial, counts; Linux 4.17+)`,
    );
  }
  // 14. MAP_LOCKED limits are not modelled (treated as allowed); its populate is (see the end).
  // 15–17. The mapping type and the file's access mode.
  let vmFlags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  if ((flags & T.MAP_GROWSDOWN) !== 0) vmFlags |= T.VM_GROWSDOWN;
  if ((flags & T.MAP_LOCKED) !== 0) vmFlags |= T.VM_LOCKED;
  // calc_vm_flag_bits(): MAP_STACK → VM_NOHUGEPAGE from 6.8 ("mm: mmap: map MAP_STACK to
  // VM_NOHUGEPAGE", c4608d1bf7c6, in the 6.8-rc3 hotfixes pull after 6.7's release; 6.7.6 stable),
  // so a MAP_STACK mapping no longer merges with a plain neighbour (smaps shows `nh`). Placement
  // does not look at it: a PMD-sized MAP_STACK map is still THP-aligned. c4608d1bf7c6 set the bit
  // without THP too; only from 6.15 is it under CONFIG_TRANSPARENT_HUGEPAGE ("mm: mmap: map
  // MAP_STACK to VM_NOHUGEPAGE only if THP is enabled", 7190b3c8bd2b; 6.14.9 and 6.12.31 stable).
  if ((flags & T.MAP_STACK) !== 0 && versionAtLeast(v, 6, 8) && (config.thp || !versionAtLeast(v, 6, 15)))
    vmFlags |= T.VM_NOHUGEPAGE;
  if (file !== undefined || hugetlb) {
    // MAP_HUGETLB: do_mmap sees the hugetlbfs file (open for reading and writing), so the file rules apply.
    // Fast arguments (offset and length below 2^52) always lie within MAX_LFS_FILESIZE.
    if (
      !fast &&
      file?.kind !== 'device' &&
      (alignedLen > MAX_LFS_FILESIZE || pgoffBig > (MAX_LFS_FILESIZE - alignedLen) / P)
    ) {
      return fail('EOVERFLOW', 'offset + length lie beyond the largest possible file size (file_mmap_ok)');
    }
    if (type === T.MAP_SHARED_VALIDATE && !versionAtLeast(v, 4, 15)) {
      return fail(
        'EINVAL',
        `the mapping type MAP_SHARED_VALIDATE (flags & MAP_TYPE = 3) is new in Linux 4.15; ${formatKernelVersion(v)} knows only MAP_PRIVATE and MAP_SHARED (do_mmap)`,
      );
    }
    if (type === T.MAP_SHARED || type === T.MAP_SHARED_VALIDATE) {
      // MAP_ABOVE4G joined the mask with the flag itself (6.6): before, 0x80 is an unknown flag.
      // On arm64 the mask has neither (include/linux/mman.h defines a missing MAP_32BIT as 0).
      const legacyMask = !x86
        ? LEGACY_MAP_MASK & ~T.MAP_32BIT
        : versionAtLeast(v, 6, 6)
          ? LEGACY_MAP_MASK | T.MAP_ABOVE4G
          : LEGACY_MAP_MASK;
      if (type === T.MAP_SHARED) flags &= legacyMask;
      else if ((flags & ~legacyMask) !== 0 || flagsHaveHighBits(args.flags)) {
        return fail(
          'EOPNOTSUPP',
          `MAP_SHARED_VALIDATE with flags this file does not support (${formatHex(BigInt(flags & ~legacyMask))}) (do_mmap, Linux 4.15+)`,
        );
      }
      if ((rawProt & T.PROT_WRITE) !== 0 && file !== undefined && !file.writable) {
        return fail(
          'EACCES',
          `MAP_SHARED with PROT_WRITE needs fd ${file.fd} open for writing (do_mmap; a MAP_PRIVATE writable mapping of it would succeed)`,
        );
      }
      vmFlags |= T.VM_SHARED | T.VM_MAYSHARE;
      if (file !== undefined && !file.writable) vmFlags &= ~(VM_MAYWRITE | T.VM_SHARED);
    } else if (type !== T.MAP_PRIVATE) {
      return fail(
        'EINVAL',
        `the mapping type (flags & MAP_TYPE = ${type}) is none of MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE (do_mmap)`,
      );
    }
    if (file !== undefined && !file.readable)
      return fail(
        'EACCES',
        `fd ${file.fd} is not open for reading (do_mmap: every file mapping needs FMODE_READ)`,
      );
    if ((vmFlags & T.VM_GROWSDOWN) !== 0) {
      return fail(
        'EINVAL',
        `MAP_GROWSDOWN is not allowed on a file mapping${hugetlb ? ' (MAP_HUGETLB maps a hugetlbfs file)' : ''} (do_mmap)`,
      );
    }
  } else if (type === T.MAP_SHARED) {
    if ((vmFlags & T.VM_GROWSDOWN) !== 0)
      return fail('EINVAL', 'MAP_GROWSDOWN is not allowed on a shared anonymous mapping (do_mmap)');
    pgoff = 0;
    vmFlags |= T.VM_SHARED | T.VM_MAYSHARE;
  } else if (type === T.MAP_PRIVATE || (type === T.MAP_DROPPABLE && versionAtLeast(v, 6, 11))) {
    if (
      type === T.MAP_DROPPABLE &&
      ((flags & (T.MAP_LOCKED | T.MAP_HUGETLB)) !== 0 || (vmFlags & T.VM_GROWSDOWN) !== 0)
    ) {
      return fail(
        'EINVAL',
        'MAP_DROPPABLE cannot be combined with MAP_LOCKED, MAP_HUGETLB or MAP_GROWSDOWN (do_mmap, Linux 6.11+)',
      );
    }
    // "the pages can be dropped, then it doesn't make sense to reserve them … they shouldn't survive
    // forks or coredumps" (do_mmap case MAP_DROPPABLE): not accounted, and no merge with plain memory.
    if (type === T.MAP_DROPPABLE)
      vmFlags |= T.VM_DROPPABLE | T.VM_NORESERVE | T.VM_WIPEONFORK | T.VM_DONTDUMP;
    pgoff = startPage; // "Set pgoff according to addr for anon_vma"
  } else {
    return fail(
      'EINVAL',
      `the mapping type (flags & MAP_TYPE = ${type}) is none of MAP_PRIVATE, MAP_SHARED${versionAtLeast(v, 6, 11) ? ', MAP_DROPPABLE' : ''} for an anonymous mapping (do_mmap)`,
    );
  }
  if ((flags & T.MAP_NORESERVE) !== 0) vmFlags |= T.VM_NORESERVE;
  // accountable_mapping(): private writable memory is charged (VM_ACCOUNT); it takes part in
  // merging. hugetlb memory is not (it has its own reservations).
  if ((vmFlags & (T.VM_NORESERVE | T.VM_SHARED)) === 0 && (prot & T.PROT_WRITE) !== 0 && !hugetlb)
    vmFlags |= T.VM_ACCOUNT;

  // 18–19. mmap_region: replace what is there (MAP_FIXED), check RLIMIT_AS.
  let replaced: Effect | undefined;
  const overlapped = fixed ? pagesInRange(state, startPage, endPage) : 0;
  const newRegionSince612 = versionAtLeast(v, 6, 12);
  const unmapCheck = overlapped > 0 ? checkUnmap(state, startPage, endPage, 'MAP_FIXED') : undefined;
  if (newRegionSince612 && unmapCheck !== undefined) return unmapCheck;
  if (exceedsAddressSpaceLimit(state, pages - overlapped)) {
    return fail(
      'ENOMEM',
      `RLIMIT_AS (${formatHex(config.rlimitAs ?? 0n)} bytes) would be exceeded (mmap_region: may_expand_vm)`,
    );
  }
  if (unmapCheck !== undefined) {
    // 6.10's mseal (8be7258aad44) made mmap_region pass EPERM through: `if (error == -EPERM)
    // return error; else if (error) return -ENOMEM;` (6.10–6.11; a sealed VMA is the only EPERM).
    if (unmapCheck.errno === 'EPERM') return unmapCheck;
    const but = versionAtLeast(v, 6, 10) ? ' but EPERM (6.10–6.11)' : '';
    return fail(
      'ENOMEM',
      `${unmapCheck.reason}; before Linux 6.12 mmap_region turned any failure of that unmap${but} into ENOMEM`,
    );
  }
  if (overlapped > 0) {
    const written = writtenParts(state, startPage, endPage);
    const victims = removeRange(state, startPage, endPage);
    replaced = {
      kind: 'replaced',
      startPage,
      endPage,
      victims,
      victimsWithPages: victims.map((v) => written?.has(v.startPage) ?? false),
    };
  }

  // 20. The driver's ->mmap runs after the old mappings are gone: a refusal leaves a hole (vms_abort_munmap_vmas).
  const device = file?.device;
  // A DRM node maps the buffer object whose fake offset the offset is (kernel/drm-offsets.ts).
  // An exported fd (a dma-buf) maps the exporter's BO, from the BO's first page (AddressSpace.openExport).
  const exported = device?.exported;
  const bo =
    exported !== undefined
      ? exported.object
      : file !== undefined
        ? state.drmOffsets.get(file.object.id)?.exact(pgoff)?.object
        : undefined;
  if ((file !== undefined && device !== undefined) || hugetlb) {
    const refusal =
      file !== undefined && device !== undefined
        ? deviceRefusal(file, bo, off, fast ? alignedBytes : alignedLen, vmFlags, prot)
        : hugetlbRefusal(pgoff, hugePages, vmFlags);
    if (refusal !== undefined) {
      const suffix =
        replaced !== undefined
          ? '; the MAP_FIXED destination had already been unmapped and stays unmapped'
          : '';
      return withEffects(fail(refusal.errno, refusal.reason + suffix), replaced ? [replaced] : NO_EFFECTS);
    }
    vmFlags |= device !== undefined ? device.vmFlags : T.VM_HUGETLB | T.VM_DONTEXPAND;
    if (device !== undefined && protNoneCowLetThrough(device, vmFlags, prot)) vmFlags &= ~VM_MAYWRITE;
  }
  // do_mmap decided on the populate with MAP_LOCKED's VM_LOCKED; the VMA may lose the flag below.
  const populates =
    (vmFlags & T.VM_LOCKED) !== 0 || (flags & (T.MAP_POPULATE | T.MAP_NONBLOCK)) === T.MAP_POPULATE;
  // A VM_SPECIAL mapping (a driver's VM_IO/VM_PFNMAP/VM_MIXEDMAP/VM_DONTEXPAND) or a hugetlb one
  // cannot be mlocked: the kernel clears VM_LOCKED|VM_LOCKONFAULT once the driver's mmap has set
  // its flags (mm/vma.c __mmap_complete, 6.12+; mmap_region's same test before, there since 2.6
  // long before any version the model knows), so MADV_DONTNEED is not refused for being locked.
  if ((vmFlags & VM_SPECIAL) !== 0) vmFlags &= ~T.VM_LOCKED;

  const object = hugetlb
    ? state.objects.createAnonHugetlb(fast ? BigInt(alignedBytes) : alignedLen, hugePages)
    : (bo ??
      chooseObject(state, file, kind, startPage, endPage, prot, vmFlags, fast ? alignedBytes : alignedLen));
  // Private anonymous memory: the object is its own anon object.
  const anon = kind === 'private-anon' ? object : undefined;
  // Built in place, in makeVma's field order (one hidden class), without an argument object to copy.
  const vma: Vma = {
    startPage: sharedPage(startPage),
    endPage: sharedPage(endPage),
    prot,
    vmFlags,
    object,
    pgoff: sharedPage(exported !== undefined ? pgoff + exported.firstPage : pgoff),
    anon,
    anonVma: 0,
    joinsPrev: false,
    owner: T.ownerOf(origin),
    createdStep: origin.step,
    label,
    viaExport: exported,
  };
  state.vmas.splice(startPage, endPage, [vma], 'both');
  // vm_mmap_pgoff(): mm_populate() once the mapping exists (do_mmap's `*populate`).
  if (populates) populate(state, startPage, endPage);
  const mapped: Effect = { kind: 'mapped', vma };
  const chosen = pageAddress(startPage, geo);
  return succeed(chosen, replaced !== undefined ? [replaced, mapped] : [mapped]);
}

/**
 * MAP_HUGE_SHIFT's size (flags >> 26, a log2) as a huge page size in bytes, or 0 when the arch has
 * no such hstate (hstate_sizelog → EINVAL; config.ts hugePageSizes). 0 is the default hstate,
 * HPAGE_SIZE = PMD_SIZE on x86-64 (2 MiB) and arm64 (HPAGE_SHIFT = PMD_SHIFT,
 * arch/arm64/include/asm/pgtable.h: 2, 32 or 512 MiB by page size).
 */
export function hugePageBytes(flags: number, config: Pick<T.KernelConfig, 'arch' | 'pageSize'>): bigint {
  const sizeLog = (flags >>> 26) & 0x3f;
  if (sizeLog === 0) return pmdBytes(config);
  const size = 1n << BigInt(sizeLog);
  return hugePageSizes(config).includes(size) ? size : 0n;
}

/** The arch's huge page sizes, as the EINVAL for any other says them, with where they come from. */
function hugePageSizesText(config: T.KernelConfig): string {
  const sizes = hugePageSizes(config).map(formatSize);
  const list = `${sizes.slice(0, -1).join(', ')} and ${sizes[sizes.length - 1]} only`;
  if (config.arch === 'x86_64') return `x86-64 has huge pages of ${list} (ksys_mmap_pgoff: hstate_sizelog)`;
  return `arm64 with ${formatSize(config.pageSize)} pages has huge pages of ${list} (hugetlbpage_init; ksys_mmap_pgoff: hstate_sizelog)`;
}

/**
 * hugetlbfs_file_mmap() for the file behind MAP_HUGETLB: the offset must be huge page aligned,
 * then hugetlb_reserve_pages() needs free huge pages unless VM_NORESERVE. The model has none
 * (vm.nr_hugepages = 0, as on the observed machine): only MAP_NORESERVE maps.
 */
function hugetlbRefusal(
  pgoff: number,
  hugePages: number,
  vmFlags: number,
): { errno: T.Errno; reason: string } | undefined {
  if (pgoff % hugePages !== 0) {
    return {
      errno: 'EINVAL',
      reason: 'MAP_HUGETLB: the offset is not aligned to the huge page size (hugetlbfs_file_mmap)',
    };
  }
  if ((vmFlags & T.VM_NORESERVE) === 0) {
    return {
      errno: 'ENOMEM',
      reason:
        'MAP_HUGETLB without MAP_NORESERVE reserves huge pages, and there are none (the model assumes vm.nr_hugepages = 0) (hugetlbfs_file_mmap: hugetlb_reserve_pages)',
    };
  }
  return undefined;
}

/**
 * The device driver's ->mmap refusal, if any. `bo`: on a DRM node, the buffer object whose fake
 * offset `offset` (page aligned) is. `len` in bytes: a number when exact in doubles (compared with the bigint size
 * exactly), else a bigint.
 */
function deviceRefusal(
  file: OpenFile,
  bo: MemoryObject | undefined,
  offset: bigint,
  len: number | bigint,
  vmFlags: number,
  prot: number,
): { errno: T.Errno; reason: string } | undefined {
  const device = file.device as T.DeviceTraits;
  if (device.exported !== undefined) return exportedRefusal(file, device, offset, len, vmFlags, prot);
  if (device.fakeOffsets && bo === undefined) {
    return {
      errno: 'EINVAL',
      reason: `${file.name}: the offset ${formatHex(offset)} is not the fake mmap offset of any buffer object of fd ${file.fd} (drm_gem_mmap: drm_vma_offset_exact_lookup_locked finds none)`,
    };
  }
  if (!device.fakeOffsets && offset !== 0n) {
    return {
      errno: 'EINVAL',
      reason:
        device.offsetRefusedBy !== undefined
          ? `${file.name}: the offset ${formatHex(offset)} is not 0 (${device.offsetRefusedBy})`
          : `${file.name}: the offset must be exactly the buffer object's mmap offset (drm_vma_offset_exact_lookup_locked; the model places each BO at offset 0)`,
    };
  }
  const objectBytes = bo !== undefined ? (bo.sizeBytes ?? 0n) - offset : file.sizeBytes;
  if (device.sizeMustMatch === true && len < objectBytes) {
    return {
      errno: device.sizeMismatchErrno ?? 'EINVAL',
      reason: `${file.name}: the mapping (${formatHex(BigInt(len))} bytes) is smaller than the object (${formatHex(objectBytes)} bytes) (${device.sizeRefusedBy ?? "the driver's mmap refuses a size mismatch"})`,
    };
  }
  if (len > objectBytes) {
    // DRM: drm_gem_mmap's (and i915_gem_mmap's) lookup takes the mapping's page count, and
    // drm_vma_offset_lookup_locked drops a node that ends before the mapping does, so the EINVAL
    // is drm_gem_mmap's `if (!obj)`, before drm_gem_mmap_obj's own size check is reached.
    const where =
      device.sizeMismatchErrno !== undefined
        ? (device.sizeRefusedBy ?? "the driver's mmap refuses a size mismatch")
        : 'drm_gem_mmap: drm_vma_offset_exact_lookup_locked finds no BO holding all its pages';
    return {
      errno: device.sizeMismatchErrno ?? 'EINVAL',
      reason: `${file.name}: the mapping (${formatHex(BigInt(len))} bytes) is larger than the ${bo !== undefined ? 'buffer object' : 'object'} (${formatHex(objectBytes)} bytes) (${where})`,
    };
  }
  return cowRefusal(device, vmFlags, prot, `${file.name}: the driver refuses`);
}

/**
 * mmap of an exported fd: dma_buf_mmap_internal refuses a mapping past the buffer's size
 * (EINVAL, drivers/dma-buf/dma-buf.c), then the exporter's own mmap decides, as for its BO
 * (`DeviceTraits.exportedAs` where its dma-buf mmap is another one).
 */
function exportedRefusal(
  file: OpenFile,
  device: T.DeviceTraits,
  offset: bigint,
  len: number | bigint,
  vmFlags: number,
  prot: number,
): { errno: T.Errno; reason: string } | undefined {
  const bytes = file.sizeBytes - offset;
  if (len > bytes) {
    return {
      errno: 'EINVAL',
      reason: `${file.name}: the mapping (${formatHex(BigInt(len))} bytes from offset ${formatHex(offset)}) runs past the exported buffer (${formatHex(file.sizeBytes)} bytes) (dma_buf_mmap_internal)`,
    };
  }
  // The exporter's object mmap runs next (drm_gem_prime_mmap → obj->funcs->mmap), before any COW check.
  const refusal = device.exported?.refusal;
  if (refusal !== undefined) return { errno: refusal.errno, reason: `${file.name}: ${refusal.reason}` };
  return cowRefusal(device, vmFlags, prot, `${file.name}: the exporting driver refuses`);
}

/** amdgpu's PROT_NONE MAP_PRIVATE map, let through with VM_MAYWRITE cleared (DeviceTraits.privateProtNoneAllowed). */
function protNoneCowLetThrough(device: T.DeviceTraits, vmFlags: number, prot: number): boolean {
  return device.privateProtNoneAllowed === true && prot === T.PROT_NONE && isCowMapping(vmFlags);
}

/** A `rejectsCow` driver's EINVAL for a copy-on-write (MAP_PRIVATE) mapping; `who` starts the reason. */
function cowRefusal(
  device: T.DeviceTraits,
  vmFlags: number,
  prot: number,
  who: string,
): { errno: T.Errno; reason: string } | undefined {
  if (!device.rejectsCow || !isCowMapping(vmFlags) || protNoneCowLetThrough(device, vmFlags, prot))
    return undefined;
  const by = device.cowRefusedBy ?? 'ttm_bo_mmap_obj';
  const protNone = device.privateProtNoneAllowed ? '; only a PROT_NONE one passes, without VM_MAYWRITE' : '';
  return {
    errno: 'EINVAL',
    reason: `${who} copy-on-write (MAP_PRIVATE) mappings of its buffer object (${by}: is_cow_mapping → EINVAL${protNone})`,
  };
}

/** The backing object of a new VMA. A new private anon VMA joins its neighbour's anon object when Linux would merge them. */
function chooseObject(
  state: KernelState,
  file: OpenFile | undefined,
  kind: PlacementKind,
  startPage: number,
  endPage: number,
  prot: number,
  vmFlags: number,
  alignedLen: number | bigint,
): MemoryObject {
  if (file !== undefined) return file.object;
  if (kind === 'shared-anon') return state.objects.createSharedAnon(BigInt(alignedLen));
  const left = state.vmas.before(startPage);
  if (sharesAnonObject(state, left, prot, vmFlags) && left.endPage === startPage) return left.object;
  const right = state.vmas.firstEndingAfter(startPage);
  if (sharesAnonObject(state, right, prot, vmFlags) && right.startPage === endPage) return right.object;
  return state.objects.createAnon();
}

/** Could a new private anon VMA with this prot and these flags use the neighbour's anon object? */
function sharesAnonObject(state: KernelState, n: Vma | undefined, prot: number, vmFlags: number): n is Vma {
  return (
    n !== undefined &&
    n.object.kind === 'anon' &&
    n.prot === prot &&
    n.vmFlags === vmFlags &&
    n.pgoff === n.startPage &&
    state.objects.isHomeOnly(n.object)
  );
}

/** Why `fd` is closed, when its close said (AddressSpace.closeFile): ` (why)`, else nothing. */
function closedByText(state: KernelState, fd: number): string {
  const by = state.closedBy.size === 0 ? undefined : state.closedBy.get(fd);
  return by === undefined ? '' : ` (${by})`;
}
