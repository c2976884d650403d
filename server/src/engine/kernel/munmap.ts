// munmap(2) (facts 2, K:mm/vma.c:do_vmi_munmap): argument checks, then the gather checks, then removal.
import { formatHex } from '../numbers';
import { fail, succeed } from './result';
import { checkUnmap, munmapFunction, removeRange } from './unmap-range';
import { bytesToPagesUp, pageAlign, smallNumber, u64 } from './u64';
import type { KernelState } from './state';
import type { Origin, SyscallResult } from './types';

export function doMunmap(
  state: KernelState,
  addrIn: bigint,
  lengthIn: bigint,
  _origin: Origin,
): SyscallResult {
  const { config, geo } = state;
  // The usual call (aligned, inside TASK_SIZE, nonzero) in doubles; anything else takes the exact
  // bigint checks below, which give the errno and its message.
  const a = smallNumber(addrIn);
  const l = smallNumber(lengthIn);
  const p = geo.pageBytes;
  if (a >= 0 && l > 0 && a % p === 0 && a <= geo.taskBytes && l <= geo.taskBytes - a) {
    const startPage = a / p;
    return unmapPages(state, startPage, startPage + bytesToPagesUp(l, p));
  }
  const P = geo.pageSize;
  const fn = munmapFunction(state);
  const addr = u64(addrIn);
  const len = u64(lengthIn);
  if (addr % P !== 0n) return fail('EINVAL', `the address ${formatHex(addr)} is not page aligned (${fn})`);
  if (addr > config.taskSize)
    return fail('EINVAL', `the address ${formatHex(addr)} lies above TASK_SIZE (${fn})`);
  if (len > config.taskSize - addr) {
    return fail(
      'EINVAL',
      `the range [${formatHex(addr)}, +${formatHex(len)}) runs past TASK_SIZE (${fn}: len > TASK_SIZE - start)`,
    );
  }
  const alignedLen = pageAlign(len, P);
  if (alignedLen === 0n) return fail('EINVAL', `the length is 0 (${fn}: start == end)`);
  const startPage = Number(addr / P);
  return unmapPages(state, startPage, startPage + Number(alignedLen / P));
}

/** do_vmi_munmap() once the arguments are checked: the gather checks, then the removal. */
function unmapPages(state: KernelState, startPage: number, endPage: number): SyscallResult {
  const refusal = checkUnmap(state, startPage, endPage, 'munmap');
  if (refusal !== undefined) return refusal;
  // Nothing mapped in the range is not an error (facts 2).
  if (!state.vmas.intersects(startPage, endPage)) return succeed(0n);
  const victims = removeRange(state, startPage, endPage);
  return succeed(0n, [{ kind: 'unmapped', startPage, endPage, victims }]);
}
