// mprotect(2) (facts 6.1, K:mm/mprotect.c:do_mprotect_pkey). Not atomic: VMAs before a hole (or a
// sealed VMA on 6.12+) have already changed when ENOMEM (EPERM) comes back.
import { formatHex } from '../numbers';
import { versionAtLeast } from './config';
import { fail, NO_EFFECTS, succeed, withEffects } from './result';
import { describeRange, hexPage, isSealed } from './state';
import * as T from './types';
import { bytesToPagesUp, pageAlign, smallNumber, u64 } from './u64';
import { vmaModifySplits } from './vma-modify';
import { anonVmaOf, isPrivateAnon, reprotectedSlice, VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE } from './vma';
import type { KernelState } from './state';
import type { Effect, Origin, SyscallResult, Vma } from './types';

export const PROT_SEM = 0x8;
export const PROT_GROWSDOWN = 0x01000000;
export const PROT_GROWSUP = 0x02000000;

export function doMprotect(
  state: KernelState,
  addrIn: bigint,
  lengthIn: bigint,
  protIn: number,
  _origin: Origin,
): SyscallResult {
  const { config, geo } = state;
  const P = geo.pageSize;
  const v = config.version;
  const protValid = Number.isSafeInteger(protIn) && protIn >= -0x80000000 && protIn <= 0xffffffff;
  let prot = protValid ? protIn >>> 0 : 0xffffffff;
  const grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
  prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
  if (grows === (PROT_GROWSDOWN | PROT_GROWSUP))
    return fail('EINVAL', 'PROT_GROWSDOWN and PROT_GROWSUP together (do_mprotect_pkey)');
  let startPage: number;
  let endPage: number;
  // The usual call (aligned, nonzero, no wrap) in doubles; the exact bigint checks otherwise.
  const a = smallNumber(addrIn);
  const l = smallNumber(lengthIn);
  const p = geo.pageBytes;
  if (a >= 0 && l > 0 && a % p === 0) {
    startPage = a / p;
    endPage = startPage + bytesToPagesUp(l, p);
  } else {
    const addr = u64(addrIn);
    const len = u64(lengthIn);
    if (addr % P !== 0n)
      return fail('EINVAL', `the address ${formatHex(addr)} is not page aligned (do_mprotect_pkey)`);
    if (len === 0n) return succeed(0n); // len == 0 is a no-op, even with bad prot bits (facts 6.1)
    const alignedLen = pageAlign(len, P);
    const end = addr + alignedLen;
    if (alignedLen === 0n || end >= 1n << 64n)
      return fail('ENOMEM', 'addr + len wraps around (do_mprotect_pkey: end <= start)');
    startPage = Number(addr / P);
    endPage = Number(end / P);
  }
  if ((prot & ~(T.PROT_READ | T.PROT_WRITE | T.PROT_EXEC | PROT_SEM)) !== 0) {
    return fail(
      'EINVAL',
      `unknown protection bits ${formatHex(BigInt(prot & ~(T.PROT_READ | T.PROT_WRITE | T.PROT_EXEC | PROT_SEM)))} (arch_validate_prot)`,
    );
  }
  const newProt = prot & (T.PROT_READ | T.PROT_WRITE | T.PROT_EXEC);

  const first = state.vmas.firstEndingAfter(startPage);
  if (first === undefined || first.startPage >= endPage) {
    return fail(
      'ENOMEM',
      `nothing is mapped in [${formatHex(u64(addrIn))}, ${formatHex(BigInt(endPage) * P)}) (do_mprotect_pkey; ENOMEM, not EFAULT)`,
    );
  }
  if ((grows & PROT_GROWSDOWN) !== 0) {
    startPage = first.startPage;
    if ((first.vmFlags & T.VM_GROWSDOWN) === 0)
      return fail('EINVAL', 'PROT_GROWSDOWN on a mapping without VM_GROWSDOWN (do_mprotect_pkey)');
  } else {
    if (first.startPage > startPage) {
      return fail(
        'ENOMEM',
        `${hexPage(state, startPage)} is not mapped (the range starts in a hole; do_mprotect_pkey)`,
      );
    }
    if ((grows & PROT_GROWSUP) !== 0)
      // Only CONFIG_STACK_GROWSUP arches (parisc) have VM_GROWSUP; x86-64 and arm64 have none.
      return fail(
        'EINVAL',
        `PROT_GROWSUP: ${state.config.arch === 'arm64' ? 'arm64' : 'x86-64'} has no VM_GROWSUP mappings (do_mprotect_pkey)`,
      );
  }
  // Linux 6.10–6.11 checked sealing for the whole range (can_modify_mm, holes allowed) here: after
  // the vma_find, the start-in-a-hole ENOMEM and the PROT_GROWSDOWN/PROT_GROWSUP checks (with
  // PROT_GROWSDOWN from the VMA's start), before changing anything ("mseal: add mseal syscall",
  // 8be7258aad44). 6.12's "mm/mprotect: replace can_modify_mm with can_modify_vma" moved it into
  // mprotect_fixup(), per VMA (applyToVma).
  if (versionAtLeast(v, 6, 10) && !versionAtLeast(v, 6, 12)) {
    const sealed = state.vmas.overlapping(startPage, endPage).find(isSealed);
    if (sealed)
      return fail(
        'EPERM',
        `the VMA ${describeRange(state, sealed.startPage, sealed.endPage)} is sealed with mseal() (Linux 6.10–6.11 check the whole range before changing anything)`,
      );
  }

  // The pieces are contiguous, so what has changed is always one 'protected' range
  // [firstPage, cursor): its effect is made once, when the call returns.
  const firstPage = startPage;
  let cursor = startPage;
  while (cursor < endPage) {
    const vma = state.vmas.kernelVmaAt(cursor);
    if (vma === undefined) {
      const inside = state.vmas.intersects(cursor, endPage);
      return withEffects(
        fail(
          'ENOMEM',
          inside
            ? `hole at ${hexPage(state, cursor)} inside the range: the mappings before it were already changed (mprotect is not atomic; docs/facts/linux-mm.md §6.1)`
            : `${hexPage(state, cursor)} is not mapped (the range ends in a hole; the mappings before it were already changed)`,
        ),
        protectedSoFar(firstPage, cursor, newProt),
      );
    }
    const pieceEnd = Math.min(vma.endPage, endPage);
    const refusal = applyToVma(state, vma, cursor, pieceEnd, newProt, v);
    if (refusal !== undefined) {
      const note = cursor > firstPage ? ' (the mappings before it were already changed)' : '';
      return withEffects(
        fail(refusal.errno, refusal.reason + note),
        protectedSoFar(firstPage, cursor, newProt),
      );
    }
    cursor = pieceEnd;
  }
  return succeed(0n, protectedSoFar(firstPage, cursor, newProt));
}

/** The effect list of an mprotect that has changed [startPage, endPage) (none if empty). */
function protectedSoFar(startPage: number, endPage: number, prot: number): readonly Effect[] {
  return endPage > startPage ? [{ kind: 'protected', startPage, endPage, prot }] : NO_EFFECTS;
}

/** mprotect_fixup() for one VMA piece. */
function applyToVma(
  state: KernelState,
  vma: Vma,
  start: number,
  end: number,
  prot: number,
  version: T.KernelVersion,
): { errno: T.Errno; reason: string } | undefined {
  // newflags & ~(newflags >> 4): a permission without its VM_MAY* twin.
  if ((prot & T.PROT_WRITE) !== 0 && (vma.vmFlags & VM_MAYWRITE) === 0) {
    return {
      errno: 'EACCES',
      reason: `PROT_WRITE on ${describeRange(state, vma.startPage, vma.endPage)}, ${(vma.vmFlags & T.VM_MAYSHARE) !== 0 ? 'a MAP_SHARED mapping of a file not open for writing' : 'a mapping its driver made without VM_MAYWRITE (amdgpu: a PROT_NONE MAP_PRIVATE map of a BO)'} (no VM_MAYWRITE; do_mprotect_pkey)`,
    };
  }
  if ((prot & T.PROT_EXEC) !== 0 && (vma.vmFlags & VM_MAYEXEC) === 0) {
    return {
      errno: 'EACCES',
      reason: 'PROT_EXEC on a mapping without VM_MAYEXEC (noexec mount; do_mprotect_pkey)',
    };
  }
  if ((prot & T.PROT_READ) !== 0 && (vma.vmFlags & VM_MAYREAD) === 0) {
    return { errno: 'EACCES', reason: 'PROT_READ on a mapping without VM_MAYREAD (do_mprotect_pkey)' };
  }
  if (versionAtLeast(version, 6, 12) && isSealed(vma)) {
    return {
      errno: 'EPERM',
      reason: `the VMA ${describeRange(state, vma.startPage, vma.endPage)} is sealed with mseal() (Linux 6.10+)`,
    };
  }
  let vmFlags = vma.vmFlags;
  if ((prot & T.PROT_WRITE) !== 0) {
    if ((vmFlags & (T.VM_ACCOUNT | T.VM_SHARED | T.VM_NORESERVE)) === 0 && (vma.prot & T.PROT_WRITE) === 0) {
      vmFlags |= T.VM_ACCOUNT; // becoming private writable memory: charged from now on
    }
  } else if (
    (vmFlags & T.VM_ACCOUNT) !== 0 &&
    isPrivateAnon(vma) &&
    anonVmaOf(vma) === 0 &&
    versionAtLeast(version, 6, 2)
  ) {
    // 6.2+ (commit "mm/mprotect: allow unfaulted VMAs to be unaccounted on mprotect()"): read-only
    // anonymous memory that was never written gives its charge back.
    vmFlags &= ~T.VM_ACCOUNT;
  }
  if (prot === vma.prot && vmFlags === vma.vmFlags) return undefined; // nothing changes, nothing splits
  // mprotect_fixup() → vma_modify_flags(): a merge with the neighbour first, else split_vma at the
  // start, then at the end; a refused end split (a hugetlb VMA off its huge page:
  // hugetlb_vm_op_split; vm.max_map_count) keeps the start split.
  const refusal = vmaModifySplits(state, vma, start, end, prot, vmFlags, 'mprotect');
  if (refusal !== undefined) return refusal;
  // The kernel VMA's records (one per attribution) all change.
  const records = state.vmas.overlapping(start, end);
  for (let k = 0; k < records.length; k++) {
    const piece = reprotectedSlice(records[k] as Vma, start, end, prot, vmFlags);
    state.vmas.splice(piece.startPage, piece.endPage, [piece], 'both');
  }
  return undefined;
}
