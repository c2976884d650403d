// The `lazy-freed-read` warning: a read reached pages MADV_FREE freed lazily (kernel/lazy-freed.ts).
// The run shows the old data, as the kernel does while there is no memory pressure; the warning
// says that reclaim may take the pages at any time, after which the same read returns zero.
import { versionAtLeast } from '../kernel/config';
import type { LazilyFreedRead } from '../kernel/lazy-freed';
import type { AccessResult } from '../kernel/types';
import { formatHex } from '../numbers';
import type { TextRange } from '../syntax/text-range';
import type { Simulation } from './simulation';

/**
 * Report the lazily freed pages the part of a read that was carried out reached. A run with no
 * page lazily freed (none without MADV_FREE) pays one check per read.
 */
export function checkLazilyFreedRead(
  sim: Simulation,
  actor: string,
  address: bigint,
  result: AccessResult,
  at?: TextRange,
): void {
  if (!sim.space.hasLazilyFreed) return;
  let read = 0n;
  for (const segment of result.segments) read += segment.length;
  const found = sim.space.lazilyFreedIn(address, read);
  if (found !== undefined) reportLazilyFreedRead(sim, `${actor} reads`, found, at);
}

/**
 * The `lazy-freed-read` warning for what a read met (AddressSpace.lazilyFreedIn). `reads`: who
 * read it, as the message's subject (`lvp reads`, `the userfaultfd handler's UFFDIO_COPY reads`);
 * `copiedInto`: the page a copy of it went to, which is zero if reclaim ran before the copy.
 */
export function reportLazilyFreedRead(
  sim: Simulation,
  reads: string,
  found: LazilyFreedRead,
  at?: TextRange,
  copiedInto?: bigint,
): void {
  const record = sim.records[found.step];
  const where = record ? `step ${found.step + 1}'s madvise(MADV_FREE)` : 'a madvise(MADV_FREE)';
  const more = found.pages > 1 ? ` (${found.pages} such pages in this read)` : '';
  const swapless = versionAtLeast(sim.space.config.version, 4, 12)
    ? ''
    : ' (before Linux 4.12, a system without swap frees MADV_FREE pages at once, as MADV_DONTNEED: there it reads zero already)';
  const copy = copiedInto === undefined ? '' : `, so the copy made at ${formatHex(copiedInto)} may be zero`;
  sim.finding(
    'lazy-freed-read',
    `${reads} ${formatHex(found.address)}, on a page ${where} freed lazily and nothing has written since${more}: ` +
      'the kernel keeps the old data until it reclaims the page (what this run shows), but it may ' +
      `reclaim it at any time under memory pressure, and then the read returns zero${copy}${swapless}. ` +
      'Write the page before relying on its contents, or use MADV_DONTNEED to get zero for certain.',
    record ? [{ range: record.node, message: `freed lazily here (step ${found.step + 1})` }] : [],
    at,
    false,
    copiedInto === undefined ? [found.address] : [found.address, copiedInto],
  );
}
