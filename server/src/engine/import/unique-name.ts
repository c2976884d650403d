// Names the importers give what they make (`f3`, `f_renderd128`, `map_7f…`): each must be new in
// the scenario and no reserved word. A capture can open tens of thousands of BOs on one fd or
// device, so the next suffix to try is kept per base name: counting up from 2 for each name was
// quadratic.
import { isReservedWord } from '../language/vocabulary';

/** The names taken so far, and the next suffix to try per base name. */
export interface UsedNames {
  readonly names: Set<string>;
  readonly next: Map<string, number>;
}

export function newUsedNames(): UsedNames {
  return { names: new Set<string>(), next: new Map<string, number>() };
}

/** `base`, or `base_N` with the first free N (from 2); taken from then on. */
export function uniqueName(base: string, used: UsedNames): string {
  let i = used.next.get(base) ?? 2;
  let name = base;
  while (used.names.has(name) || isReservedWord(name)) name = `${base}_${i++}`;
  if (name !== base) used.next.set(base, i);
  used.names.add(name);
  return name;
}
