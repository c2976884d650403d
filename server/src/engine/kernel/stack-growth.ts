// A touch just below a MAP_GROWSDOWN VMA grows it down to the touched page: the x86 fault path
// (6.5+: lock_mm_and_find_vma → expand_stack_locked → expand_downwards; before 6.5 find_vma +
// expand_stack, the same rules). Only private anonymous VMAs can be VM_GROWSDOWN (do_mmap refuses
// MAP_GROWSDOWN on files and shared anonymous memory), and the kernel does not merge the grown VMA.
import { formatHex } from '../numbers';
import { prepareAnonVma } from './anon-vma';
import { anonRangeFree, rekey } from './page-identity';
import { describeMapping, exceedsAddressSpaceLimit, hexPage } from './state';
import { PROT_EXEC, PROT_READ, PROT_WRITE, VM_GROWSDOWN } from './types';
import { vmaWith } from './vma';
import type { KernelState } from './state';
import type { Vma } from './types';

/**
 * Grow the VM_GROWSDOWN VMA just above the unmapped `page` down to it. Returns the record now
 * holding `page`, a refusal (the reason the access faults), or undefined when the VMA above is
 * not VM_GROWSDOWN (or there is none): the page is simply unmapped.
 */
export function expandDownwards(state: KernelState, page: number): Vma | string | undefined {
  const { vmas, geo } = state;
  const above = vmas.firstEndingAfter(page);
  if (above === undefined || (above.vmFlags & VM_GROWSDOWN) === 0) return undefined;
  const vma = vmas.kernelVmaAt(above.startPage) as Vma;
  const refused = (why: string): string =>
    `${hexPage(state, page)} is not mapped, and ${describeMapping(state, vma)} (MAP_GROWSDOWN) cannot grow down to it: ${why}`;
  // expand_downwards(), in its order. The address is page aligned already (address &= PAGE_MASK).
  if (page < geo.mmapMinPage)
    return refused(`it lies below mmap_min_addr (${formatHex(state.config.mmapMinAddr)})`);
  // "Enforce stack_guard_gap": only against an accessible VMA below that is not itself a stack.
  const prev = vmas.before(vma.startPage);
  if (
    prev !== undefined &&
    (prev.vmFlags & VM_GROWSDOWN) === 0 &&
    (prev.prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) !== 0 &&
    page - prev.endPage < geo.stackGuardPages
  ) {
    return refused(
      `it would come within stack_guard_gap (${geo.stackGuardPages} pages) of ${describeMapping(state, prev)} below`,
    );
  }
  // anon_vma_prepare() runs before the size checks: even a refused growth leaves the VMA one.
  prepareAnonVma(state, vma.startPage);
  const grow = vma.startPage - page;
  if (grow > vma.pgoff) return refused('vm_pgoff would go below 0');
  // acct_stack_growth()
  if (exceedsAddressSpaceLimit(state, grow)) return refused('RLIMIT_AS would be exceeded (may_expand_vm)');
  const size = vma.endPage - page;
  if (size > geo.stackLimitPages) {
    return refused(
      `it would be ${formatHex(BigInt(size) * geo.pageSize)} bytes, more than RLIMIT_STACK (${formatHex(BigInt(geo.stackLimitPages) * geo.pageSize)}; the model assumes 8 MiB)`,
    );
  }
  // vm_start = address, vm_pgoff -= grow: the kernel VMA's first record grows, keeping its
  // attribution (the growth belongs to the mapping, whoever touched it).
  const head = vmas.vmaAt(vma.startPage) as Vma;
  let grown = vmaWith(head, { startPage: page, pgoff: head.pgoff - grow });
  if (grown.anon !== undefined && !anonRangeFree(state, grown.anon, grown.pgoff, grow, head))
    grown = rekey(state, grown, head);
  vmas.splice(page, head.endPage, [grown], 'keep');
  return vmas.vmaAt(page);
}
