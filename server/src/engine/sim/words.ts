// Turns a step's words into the kernel's numeric flags.
import {
  MAP_32BIT,
  MAP_ABOVE4G,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_GROWSDOWN,
  MAP_HUGETLB,
  MAP_LOCKED,
  MAP_NORESERVE,
  MAP_POPULATE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_SHARED_VALIDATE,
  MAP_STACK,
  MAP_UNINITIALIZED,
  MREMAP_DONTUNMAP,
  MREMAP_FIXED,
  MREMAP_MAYMOVE,
  PROT_EXEC,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
} from '../kernel/types';
import type { Word } from '../syntax/ast';

export const PROT_BY_WORD: Readonly<Record<string, number>> = {
  none: PROT_NONE,
  r: PROT_READ,
  rw: PROT_READ | PROT_WRITE,
  rx: PROT_READ | PROT_EXEC,
  rwx: PROT_READ | PROT_WRITE | PROT_EXEC,
};

export const MMAP_FLAG_BY_WORD: Readonly<Record<string, number>> = {
  private: MAP_PRIVATE,
  shared: MAP_SHARED,
  'shared-validate': MAP_SHARED_VALIDATE,
  anon: MAP_ANONYMOUS,
  fixed: MAP_FIXED,
  'fixed-noreplace': MAP_FIXED_NOREPLACE,
  '32bit': MAP_32BIT,
  above4g: MAP_ABOVE4G,
  growsdown: MAP_GROWSDOWN,
  locked: MAP_LOCKED,
  noreserve: MAP_NORESERVE,
  populate: MAP_POPULATE,
  stack: MAP_STACK,
  hugetlb: MAP_HUGETLB,
  uninitialized: MAP_UNINITIALIZED,
};

export const MREMAP_FLAG_BY_WORD: Readonly<Record<string, number>> = {
  maymove: MREMAP_MAYMOVE,
  fixed: MREMAP_FIXED,
  dontunmap: MREMAP_DONTUNMAP,
};

export function protOf(words: readonly Word[]): { prot: number; word: Word } | undefined {
  for (const word of words) {
    const prot = PROT_BY_WORD[word.name];
    if (prot !== undefined) return { prot, word };
  }
  return undefined;
}

export function flagsOf(words: readonly Word[], table: Readonly<Record<string, number>>): number {
  let flags = 0;
  for (const word of words) flags |= table[word.name] ?? 0;
  return flags;
}
