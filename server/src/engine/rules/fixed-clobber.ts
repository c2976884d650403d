// `fixed-clobber`: MAP_FIXED, MREMAP_FIXED or a placed map silently replaced a mapping another
// actor made. Replacing a reservation (PROT_NONE, or the range Wine allocated for exactly this
// map) is what reservations are for and is not reported, nor is moving pages back over the
// range their own MREMAP_DONTUNMAP emptied (nothing there to lose).
import { formatHex, formatSize } from '../numbers';
import { VM_SHARED, type Effect, type Vma } from '../kernel/types';
import { isPrivateAnon } from '../kernel/vma';
import type { Simulation } from '../sim/simulation';
import { isReservation } from '../sim/reservations';
import { ownCalls } from '../sim/own-calls';
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
      // Device creation after the step, or an expectation's check, is not the step's doing.
      const calls = ownCalls(sim, step, record.calls);
      for (let c = 0; c < calls.length; c++) {
        const call = calls[c]!;
        const effects = call.effects;
        for (const effect of effects) {
          if (effect.kind !== 'replaced') continue;
          // Most replacements are of the actor's own mappings or of reservations (a placed map
          // over Wine's): the cheap checks first, what the call placed only when needed.
          let placedNow: Vma[] | undefined;
          for (let v = 0; v < effect.victims.length; v++) {
            const victim = effect.victims[v]!;
            if (victim.owner === call.actor || isReservation(victim)) continue;
            placedNow ??= effects.flatMap((e) =>
              e.kind === 'moved' ? e.vmas : e.kind === 'mapped' ? [e.vma] : [],
            );
            if (sameSharedPages(victim, placedNow, effect)) continue;
            if (effect.victimsWithPages?.[v] === false && returnsOwnPages(sim, step, c, victim)) continue;
            const start = sim.addressOfPage(Math.max(victim.startPage, effect.startPage));
            const end = sim.addressOfPage(Math.min(victim.endPage, effect.endPage));
            // A part that held no pages of its own (emptied by a DONTUNMAP move, never written)
            // loses nothing now; what is still wrong is whose mapping lies there.
            const lost =
              effect.victimsWithPages?.[v] === false
                ? `it held no pages of its own (emptied by a move, or never written), so nothing is lost yet, but ${victim.owner} does not know: its own later unmap or move of that range would take ${call.actor}'s mapping`
                : `its contents are gone and ${victim.owner} does not know`;
            emit(
              record.node,
              `${call.actor}'s ${call.text.split('(')[0]} at ${formatHex(start)} silently replaced ${formatSize(end - start)} of ${victim.label ?? 'a mapping'} made by ${victim.owner}; ${lost}`,
              sim.madeAt(victim, `${victim.owner} made this mapping here`),
              undefined,
              // What replaced it lies there after the step.
              [start],
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

/**
 * Private anonymous pages moved back over the range their own MREMAP_DONTUNMAP emptied
 * (remap-dontunmap's unmap), which holds no pages of its own (`victimsWithPages`): the range
 * read as fresh zero-filled memory since (linux-mm §3.5 a), and now shows the pages it showed
 * before, so nothing is lost. The last call that changed the range must be that DONTUNMAP, its
 * destination the source of this move, and the pages moved back the ones it moved away. When
 * something faulted pages into the emptied range since (stale-pointer reports the access), those
 * are lost, and this does not hold.
 */
function returnsOwnPages(sim: Simulation, step: number, callIndex: number, victim: Vma): boolean {
  if (!isPrivateAnon(victim) || victim.vmFlags & VM_SHARED) return false;
  const current = sim.records[step]!.calls[callIndex]!;
  const back = current.effects.find(
    (e): e is Extract<Effect, { kind: 'moved' }> =>
      e.kind === 'moved' && e.toPage <= victim.startPage && victim.endPage <= e.toPage + e.pages,
  );
  if (!back) return false;
  const earlier = sim.lastChangeAt(victim.startPage, victim.endPage, { step, call: callIndex })?.call;
  if (!earlier) return false;
  const emptied = earlier.effects.some(
    (e) => e.kind === 'emptied' && e.startPage <= victim.startPage && victim.endPage <= e.endPage,
  );
  const away = earlier.effects.find(
    (e): e is Extract<Effect, { kind: 'moved' }> =>
      e.kind === 'moved' && e.fromPage <= victim.startPage && victim.endPage <= e.fromPage + e.pages,
  );
  if (!emptied || !away) return false;
  // The pages come back from where the DONTUNMAP put them, to where they were…
  if (away.toPage - away.fromPage !== back.fromPage - back.toPage) return false;
  // …and they are still the same pages (the same objects), not something mapped there since.
  const movedAway = new Set(away.vmas.map((m) => m.object.id));
  return back.vmas.every(
    (m) => m.endPage <= victim.startPage || m.startPage >= victim.endPage || movedAway.has(m.object.id),
  );
}
