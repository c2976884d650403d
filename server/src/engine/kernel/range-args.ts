// The (addr, len) checks do_madvise() and do_mseal() share, in the kernel's order: mseal copied
// madvise's. mprotect differs (a wrap is ENOMEM, len == 0 comes first) and munmap checks TASK_SIZE,
// so they keep their own.
import { formatHex } from '../numbers';
import { fail, succeed } from './result';
import { pageAlign, u64 } from './u64';
import type { PageGeometry } from './config';
import type { SyscallResult } from './types';

export type PageRange = { readonly startPage: number; readonly endPage: number };

/**
 * The pages [start, end) that `addr, len` name, or the answer the call gives without looking at a
 * VMA: EINVAL for an unaligned address, a length that wraps to 0 when page aligned or an end that
 * wraps (end < start), and 0 for len == 0. `fn` names the kernel function in the reasons.
 */
export function checkedPageRange(
  geo: PageGeometry,
  addrIn: bigint,
  lengthIn: bigint,
  fn: string,
): PageRange | SyscallResult {
  const P = geo.pageSize;
  const addr = u64(addrIn);
  const len = u64(lengthIn);
  if (addr % P !== 0n) return fail('EINVAL', `the address ${formatHex(addr)} is not page aligned (${fn})`);
  const alignedLen = pageAlign(len, P);
  if (len !== 0n && alignedLen === 0n)
    return fail('EINVAL', `the length wraps to 0 when page aligned (${fn})`);
  if (addr + alignedLen >= 1n << 64n) return fail('EINVAL', `addr + len wraps around (${fn})`);
  if (alignedLen === 0n) return succeed(0n);
  const startPage = Number(addr / P);
  return { startPage, endPage: startPage + Number(alignedLen / P) };
}
