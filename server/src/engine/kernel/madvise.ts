// madvise(2) for the advice that changes what a program sees (K:mm/madvise.c, Linux 6.18;
// man madvise(2)). Checked against the running kernel by test/fidelity/madvise.test.ts.
//
// Unlike mprotect (which stops at the first hole), madvise_walk_vmas() skips holes: it applies the
// advice to every mapped part of the range, after a hole too, and answers ENOMEM at the end. A VMA
// that refuses the advice (EINVAL, EPERM) stops the walk at once, and that errno wins over ENOMEM.
//
// MADV_FREE (Linux 4.5+) frees private anonymous pages lazily: they keep their contents until the
// kernel reclaims them under memory pressure, and a write first cancels the free for its page.
// The model answers what the kernel does without pressure (the old data; what a real run shows)
// and keeps which pages are lazily freed (lazy-freed.ts), so that a read of one can be warned
// about (`lazy-freed-read`): reclaim may have zeroed it.
import { formatHex } from '../numbers';
import { adviceSinceText, kernelHasAdvice } from './advice-since';
import { versionAtLeast } from './config';
import { LazyFreedPages } from './lazy-freed';
import { checkedPageRange } from './range-args';
import { fail, succeed } from './result';
import { describeRange, hexPage, isSealed } from './state';
import {
  PROT_WRITE,
  VM_DONTCOPY,
  VM_DROPPABLE,
  VM_HUGETLB,
  VM_IO,
  VM_LOCKED,
  VM_PFNMAP,
  VM_SHARED,
  VM_UFFD_MISSING,
  VM_WIPEONFORK,
} from './types';
import { vmaModifySplits } from './vma-modify';
import { userfaultfdPagesDropped } from './userfaultfd';
import { isPrivateAnon, isShared, sliceVma, vmaWith } from './vma';
import type { KernelState } from './state';
import type { Errno, KernelVersion, SyscallResult, Vma } from './types';

// <uapi/asm-generic/mman-common.h>
export const MADV_DONTNEED = 4;
export const MADV_FREE = 8;
export const MADV_DONTFORK = 10;
export const MADV_DOFORK = 11;
export const MADV_WIPEONFORK = 18;
export const MADV_KEEPONFORK = 19;

/** The advice the model knows, by name: what strace prints. */
export const MADVISE_NAMES: ReadonlyMap<number, string> = new Map([
  [MADV_DONTNEED, 'MADV_DONTNEED'],
  [MADV_FREE, 'MADV_FREE'],
  [MADV_DONTFORK, 'MADV_DONTFORK'],
  [MADV_DOFORK, 'MADV_DOFORK'],
  [MADV_WIPEONFORK, 'MADV_WIPEONFORK'],
  [MADV_KEEPONFORK, 'MADV_KEEPONFORK'],
]);

/**
 * Advice values Linux 6.18 accepts that the model does not (madvise_behavior_valid;
 * <uapi/asm-generic/mman-common.h>), by number, with their names (`import strace` names one it
 * skips). The language sends one only to a kernel older than it (advice-since.ts), where it is
 * EINVAL; a caller that sends one the kernel has is a bug (thrown), as answering EINVAL would be
 * a lie.
 */
export const UNMODELLED_ADVICE: ReadonlyMap<number, string> = new Map([
  [0, 'MADV_NORMAL'],
  [1, 'MADV_RANDOM'],
  [2, 'MADV_SEQUENTIAL'],
  [3, 'MADV_WILLNEED'],
  [9, 'MADV_REMOVE'],
  [12, 'MADV_MERGEABLE'],
  [13, 'MADV_UNMERGEABLE'],
  [14, 'MADV_HUGEPAGE'],
  [15, 'MADV_NOHUGEPAGE'],
  [16, 'MADV_DONTDUMP'],
  [17, 'MADV_DODUMP'],
  [20, 'MADV_COLD'],
  [21, 'MADV_PAGEOUT'],
  [22, 'MADV_POPULATE_READ'],
  [23, 'MADV_POPULATE_WRITE'],
  [24, 'MADV_DONTNEED_LOCKED'],
  [25, 'MADV_COLLAPSE'],
  [100, 'MADV_HWPOISON'],
  [101, 'MADV_SOFT_OFFLINE'],
  [102, 'MADV_GUARD_INSTALL'],
  [103, 'MADV_GUARD_REMOVE'],
]);

type Refusal = { errno: Errno; reason: string };

/** `step`: the step making the call, which a lazily freed page remembers (MADV_FREE). */
export function doMadvise(
  state: KernelState,
  addrIn: bigint,
  lengthIn: bigint,
  advice: number,
  step: number,
): SyscallResult {
  const version = state.config.version;
  const unmodelled = UNMODELLED_ADVICE.get(advice);
  if (unmodelled !== undefined) {
    if (kernelHasAdvice(advice, version)) throw new RangeError(`madvise advice ${advice} is not modelled`);
    return fail(
      'EINVAL',
      `${unmodelled} ${adviceSinceText(advice)}; older kernels refuse it (madvise_behavior_valid)`,
    );
  }
  const name = MADVISE_NAMES.get(advice);
  // madvise_behavior_valid() comes first: a bad advice is EINVAL even with length 0.
  if (name === undefined) return fail('EINVAL', `${advice} is not a madvise advice (madvise_behavior_valid)`);
  if ((advice === MADV_WIPEONFORK || advice === MADV_KEEPONFORK) && !versionAtLeast(version, 4, 14))
    return fail('EINVAL', `${name} exists from Linux 4.14 (commit d2cd9ede6e19); older kernels refuse it`);
  // madvise_behavior_valid() knows MADV_FREE from 854e9ed09ded ("mm: support madvise(MADV_FREE)").
  if (advice === MADV_FREE && !versionAtLeast(version, 4, 5))
    return fail('EINVAL', 'MADV_FREE exists from Linux 4.5 (commit 854e9ed09ded); older kernels refuse it');
  // MADV_DONTNEED is as old as madvise; MADV_DONTFORK/MADV_DOFORK are 2.6.16, older than any
  // kernel the model runs.
  const range = checkedPageRange(state.geo, addrIn, lengthIn, 'madvise');
  if ('ok' in range) return range;
  const { startPage, endPage } = range;

  // Linux 6.10–6.11 checked sealing for the whole range first (can_modify_mm_madv); 6.12+ per VMA.
  if (versionAtLeast(version, 6, 10) && !versionAtLeast(version, 6, 12) && discards(advice, version)) {
    const sealed = state.vmas.overlapping(startPage, endPage).find(isSealedReadOnlyAnon);
    if (sealed)
      return fail(
        'EPERM',
        sealedReason(state, sealed, advice, name) + ' (Linux 6.10–6.11 check the whole range first)',
      );
  }

  let hole: number | undefined;
  // Whether a VMA before the current one was advised: a hole alone advises nothing.
  let advisedSome = false;
  let cursor = startPage;
  while (cursor < endPage) {
    const vma = state.vmas.firstEndingAfter(cursor);
    if (vma === undefined || vma.startPage >= endPage) {
      hole ??= cursor;
      break;
    }
    if (vma.startPage > cursor) {
      hole ??= cursor;
      cursor = vma.startPage;
    }
    // The kernel VMA: a record of the simulation may be one of several attributions of it.
    const kernelVma = state.vmas.kernelVmaAt(cursor) ?? vma;
    const pieceEnd = Math.min(kernelVma.endPage, endPage);
    const refusal = adviseVma(state, kernelVma, cursor, pieceEnd, advice, name, step);
    if (typeof refusal === 'object')
      return { ...fail(refusal.errno, refusal.reason + doneBefore(advisedSome)), refusedAtPage: cursor };
    advisedSome = true;
    cursor = Math.max(pieceEnd, refusal);
  }
  if (hole !== undefined) {
    // madvise_walk_vmas: no VMA in the range at all → -ENOMEM with nothing advised.
    const what = advisedSome
      ? `madvise applied ${name} to the mapped parts of the range and then failed (madvise_walk_vmas skips holes)`
      : `nothing in the range is mapped, so madvise advised nothing (madvise_walk_vmas)`;
    return fail('ENOMEM', `${hexPage(state, hole)} is not mapped: ${what}`);
  }
  return succeed(0n);
}

function doneBefore(some: boolean): string {
  return some ? ' (the mapped parts before it were already advised)' : '';
}

/**
 * is_madv_discard() (6.10–6.14, mm/mseal.c) / is_discard() (6.15+, mm/madvise.c): the advice an
 * mseal'd read-only anonymous VMA refuses. MADV_FREE is in the list from mseal's first release.
 * 6.10's is_madv_discard() ("mseal: add mseal syscall", 8be7258aad44) tested the list as a bit
 * mask: `behavior & (MADV_FREE | MADV_DONTNEED | MADV_DONTNEED_LOCKED | MADV_REMOVE |
 * MADV_DONTFORK | MADV_WIPEONFORK)`, that is `behavior & 0x1f`, so any advice with one of the low
 * five bits set counted as a discard: of the advice modelled, MADV_DOFORK (11) and
 * MADV_KEEPONFORK (19) too. "mseal: fix is_madv_discard()" (e46bc2e7eb90, v6.11-rc3; 6.10.7
 * stable, which a `kernel 6.10` line, read as 6.10.0, cannot name) made it a switch on the values.
 */
function discards(advice: number, version: KernelVersion): boolean {
  if (!versionAtLeast(version, 6, 11)) return (advice & IS_MADV_DISCARD_6_10_MASK) !== 0;
  return (
    advice === MADV_DONTNEED || advice === MADV_FREE || advice === MADV_DONTFORK || advice === MADV_WIPEONFORK
  );
}

/** 6.10's mask: MADV_FREE 8 | DONTNEED 4 | DONTNEED_LOCKED 24 | REMOVE 9 | DONTFORK 10 | WIPEONFORK 18. */
const IS_MADV_DISCARD_6_10_MASK = 0x1f;

/** is_ro_anon() on a sealed VMA: private anonymous memory without VM_WRITE. */
function isSealedReadOnlyAnon(vma: Vma): boolean {
  return isSealed(vma) && isPrivateAnon(vma) && (vma.prot & PROT_WRITE) === 0;
}

/** Why a sealed read-only anonymous VMA refuses the advice; DOFORK and KEEPONFORK only on 6.10 (discards). */
function sealedReason(state: KernelState, vma: Vma, advice: number, name: string): string {
  const where = `${name} on ${describeRange(state, vma.startPage, vma.endPage)}, read-only anonymous memory sealed with mseal()`;
  if (advice === MADV_DOFORK || advice === MADV_KEEPONFORK)
    return `${where}: Linux 6.10's is_madv_discard() tests the advice as a bit mask (\`behavior & 0x1f\`), so ${name} (${advice}) counts as discarding pages (fixed by e46bc2e7eb90 in 6.11 and 6.10.7)`;
  return `${where}: its pages cannot be discarded (can_madvise_modify, Linux 6.10+)`;
}

/**
 * madvise_vma_behavior() on [start, end) of one kernel VMA. Returns a refusal, or the page the walk
 * goes on from (`end`: madvise_walk_vmas continues at the VMA's end whatever the advice did).
 */
function adviseVma(
  state: KernelState,
  vma: Vma,
  start: number,
  end: number,
  advice: number,
  name: string,
  step: number,
): Refusal | number {
  const version = state.config.version;
  if (versionAtLeast(version, 6, 12) && discards(advice, version) && isSealedReadOnlyAnon(vma))
    return { errno: 'EPERM', reason: sealedReason(state, vma, advice, name) };
  const where = describeRange(state, vma.startPage, vma.endPage);
  let newFlags = vma.vmFlags;
  switch (advice) {
    case MADV_DONTNEED:
      return dontneed(state, vma, start, end, where);
    case MADV_FREE:
      return free(state, vma, start, end, where, step);
    case MADV_DONTFORK:
      newFlags |= VM_DONTCOPY;
      break;
    case MADV_DOFORK:
      if ((vma.vmFlags & VM_IO) !== 0)
        return {
          errno: 'EINVAL',
          reason: `MADV_DOFORK on ${where}, a VM_IO mapping (a device's registers or BO)`,
        };
      newFlags &= ~VM_DONTCOPY;
      break;
    case MADV_WIPEONFORK:
      // "only supported on anonymous memory": not a file, not shared (shared anonymous is shmem).
      // mm/madvise.c refuses `vma->vm_file || vma->vm_flags & VM_SHARED`; a MAP_HUGETLB mapping,
      // private and anonymous to the caller, has a hugetlbfs file behind it, so say that.
      if ((vma.vmFlags & VM_HUGETLB) !== 0)
        return {
          errno: 'EINVAL',
          reason:
            `MADV_WIPEONFORK on ${where}: a MAP_HUGETLB mapping is backed by a hugetlbfs file, ` +
            'and only anonymous memory without a file can be wiped on fork',
        };
      if (!isPrivateAnon(vma) || (vma.vmFlags & VM_SHARED) !== 0)
        return {
          errno: 'EINVAL',
          reason: `MADV_WIPEONFORK on ${where}: only private anonymous memory can be wiped on fork`,
        };
      newFlags |= VM_WIPEONFORK;
      break;
    case MADV_KEEPONFORK:
      if ((vma.vmFlags & VM_DROPPABLE) !== 0)
        return {
          errno: 'EINVAL',
          reason: `MADV_KEEPONFORK on ${where}, a MAP_DROPPABLE mapping: it is always wiped on fork`,
        };
      newFlags &= ~VM_WIPEONFORK;
      break;
  }
  return updateFlags(state, vma, start, end, newFlags) ?? end;
}

/**
 * madvise_update_vma(): the new flags on [start, end), splitting the VMA and merging with
 * neighbours whose flags then match (VM_DONTCOPY and VM_WIPEONFORK take part in merging).
 */
function updateFlags(
  state: KernelState,
  vma: Vma,
  start: number,
  end: number,
  newFlags: number,
): Refusal | undefined {
  if (newFlags === vma.vmFlags) return undefined; // nothing changes, nothing splits
  // vma_modify_flags() merges with the neighbour first, else splits at the start, then at the end;
  // a refused end split (a hugetlb VMA off its huge page, vm.max_map_count) keeps the start split.
  // Only advice that changes vm_flags comes here: MADV_DONTNEED and MADV_FREE zap pages without
  // splitting.
  const refusal = vmaModifySplits(state, vma, start, end, vma.prot, newFlags, 'madvise');
  if (refusal !== undefined) {
    // madvise_vma_behavior(): vma_modify's -ENOMEM becomes EAGAIN, "kernel resources temporarily
    // unavailable".
    if (refusal.errno === 'ENOMEM')
      return { errno: 'EAGAIN', reason: `${refusal.reason}; madvise answers EAGAIN, not ENOMEM` };
    return refusal;
  }
  // The kernel VMA's records (one per attribution) share its flags: all change.
  for (const record of state.vmas.overlapping(start, end)) {
    const piece = sliceVma(record, Math.max(start, record.startPage), Math.min(end, record.endPage));
    state.vmas.splice(piece.startPage, piece.endPage, [vmaWith(piece, { vmFlags: newFlags })], 'both');
  }
  return undefined;
}

/**
 * MADV_DONTNEED (madvise_dontneed_free): zap the page tables of [start, end). Private pages are
 * freed — private anonymous memory reads zero again, a private file mapping reads the file — while
 * shared memory keeps its pages in the page cache, so it reads the same. VM_LOCKED and VM_PFNMAP
 * (a DRM BO's mapping: facts linux-mm §4.1) refuse it. hugetlb: see hugetlbDontneedEnd.
 */
function dontneed(state: KernelState, vma: Vma, start: number, end: number, where: string): Refusal | number {
  if ((vma.vmFlags & VM_HUGETLB) === 0) {
    if ((vma.vmFlags & VM_PFNMAP) !== 0)
      return {
        errno: 'EINVAL',
        reason: `MADV_DONTNEED on ${where}, a VM_PFNMAP mapping (a driver's BO): its pages are not the kernel's to drop`,
      };
    if ((vma.vmFlags & VM_LOCKED) !== 0)
      return {
        errno: 'EINVAL',
        reason: `MADV_DONTNEED on ${where}, a VM_LOCKED mapping (mlock, MAP_LOCKED)`,
      };
  } else {
    // Before 5.18 madvise_dontneed_free() began with can_madv_lru_vma(), which refuses
    // VM_LOCKED|VM_HUGETLB|VM_PFNMAP alike; 90e7e7f5ef3f ("mm: enable MADV_DONTNEED for hugetlb
    // mappings", v5.18-rc1: 9457056ac426, MADV_DONTNEED_LOCKED in 5.18, edits the
    // madvise_dontneed_free_valid_vma() it added) allowed DONTNEED there.
    const version = state.config.version;
    if (!hugetlbTakesDontneed(version))
      return {
        errno: 'EINVAL',
        reason: `MADV_DONTNEED on the MAP_HUGETLB mapping ${where}: hugetlb mappings refuse it before Linux 5.18 (can_madv_lru_vma); 90e7e7f5ef3f allowed it in 5.18, where 5.18–6.0 zap whole huge pages with the end rounded up and 6.1+ round it down`,
      };
    const huge = vma.object.pagesPerHugePage ?? 1;
    if (start % huge !== 0)
      return {
        errno: 'EINVAL',
        reason: `MADV_DONTNEED at ${hexPage(state, start)} on the MAP_HUGETLB mapping ${where}: the start must be aligned to its huge page size (${formatHex(BigInt(huge) * state.geo.pageSize)})`,
      };
    const zapEnd = hugetlbDontneedEnd(end, huge, version);
    // 6.1+: `if (start == end) return 0;`: less than one huge page asked for, nothing is zapped.
    if (zapEnd === start) return end;
    dropPrivatePagesOf(state, vma, start, zapEnd);
    return end;
  }
  dropPrivatePagesOf(state, vma, start, end);
  return end;
}

/**
 * MADV_FREE (madvise_dontneed_free → madvise_free_single_vma): the private anonymous pages of
 * [start, end) that hold data are freed lazily (lazy-freed.ts); pages never written stay zero.
 * madvise_dontneed_free_valid_vma() refuses VM_LOCKED and VM_PFNMAP as for DONTNEED, and hugetlb
 * for any advice but DONTNEED (can_madv_lru_vma() before 5.18, which refused all three; 4.5's
 * madvise_free_single_vma() began with the same test). Then `if (!vma_is_anonymous(vma)) return
 * -EINVAL;`: a VMA with vm_ops — shmem (shared anonymous), any file, private too — is refused.
 * Before 4.12 (93e06c7a6453 "mm: enable MADV_FREE for swapless system") a system without swap
 * ran MADV_DONTNEED instead; the model follows a system with swap there (docs/kernel-model.md).
 */
function free(
  state: KernelState,
  vma: Vma,
  start: number,
  end: number,
  where: string,
  step: number,
): Refusal | number {
  if ((vma.vmFlags & VM_HUGETLB) !== 0)
    return {
      errno: 'EINVAL',
      reason: `MADV_FREE on the MAP_HUGETLB mapping ${where}: hugetlb mappings take only MADV_DONTNEED (madvise_dontneed_free_valid_vma)`,
    };
  if ((vma.vmFlags & VM_PFNMAP) !== 0)
    return {
      errno: 'EINVAL',
      reason: `MADV_FREE on ${where}, a VM_PFNMAP mapping (a driver's BO): its pages are not the kernel's to free`,
    };
  if ((vma.vmFlags & VM_LOCKED) !== 0)
    return { errno: 'EINVAL', reason: `MADV_FREE on ${where}, a VM_LOCKED mapping (mlock, MAP_LOCKED)` };
  if (!isPrivateAnon(vma))
    return {
      errno: 'EINVAL',
      reason: `MADV_FREE on ${where}: only private anonymous memory can be freed lazily (madvise_free_single_vma: !vma_is_anonymous), not ${isShared(vma) ? 'shared memory' : 'a private file mapping'}`,
    };
  const p = state.geo.pageBytes;
  const contents = state.contents;
  for (const record of state.vmas.overlapping(start, end)) {
    const object = record.object;
    // A page mapped twice (a macOS mach_vm_remap alias) is skipped, as madvise_free_pte_range
    // skips a folio mapped by more than one PTE.
    if (state.objects.isAliased(object)) continue;
    const from = (record.pgoff + Math.max(start, record.startPage) - record.startPage) * p;
    const to = (record.pgoff + Math.min(end, record.endPage) - record.startPage) * p;
    // Only pages that hold data: a page never written has no page to free, and reads zero anyway.
    const firstPage = record.startPage - record.pgoff;
    contents.read(object.id, from, to, 0, {
      run(runStart, runEnd, _datum, fresh) {
        if (fresh) return;
        const lazy = (contents.lazyFreed ??= new LazyFreedPages(p));
        const startAt = Math.floor(runStart / p);
        const endAt = Math.ceil(runEnd / p);
        lazy.mark(object.id, startAt * p, endAt * p, step);
        lazy.noteFreed(step, firstPage + startAt, firstPage + endAt);
      },
    });
  }
  return end;
}

/**
 * Whether a hugetlb mapping takes MADV_DONTNEED at all: from 5.18 (90e7e7f5ef3f); before it
 * can_madv_lru_vma refuses every VM_HUGETLB VMA, aligned or not (mm/madvise.c).
 */
export function hugetlbTakesDontneed(version: KernelVersion): boolean {
  return versionAtLeast(version, 5, 18);
}

/**
 * The end of the range a hugetlb MADV_DONTNEED zaps (madvise_dontneed_free_valid_vma). 5.18–6.0
 * round it UP to the huge page (`ALIGN(*end, huge_page_size)`, 90e7e7f5ef3f): a page-rounded
 * length that names part of a huge page zaps all of it, the data loss that 8ebe0a5eaaeb ("fix
 * unexpected data loss with MADV_DONTNEED on hugetlbfs", v6.1-rc3; backported to 6.0.y stable,
 * which a `kernel 6.0` line, 6.0.0, cannot name) fixed by rounding DOWN (`ALIGN_DOWN`): from 6.1 a
 * caller never loses the huge page it only partly named. The VMA's own end is huge-page aligned,
 * so rounding up stays inside it (madvise_walk_vmas hands each VMA its own end).
 */
export function hugetlbDontneedEnd(
  endPage: number,
  pagesPerHugePage: number,
  version: KernelVersion,
): number {
  const rounded = versionAtLeast(version, 6, 1) ? Math.floor : Math.ceil;
  return rounded(endPage / pagesPerHugePage) * pagesPerHugePage;
}

function dropPrivatePagesOf(state: KernelState, vma: Vma, start: number, end: number): void {
  if (isShared(vma)) return;
  for (const record of state.vmas.overlapping(start, end)) dropPrivatePages(state, record, start, end);
  // A userfaultfd-armed VMA's dropped pages are missing again: the next touch faults to the handler.
  if ((vma.vmFlags & VM_UFFD_MISSING) !== 0) userfaultfdPagesDropped(state, start, end);
}

/** The private pages `record` maps in [start, end): freed, as a fault will find them again. */
function dropPrivatePages(state: KernelState, record: Vma, start: number, end: number): void {
  const object = record.anon ?? (isPrivateAnon(record) ? record.object : undefined);
  // mach_vm_remap's aliases (macOS) share the pages with another mapping: leave them be.
  if (object === undefined || state.objects.isAliased(object)) return;
  const from = record.pgoff + Math.max(start, record.startPage) - record.startPage;
  const to = record.pgoff + Math.min(end, record.endPage) - record.startPage;
  const p = state.geo.pageBytes;
  if (to > from) state.contents.discard(object.id, from * p, to * p);
}
