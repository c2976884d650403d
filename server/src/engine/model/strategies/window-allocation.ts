// Wine's NtAllocateVirtualMemory with zero_bits: 64 KiB-granular space below the 32-bit limit,
// either reserved (PROT_NONE, MAP_NORESERVE) or committed (read-write). Every strategy that
// needs window space comes through here, so exhaustion is reported the same way everywhere.
import {
  MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
} from '../../kernel/types';
import type { Simulation } from '../../sim/simulation';

/**
 * The address of the new range, or undefined: with a `window-exhausted` finding when none fits,
 * with the mmap's `kernel-refused` when the kernel refused it.
 */
export function allocateInWindow(
  sim: Simulation,
  length: bigint,
  kind: 'reserve' | 'commit',
  label: string,
): bigint | undefined {
  const granularity = sim.platform.allocationGranularity;
  const low = sim.findWindowSpace(length, granularity);
  if (low === undefined) {
    sim.finding('window-exhausted', sim.describeNoRoom(length));
    return undefined;
  }
  const reserve = kind === 'reserve';
  const mapped = sim.mmap(
    'wine',
    {
      addr: low,
      length,
      prot: reserve ? PROT_NONE : PROT_READ | PROT_WRITE,
      flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | (reserve ? MAP_NORESERVE : 0),
      fd: -1,
      offset: 0n,
    },
    label,
  );
  // A refused map (its kernel-refused finding already says why) leaves nothing at `low`: callers
  // that carried on with the address wrote through an unmapped pointer. They treat it as they
  // treat a full window.
  return mapped.ok ? low : undefined;
}
