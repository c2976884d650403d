// Which parts of a range hold private pages of their own (written anonymous memory, COW copies),
// asked just before a MAP_FIXED mmap or an MREMAP_FIXED move replaces them: a replaced mapping
// that held none (a range a DONTUNMAP move emptied, memory never written) loses nothing, and
// `fixed-clobber` says so instead of "its contents are gone".
import type { KernelState } from './state';
import type { Vma } from './types';
import { isPrivateAnon, isShared, sliceVma } from './vma';

/** Does the record hold private pages? */
export function hasPages(state: KernelState, r: Vma): boolean {
  const object = r.anon ?? (isPrivateAnon(r) ? r.object : undefined);
  if (object === undefined) return false;
  const p = state.geo.pageBytes;
  return state.contents.hasData(object.id, r.pgoff * p, (r.pgoff + (r.endPage - r.startPage)) * p);
}

/**
 * The starts of the parts of [startPage, endPage) about to be replaced that may hold data: a
 * shared mapping's part always counts (its pages are its object's, which the replacement may be
 * the last mapping of), a private one when it has pages of its own. Undefined when nothing is
 * mapped there (the usual case: nothing is asked).
 */
export function writtenParts(
  state: KernelState,
  startPage: number,
  endPage: number,
): Set<number> | undefined {
  if (!state.vmas.intersects(startPage, endPage)) return undefined;
  const written = new Set<number>();
  for (const r of state.vmas.overlapping(startPage, endPage)) {
    const part = sliceVma(r, startPage, endPage);
    if (isShared(part) || hasPages(state, part)) written.add(part.startPage);
  }
  return written;
}
