// `fixed-clobber`: MAP_FIXED, MREMAP_FIXED or a placed map silently replaced a mapping another
// actor made. Replacing a reservation (PROT_NONE, or the range Wine allocated for exactly this
// map) is what reservations are for and is not reported.
import { formatHex, formatSize } from '../numbers';
import type { Vma } from '../kernel/types';
import type { Rule } from './rule';

export const fixedClobber: Rule = {
  code: 'fixed-clobber',
  family: 'unsafe',
  severity: 'error',
  title: "MAP_FIXED / MREMAP_FIXED / a placed map silently replaced another actor's mapping.",
  check(run, emit) {
    const sim = run.simulation;
    for (const record of sim.records) {
      for (const call of record.calls) {
        for (const effect of call.effects) {
          if (effect.kind !== 'replaced') continue;
          const victims = effect.victims.filter((v) => v.owner !== call.actor && !isReservation(v));
          for (const victim of victims) {
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

function isReservation(vma: Vma): boolean {
  return vma.prot === 0 || (vma.label?.endsWith('(wine VM)') ?? false) || vma.label === 'reservation';
}
