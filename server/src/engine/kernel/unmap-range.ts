// Unmapping a page range, shared by munmap, MAP_FIXED, MREMAP_FIXED and the shrink of mremap:
// do_vmi_munmap()'s gather step checks first (facts 2), then the VMAs go and private pages are freed.
import { formatHex } from '../numbers';
import { fail } from './result';
import { VM_HUGETLB } from './types';
import { deviceOf, describeRange, hexPage, isSealed } from './state';
import { versionAtLeast } from './config';
import { sliceVma, vmaWith } from './vma';
import type { Failure } from './result';
import type { KernelState } from './state';
import type { MemoryObject, Vma } from './types';

/** The replacement of a plain removal (shared: splice only reads it). */
const NO_VMAS: readonly Vma[] = [];

/**
 * vms_gather_munmap_vmas(): the split-count, mseal and may_split checks, in kernel order. A check
 * only, but for one side effect the kernel has too: from 6.12 a failure after the first VMA was
 * split at the range's start leaves that split.
 */
export function checkUnmap(
  state: KernelState,
  startPage: number,
  endPage: number,
  what: string,
): Failure | undefined {
  // Fast path: nothing sealed, no driver with may_split, and room for a split.
  let special = state.vmas.kernelSize >= state.config.maxMapCount;
  if (!special) {
    special = state.vmas.someOverlapping(startPage, endPage, needsGatherChecks, state);
    if (!special) return undefined;
  }
  const victims = state.vmas.kernelOverlapping(startPage, endPage);
  const first = victims[0];
  if (first === undefined) return undefined;
  if (startPage > first.startPage) {
    const mapCount = state.vmas.kernelSize;
    if (endPage < first.endPage && mapCount >= state.config.maxMapCount) {
      return fail(
        'ENOMEM',
        `${what}: punching a hole in the VMA at ${hexPage(state, first.startPage)} needs one more VMA, but map_count (${mapCount}) has reached vm.max_map_count (${state.config.maxMapCount}) (${munmapFunction(state)})`,
      );
    }
    if (isSealed(first)) return sealedFailure(state, first, what);
    const refusal = splitRefusal(state, first, startPage, what);
    if (refusal !== undefined) return refusal;
  }
  // From 6.12 (df2a7df9a9aa, "mm/munmap: replace can_modify_mm with can_modify_vma") the seal is
  // checked per VMA as the gather walks them, after it split the first one at the range's start:
  // a failure further on returns without undoing that split, and maps shows the extra boundary.
  // 6.10 and 6.11 checked the whole range (can_modify_mm) before splitting anything.
  const failAfterStartSplit = (failure: Failure): Failure => {
    if (startPage > first.startPage && versionAtLeast(state.config.version, 6, 12))
      splitKernelVmaAt(state, startPage);
    return failure;
  };
  for (const v of victims) {
    if (isSealed(v)) return failAfterStartSplit(sealedFailure(state, v, what));
    if (v.endPage > endPage) {
      const refusal = splitRefusal(state, v, endPage, what);
      if (refusal !== undefined) return failAfterStartSplit(refusal);
    }
  }
  return undefined;
}

/** __split_vma at `page`: the kernel VMA holding it becomes two, its records and pages unchanged. */
export function splitKernelVmaAt(state: KernelState, page: number): void {
  const record = state.vmas.overlapping(page, page + 1)[0];
  if (record === undefined || (record.startPage === page && !record.joinsPrev)) return;
  const pieces =
    record.startPage === page
      ? [vmaWith(record, { joinsPrev: false })]
      : [
          sliceVma(record, record.startPage, page),
          vmaWith(sliceVma(record, page, record.endPage), { joinsPrev: false }),
        ];
  state.vmas.splice(record.startPage, record.endPage, pieces, 'keep');
}

/** A sealed VMA, a driver's or a hugetlb one (which may refuse a split) needs the full gather checks. */
function needsGatherChecks(r: Vma, state: KernelState): boolean {
  return isSealed(r) || (r.vmFlags & VM_HUGETLB) !== 0 || deviceOf(state, r) !== undefined;
}

/**
 * vm_ops->may_split() at `atPage`: a driver's special mapping refuses any split; a hugetlb VMA
 * one that is not aligned to its huge page size (hugetlb_vm_op_split → EINVAL).
 */
export function splitRefusal(
  state: KernelState,
  vma: Vma,
  atPage: number,
  what: string,
): Failure | undefined {
  if (deviceOf(state, vma)?.refusesSplit) return splitRefused(state, vma, atPage, what);
  const hugePages = vma.object.pagesPerHugePage ?? 1;
  if ((vma.vmFlags & VM_HUGETLB) !== 0 && atPage % hugePages !== 0) {
    return fail(
      'EINVAL',
      `${what}: the MAP_HUGETLB mapping ${describeRange(state, vma.startPage, vma.endPage)} cannot be split at ${hexPage(state, atPage)}, which is not aligned to its huge page size (${formatHex(BigInt(hugePages) * state.geo.pageSize)}) (hugetlb_vm_op_split)`,
    );
  }
  return undefined;
}

function sealedFailure(state: KernelState, vma: Vma, what: string): Failure {
  return fail(
    'EPERM',
    `${what}: the VMA ${describeRange(state, vma.startPage, vma.endPage)} is sealed with mseal() (Linux 6.10+): it cannot be unmapped, moved, resized or reprotected`,
  );
}

function splitRefused(state: KernelState, vma: Vma, atPage: number, what: string): Failure {
  return fail(
    'EINVAL',
    `${what}: the mapping ${describeRange(state, vma.startPage, vma.endPage)} (${vma.object.name || 'special mapping'}) refuses to be split at ${hexPage(state, atPage)} (vm_ops->may_split, as for [vvar]/[vdso]; docs/facts/linux-mm.md §2)`,
  );
}

/**
 * Remove everything in [startPage, endPage). Returns the removed parts (clipped to the range).
 * Private pages of the removed parts are freed unless `keepPrivatePages` (their pages moved).
 */
export function removeRange(
  state: KernelState,
  startPage: number,
  endPage: number,
  keepPrivatePages = false,
): Vma[] {
  state.vmas.splice(startPage, endPage, NO_VMAS, 'none');
  const removed = state.vmas.lastRemoved;
  if (removed.length === 0) return [];
  // Usually only the ends can be clipped: the removed list (a fresh exact-size one) serves as the victims list unless a record is.
  let victims = removed as Vma[];
  for (let k = 0; k < removed.length; k++) {
    const whole = removed[k] as Vma;
    const v = sliceVma(whole, startPage, endPage);
    if (v !== whole) {
      if (victims === removed) victims = removed.slice();
      victims[k] = v;
    }
    if (!keepPrivatePages) freePrivatePages(state, v);
  }
  return victims;
}

/**
 * Free the private pages `vma` (already out of the set) mapped. An object mach_vm_remap aliased
 * keeps the pages another live VMA still maps: a memory object lives as long as any mapping of it
 * (facts linux-mm §7.5, "the source mapping stays intact"). Other objects need no look.
 */
export function freePrivatePages(state: KernelState, vma: Vma): void {
  const anon = vma.anon;
  if (anon === undefined) return;
  discardUnmapped(state, anon, vma.pgoff, vma.pgoff + vma.endPage - vma.startPage);
}

/**
 * Discard the pages at pgoffs [from, to) of the private object `anon` that no live VMA but
 * `except` maps. Only a mach_vm_remap alias (facts linux-mm §7.5) maps the same private pages
 * twice: for every other object the whole range goes, without a look at its users.
 */
export function discardUnmapped(
  state: KernelState,
  anon: MemoryObject,
  from: number,
  to: number,
  except?: Vma,
): void {
  const p = state.geo.pageBytes;
  if (!state.objects.isAliased(anon)) {
    state.contents.discard(anon.id, from * p, to * p);
    return;
  }
  // Discard only the gaps between the pgoff ranges the object's other users still map.
  const kept: [number, number][] = [];
  for (const user of state.objects.usersOf(anon)) {
    if (user === except) continue;
    const start = Math.max(from, user.pgoff);
    const end = Math.min(to, user.pgoff + user.endPage - user.startPage);
    if (start < end) kept.push([start, end]);
  }
  kept.sort((x, y) => x[0] - y[0]);
  let cursor = from;
  for (const [start, end] of kept) {
    if (start > cursor) state.contents.discard(anon.id, cursor * p, start * p);
    cursor = Math.max(cursor, end);
  }
  if (cursor < to) state.contents.discard(anon.id, cursor * p, to * p);
}

export function pagesInRange(state: KernelState, startPage: number, endPage: number): number {
  return state.vmas.mappedPagesIn(startPage, endPage);
}

/**
 * The function that checks and gathers an unmap, by the name the scenario's kernel gives it, for
 * messages: do_vmi_munmap from 6.3 (the vma-iterator conversion of mm/mmap.c, 183654ce26a5, in
 * the 6.3 merge window by its date), do_mas_munmap in 6.1–6.2 (the maple tree removed __do_munmap,
 * 6ca4f66b70b7), __do_munmap from 4.20 (dd2283f2605e, munmap zapping under a read mmap_sem),
 * do_munmap before.
 */
export function munmapFunction(state: KernelState): string {
  const v = state.config.version;
  if (versionAtLeast(v, 6, 3)) return 'do_vmi_munmap';
  if (versionAtLeast(v, 6, 1)) return 'do_mas_munmap';
  return versionAtLeast(v, 4, 20) ? '__do_munmap' : 'do_munmap';
}

/**
 * do_munmap() on [startPage, startPage + pages): argument checks (facts 2), gather checks, removal.
 * Returns the victims. Callers pass page multiples, so do_vmi_munmap's byte checks are exact in
 * pages (start > TASK_SIZE, len > TASK_SIZE - start) and no bigint is made unless one fails.
 */
export function unmapPageRange(
  state: KernelState,
  startPage: number,
  pages: number,
  what: string,
): Failure | Vma[] {
  const taskPages = state.geo.taskPages;
  if (startPage > taskPages || pages > taskPages - startPage) {
    const P = state.geo.pageSize;
    return fail(
      'EINVAL',
      `${what}: the range to unmap [0x${(BigInt(startPage) * P).toString(16)}, +0x${(BigInt(pages) * P).toString(16)}) is unaligned or runs past TASK_SIZE (${munmapFunction(state)})`,
    );
  }
  if (pages === 0) return fail('EINVAL', `${what}: empty range (${munmapFunction(state)})`);
  const endPage = startPage + pages;
  const refusal = checkUnmap(state, startPage, endPage, what);
  if (refusal !== undefined) return refusal;
  return removeRange(state, startPage, endPage);
}
