// Which mappings are reservations: address space held for later fixed maps. Replacing one is
// what it is for, so `fixed-clobber` does not report it, and the run does not note it for the rule.
import type { Vma } from '../kernel/types';

export function isReservation(vma: Vma): boolean {
  return (
    vma.prot === 0 ||
    (vma.label?.endsWith('(wine VM)') ?? false) ||
    vma.label === 'reservation' ||
    // Handed to the GL driver with glAddClientPointerRangeMESA: it places maps there.
    (vma.label?.startsWith('client pointer range') ?? false)
  );
}
