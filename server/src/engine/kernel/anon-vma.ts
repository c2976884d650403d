// anon_vma presence (mm/rmap.c): private memory has none until its first write fault, when
// anon_vma_prepare() gives the whole VMA one — the next or previous VMA's when
// find_mergeable_anon_vma() finds it compatible, else a new one. Merging (is_mergeable_anon_vma)
// and mremap's pgoff handling (copy_vma) depend on it; the model tracks it as `Vma.anonVma`.
import { anonVmaCompatible, anonVmaOf, isShared, withAnonVma } from './vma';
import type { KernelState } from './state';
import type { Vma } from './types';

/**
 * anon_vma_prepare() for the kernel VMA containing `page`, before a write fault on private memory.
 * Returns the record at `page` afterwards (unchanged when the VMA already has an anon_vma or is shared).
 */
export function prepareAnonVma(state: KernelState, page: number): Vma | undefined {
  const vmas = state.vmas;
  const record = vmas.vmaAt(page);
  if (record === undefined || anonVmaOf(record) !== 0 || isShared(record)) return record;
  const vma = vmas.kernelVmaAt(page) as Vma;
  const id = findMergeableAnonVma(state, vma) || state.objects.newAnonVma();
  // The overlapping list is a fresh one: rewrite it in place.
  const rewritten = vmas.overlapping(vma.startPage, vma.endPage);
  for (let k = 0; k < rewritten.length; k++) rewritten[k] = withAnonVma(rewritten[k] as Vma, id);
  vmas.splice(vma.startPage, vma.endPage, rewritten, 'keep');
  return vmas.vmaAt(page);
}

/** find_mergeable_anon_vma(): the next VMA's anon_vma first, then the previous one's, if compatible. */
function findMergeableAnonVma(state: KernelState, vma: Vma): number {
  const next = state.vmas.kernelVmaAt(vma.endPage);
  if (next !== undefined && anonVmaOf(next) !== 0 && anonVmaCompatible(vma, next)) return anonVmaOf(next);
  const prev = vma.startPage > 0 ? state.vmas.kernelVmaAt(vma.startPage - 1) : undefined;
  if (prev !== undefined && anonVmaOf(prev) !== 0 && anonVmaCompatible(prev, vma)) return anonVmaOf(prev);
  return 0;
}
