// `window-exhausted` for a driver mmap(NULL) that failed under `reserve-high`: FEX reserves every
// address above 4 GiB, so each mmap(NULL) of the process must fit below it, the driver's pools
// and slabs with the application's maps (H9). The kernel's ENOMEM alone ("no free gap") does not
// say that the space above is taken on purpose, nor who holds the space below.
import { formatHex, formatSize, formatSizeBelow, GiB } from '../numbers';
import type { Simulation } from '../sim/simulation';

const FOUR_GIB = 4n * GiB;

export function reportReservedHighNoRoom(sim: Simulation, driver: string, length: bigint): void {
  const start = sim.platform.kernel.mmapMinAddr;
  const largest = sim
    .gapsIn(start, FOUR_GIB)
    .reduce((most, [from, to]) => (to - from > most ? to - from : most), 0n);
  const holders = sim.holdersIn(start, FOUR_GIB);
  const free =
    largest === 0n ? 'nothing is free there' : `the largest free block there is ${formatSizeBelow(largest)}`;
  sim.finding(
    'window-exhausted',
    `FEX reserved everything above 4 GiB (reserve-high), so ${driver}'s mmap(NULL) of ${formatSize(length)} must fit in ${formatHex(start)}..${formatHex(FOUR_GIB)}, and ${free}, so it fails with ENOMEM${holders ? `; it holds ${holders}` : ''} — every mmap(NULL) of the process, the driver's internal pools and slabs included, competes for it (H9)`,
  );
}
