// The page size and map end of a `platform macos` process: XNU's, not Linux's. Everything else of
// the address space (mmap placement, mmap_min_addr, THP) stays Linux's (docs/language.md,
// `platform`).
//
// Page size: an arm64 process's map has 16 KiB pages, unless it was made 4 KiB (bsd/kern/
// mach_loader.c load_machfile at 1031c584: a 64-bit map gets SIXTEENK_PAGE_SHIFT, "enforce 16KB
// alignment of VM map entries"; FOURK_PAGE_SHIFT only with PMAP_CREATE_FORCE_4K_PAGES, the
// 4 KiB address space Rosetta 2's x86-64 processes use). x86-64 Macs have 4 KiB pages (osfmk/mach/
// i386/vm_param.h: I386_PGBYTES 4096). No Mac has another size: osfmk/mach/arm/vm_param.h
// PAGE_MIN_SHIFT 12, PAGE_MAX_SHIFT 14 (apple-oss-distributions/xnu 1031c584).
//
// Map end: MACH_VM_MAX_ADDRESS, the user map's max_offset (osfmk/mach/i386/vm_param.h:
// VM_MAX_PAGE_ADDRESS 0x00007FFFFFE00000, "the 64 bit commpage is past the end of this";
// osfmk/mach/arm/vm_param.h: MACH_VM_MAX_ADDRESS_RAW 0x00007FFFFE000000 under XNU_PLATFORM_MacOSX).
import type { Arch } from '../kernel/types';
import { formatSize, KiB } from '../numbers';

/** MACH_VM_MAX_ADDRESS of macOS on each arch. */
export function machVmMaxAddress(arch: Arch): bigint {
  return arch === 'arm64' ? 0x7fff_fe00_0000n : 0x7fff_ffe0_0000n;
}

/** The page size of a macOS process of this arch without a `page-size` line. */
export function macosPageSize(arch: Arch): bigint {
  return arch === 'arm64' ? 16n * KiB : 4n * KiB;
}

/** Why macOS has no such page size, or undefined when it has (4 KiB, and 16 KiB on arm64). */
export function macosPageSizeProblem(pageSize: bigint, arch: Arch): string | undefined {
  if (pageSize === 4n * KiB || pageSize === 16n * KiB) return undefined;
  return `macOS pages are 4 KiB or 16 KiB (xnu osfmk/mach/arm/vm_param.h: PAGE_MIN_SHIFT 12, PAGE_MAX_SHIFT 14); ${formatSize(pageSize)} pages are a Linux arm64 kernel's. The page size stays ${formatSize(macosPageSize(arch))}`;
}
