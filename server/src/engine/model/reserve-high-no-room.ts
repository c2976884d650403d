// `window-exhausted` for a driver mmap(NULL) that failed under `reserve-high`: FEX reserves every
// address above 4 GiB, so each mmap(NULL) of the process must fit below it, the driver's pools
// and slabs with the application's maps (H9). The kernel's ENOMEM alone ("no free gap") does not
// say that the space above is taken on purpose, nor who holds the space below.
import { formatHex, formatSize, formatSizeBelow, GiB } from '../numbers';
import type { Simulation } from '../sim/simulation';

const FOUR_GIB = 4n * GiB;

export function reportReservedHighNoRoom(sim: Simulation, driver: string, length: bigint): void {
  const start = sim.platform.kernel.mmapMinAddr;
  const startPage = sim.pageOf(start);
  const endPage = sim.pageOf(FOUR_GIB);
  const held = new Map<string, bigint>();
  let cursor = startPage;
  let largest = 0;
  for (const vma of sim.space.overlapping(startPage, endPage)) {
    const from = Math.max(vma.startPage, startPage);
    const to = Math.min(vma.endPage, endPage);
    if (from > cursor) largest = Math.max(largest, from - cursor);
    cursor = Math.max(cursor, to);
    held.set(vma.owner, (held.get(vma.owner) ?? 0n) + BigInt(to - from) * sim.pageSize);
  }
  if (endPage > cursor) largest = Math.max(largest, endPage - cursor);
  const holders = [...held]
    .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))
    .map(([owner, bytes]) => `${owner} ${formatSize(bytes)}`)
    .join(', ');
  const free =
    largest === 0
      ? 'nothing is free there'
      : `the largest free block there is ${formatSizeBelow(BigInt(largest) * sim.pageSize)}`;
  sim.finding(
    'window-exhausted',
    `wine reserved everything above 4 GiB (reserve-high), so ${driver}'s mmap(NULL) of ${formatSize(length)} must fit in ${formatHex(start)}..${formatHex(FOUR_GIB)}, and ${free}, so it fails with ENOMEM${holders ? `; it holds ${holders}` : ''} — every mmap(NULL) of the process, the driver's internal pools and slabs included, competes for it (H9)`,
  );
}
