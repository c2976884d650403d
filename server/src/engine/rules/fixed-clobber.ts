// `fixed-clobber`: MAP_FIXED, MREMAP_FIXED or a placed map silently replaced a mapping another
// actor made. Replacing a reservation (PROT_NONE, or the range Wine allocated for exactly this
// map) is what reservations are for and is not reported.
import { formatHex, formatSize } from '../numbers';
import { VM_SHARED, type Vma } from '../kernel/types';
import { isReservation } from '../sim/reservations';
import type { Rule } from './rule';

export const fixedClobber: Rule = {
  code: 'fixed-clobber',
  family: 'unsafe',
  severity: 'error',
  title: "MAP_FIXED / MREMAP_FIXED / a placed map silently replaced another actor's mapping.",
  check(run, emit) {
    const sim = run.simulation;
    // Only steps that replaced another actor's mapping other than a reservation are noted.
    for (const step of sim.stepsWith.replacement) {
      const record = sim.records[step];
      if (!record) continue; // set-up calls before the first step are not a step's
      for (const call of record.calls) {
        const effects = call.effects;
        for (const effect of effects) {
          if (effect.kind !== 'replaced') continue;
          // Most replacements are of the actor's own mappings or of reservations (a placed map
          // over Wine's): the cheap checks first, what the call placed only when needed.
          let placedNow: Vma[] | undefined;
          for (const victim of effect.victims) {
            if (victim.owner === call.actor || isReservation(victim)) continue;
            placedNow ??= effects.flatMap((e) =>
              e.kind === 'moved' ? e.vmas : e.kind === 'mapped' ? [e.vma] : [],
            );
            if (sameSharedPages(victim, placedNow, effect)) continue;
            const start = sim.addressOfPage(Math.max(victim.startPage, effect.startPage));
            const end = sim.addressOfPage(Math.min(victim.endPage, effect.endPage));
            emit(
              record.node,
              `${call.actor}'s ${call.text.split('(')[0]} at ${formatHex(start)} silently replaced ${formatSize(end - start)} of ${victim.label ?? 'a mapping'} made by ${victim.owner}; its contents are gone and ${victim.owner} does not know`,
              sim.madeAt(victim, `${victim.owner} made this mapping here`),
            );
          }
        }
      }
    }
  },
};

/**
 * A shared mapping replaced by a mapping of the same object at the same file offsets (moving the
 * pages of an MREMAP_DONTUNMAP'd shared mapping back over its old range) leaves every address
 * showing the same pages: nothing is lost.
 */
function sameSharedPages(
  victim: Vma,
  placed: readonly Vma[],
  range: { startPage: number; endPage: number },
): boolean {
  if (!(victim.vmFlags & VM_SHARED)) return false;
  const from = Math.max(victim.startPage, range.startPage);
  const to = Math.min(victim.endPage, range.endPage);
  return placed.some(
    (p) =>
      p.object.id === victim.object.id &&
      p.startPage <= from &&
      p.endPage >= to &&
      p.pgoff - p.startPage === victim.pgoff - victim.startPage,
  );
}
