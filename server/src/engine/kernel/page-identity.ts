// Page identity of private pages (docs/kernel-model.md "Page identity"): the model keys them by
// (page object, pgoff), so a record that takes on pgoffs another record of its object still uses
// (a grow of a moved piece, in place or down a stack) gets a fresh page object of its own.
import { discardUnmapped } from './unmap-range';
import { isPrivateAnon, vmaWith } from './vma';
import type { KernelState } from './state';
import type { MemoryObject, Vma } from './types';

/** Is [pgoff, pgoff + pages) of an anon object unused by every live VMA except `except`? */
export function anonRangeFree(
  state: KernelState,
  anon: MemoryObject,
  pgoff: number,
  pages: number,
  except: Vma,
): boolean {
  if (isPrivateAnon(except) && state.objects.isHomeOnly(anon)) return true;
  for (const v of state.objects.usersOf(anon)) {
    if (v === except) continue;
    const end = v.pgoff + (v.endPage - v.startPage);
    if (v.pgoff < pgoff + pages && end > pgoff) return false;
  }
  return true;
}

/**
 * Give `vma` a fresh anon object holding the pages `source` had (the model's stand-in for per-page
 * rmap). The old object keeps the pages another live VMA still maps: only a macOS
 * `mach_vm_remap` alias maps the same private pages twice, and growing one side of it with
 * `mremap` (which macOS lacks; the address-space rules are Linux's) leaves the other side its
 * data, while the grown side goes on with a copy (docs/kernel-model.md "Page identity").
 */
export function rekey(state: KernelState, vma: Vma, source: Vma): Vma {
  const old = source.anon as MemoryObject;
  const fresh = state.objects.createAnon(false);
  const p = state.geo.pageBytes;
  const from = source.pgoff * p;
  const to = (source.pgoff + (source.endPage - source.startPage)) * p;
  state.contents.copy(old.id, fresh.id, from, to, 0);
  state.contents.copyFaulted(old.id, fresh.id, from, to);
  // Pages MADV_FREE freed lazily stay so in their new object (lazy-freed.ts): the copy is the
  // model's bookkeeping, not a write by the program.
  state.contents.lazyFreed?.copy(old.id, fresh.id, from, to);
  // The old object keeps only what another live VMA still maps (an alias's other side).
  discardUnmapped(state, old, source.pgoff, source.pgoff + (source.endPage - source.startPage), source);
  return isPrivateAnon(vma) ? vmaWith(vma, { object: fresh, anon: fresh }) : vmaWith(vma, { anon: fresh });
}
