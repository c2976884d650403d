// vma_modify() (K:mm/vma.c vma_modify, 6.18; mprotect_fixup, madvise_update_vma and mseal_apply
// reach it through vma_modify_flags) first tries vma_merge_existing_range(): a range at an edge of
// its VMA whose new flags match the neighbour across that edge joins it, and nothing is split.
// Only then does it split, first at the start of the range, then at its end, each through
// split_vma(), which checks map_count against vm.max_map_count on its own (so at max − 1 the start
// split is made and the end split refused; at max a range that merges still succeeds). A refused
// end split returns without undoing the start split, so /proc/pid/maps keeps that boundary. Older
// kernels have the same order: 5.x mprotect_fixup and madvise_behavior/madvise_update_vma call
// vma_merge() first, then split_vma() (or a map_count check and __split_vma()) at the start, then
// at the end (mseal only exists from 6.10, on vma_modify). Checked on 6.18 with a 4 MiB hugetlb
// mapping h: mprotect, madvise(MADV_DONTFORK) and mseal of [h + 2MiB, + 4KiB) fail with EINVAL and
// leave h split at 2 MiB; mprotect(h + 4KiB, 4KiB), refused at the start, leaves h whole.
import { fail } from './result';
import { describeRange, hexPage } from './state';
import { splitKernelVmaAt, splitRefusal } from './unmap-range';
import { kernelMergeable, reprotectedSlice } from './vma';
import type { Failure } from './result';
import type { KernelState } from './state';
import type { Vma } from './types';

/**
 * The splits that bring the kernel VMA `v` to [from, to) before its flags change: a refusal (the
 * start split, if it was made, stays), or undefined when the change may be made (the caller's
 * splice makes the splits, or the merge). `prot` and `vmFlags` are the range's new ones: a range
 * at one edge of `v` that then merges with the neighbour there needs no split.
 */
export function vmaModifySplits(
  state: KernelState,
  v: Vma,
  from: number,
  to: number,
  prot: number,
  vmFlags: number,
  what: string,
): Failure | undefined {
  const splitsStart = from > v.startPage;
  const splitsEnd = to < v.endPage;
  // The kernel tries the merge first, but only a refused split depends on it (a split that is made
  // and a merge that makes none both let the change go on): asked only then, which keeps the
  // slice it builds off the path every mprotect and madvise takes. A range split on both sides
  // touches no neighbour, so it never merges.
  const oneSided = splitsStart !== splitsEnd;
  if (splitsStart) {
    const refusal = splitVmaRefusal(state, v, from, 0, what);
    if (refusal !== undefined)
      return oneSided && mergesAtEdge(state, reprotectedSlice(v, from, to, prot, vmFlags), true)
        ? undefined
        : refusal;
  }
  if (!splitsEnd) return undefined;
  const refusal = splitVmaRefusal(state, v, to, splitsStart ? 1 : 0, what);
  if (refusal === undefined) return undefined;
  if (oneSided && mergesAtEdge(state, reprotectedSlice(v, from, to, prot, vmFlags), false)) return undefined;
  if (splitsStart) splitKernelVmaAt(state, from);
  return refusal;
}

/**
 * vma_merge_existing_range(): `changed`, at the end (`atEnd`) or the start of its VMA, joins the
 * neighbour across that edge when the kernel would merge the two (kernelMergeable: flags, file,
 * pgoff, anon_vma; never VM_SPECIAL). A range in the middle of its VMA has no neighbour to join.
 */
function mergesAtEdge(state: KernelState, changed: Vma, atEnd: boolean): boolean {
  if (atEnd) {
    const next = state.vmas.kernelVmaAt(changed.endPage);
    return next !== undefined && kernelMergeable(changed, next);
  }
  const prev = changed.startPage > 0 ? state.vmas.kernelVmaAt(changed.startPage - 1) : undefined;
  return prev !== undefined && kernelMergeable(prev, changed);
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
