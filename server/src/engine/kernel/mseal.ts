// mseal(2) (Linux 6.10+, K:mm/mseal.c do_mseal): seals every VMA in a fully mapped range. Sealed
// VMAs refuse munmap, mremap, mprotect and MAP_FIXED replacement with EPERM (facts 2, 3.2, 6.1).
import { versionAtLeast } from './config';
import { checkedPageRange } from './range-args';
import { fail, succeed } from './result';
import { hexPage, isSealed } from './state';
import { VM_SEALED } from './types';
import { vmaModifySplits } from './vma-modify';
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
  const range = checkedPageRange(state.geo, addrIn, lengthIn, 'do_mseal');
  if ('ok' in range) return range;
  const { startPage, endPage } = range;
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
  // mseal_apply() walks the kernel VMAs in order and stops at the first vma_modify_flags() error:
  // the VMAs before it stay sealed (K:mm/mseal.c mseal_apply; the same walk in 6.10's
  // apply_mm_seal/mseal_fixup).
  for (const v of state.vmas.kernelOverlapping(startPage, endPage)) {
    if (isSealed(v)) continue;
    const from = Math.max(startPage, v.startPage);
    const to = Math.min(endPage, v.endPage);
    const refusal = vmaModifySplits(state, v, from, to, v.prot, v.vmFlags | VM_SEALED, 'mseal');
    if (refusal !== undefined) return refusal;
    for (const record of state.vmas.overlapping(from, to)) {
      const piece = sliceVma(record, Math.max(from, record.startPage), Math.min(to, record.endPage));
      state.vmas.splice(
        piece.startPage,
        piece.endPage,
        [vmaWith(piece, { vmFlags: piece.vmFlags | VM_SEALED })],
        'both',
      );
    }
  }
  return succeed(0n);
}
