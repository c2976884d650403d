// vma_modify()'s splits (K:mm/vma.c vma_modify, 6.18; mprotect_fixup, madvise_update_vma and
// mseal_apply reach it through vma_modify_flags; older kernels split in the same order in
// mprotect_fixup and madvise_behavior): first at the start of the range, then at its end, each
// through split_vma(). A refused end split returns without undoing the start split, so
// /proc/pid/maps keeps that boundary. Checked on 6.18 with a 4 MiB hugetlb mapping h: mprotect,
// madvise(MADV_DONTFORK) and mseal of [h + 2MiB, + 4KiB) fail with EINVAL and leave h split at
// 2 MiB; mprotect(h + 4KiB, 4KiB), refused at the start, leaves h whole.
import { fail } from './result';
import { describeRange, hexPage } from './state';
import { splitKernelVmaAt, splitRefusal } from './unmap-range';
import type { Failure } from './result';
import type { KernelState } from './state';
import type { Vma } from './types';

/**
 * The splits that bring the kernel VMA `v` to [from, to) before its flags change: a refusal (the
 * start split, if it was made, stays), or undefined when both may be made (the caller's splice
 * makes them).
 */
export function vmaModifySplits(
  state: KernelState,
  v: Vma,
  from: number,
  to: number,
  what: string,
): Failure | undefined {
  const splitsStart = from > v.startPage;
  if (splitsStart) {
    const refusal = splitVmaRefusal(state, v, from, 0, what);
    if (refusal !== undefined) return refusal;
  }
  if (to >= v.endPage) return undefined;
  const refusal = splitVmaRefusal(state, v, to, splitsStart ? 1 : 0, what);
  if (refusal !== undefined && splitsStart) splitKernelVmaAt(state, from);
  return refusal;
}

/**
 * split_vma(): ENOMEM once map_count (with the `pending` splits made before it) reached
 * vm.max_map_count, then __split_vma's vm_ops->may_split (a hugetlb VMA off its huge page size, a
 * special mapping such as [vvar]: EINVAL).
 */
function splitVmaRefusal(
  state: KernelState,
  v: Vma,
  atPage: number,
  pending: number,
  what: string,
): Failure | undefined {
  const mapCount = state.vmas.kernelSize + pending;
  if (mapCount >= state.config.maxMapCount)
    return fail(
      'ENOMEM',
      `${what}: splitting ${describeRange(state, v.startPage, v.endPage)} at ${hexPage(state, atPage)} would exceed vm.max_map_count (${state.config.maxMapCount}) (split_vma)`,
    );
  return splitRefusal(state, v, atPage, what);
}
