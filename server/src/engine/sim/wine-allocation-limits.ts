// What allocate_virtual_memory refuses before it looks for room (wine-mirror/wine
// dlls/ntdll/unix/virtual.c, read at 01aa909c; facts linux-mm §7.2): with an explicit base, once
// MEM_RESERVE has rounded it down to 64 KiB, `/* disallow low 64k, wrap-around and kernel space */`
// — a base below 0x10000, a range that wraps, or one `is_beyond_limit( base, size,
// address_space_limit )` — is STATUS_INVALID_PARAMETER, and no mmap is made.
import { formatHex } from '../numbers';
import { runsI386Wine, type Platform } from './platform';

/** The low 64 KiB no allocation may start in (the check's literal `0x10000`, not address_space_start). */
const LOWEST_BASE = 0x1_0000n;
/**
 * virtual.c's address_space_limit: 0x7fffffff0000 where ntdll is built with _WIN64, as WOW64's
 * is (its 32-bit code calls the 64-bit ntdll through the wow64 thunks; box64's `mmap32` runs that
 * x86-64 Wine too); 0xc0000000 in i386 Wine (sim/platform.ts runsI386Wine).
 */
const WIN64_ADDRESS_SPACE_LIMIT = 0x7fff_ffff_0000n;
const I386_ADDRESS_SPACE_LIMIT = 0xc000_0000n;
/** A pointer's range: a sum past it wraps around. */
const POINTER_END = 1n << 64n;

export function wineAddressSpaceLimit(platform: Platform): bigint {
  return runsI386Wine(platform.strategy, platform.sources.has('large-address-aware'))
    ? I386_ADDRESS_SPACE_LIMIT
    : WIN64_ADDRESS_SPACE_LIMIT;
}

/**
 * Why allocate_virtual_memory refuses [base, base + size) with STATUS_INVALID_PARAMETER (`base`
 * already rounded as the call rounds it), or undefined when it takes it.
 */
export function invalidAllocationRange(platform: Platform, base: bigint, size: bigint): string | undefined {
  const limit = wineAddressSpaceLimit(platform);
  const range = `[${formatHex(base)}, +${formatHex(size)})`;
  if (base < LOWEST_BASE) return `the base ${formatHex(base)} lies in the low 64 KiB, below 0x1_0000`;
  if (base + size >= POINTER_END) return `${range} wraps around the end of the address space`;
  if (base >= limit || base + size > limit)
    return `${range} reaches beyond address_space_limit ${formatHex(limit)}`;
  return undefined;
}
