// Arguments arrive as bigint (or number for flags/prot). The kernel sees them as unsigned longs:
// negative or oversized values wrap modulo 2^64, exactly as a C caller's value would.
import type { PageGeometry } from './config';
import { BigintCache } from '../bigint-cache';

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
 * Processes map, unmap and remap the same few addresses over and over, and every syscall result
 * carries its address as a bigint kept by the call record: recent ones are shared.
 */
const ADDRESSES = new BigintCache(256);
/** Access segments' byte counts and offsets: the same sizes recur. */
const COUNTS = new BigintCache(1024);

/** The address of `page` as a bigint (page * pageBytes; exact for any page of a 64-bit space). */
export function pageAddress(page: number, geo: PageGeometry): bigint {
  const bytes = page * geo.pageBytes;
  if (bytes > Number.MAX_SAFE_INTEGER) return BigInt(page) * geo.pageSize;
  return ADDRESSES.of(bytes);
}

/** BigInt(n) for a safe integer n >= 0, shared with earlier calls for the same n when cached. */
export function countBigint(n: number): bigint {
  return COUNTS.of(n);
}
