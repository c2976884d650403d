// `reserve … by wine`: an application's NtAllocateVirtualMemory(MEM_RESERVE, PAGE_NOACCESS), as
// allocate_virtual_memory makes it (wine-mirror/wine dlls/ntdll/unix/virtual.c, read at
// 01aa909c). With an address, MEM_RESERVE rounds the base down to the 64 KiB granularity (`base =
// ROUND_ADDR( *ret, granularity_mask )`) and the size to the page-rounded end less that base, then
// map_view maps it at that base (map_fixed_area: refused over one of Wine's views). Without one,
// map_view searches, and a 32-bit application's call is limited to its window (the WOW64 thunk's
// zero_bits): reserved areas first, then free space, as every other Wine allocation drvmap makes.
// A rounded base in the low 64 KiB, or a range that wraps or ends past address_space_limit, is
// refused before either, with no mmap (sim/wine-allocation-limits.ts).
import { alignDown, alignUp } from '../numbers';
import { PROT_NONE } from '../kernel/types';
import { allocateInWindow } from '../model/strategies/window-allocation';
import { addressOutcome, syscallOutcome } from './outcome';
import type { Outcome } from './records';
import type { Simulation } from './simulation';
import { wineMapFixedArea } from './wine-fixed-area';
import { invalidAllocationRange } from './wine-allocation-limits';
import { RefusedCall } from './calls';
import { formatHex } from '../numbers';

/** The MEM_RESERVE's outcome: the base it reserved at, or why it failed. */
export function wineMemReserve(
  sim: Simulation,
  at: bigint | undefined,
  length: bigint,
  label: string,
): Outcome {
  if (at === undefined) {
    const low = allocateInWindow(sim, alignUp(length, sim.pageSize), 'reserve', label);
    if (typeof low === 'bigint') return addressOutcome(low, sim.stepIndex);
    // No room: map_view's STATUS_NO_MEMORY (window-exhausted says where); a refused mmap: its errno.
    return 'refused' in low
      ? { kind: 'errno', errno: low.errno, reason: low.refused }
      : {
          kind: 'errno',
          errno: 'ENOMEM',
          reason: 'NtAllocateVirtualMemory(MEM_RESERVE) found no room in the window (STATUS_NO_MEMORY)',
        };
  }
  const base = alignDown(at, sim.platform.allocationGranularity);
  const end = alignUp(at + length, sim.pageSize);
  const invalid = invalidAllocationRange(sim.platform, base, end - base);
  if (invalid !== undefined) return refuseInvalidParameter(sim, at, length, base, invalid);
  return syscallOutcome(
    wineMapFixedArea(sim, { start: base, length: end - base, prot: PROT_NONE, noreserve: true }, label),
    sim.stepIndex,
  );
}

/**
 * STATUS_INVALID_PARAMETER, with no mmap: said as EINVAL (the kernel's word for a bad argument),
 * as Wine's STATUS_CONFLICTING_ADDRESSES is said as EEXIST (sim/wine-fixed-area.ts).
 */
function refuseInvalidParameter(
  sim: Simulation,
  at: bigint,
  length: bigint,
  base: bigint,
  why: string,
): Outcome {
  const rounded = base === at ? '' : ` (${formatHex(at)} rounded down to 64 KiB)`;
  const reason = `${why}${rounded}: allocate_virtual_memory returns STATUS_INVALID_PARAMETER for the low 64 KiB, wrap-around and kernel space, with no mmap`;
  sim.addCall(
    new RefusedCall(
      'wine',
      `NtAllocateVirtualMemory(${formatHex(at)}, ${formatHex(length)}, MEM_RESERVE)`,
      'EINVAL',
      reason,
    ),
  );
  return { kind: 'errno', errno: 'EINVAL', reason };
}
