// mseal(2) (Linux 6.10+, K:mm/mseal.c do_mseal): seals every VMA in a fully mapped range. Sealed
// VMAs refuse munmap, mremap, mprotect and MAP_FIXED replacement with EPERM (facts 2, 3.2, 6.1).
import { formatHex } from '../numbers';
import { versionAtLeast } from './config';
import { fail, succeed } from './result';
import { hexPage } from './state';
import { VM_SEALED } from './types';
import { pageAlign, u64 } from './u64';
import { sliceVma, vmaWith } from './vma';
import type { KernelState } from './state';
import type { Effect, SyscallResult } from './types';

/** mseal on kernels that do not have it: the syscall number is unknown (ENOSYS, not in the Errno set). */
export type MsealResult =
  | SyscallResult
  | {
      readonly ok: false;
      readonly errno: 'ENOSYS';
      readonly reason: string;
      readonly effects: readonly Effect[];
    };

export function doMseal(state: KernelState, addrIn: bigint, lengthIn: bigint): MsealResult {
  if (!versionAtLeast(state.config.version, 6, 10)) {
    return { ok: false, errno: 'ENOSYS', reason: 'mseal(2) does not exist before Linux 6.10', effects: [] };
  }
  const P = state.geo.pageSize;
  const addr = u64(addrIn);
  const len = u64(lengthIn);
  if (addr % P !== 0n) return fail('EINVAL', `the address ${formatHex(addr)} is not page aligned (do_mseal)`);
  const alignedLen = pageAlign(len, P);
  if (len !== 0n && alignedLen === 0n)
    return fail('EINVAL', 'the length wraps to 0 when page aligned (do_mseal)');
  if (addr + alignedLen >= 1n << 64n) return fail('EINVAL', 'addr + len wraps around (do_mseal)');
  if (alignedLen === 0n) return succeed(0n);
  const startPage = Number(addr / P);
  const endPage = startPage + Number(alignedLen / P);
  let cursor = startPage;
  const vmas = state.vmas.overlapping(startPage, endPage);
  for (const v of vmas) {
    if (v.startPage > cursor)
      return fail(
        'ENOMEM',
        `${hexPage(state, cursor)} is not mapped: mseal needs the whole range mapped (check_mm_seal)`,
      );
    cursor = v.endPage;
  }
  if (cursor < endPage)
    return fail(
      'ENOMEM',
      `${hexPage(state, cursor)} is not mapped: mseal needs the whole range mapped (check_mm_seal)`,
    );
  for (const v of vmas) {
    if ((v.vmFlags & VM_SEALED) !== 0) continue;
    const piece = sliceVma(v, Math.max(startPage, v.startPage), Math.min(endPage, v.endPage));
    state.vmas.splice(
      piece.startPage,
      piece.endPage,
      [vmaWith(piece, { vmFlags: piece.vmFlags | VM_SEALED })],
      'both',
    );
  }
  return succeed(0n);
}
