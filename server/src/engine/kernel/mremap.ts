// mremap(2), version-gated (facts 3.1–3.8). Linux 6.17+ follows check_mremap_params →
// check_prep_vma → mremap_to / mremap_at / remap_move; ≤ 6.16 follows the older syscall body with
// vma_to_resize() running *after* the MREMAP_FIXED destination was unmapped (the ordering hazard).
import { formatHex } from '../numbers';
import { formatKernelVersion, versionAtLeast } from './config';
import { exactEffects, fail, succeed, withEffects } from './result';
import {
  describeMapping,
  describeRange,
  deviceOf,
  exceedsAddressSpaceLimit,
  hexPage,
  isSealed,
} from './state';
import * as T from './types';
import { anonRangeFree, rekey } from './page-identity';
import { unmapPageRange } from './unmap-range';
import { USERFAULTFD_HISTORY } from './userfaultfd-history';
import { growRegisteredPages, moveRegisteredPages } from './userfaultfd';
import { bytesToPagesUp, flagBits, pageAddress, pageAlign, smallNumber, u64 } from './u64';
import { hasPages, writtenParts } from './written-pages';
import {
  anonVmaOf,
  isPrivateAnon,
  isShared,
  mapsNameOf,
  relocatedVma,
  sliceVma,
  vmaWith,
  withEnd,
} from './vma';
import type { Failure } from './result';
import type { PlacementKind } from './placement';
import type { KernelState } from './state';
import type { Effect, MremapArgs, Origin, SyscallResult, Vma } from './types';

const TWO_64 = 1n << 64n;
const DONTUNMAP_513 = 'Linux 5.13+, commit a4609387859f';

interface Call {
  readonly state: KernelState;
  readonly origin: Origin;
  readonly label: string | undefined;
  readonly maymove: boolean;
  readonly fixed: boolean;
  readonly dontunmap: boolean;
  readonly effects: Effect[];
}

type Step = Failure | undefined;

export function doMremap(
  state: KernelState,
  args: MremapArgs,
  origin: Origin,
  label?: string,
): SyscallResult {
  const v = state.config.version;
  const { bits: flags, highBits } = flagBits(args.flags);
  const hasDontunmap = versionAtLeast(v, 5, 7);
  const valid = T.MREMAP_MAYMOVE | T.MREMAP_FIXED | (hasDontunmap ? T.MREMAP_DONTUNMAP : 0);
  if (highBits || (flags & ~valid) !== 0) {
    if (!hasDontunmap && (flags & T.MREMAP_DONTUNMAP) !== 0) {
      return fail(
        'EINVAL',
        'MREMAP_DONTUNMAP does not exist before Linux 5.7 (commit e346b3813067): the unknown flag is refused',
      );
    }
    return fail(
      'EINVAL',
      `unknown flag bits ${formatHex(BigInt(flags & ~valid))} (only MREMAP_MAYMOVE, MREMAP_FIXED and MREMAP_DONTUNMAP exist; MREMAP_RELOCATE_ANON was never merged)`,
    );
  }
  const call: Call = {
    state,
    origin,
    label,
    maymove: (flags & T.MREMAP_MAYMOVE) !== 0,
    fixed: (flags & T.MREMAP_FIXED) !== 0,
    dontunmap: (flags & T.MREMAP_DONTUNMAP) !== 0,
    effects: [],
  };
  const addr = u64(args.oldAddress);
  const rawOld = u64(args.oldSize);
  const rawNew = u64(args.newSize);
  const newAddr = u64(args.newAddress);
  return versionAtLeast(v, 6, 17)
    ? mremap617(call, addr, rawOld, rawNew, newAddr)
    : mremapLegacy(call, addr, rawOld, rawNew, newAddr);
}

// ---------------------------------------------------------------- Linux 6.17+

function mremap617(call: Call, addr: bigint, rawOld: bigint, rawNew: bigint, newAddr: bigint): SyscallResult {
  const { state } = call;
  const { config, geo } = state;
  const P = geo.pageSize;
  const p = geo.pageBytes;
  const impliesNew = call.fixed || call.dontunmap;
  // The usual arguments (below 2^52, aligned, the new size nonzero and within TASK_SIZE, a new
  // address aligned and in range) pass the arithmetic checks of check_mremap_params: worked out
  // in pages, in doubles. Anything else takes the exact bigint checks.
  const a = smallNumber(addr);
  const o = smallNumber(rawOld);
  const n = smallNumber(rawNew);
  const na = impliesNew ? smallNumber(newAddr) : 0;
  let addrPage = a / p;
  let oldPages = o >= 0 ? bytesToPagesUp(o, p) : 0;
  let newPages = n > 0 ? bytesToPagesUp(n, p) : 0;
  let newPage = na / p;
  const fast =
    a >= 0 &&
    a % p === 0 &&
    o >= 0 &&
    n > 0 &&
    newPages <= geo.taskPages &&
    (!impliesNew || (na >= 0 && na % p === 0 && newPage + newPages <= geo.taskPages));
  if (fast) {
    if (impliesNew) {
      const overlap = addrPage + oldPages > newPage && newPage + newPages > addrPage;
      const paramFailure = checkMoveParams617(call, oldPages === newPages, overlap);
      if (paramFailure !== undefined) return paramFailure;
    }
  } else {
    const oldLen = pageAlign(rawOld, P);
    const newLen = pageAlign(rawNew, P);
    // check_mremap_params (facts 3.1)
    if (addr % P !== 0n)
      return fail('EINVAL', `old_address ${formatHex(addr)} is not page aligned (check_mremap_params)`);
    if (newLen === 0n) return fail('EINVAL', 'new_size is 0 (after PAGE_ALIGN) (check_mremap_params)');
    if (newLen > config.taskSize)
      return fail('EINVAL', `new_size ${formatHex(newLen)} exceeds TASK_SIZE (check_mremap_params)`);
    if (impliesNew) {
      const paramFailure = checkNewAddressParams617(call, addr, oldLen, newLen, newAddr);
      if (paramFailure !== undefined) return paramFailure;
    }
    addrPage = Number(addr / P);
    oldPages = Number(oldLen / P);
    newPages = Number(newLen / P);
    newPage = impliesNew ? Number(newAddr / P) : 0;
  }
  // oldLen === newLen: page-aligned lengths are equal exactly when their page counts are.
  if (call.fixed && oldPages === newPages) return remapMove(call, addrPage, oldPages, newPage);
  const vma = state.vmas.kernelVmaAt(addrPage);
  const prep = checkPrepVma617(call, vma, addrPage, oldPages, newPages, newAddr);
  if (prep !== undefined) return prep;
  const target = vma as Vma;
  // check_prep_vma()'s align_hugetlb() rounded both lengths in vrm: mremap_to() and mremap_at()
  // work on the huge-page lengths (an unaligned shrink is a no-op).
  [oldPages, newPages] = hugeRounded(target, oldPages, newPages);
  if (impliesNew) {
    const moved = mremapTo(call, addrPage, oldPages, newPages, newPage, '6.17');
    return finish(call, moved);
  }
  return finish(call, mremapAt(call, target, addrPage, oldPages, newPages));
}

function checkNewAddressParams617(
  call: Call,
  addr: bigint,
  oldLen: bigint,
  newLen: bigint,
  newAddr: bigint,
): Failure | undefined {
  const { state } = call;
  const P = state.geo.pageSize;
  if (newAddr > state.config.taskSize - newLen) {
    return fail(
      'EINVAL',
      `new_address ${formatHex(newAddr)} + new_size runs past TASK_SIZE (check_mremap_params)`,
    );
  }
  if (newAddr % P !== 0n) {
    return fail(
      'EINVAL',
      `new_address ${formatHex(newAddr)} is not page aligned (check_mremap_params; this applies to the MREMAP_DONTUNMAP hint too)`,
    );
  }
  return checkMoveParams617(call, oldLen === newLen, overlaps(addr, oldLen, newAddr, newLen));
}

/** check_mremap_params() after the new address's own checks: MAYMOVE, DONTUNMAP's size, the overlap, map_count. */
function checkMoveParams617(call: Call, sameSize: boolean, overlap: boolean): Failure | undefined {
  if (!call.maymove)
    return fail(
      'EINVAL',
      `${call.fixed ? 'MREMAP_FIXED' : 'MREMAP_DONTUNMAP'} requires MREMAP_MAYMOVE (check_mremap_params)`,
    );
  if (call.dontunmap && !sameSize)
    return fail(
      'EINVAL',
      'MREMAP_DONTUNMAP cannot resize: old_size must equal new_size (check_mremap_params)',
    );
  if (overlap)
    return fail('EINVAL', 'the new range overlaps the old one (check_mremap_params: vrm_overlaps)');
  return mapCountGuard(call.state);
}

function overlaps(addr: bigint, oldLen: bigint, newAddr: bigint, newLen: bigint): boolean {
  const endOld = (addr + oldLen) % TWO_64;
  const endNew = (newAddr + newLen) % TWO_64;
  return endOld > newAddr && endNew > addr;
}

function mapCountGuard(state: KernelState): Failure | undefined {
  if (state.vmas.kernelSize + 2 >= state.config.maxMapCount - 3) {
    return fail(
      'ENOMEM',
      `map_count (${state.vmas.kernelSize}) + 2 would come within 3 of vm.max_map_count (${state.config.maxMapCount}) (mremap's early split-count guard)`,
    );
  }
  return undefined;
}

/** check_prep_vma() (6.17+, facts 3.2). */
function checkPrepVma617(
  call: Call,
  vma: Vma | undefined,
  addrPage: number,
  oldPages: number,
  newPages: number,
  newAddr: bigint,
): Failure | undefined {
  const { state } = call;
  if (vma === undefined)
    return fail(
      'EFAULT',
      `no mapping contains old_address ${hexPage(state, addrPage)} (check_prep_vma: vma_lookup)`,
    );
  if (isSealed(vma))
    return fail(
      'EPERM',
      `the VMA ${describeRange(state, vma.startPage, vma.endPage)} is sealed with mseal() (Linux 6.10+)`,
    );
  const huge = hugetlbRefusal(state, vma, addrPage, newAddr, oldPages, newPages);
  if (huge !== undefined) return huge;
  // align_hugetlb rounds the lengths before the checks that follow (the caller rounds its own).
  [oldPages, newPages] = hugeRounded(vma, oldPages, newPages);
  const expand = newPages > oldPages;
  const willMapNew = expand || call.fixed || call.dontunmap;
  if (!willMapNew) return undefined;
  const effectiveOld = newPages < oldPages ? newPages : oldPages; // a shrink may cross VMA boundaries
  return checkResize(call, vma, addrPage, oldPages, effectiveOld, newPages);
}

/**
 * The per-VMA checks shared by check_prep_vma (6.17+) and vma_to_resize (≤ 6.16), in their common
 * order. `spanPages` is the length that must lie inside the VMA.
 */
function checkResize(
  call: Call,
  vma: Vma,
  addrPage: number,
  oldPages: number,
  spanPages: number,
  newPages: number,
): Failure | undefined {
  const { state } = call;
  const v = state.config.version;
  if ((vma.vmFlags & T.VM_HUGETLB) !== 0 && !versionAtLeast(v, 5, 16))
    return fail(
      'EINVAL',
      'a MAP_HUGETLB mapping cannot be moved or grown before Linux 5.16 (vma_to_resize; commit 550a7d60bd5e added hugetlb mremap)',
    );
  if (oldPages === 0 && !isShared(vma) && versionAtLeast(v, 4, 14)) {
    return fail(
      'EINVAL',
      'old_size == 0 duplicates only shared mappings; this one is private (Linux 4.14+, commit dba58d3b8c50: "attempted to duplicate a private mapping")',
    );
  }
  if (call.dontunmap) {
    if (versionAtLeast(v, 5, 13)) {
      if ((vma.vmFlags & (T.VM_DONTEXPAND | T.VM_PFNMAP)) !== 0) {
        return fail(
          'EINVAL',
          `MREMAP_DONTUNMAP refuses VM_PFNMAP/VM_DONTEXPAND mappings (${DONTUNMAP_513}); ${mapsNameOf(vma) || 'this mapping'} is one (DRM/TTM buffer objects are)`,
        );
      }
    } else if (!isPrivateAnon(vma) || isShared(vma)) {
      return fail(
        'EINVAL',
        'MREMAP_DONTUNMAP works only on private anonymous mappings before Linux 5.13 (commit e346b3813067, Linux 5.7; widened by a4609387859f in 5.13)',
      );
    }
  }
  if (spanPages > vma.endPage - addrPage) {
    return fail(
      'EFAULT',
      `[old_address, +old_size) runs past the end of the VMA ${describeRange(state, vma.startPage, vma.endPage)} ("We can't remap across vm area boundaries")`,
    );
  }
  if (newPages === spanPages) return undefined;
  if ((vma.vmFlags & (T.VM_DONTEXPAND | T.VM_PFNMAP)) !== 0) {
    return fail(
      'EFAULT',
      `the VMA is VM_DONTEXPAND/VM_PFNMAP and cannot grow${oldPages === 0 ? ' (old_size == 0 duplication counts as growing)' : ''} (${mapsNameOf(vma) || 'device mapping'})`,
    );
  }
  if (exceedsAddressSpaceLimit(state, newPages - spanPages))
    return fail('ENOMEM', 'growing would exceed RLIMIT_AS (may_expand_vm)');
  return undefined;
}

/** mremap_at(): no-op, in-place shrink, or expand. */
function mremapAt(
  call: Call,
  vma: Vma,
  addrPage: number,
  oldPages: number,
  newPages: number,
): number | Failure {
  if (newPages === oldPages) return addrPage;
  if (newPages < oldPages) {
    const shrink = shrinkTail(call, addrPage, oldPages, newPages);
    return shrink ?? addrPage;
  }
  return expandVma(call, vma, addrPage, oldPages, newPages);
}

function shrinkTail(call: Call, addrPage: number, oldPages: number, newPages: number): Step {
  // addr + new_len is an unsigned long: it wraps past 2^64 (≤ 5.15 looks nothing up first, so
  // old_address may lie anywhere; do_munmap then checks the wrapped range against TASK_SIZE).
  const spanPages = 2 ** 64 / call.state.geo.pageBytes;
  let startPage = addrPage + newPages;
  if (startPage >= spanPages) startPage -= spanPages;
  const pages = oldPages - newPages;
  const result = unmapPageRange(call.state, startPage, pages, 'mremap shrink');
  if (!Array.isArray(result)) return result;
  if (result.length > 0)
    call.effects.push({ kind: 'unmapped', startPage, endPage: startPage + pages, victims: result });
  return undefined;
}

/** expand_vma(): grow in place if the VMA ends there and the space after it is free, else move with MAYMOVE. */
function expandVma(
  call: Call,
  vma: Vma,
  addrPage: number,
  oldPages: number,
  newPages: number,
): number | Failure {
  const { state } = call;
  const delta = newPages - oldPages;
  if (
    addrPage + oldPages === vma.endPage &&
    vma.endPage + delta <= state.geo.taskPages &&
    !state.vmas.intersects(vma.endPage, vma.endPage + delta)
  ) {
    growInPlace(call, vma, delta);
    return addrPage;
  }
  if (!call.maymove) {
    return fail(
      'ENOMEM',
      oldPages === 0
        ? 'old_size == 0 asks for a second mapping of the pages, which the expand path can only make by moving, and MREMAP_MAYMOVE is not set'
        : `cannot grow in place: ${whyNotInPlace(state, vma, addrPage + oldPages, delta)}, and MREMAP_MAYMOVE is not set`,
    );
  }
  const placed = placeFor(call, vma, 0, newPages, false);
  if (typeof placed !== 'number') return placed;
  return moveVma(call, vma, addrPage, oldPages, newPages, placed);
}

/**
 * Why vma_expandable() (or the vm_end test before it) refused: name what is in the way. A
 * neighbour the kernel merged into the range's VMA is a separate record here, so the range can
 * end where the user's mapping ends and still not at its VMA's end.
 */
function whyNotInPlace(state: KernelState, vma: Vma, rangeEndPage: number, delta: number): string {
  if (rangeEndPage < vma.endPage) {
    const after = state.vmas.vmaAt(rangeEndPage) as Vma;
    if (after.startPage === rangeEndPage) {
      return `${describeMapping(state, after)} follows the range directly and the kernel merged the two into one VMA ${describeRange(state, vma.startPage, vma.endPage)}, so the range does not end at its VMA's end (vm_end)`;
    }
    return `the range ends inside its VMA ${describeRange(state, vma.startPage, vma.endPage)}, not at its end (vm_end)`;
  }
  if (vma.endPage + delta > state.geo.taskPages)
    return `${describeRange(state, vma.endPage, vma.endPage + delta)} would run past TASK_SIZE`;
  const blocker = state.vmas.overlapping(vma.endPage, vma.endPage + delta)[0] as Vma;
  return `${describeMapping(state, blocker)} lies in ${describeRange(state, vma.endPage, vma.endPage + delta)}, the space the VMA would grow into (vma_expandable)`;
}

/**
 * align_hugetlb() (5.16+, facts 3.2): a MAP_HUGETLB VMA is remapped in whole huge pages. Both
 * addresses must be huge-page aligned (new_address as passed, even without MREMAP_FIXED), and the
 * reservation cannot be split, so no expansion.
 *
 * Hugetlb mremap came with 550a7d60bd5e ("mm, hugepages: add mremap() support for hugepage backed
 * vma", v5.16). Before it vma_to_resize() refuses any move or grow of a hugetlb VMA (EINVAL,
 * checkResize) and a shrink is a plain unmap of [addr + new_len, addr + old_len), whose split
 * hugetlb_vm_op_split refuses off the huge page. 5.16–6.16 round in the syscall body right after
 * vma_lookup (`if (is_vm_hugetlb_page(vma))`), 6.17+ in check_prep_vma() → align_hugetlb(); from
 * there on every form works on the rounded lengths (K:mm/mremap.c, 6.18; checked on 6.18 by the
 * cases of test/engine/kernel/hugetlb-mremap.test.ts):
 * - same-size MREMAP_FIXED move: remap_move() → check_prep_vma() per VMA, then mremap_to() moves
 *   the rounded length (remapMove);
 * - MREMAP_FIXED with a new size: mremap_to() unmaps [new_addr, + rounded new_len), shrink_vma()
 *   cuts to the rounded new_len, move_vma() moves it (mremapTo);
 * - shrink in place: mremap_at() → shrink_vma() unmaps [addr + new_len, addr + old_len), both
 *   rounded: less than a huge page off is a no-op;
 * - grow, with or without MAYMOVE: refused here (`new_len > old_len`); a "grow" within the huge
 *   page rounds to the same length, mremap_at()'s no-op;
 * - MREMAP_DONTUNMAP: refused by check_prep_vma() (vma_to_resize() ≤ 6.16), since
 *   hugetlbfs_file_mmap() sets VM_DONTEXPAND (a4609387859f, 5.13; before it DONTUNMAP took only
 *   private anonymous memory).
 */
function hugetlbRefusal(
  state: KernelState,
  vma: Vma,
  addrPage: number,
  newAddr: bigint,
  oldPages: number,
  newPages: number,
): Failure | undefined {
  if ((vma.vmFlags & T.VM_HUGETLB) === 0) return undefined;
  const huge = vma.object.pagesPerHugePage ?? 1;
  const size = formatHex(BigInt(huge) * state.geo.pageSize);
  if (addrPage % huge !== 0)
    return fail(
      'EINVAL',
      `old_address ${hexPage(state, addrPage)} is not aligned to the MAP_HUGETLB mapping's huge page size ${size} (align_hugetlb)`,
    );
  if (newAddr % (BigInt(huge) * state.geo.pageSize) !== 0n)
    return fail(
      'EINVAL',
      `new_address is not aligned to the MAP_HUGETLB mapping's huge page size ${size} (align_hugetlb)`,
    );
  if (roundUp(newPages, huge) > roundUp(oldPages, huge))
    return fail(
      'EINVAL',
      `a MAP_HUGETLB mapping cannot grow: its huge page reservation cannot be split (align_hugetlb)`,
    );
  return undefined;
}

/** The lengths align_hugetlb() leaves: rounded up to the huge page of a MAP_HUGETLB VMA. */
function hugeRounded(vma: Vma, oldPages: number, newPages: number): [number, number] {
  if ((vma.vmFlags & T.VM_HUGETLB) === 0) return [oldPages, newPages];
  const huge = vma.object.pagesPerHugePage ?? 1;
  return [roundUp(oldPages, huge), roundUp(newPages, huge)];
}

/** The size ALIGN() rounds a length of `vma` to: its huge page if MAP_HUGETLB, else the page. */
function hugeUnitBytes(vma: Vma | undefined, pageSize: bigint): bigint {
  if (vma === undefined || (vma.vmFlags & T.VM_HUGETLB) === 0) return pageSize;
  return BigInt(vma.object.pagesPerHugePage ?? 1) * pageSize;
}

function roundUp(pages: number, multiple: number): number {
  return Math.ceil(pages / multiple) * multiple;
}

function placementKind(vma: Vma): PlacementKind {
  if (isPrivateAnon(vma)) return 'private-anon';
  return vma.object.kind === 'shmem' ? 'shared-anon' : 'file';
}

/** vrm_set_new_addr(): get_unmapped_area(file, hint or fixed address, new_len, pgoff, MAP_SHARED?) and its result checks. */
function placeFor(call: Call, vma: Vma, hintPage: number, pages: number, fixed: boolean): number | Failure {
  const { state } = call;
  const placed = state.placer.place(hintPage, pages, fixed, false, false, placementKind(vma));
  if (placed < 0) {
    const failure = state.placer.failure;
    return fail(failure.errno, `mremap: ${failure.reason}`);
  }
  if (placed > state.geo.taskPages - pages)
    return fail('ENOMEM', 'mremap: the new range ends beyond TASK_SIZE (get_unmapped_area)');
  if (placed < state.geo.dacMinPage && !state.config.capSysRawio) {
    const chosen = BigInt(placed) * state.geo.pageSize;
    return fail(
      'EPERM',
      `mremap: new address ${formatHex(chosen)} is below vm.mmap_min_addr without CAP_SYS_RAWIO (cap_mmap_addr)`,
    );
  }
  return placed;
}

/** mremap_to(): FIXED unmaps the destination first, then shrink, DONTUNMAP accounting, placement, move. */
function mremapTo(
  call: Call,
  addrPage: number,
  oldPages: number,
  newPages: number,
  newPage: number,
  flavour: '6.17' | 'legacy',
): number | Failure {
  const { state } = call;
  if (call.fixed) {
    // Which parts of the destination hold private pages, asked before the unmap frees them (the
    // usual move to a free destination asks nothing).
    const written = writtenParts(state, newPage, newPage + newPages);
    const result = unmapPageRange(state, newPage, newPages, 'MREMAP_FIXED destination');
    if (!Array.isArray(result)) return result;
    if (result.length > 0)
      call.effects.push({
        kind: 'replaced',
        startPage: newPage,
        endPage: newPage + newPages,
        victims: result,
        victimsWithPages: result.map((v) => written?.has(v.startPage) ?? false),
      });
  }
  if (flavour === '6.17' && state.vmas.vmaAt(addrPage) === undefined) {
    // 6.17+ looks the VMA up again after unmapping the destination: a destination that wrapped
    // past the overlap check (old_size near 2^64) and covered old_address took the VMA away.
    return fail(
      'EFAULT',
      `unmapping the MREMAP_FIXED destination removed the mapping at old_address ${hexPage(state, addrPage)} (the overlap check wrapped around 2^64)`,
    );
  }
  let old = oldPages;
  if (old > newPages) {
    const shrink = shrinkTail(call, addrPage, old, newPages);
    if (shrink !== undefined) return shrink;
    old = newPages;
  }
  const vma = state.vmas.kernelVmaAt(addrPage);
  if (vma === undefined) {
    if (flavour === 'legacy' && !versionAtLeast(state.config.version, 5, 16)) {
      // ≤ 5.15: vma_to_resize() is the first lookup, after the unmaps above (mremap_to()).
      const lost = call.effects.some((e) => e.kind === 'replaced')
        ? `; on Linux ${formatKernelVersion(state.config.version)} mremap_to() unmapped the MREMAP_FIXED destination before this first lookup, so it stays destroyed (5.16, commit 550a7d60bd5e, looks old_address up first)`
        : '';
      return fail(
        'EFAULT',
        `no mapping contains old_address ${hexPage(state, addrPage)} (vma_to_resize)${lost}`,
      );
    }
    return fail('EFAULT', `no mapping contains old_address ${hexPage(state, addrPage)} any more`);
  }
  if (flavour === 'legacy') {
    // ≤ 6.16: vma_to_resize() runs only now, after the destination is gone (facts 3.3 "Failure hazard").
    const refusal = checkResize(call, vma, addrPage, old, old, newPages);
    if (refusal !== undefined) {
      // Only this legacy path gets here, so the scenario's kernel is one that loses the destination.
      const lost = call.effects.some((e) => e.kind === 'replaced')
        ? `; on Linux ${formatKernelVersion(state.config.version)} the MREMAP_FIXED destination is unmapped before this check, so it stays destroyed (inferred from the 6.16-era code, where mremap_to() unmaps the destination before checking the source; unverified on older kernels, linux-mm §3.3. 6.17 checks the source first)`
        : '';
      return fail(refusal.errno, refusal.reason + lost);
    }
  }
  if (call.dontunmap && exceedsAddressSpaceLimit(state, old))
    return fail('ENOMEM', 'MREMAP_DONTUNMAP keeps both copies: RLIMIT_AS would be exceeded (may_expand_vm)');
  const placed = placeFor(call, vma, newPage, newPages, call.fixed);
  if (typeof placed !== 'number') return placed;
  return moveVma(call, vma, addrPage, old, newPages, placed);
}

/** remap_move() (6.17+, facts 3.4): FIXED same-size moves across several VMAs, gaps preserved. */
function remapMove(call: Call, addrPage: number, pages: number, newPage: number): SyscallResult {
  const { state } = call;
  const end = addrPage + pages;
  const sources = state.vmas.kernelOverlapping(addrPage, end);
  let result: number | undefined;
  let seen = false;
  let lastEnd = 0;
  let target = newPage;
  for (const source of sources) {
    const pieceStart = Math.max(source.startPage, addrPage);
    const len = Math.min(end, source.endPage) - pieceStart;
    if (!seen && addrPage < source.startPage) {
      return finish(
        call,
        fail(
          'EFAULT',
          `old_address ${hexPage(state, addrPage)} is not mapped: a multi-VMA move may not start in a gap (remap_move)`,
        ),
      );
    }
    const offset = seen ? source.startPage - lastEnd : 0;
    lastEnd = source.endPage;
    const multiAllowed =
      (source.vmFlags & T.VM_UFFD_MISSING) === 0 &&
      !(deviceOf(state, source)?.customGetUnmappedArea ?? false);
    if (!multiAllowed && (seen || source.endPage < end)) {
      const why =
        (source.vmFlags & T.VM_UFFD_MISSING) !== 0 ? 'is userfaultfd-armed' : 'has its own get_unmapped_area';
      const partial = seen
        ? ' — the VMAs before it have already moved (no rollback)'
        : ' — nothing was moved';
      return finish(
        call,
        fail(
          'EFAULT',
          `the VMA ${describeRange(state, source.startPage, source.endPage)} ${why}, so it cannot take part in a multi-VMA move (vma_multi_allowed, Linux 6.17+)${partial}`,
        ),
      );
    }
    const vma = state.vmas.kernelVmaAt(pieceStart);
    const prep = checkPrepVma617(call, vma, pieceStart, len, len, pageAddress(target + offset, state.geo));
    if (prep !== undefined) return finish(call, prep);
    // remap_move() sets vrm->old_len = vrm->new_len = len for this VMA, and check_prep_vma()'s
    // align_hugetlb() rounds them up in vrm: a hugetlb piece moves in whole huge pages, and the next
    // VMA's target follows the rounded length (K:mm/mremap.c remap_move, `target_addr = res_vma +
    // vrm->new_len`). Checked on 6.18: mremap(h, 4 KiB, 4 KiB, MAYMOVE|FIXED) moves all 2 MiB.
    const [moveLen] = hugeRounded(vma as Vma, len, len);
    const moved = mremapTo(call, pieceStart, moveLen, moveLen, target + offset, '6.17');
    if (typeof moved !== 'number') return finish(call, moved);
    if (!seen) result = moved;
    seen = true;
    target = moved + moveLen;
  }
  if (result === undefined)
    return finish(
      call,
      fail('EFAULT', `nothing is mapped in ${describeRange(state, addrPage, end)} (remap_move)`),
    );
  return finish(call, result);
}

// ---------------------------------------------------------------- Linux ≤ 6.16

function mremapLegacy(
  call: Call,
  addr: bigint,
  rawOld: bigint,
  rawNew: bigint,
  newAddr: bigint,
): SyscallResult {
  const { state } = call;
  const { config } = state;
  const P = state.geo.pageSize;
  if (call.fixed && !call.maymove) return fail('EINVAL', 'MREMAP_FIXED requires MREMAP_MAYMOVE');
  if (call.dontunmap && (!call.maymove || rawOld !== rawNew)) {
    return fail('EINVAL', 'MREMAP_DONTUNMAP requires MREMAP_MAYMOVE and old_size == new_size (Linux 5.7+)');
  }
  // The usual arguments (below 2^52, addr aligned, new_size nonzero): page counts in doubles, no
  // bigint; anything else takes the exact checks.
  const p = state.geo.pageBytes;
  const a = smallNumber(addr);
  const o = smallNumber(rawOld);
  const n = smallNumber(rawNew);
  const fast = a >= 0 && a % p === 0 && o >= 0 && n > 0;
  if (!fast && addr % P !== 0n) return fail('EINVAL', `old_address ${formatHex(addr)} is not page aligned`);
  let addrPage: number;
  let oldPages: number;
  let newPages: number;
  if (fast) {
    addrPage = a / p;
    oldPages = bytesToPagesUp(o, p);
    newPages = bytesToPagesUp(n, p);
  } else {
    const newLen = pageAlign(rawNew, P);
    if (newLen === 0n) return fail('EINVAL', 'new_size is 0 (after PAGE_ALIGN)');
    addrPage = Number(addr / P);
    oldPages = Number(pageAlign(rawOld, P) / P);
    newPages = Number(newLen / P);
  }
  // The syscall looks old_address up before anything else only from 5.16: hugetlb mremap
  // (550a7d60bd5e, v5.16) added the find_vma and the hugetlb checks after it. Up to 5.15 the
  // first lookup is vma_to_resize()'s, in mremap_to() after a MREMAP_FIXED destination was
  // unmapped and the shrink done, or after the shrink of the plain path, which looks nothing up.
  let vma: Vma | undefined;
  if (versionAtLeast(config.version, 5, 16)) {
    vma = state.vmas.kernelVmaAt(addrPage);
    if (vma === undefined) return noVmaAtOldAddress(state, addr);
    if (isSealed(vma))
      return fail(
        'EPERM',
        `the VMA ${describeRange(state, vma.startPage, vma.endPage)} is sealed with mseal() (Linux 6.10+)`,
      );
    const huge = hugetlbRefusal(state, vma, addrPage, newAddr, oldPages, newPages);
    if (huge !== undefined) return huge;
    [oldPages, newPages] = hugeRounded(vma, oldPages, newPages);
  }
  if (call.fixed || call.dontunmap) {
    const na = smallNumber(newAddr);
    let newPage = na / p;
    if (fast && na >= 0 && na % p === 0 && newPage + newPages <= state.geo.taskPages) {
      // The alignment and TASK_SIZE checks pass; the overlap test is exact in pages.
      if (addrPage + oldPages > newPage && newPage + newPages > addrPage)
        return fail('EINVAL', 'the new range overlaps the old one (mremap_to)');
    } else {
      // mremap_to() checks the lengths the syscall's `if (is_vm_hugetlb_page(vma))` block aligned
      // to the huge page (5.16–6.16 K:mm/mremap.c SYSCALL_DEFINE5(mremap)); 6.17+ checks the
      // unrounded ones in check_mremap_params, before align_hugetlb.
      const unit = hugeUnitBytes(vma, P);
      const oldLen = pageAlign(pageAlign(rawOld, P), unit);
      const newLen = pageAlign(pageAlign(rawNew, P), unit);
      if (newAddr % P !== 0n)
        return fail('EINVAL', `new_address ${formatHex(newAddr)} is not page aligned (mremap_to)`);
      if (newLen > config.taskSize || newAddr > config.taskSize - newLen)
        return fail('EINVAL', 'the new range runs past TASK_SIZE (mremap_to)');
      if (overlaps(addr, oldLen, newAddr, newLen))
        return fail('EINVAL', 'the new range overlaps the old one (mremap_to)');
      newPage = Number(newAddr / P);
    }
    const guard = mapCountGuard(state);
    if (guard !== undefined) return guard;
    return finish(call, mremapTo(call, addrPage, oldPages, newPages, newPage, 'legacy'));
  }
  // Before 5.16 a shrink or a same-size call needs no mapping at old_address: it returns it.
  if (oldPages >= newPages) {
    if (oldPages === newPages) return succeed(addr);
    return finish(call, shrinkTail(call, addrPage, oldPages, newPages) ?? addrPage);
  }
  if (vma === undefined) {
    // ≤ 5.15: vma_to_resize() is the first lookup of a grow.
    vma = state.vmas.kernelVmaAt(addrPage);
    if (vma === undefined)
      return fail(
        'EFAULT',
        `no mapping contains old_address ${formatHex(addr)} (vma_to_resize; before Linux 5.16 mremap looks it up only to grow or move)`,
      );
  }
  const refusal = checkResize(call, vma, addrPage, oldPages, oldPages, newPages);
  if (refusal !== undefined) return refusal;
  return finish(call, expandVma(call, vma, addrPage, oldPages, newPages));
}

/**
 * The 5.16+ early lookup found no VMA. 5.16 and 5.17 set `ret = EFAULT` without the minus sign,
 * so mremap returned 14 (0xe) as if it were the new address: userspace sees success ("mm: mremap:
 * fix sign for EFAULT error return value", 7d1e64966162, v5.18-rc7; 5.17.9 stable; Fixes:
 * 550a7d60bd5e). 5.18+ returns -EFAULT.
 */
function noVmaAtOldAddress(state: KernelState, addr: bigint): SyscallResult {
  if (!versionAtLeast(state.config.version, 5, 18)) return succeed(BigInt(T.ERRNO_NUMBER.EFAULT));
  return fail('EFAULT', `no mapping contains old_address ${formatHex(addr)} (vma_lookup)`);
}

// ---------------------------------------------------------------- the move itself

function finish(call: Call, outcome: number | Failure): SyscallResult {
  if (typeof outcome !== 'number') return withEffects(outcome, call.effects);
  const value = pageAddress(outcome, call.state.geo);
  return succeed(value, exactEffects(call.effects));
}

function growInPlace(call: Call, vma: Vma, delta: number): void {
  const { state } = call;
  // The kernel VMA grows; in the model its last record does.
  const last = state.vmas.vmaAt(vma.endPage - 1) as Vma;
  let grown: Vma = withEnd(last, last.endPage + delta);
  if (
    grown.anon !== undefined &&
    !anonRangeFree(state, grown.anon, last.pgoff + (last.endPage - last.startPage), delta, last)
  ) {
    grown = rekey(state, grown, last);
  }
  const inserted = state.vmas.splice(last.startPage, grown.endPage, [grown], 'right');
  if ((last.vmFlags & T.VM_UFFD_MISSING) !== 0) growRegisteredPages(state, last.endPage, delta);
  let covering = grown;
  for (let k = 0; k < inserted.length; k++) {
    const v = inserted[k] as Vma;
    if (v.startPage <= vma.endPage && v.endPage > vma.endPage) {
      covering = v;
      break;
    }
  }
  call.effects.push({ kind: 'mapped', vma: sliceVma(covering, vma.endPage, vma.endPage + delta) });
}

/**
 * move_vma(): a new VMA at `newPage` over the same objects (copy_vma), then the source is
 * unmapped, or with DONTUNMAP left in place with no pages (facts 3.5). vm_pgoff is kept, so private
 * pages move with it — except for a private anonymous VMA that was never written (no anon_vma):
 * copy_vma() then sets pgoff from the new address, "to increase its chance of merging".
 * `oldPages == 0` duplicates a shared mapping (facts 3.6). `vma` is the whole kernel VMA.
 */
function moveVma(
  call: Call,
  vma: Vma,
  addrPage: number,
  oldPages: number,
  newPages: number,
  newPage: number,
): number | Failure {
  const { state } = call;
  if (state.vmas.kernelSize >= state.config.maxMapCount - 3) {
    return fail('ENOMEM', `map_count (${state.vmas.kernelSize}) is within 3 of vm.max_map_count (move_vma)`);
  }
  if (
    deviceOf(state, vma)?.refusesSplit &&
    (addrPage !== vma.startPage || addrPage + oldPages !== vma.endPage)
  ) {
    return fail(
      'EINVAL',
      `the mapping ${describeRange(state, vma.startPage, vma.endPage)} refuses to be split (vm_ops->may_split) and only part of it would move`,
    );
  }
  const origin = call.origin;
  // mremap_userfaultfd_prep(): drvmap's handlers do not ask for UFFD_FEATURE_EVENT_REMAP, so the
  // moved VMA loses VM_UFFD_MISSING (5.0+; the DONTUNMAP source stays registered) — it merges
  // again and may take part in a multi-VMA move (kernel/userfaultfd.ts USERFAULTFD_HISTORY).
  // Before 5.0 copy_vma() keeps the flag and the userfaultfd context: the handler goes along.
  const dropsRegistration = versionAtLeast(
    state.config.version,
    ...USERFAULTFD_HISTORY.moveDropsRegistration,
  );
  if (oldPages === 0) {
    // Duplication. Shared: the same object. ≤ 4.13 private: "a fresh/new mapping unrelated to the original".
    const record = state.vmas.vmaAt(addrPage) as Vma;
    let dup: Vma = vmaWith(record, {
      startPage: newPage,
      endPage: newPage + newPages,
      pgoff: record.pgoff + (addrPage - record.startPage),
      joinsPrev: false,
      owner: T.ownerOf(origin),
      createdStep: origin.step,
      label: call.label ?? record.label,
    });
    if (isPrivateAnon(record)) {
      const fresh = state.objects.createAnon(false);
      dup = vmaWith(dup, { object: fresh, anon: fresh, anonVma: 0 });
    } else if (record.anon !== undefined) dup = vmaWith(dup, { anon: undefined });
    if (dropsRegistration) dup = unarmed(dup);
    state.vmas.splice(newPage, newPage + newPages, [dup], 'both');
    if (!dropsRegistration)
      moveRegisteredPages(state, addrPage, Math.min(newPages, record.endPage - addrPage), newPage, true);
    call.effects.push({
      kind: 'aliased',
      startPage: newPage,
      endPage: newPage + newPages,
      sourcePage: addrPage,
    });
    return newPage;
  }
  const endPage = addrPage + oldPages;
  // The overlapping list is a fresh one: clip its records in place.
  const records = state.vmas.overlapping(addrPage, endPage);
  for (let k = 0; k < records.length; k++) records[k] = sliceVma(records[k] as Vma, addrPage, endPage);
  let resetPgoff = isPrivateAnon(vma) && anonVmaOf(vma) === 0;
  for (let k = 0; resetPgoff && k < records.length; k++)
    if (hasPages(state, records[k] as Vma)) resetPgoff = false;
  const moved = new Array<Vma>(records.length);
  for (let k = 0; k < records.length; k++) {
    const r = records[k] as Vma;
    const start = newPage + (r.startPage - addrPage);
    if (!resetPgoff && isPrivateAnon(r)) state.objects.markDisplaced(r.object);
    moved[k] = relocatedVma(
      r,
      start,
      start + (r.endPage - r.startPage),
      resetPgoff ? start : r.pgoff,
      k > 0,
      T.ownerOf(origin),
      origin.step,
      call.label ?? r.label,
    );
    if (dropsRegistration) moved[k] = unarmed(moved[k] as Vma);
  }
  if (newPages > oldPages) {
    // expand: the last piece grows (its private pages need a pgoff range nobody else uses).
    const k = moved.length - 1;
    const source = records[k] as Vma;
    let grown = withEnd(moved[k] as Vma, newPage + newPages);
    if (
      grown.anon !== undefined &&
      !anonRangeFree(
        state,
        grown.anon,
        grown.pgoff + (source.endPage - source.startPage),
        newPages - oldPages,
        source,
      )
    ) {
      grown = rekey(state, grown, source);
    }
    moved[k] = grown;
  }
  const inserted = state.vmas.splice(newPage, newPage + newPages, moved, 'both');
  if (call.dontunmap) {
    dontunmapSource(state, vma, addrPage, endPage, newPage);
    call.effects.push({
      kind: 'emptied',
      startPage: addrPage,
      endPage,
      aliasOfNew: isShared(vma),
    });
  } else {
    state.vmas.splice(addrPage, endPage, [], 'none');
  }
  if (!dropsRegistration) {
    moveRegisteredPages(state, addrPage, oldPages, newPage);
    const last = moved[moved.length - 1] as Vma;
    if (newPages > oldPages && (last.vmFlags & T.VM_UFFD_MISSING) !== 0)
      growRegisteredPages(state, newPage + oldPages, newPages - oldPages);
  }
  call.effects.push({
    kind: 'moved',
    fromPage: addrPage,
    toPage: newPage,
    pages: oldPages,
    vmas: inserted,
  });
  return newPage;
}

/**
 * 6.15's move_vma() refactor (b714ccb02a76, "mm/mremap: complete refactor of move_vma()",
 * 6.15-rc1) made dontunmap_complete() clear VM_ACCOUNT on the old VMA as well as VM_LOCKED_MASK;
 * "mm/mremap: correctly account old mapping after MREMAP_DONTUNMAP remap" (0e59f47c15ce, 6.18,
 * and 6.17.6 stable, which a `kernel 6.17` line cannot name) put it back. Without VM_ACCOUNT the
 * old VMA no longer merges with its accounted neighbours. Sources: the 6.16 mm/mremap.c and the
 * fix's message (docs/kernel-model.md).
 */
function dontunmapClearsAccount(version: T.KernelVersion): boolean {
  return versionAtLeast(version, 6, 15) && !versionAtLeast(version, 6, 18);
}

/**
 * What MREMAP_DONTUNMAP leaves behind (facts 3.5, dontunmap_complete): the old VMA is not split;
 * it loses VM_LOCKED (and VM_ACCOUNT on 6.15–6.17) and the moved range has no pages — private anonymous memory reads zero
 * (a fresh page object), a private file mapping refaults from the file, shared mappings alias the
 * new range. If the whole VMA moved, its anon_vma is unlinked. If copy_vma merged the old VMA
 * into the new one (possible only without an anon_vma), that merged VMA is the one left.
 */
function dontunmapSource(
  state: KernelState,
  vma: Vma,
  startPage: number,
  endPage: number,
  newPage: number,
): void {
  const now = state.vmas.kernelVmaAt(startPage) as Vma;
  const mergedIntoNew = now.startPage <= newPage && newPage < now.endPage;
  const whole = !mergedIntoNew && startPage === vma.startPage && endPage === vma.endPage;
  const rewritten: Vma[] = [];
  const cleared = T.VM_LOCKED | (dontunmapClearsAccount(state.config.version) ? T.VM_ACCOUNT : 0);
  // One kernel VMA has one set of flags. Once they are clear, only the records the range
  // touches change (their pages go), and none does when the source merged into the new range.
  const flagsChange = (now.vmFlags & cleared) !== 0;
  if (!flagsChange && mergedIntoNew) return;
  const records = flagsChange
    ? state.vmas.overlapping(now.startPage, now.endPage)
    : state.vmas.overlapping(startPage, endPage);
  for (const r of records) {
    const vmFlags = r.vmFlags & ~cleared;
    const inRange = r.startPage < endPage && r.endPage > startPage;
    if (mergedIntoNew || !inRange || isShared(r)) {
      rewritten.push(vmFlags === r.vmFlags ? r : vmaWith(r, { vmFlags }));
      continue;
    }
    const anonVma = whole ? 0 : anonVmaOf(r);
    for (const piece of [
      sliceVma(r, r.startPage, startPage),
      sliceVma(r, startPage, endPage),
      sliceVma(r, endPage, r.endPage),
    ]) {
      if (piece.startPage >= piece.endPage) continue;
      // Not the kernel VMA's first record: it stays joined to the one before.
      const joinsPrev = piece.startPage > now.startPage;
      if (piece.startPage >= startPage && piece.endPage <= endPage) {
        if (isPrivateAnon(piece)) {
          const fresh = state.objects.createAnon(piece.pgoff === piece.startPage);
          rewritten.push(vmaWith(piece, { vmFlags, object: fresh, anon: fresh, anonVma, joinsPrev }));
        } else rewritten.push(vmaWith(piece, { vmFlags, anon: undefined, anonVma, joinsPrev }));
      } else rewritten.push(vmaWith(piece, { vmFlags, joinsPrev }));
    }
  }
  // Only the records that changed are replaced: a kernel VMA can hold thousands (every DONTUNMAP
  // source merged with the one before), and replacing them all on every call made N such calls
  // cost N² records (review: robustness, finding 1).
  let lead = 0;
  while (lead < records.length && lead < rewritten.length && rewritten[lead] === records[lead]) lead++;
  let trail = 0;
  while (
    trail < records.length - lead &&
    trail < rewritten.length - lead &&
    rewritten[rewritten.length - 1 - trail] === records[records.length - 1 - trail]
  )
    trail++;
  if (lead === records.length && rewritten.length === records.length) return;
  state.vmas.splice(
    (records[lead] as Vma).startPage,
    (records[records.length - 1 - trail] as Vma).endPage,
    rewritten.slice(lead, rewritten.length - trail),
    'keep',
  );
}

/** The moved copy of a userfaultfd-armed VMA without the registration (and its "(userfaultfd …)" label). */
function unarmed(vma: Vma): Vma {
  if ((vma.vmFlags & T.VM_UFFD_MISSING) === 0) return vma;
  const label = vma.label?.replace(/ \(userfaultfd [a-z-]+\)$/, '');
  return vmaWith(vma, { vmFlags: vma.vmFlags & ~T.VM_UFFD_MISSING, label });
}
