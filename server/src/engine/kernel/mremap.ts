// mremap(2), version-gated (facts 3.1–3.8). Linux 6.17+ follows check_mremap_params →
// check_prep_vma → mremap_to / mremap_at / remap_move; ≤ 6.16 follows the older syscall body with
// vma_to_resize() running *after* the MREMAP_FIXED destination was unmapped (the ordering hazard).
import { formatHexPlain } from '../numbers';
import { versionAtLeast } from './config';
import { fail, succeed, withEffects } from './result';
import { describeRange, deviceOf, exceedsAddressSpaceLimit, hexPage, isSealed } from './state';
import * as T from './types';
import { unmapBytes } from './unmap-range';
import { flagBits, pageAlign, u64 } from './u64';
import { isPrivateAnon, isShared, sliceVma, vmaWith } from './vma';
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
      `unknown flag bits ${formatHexPlain(BigInt(flags & ~valid))} (only MREMAP_MAYMOVE, MREMAP_FIXED and MREMAP_DONTUNMAP exist; MREMAP_RELOCATE_ANON was never merged)`,
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
  const { config } = state;
  const P = state.geo.pageSize;
  const oldLen = pageAlign(rawOld, P);
  const newLen = pageAlign(rawNew, P);
  // check_mremap_params (facts 3.1)
  if (addr % P !== 0n)
    return fail('EINVAL', `old_address ${formatHexPlain(addr)} is not page aligned (check_mremap_params)`);
  if (newLen === 0n) return fail('EINVAL', 'new_size is 0 (after PAGE_ALIGN) (check_mremap_params)');
  if (newLen > config.taskSize)
    return fail('EINVAL', `new_size ${formatHexPlain(newLen)} exceeds TASK_SIZE (check_mremap_params)`);
  const impliesNew = call.fixed || call.dontunmap;
  if (impliesNew) {
    const paramFailure = checkNewAddressParams617(call, addr, oldLen, newLen, newAddr);
    if (paramFailure !== undefined) return paramFailure;
  }
  const addrPage = Number(addr / P);
  const oldPages = Number(oldLen / P);
  const newPages = Number(newLen / P);
  if (call.fixed && oldLen === newLen) return remapMove(call, addrPage, oldPages, Number(newAddr / P));
  const vma = state.vmas.vmaAt(addrPage);
  const prep = checkPrepVma617(call, vma, addrPage, oldPages, newPages);
  if (prep !== undefined) return prep;
  const target = vma as Vma;
  if (impliesNew) {
    const moved = mremapTo(call, addrPage, oldPages, newPages, Number(newAddr / P), '6.17');
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
      `new_address ${formatHexPlain(newAddr)} + new_size runs past TASK_SIZE (check_mremap_params)`,
    );
  }
  if (newAddr % P !== 0n) {
    return fail(
      'EINVAL',
      `new_address ${formatHexPlain(newAddr)} is not page aligned (check_mremap_params; this applies to the MREMAP_DONTUNMAP hint too)`,
    );
  }
  if (!call.maymove)
    return fail(
      'EINVAL',
      `${call.fixed ? 'MREMAP_FIXED' : 'MREMAP_DONTUNMAP'} requires MREMAP_MAYMOVE (check_mremap_params)`,
    );
  if (call.dontunmap && oldLen !== newLen)
    return fail(
      'EINVAL',
      'MREMAP_DONTUNMAP cannot resize: old_size must equal new_size (check_mremap_params)',
    );
  if (overlaps(addr, oldLen, newAddr, newLen))
    return fail('EINVAL', 'the new range overlaps the old one (check_mremap_params: vrm_overlaps)');
  return mapCountGuard(state);
}

function overlaps(addr: bigint, oldLen: bigint, newAddr: bigint, newLen: bigint): boolean {
  const endOld = (addr + oldLen) % TWO_64;
  const endNew = (newAddr + newLen) % TWO_64;
  return endOld > newAddr && endNew > addr;
}

function mapCountGuard(state: KernelState): Failure | undefined {
  if (state.vmas.size + 2 >= state.config.maxMapCount - 3) {
    return fail(
      'ENOMEM',
      `map_count (${state.vmas.size}) + 2 would come within 3 of vm.max_map_count (${state.config.maxMapCount}) (mremap's early split-count guard)`,
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
          `MREMAP_DONTUNMAP refuses VM_PFNMAP/VM_DONTEXPAND mappings (${DONTUNMAP_513}); ${vma.object.name || 'this mapping'} is one (DRM/TTM buffer objects are)`,
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
      `the VMA is VM_DONTEXPAND/VM_PFNMAP and cannot grow${oldPages === 0 ? ' (old_size == 0 duplication counts as growing)' : ''} (${vma.object.name || 'device mapping'})`,
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
  const { state } = call;
  const P = state.geo.pageSize;
  const result = unmapBytes(
    state,
    BigInt(addrPage + newPages) * P,
    BigInt(oldPages - newPages) * P,
    'mremap shrink',
  );
  if ('errno' in result) return result;
  if (result.victims.length > 0)
    call.effects.push({
      kind: 'unmapped',
      startPage: result.startPage,
      endPage: result.endPage,
      victims: result.victims,
    });
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
      `cannot grow in place (${addrPage + oldPages === vma.endPage ? `${describeRange(state, vma.endPage, vma.endPage + delta)} is not free` : 'the range does not end at the end of its VMA'}) and MREMAP_MAYMOVE is not set`,
    );
  }
  const placed = placeFor(call, vma, 0, newPages, false);
  if (typeof placed !== 'number') return placed;
  return moveVma(call, vma, addrPage, oldPages, newPages, placed);
}

function placementKind(vma: Vma): PlacementKind {
  if (isPrivateAnon(vma)) return 'private-anon';
  return vma.object.kind === 'shmem' ? 'shared-anon' : 'file';
}

/** vrm_set_new_addr(): get_unmapped_area(file, hint or fixed address, new_len, pgoff, MAP_SHARED?) and its result checks. */
function placeFor(call: Call, vma: Vma, hintPage: number, pages: number, fixed: boolean): number | Failure {
  const { state } = call;
  const placed = state.placer.place({
    hintPage,
    pages,
    fixed,
    map32bit: false,
    above4g: false,
    kind: placementKind(vma),
  });
  if (!placed.ok) return fail(placed.errno, `mremap: ${placed.reason}`);
  if (placed.page > state.geo.taskPages - pages)
    return fail('ENOMEM', 'mremap: the new range ends beyond TASK_SIZE (get_unmapped_area)');
  const chosen = BigInt(placed.page) * state.geo.pageSize;
  if (chosen < state.config.dacMmapMinAddr && !state.config.capSysRawio) {
    return fail(
      'EPERM',
      `mremap: new address ${formatHexPlain(chosen)} is below vm.mmap_min_addr without CAP_SYS_RAWIO (cap_mmap_addr)`,
    );
  }
  return placed.page;
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
  const P = state.geo.pageSize;
  if (call.fixed) {
    const result = unmapBytes(state, BigInt(newPage) * P, BigInt(newPages) * P, 'MREMAP_FIXED destination');
    if ('errno' in result) return result;
    if (result.victims.length > 0)
      call.effects.push({
        kind: 'replaced',
        startPage: result.startPage,
        endPage: result.endPage,
        victims: result.victims,
      });
  }
  let old = oldPages;
  if (old > newPages) {
    const shrink = shrinkTail(call, addrPage, old, newPages);
    if (shrink !== undefined) return shrink;
    old = newPages;
  }
  const vma = state.vmas.vmaAt(addrPage);
  if (vma === undefined)
    return fail('EFAULT', `no mapping contains old_address ${hexPage(state, addrPage)} any more`);
  if (flavour === 'legacy') {
    // ≤ 6.16: vma_to_resize() runs only now, after the destination is gone (facts 3.3 "Failure hazard").
    const refusal = checkResize(call, vma, addrPage, old, old, newPages);
    if (refusal !== undefined) {
      const lost = call.effects.some((e) => e.kind === 'replaced')
        ? '; on Linux ≤ 6.16 the MREMAP_FIXED destination was already unmapped and stays destroyed'
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
  const sources = state.vmas.overlapping(addrPage, end);
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
    const vma = state.vmas.vmaAt(pieceStart);
    const prep = checkPrepVma617(call, vma, pieceStart, len, len);
    if (prep !== undefined) return finish(call, prep);
    const moved = mremapTo(call, pieceStart, len, len, target + offset, '6.17');
    if (typeof moved !== 'number') return finish(call, moved);
    if (!seen) result = moved;
    seen = true;
    target = moved + len;
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
  if (addr % P !== 0n) return fail('EINVAL', `old_address ${formatHexPlain(addr)} is not page aligned`);
  const oldLen = pageAlign(rawOld, P);
  const newLen = pageAlign(rawNew, P);
  if (newLen === 0n) return fail('EINVAL', 'new_size is 0 (after PAGE_ALIGN)');
  const addrPage = Number(addr / P);
  const oldPages = Number(oldLen / P);
  const newPages = Number(newLen / P);
  const vma = state.vmas.vmaAt(addrPage);
  if (vma === undefined)
    return fail('EFAULT', `no mapping contains old_address ${formatHexPlain(addr)} (vma_lookup)`);
  if (isSealed(vma))
    return fail(
      'EPERM',
      `the VMA ${describeRange(state, vma.startPage, vma.endPage)} is sealed with mseal() (Linux 6.10+)`,
    );
  if (call.fixed || call.dontunmap) {
    if (newAddr % P !== 0n)
      return fail('EINVAL', `new_address ${formatHexPlain(newAddr)} is not page aligned (mremap_to)`);
    if (newLen > config.taskSize || newAddr > config.taskSize - newLen)
      return fail('EINVAL', 'the new range runs past TASK_SIZE (mremap_to)');
    if (overlaps(addr, oldLen, newAddr, newLen))
      return fail('EINVAL', 'the new range overlaps the old one (mremap_to)');
    const guard = mapCountGuard(state);
    if (guard !== undefined) return guard;
    return finish(call, mremapTo(call, addrPage, oldPages, newPages, Number(newAddr / P), 'legacy'));
  }
  if (oldPages >= newPages) {
    if (oldPages === newPages) return succeed(addr);
    return finish(call, shrinkTail(call, addrPage, oldPages, newPages) ?? addrPage);
  }
  const refusal = checkResize(call, vma, addrPage, oldPages, oldPages, newPages);
  if (refusal !== undefined) return refusal;
  return finish(call, expandVma(call, vma, addrPage, oldPages, newPages));
}

// ---------------------------------------------------------------- the move itself

function finish(call: Call, outcome: number | Failure): SyscallResult {
  if (typeof outcome !== 'number') return withEffects(outcome, call.effects);
  return succeed(BigInt(outcome) * call.state.geo.pageSize, call.effects);
}

function growInPlace(call: Call, vma: Vma, delta: number): void {
  const { state } = call;
  let grown: Vma = vmaWith(vma, { endPage: vma.endPage + delta });
  if (
    grown.anon !== undefined &&
    !anonRangeFree(state, grown.anon, vma.pgoff + (vma.endPage - vma.startPage), delta, vma)
  ) {
    grown = rekey(state, grown, vma);
  }
  const { inserted } = state.vmas.splice(vma.startPage, grown.endPage, [grown], 'right');
  const covering = inserted.find((v) => v.startPage <= vma.endPage && v.endPage > vma.endPage) ?? grown;
  call.effects.push({ kind: 'mapped', vma: sliceVma(covering, vma.endPage, vma.endPage + delta) });
}

/** Is [pgoff, pgoff + pages) of an anon object unused by every live VMA except `except`? */
function anonRangeFree(
  state: KernelState,
  anon: T.MemoryObject,
  pgoff: number,
  pages: number,
  except: Vma,
): boolean {
  if (isPrivateAnon(except) && state.objects.isHomeOnly(anon)) return true;
  for (const v of state.objects.usersOf(anon)) {
    if (v === except) continue;
    const end = v.pgoff + (v.endPage - v.startPage);
    if (v.pgoff < pgoff + pages && end > pgoff) return false;
  }
  return true;
}

/** Give `vma` a fresh anon object holding the pages `source` had (the model's stand-in for per-page rmap). */
function rekey(state: KernelState, vma: Vma, source: Vma): Vma {
  const old = source.anon as T.MemoryObject;
  const fresh = state.objects.createAnon(false);
  const p = state.geo.pageBytes;
  const from = source.pgoff * p;
  const to = (source.pgoff + (source.endPage - source.startPage)) * p;
  state.contents.copy(old.id, fresh.id, from, to, 0);
  state.contents.discard(old.id, from, to);
  return isPrivateAnon(vma) ? vmaWith(vma, { object: fresh, anon: fresh }) : vmaWith(vma, { anon: fresh });
}

/**
 * move_vma(): a new VMA at `newPage` over the same object (pgoff preserved, so private pages move
 * with it); then the source is unmapped, or with DONTUNMAP left in place with no pages (facts 3.5).
 * `oldPages == 0` duplicates a shared mapping (facts 3.6).
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
  if (state.vmas.size >= state.config.maxMapCount - 3) {
    return fail('ENOMEM', `map_count (${state.vmas.size}) is within 3 of vm.max_map_count (move_vma)`);
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
  const pgoff = vma.pgoff + (addrPage - vma.startPage);
  const source = oldPages > 0 ? sliceVma(vma, addrPage, addrPage + oldPages) : undefined;
  let moved: Vma = vmaWith(vma, {
    startPage: newPage,
    endPage: newPage + newPages,
    pgoff,
    owner: call.origin.actor,
    createdStep: call.origin.step,
    label: call.label ?? vma.label,
  });
  if (source === undefined) {
    // Duplication. Shared: the same object. ≤ 4.13 private: "a fresh/new mapping unrelated to the original".
    if (isPrivateAnon(vma)) {
      const fresh = state.objects.createAnon(false);
      moved = vmaWith(moved, { object: fresh, anon: fresh });
    } else if (vma.anon !== undefined) moved = vmaWith(moved, { anon: undefined });
  } else if (moved.anon !== undefined) {
    if (isPrivateAnon(vma)) state.objects.markDisplaced(vma.object);
    if (
      newPages > oldPages &&
      !anonRangeFree(state, moved.anon, pgoff + oldPages, newPages - oldPages, source)
    ) {
      moved = rekey(state, moved, source);
    }
  }
  const { inserted } = state.vmas.splice(newPage, newPage + newPages, [moved], 'both');
  if (source !== undefined) {
    if (call.dontunmap) {
      const emptied = emptiedSource(state, source);
      state.vmas.splice(source.startPage, source.endPage, [emptied], 'none');
      call.effects.push({
        kind: 'emptied',
        startPage: source.startPage,
        endPage: source.endPage,
        aliasOfNew: isShared(source),
      });
    } else {
      state.vmas.splice(source.startPage, source.endPage, [], 'none');
    }
    call.effects.push({
      kind: 'moved',
      fromPage: addrPage,
      toPage: newPage,
      pages: oldPages,
      vmas: inserted,
    });
  } else {
    call.effects.push({
      kind: 'aliased',
      startPage: newPage,
      endPage: newPage + newPages,
      sourcePage: addrPage,
    });
  }
  return newPage;
}

/**
 * The old range after MREMAP_DONTUNMAP (facts 3.5): same flags minus VM_LOCKED, no pages. Private
 * anonymous memory gets a fresh, empty anon object (reads zero); a private file mapping loses its
 * COW copies (refaults from the file); shared mappings keep the object (an alias of the new range).
 */
function emptiedSource(state: KernelState, source: Vma): Vma {
  const vmFlags = source.vmFlags & ~T.VM_LOCKED;
  if (isPrivateAnon(source)) {
    const fresh = state.objects.createAnon(source.pgoff === source.startPage);
    return vmaWith(source, { vmFlags, object: fresh, anon: fresh });
  }
  return vmaWith(source, { vmFlags, anon: undefined });
}
