// Arguments arrive as bigint (or number for flags/prot). The kernel sees them as unsigned longs:
// negative or oversized values wrap modulo 2^64, exactly as a C caller's value would.
import type { PageGeometry } from './config';

const TWO_64 = 1n << 64n;

export function u64(value: bigint): bigint {
  // The common in-range argument is returned as is: BigInt.asUintN would allocate a copy.
  return value >= 0n && value < TWO_64 ? value : BigInt.asUintN(64, value);
}

/** PAGE_ALIGN(len) as the kernel computes it: wraps to 0 for lengths within a page of 2^64. */
export function pageAlign(len: bigint, pageSize: bigint): bigint {
  const rest = len % pageSize;
  const aligned = rest === 0n ? len : len + (pageSize - rest);
  return aligned >= TWO_64 ? aligned - TWO_64 : aligned;
}

const SMALL = 1n << 52n;

/**
 * The value as a JS number when 0 <= value < 2^52, else -1. Sums of two such numbers stay exact,
 * so a syscall whose arguments are small can do its page arithmetic in doubles: bigint arithmetic
 * allocates a new bigint for every operation.
 */
export function smallNumber(value: bigint): number {
  return value >= 0n && value < SMALL ? Number(value) : -1;
}

/** ceil(bytes / pageBytes), exact in doubles for bytes < 2^53 (the multiple below is exact). */
export function bytesToPagesUp(bytes: number, pageBytes: number): number {
  const rest = bytes % pageBytes;
  return (bytes - rest) / pageBytes + (rest === 0 ? 0 : 1);
}

export function toPage(addr: bigint, geo: PageGeometry): number {
  return Number(addr / geo.pageSize);
}

export function toAddr(page: number, geo: PageGeometry): bigint {
  return BigInt(page) * geo.pageSize;
}

/** Flags are `unsigned long`: bits above 32 (or a non-integer) are kept as "unknown bits". */
export function flagBits(flags: number): { readonly bits: number; readonly highBits: boolean } {
  const valid = Number.isSafeInteger(flags) && flags >= 0 && flags <= 0xffffffff;
  return { bits: valid ? flags >>> 0 : Number.isSafeInteger(flags) ? flags >>> 0 : 0, highBits: !valid };
}

/** The `bits` of `flagBits` alone (no result object). */
export function flagLowBits(flags: number): number {
  return Number.isSafeInteger(flags) ? flags >>> 0 : 0;
}

/** The `highBits` of `flagBits` alone. */
export function flagsHaveHighBits(flags: number): boolean {
  return !(Number.isSafeInteger(flags) && flags >= 0 && flags <= 0xffffffff);
}

/**
 * BigInt(bytes) for a page-aligned address below 2^53, through a small direct-mapped cache:
 * processes map, unmap and remap the same few addresses over and over, and every syscall
 * result carries its address as a bigint (each one allocated, and kept by the call record).
 * Bigints are immutable values, so sharing one is unobservable.
 */
const ADDRESS_SLOTS = 256;
const cachedBytes = new Float64Array(ADDRESS_SLOTS).fill(-1);
const cachedAddresses = new Array<bigint>(ADDRESS_SLOTS).fill(0n);

/** The address of `page` as a bigint (page * pageBytes; exact for any page of a 64-bit space). */
export function pageAddress(page: number, geo: PageGeometry): bigint {
  const bytes = page * geo.pageBytes;
  if (bytes > Number.MAX_SAFE_INTEGER) return BigInt(page) * geo.pageSize;
  const slot = page & (ADDRESS_SLOTS - 1);
  if (cachedBytes[slot] === bytes) return cachedAddresses[slot] as bigint;
  const address = BigInt(bytes);
  cachedBytes[slot] = bytes;
  cachedAddresses[slot] = address;
  return address;
}

/** The same kind of cache for byte counts and offsets (access segments: the same sizes recur). */
const COUNT_SLOTS = 1024;
const cachedCounts = new Float64Array(COUNT_SLOTS).fill(-1);
const cachedCountValues = new Array<bigint>(COUNT_SLOTS).fill(0n);

/** BigInt(n) for a safe integer n >= 0, shared with earlier calls for the same n when cached. */
export function countBigint(n: number): bigint {
  const slot = n & (COUNT_SLOTS - 1);
  if (cachedCounts[slot] === n) return cachedCountValues[slot] as bigint;
  const value = BigInt(n);
  cachedCounts[slot] = n;
  cachedCountValues[slot] = value;
  return value;
}
