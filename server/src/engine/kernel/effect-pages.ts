// Which pages an effect is about, for the readers that ask "what last changed this page" or
// "what happened to this range": one definition, so they agree on what a change is.
import type { Effect } from './types';

/**
 * The pages [from, to) whose mapping the effect changed: a mapping's own pages, a move's source
 * range (the destination is a `mapped`/`replaced` of its own), and an alias's source range (the
 * pages the new alias shows; the source mapping itself is unchanged).
 */
export function effectPages(effect: Effect): readonly [number, number] {
  switch (effect.kind) {
    case 'mapped':
      return [effect.vma.startPage, effect.vma.endPage];
    case 'moved':
      return [effect.fromPage, effect.fromPage + effect.pages];
    case 'aliased':
      return [effect.sourcePage, effect.sourcePage + (effect.endPage - effect.startPage)];
    default:
      return [effect.startPage, effect.endPage];
  }
}

/**
 * Whether the effect replaced what a page of [from, to) holds: a protection change keeps the
 * pages, and aliasing leaves its source in place.
 */
export function changesPages(effect: Effect, from: number, to: number): boolean {
  if (effect.kind === 'protected' || effect.kind === 'aliased') return false;
  const [start, end] = effectPages(effect);
  return start < to && from < end;
}
