// Turns a step's words into the kernel's numeric flags.
import {
  MAP_32BIT,
  MAP_ABOVE4G,
  MAP_ANONYMOUS,
  MAP_DROPPABLE,
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
import {
  MADV_DOFORK,
  MADV_DONTFORK,
  MADV_DONTNEED,
  MADV_FREE,
  MADV_KEEPONFORK,
  MADV_WIPEONFORK,
} from '../kernel/madvise';
import type { StepNode, Word } from '../syntax/ast';

// Maps rather than objects: a property lookup keyed by a string from the text makes V8 look the
// string up in its string table, on every word of every step.
export const PROT_BY_WORD: ReadonlyMap<string, number> = new Map([
  ['none', PROT_NONE],
  ['r', PROT_READ],
  ['rw', PROT_READ | PROT_WRITE],
  ['rx', PROT_READ | PROT_EXEC],
  ['wx', PROT_WRITE | PROT_EXEC],
  ['rwx', PROT_READ | PROT_WRITE | PROT_EXEC],
]);

export const MMAP_FLAG_BY_WORD: ReadonlyMap<string, number> = new Map([
  ['private', MAP_PRIVATE],
  ['shared', MAP_SHARED],
  ['shared-validate', MAP_SHARED_VALIDATE],
  ['anon', MAP_ANONYMOUS],
  ['fixed', MAP_FIXED],
  ['fixed-noreplace', MAP_FIXED_NOREPLACE],
  ['32bit', MAP_32BIT],
  ['above4g', MAP_ABOVE4G],
  ['growsdown', MAP_GROWSDOWN],
  ['locked', MAP_LOCKED],
  ['noreserve', MAP_NORESERVE],
  ['populate', MAP_POPULATE],
  ['stack', MAP_STACK],
  ['hugetlb', MAP_HUGETLB],
  ['uninitialized', MAP_UNINITIALIZED],
  ['droppable', MAP_DROPPABLE],
]);

export const MREMAP_FLAG_BY_WORD: ReadonlyMap<string, number> = new Map([
  ['maymove', MREMAP_MAYMOVE],
  ['fixed', MREMAP_FIXED],
  ['dontunmap', MREMAP_DONTUNMAP],
]);

/** madvise's advice words (`madvise a, 64KiB, dontfork`): the kernel's MADV_* numbers. */
export const MADVISE_BY_WORD: ReadonlyMap<string, number> = new Map([
  ['dontneed', MADV_DONTNEED],
  ['free', MADV_FREE],
  ['dontfork', MADV_DONTFORK],
  ['dofork', MADV_DOFORK],
  ['wipeonfork', MADV_WIPEONFORK],
  ['keeponfork', MADV_KEEPONFORK],
]);

// A step's word names are read without making its Word nodes (StepNode.wordNameAt): every raw
// step reads its protection and flags, and every step is checked for exclusive words.

export function stepHasWord(step: StepNode, word: string): boolean {
  const count = step.wordCount;
  for (let i = 0; i < count; i++) if (step.wordNameAt(i) === word) return true;
  return false;
}

/** The step's protection value, when it names one. */
export function stepProt(step: StepNode): number | undefined {
  const count = step.wordCount;
  for (let i = 0; i < count; i++) {
    const prot = PROT_BY_WORD.get(step.wordNameAt(i));
    if (prot !== undefined) return prot;
  }
  return undefined;
}

/** The first of the step's words `table` knows, as its value (madvise's advice). */
export function stepWordValue(step: StepNode, table: ReadonlyMap<string, number>): number | undefined {
  const count = step.wordCount;
  for (let i = 0; i < count; i++) {
    const value = table.get(step.wordNameAt(i));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The step's flags by `table`. */
export function stepFlags(step: StepNode, table: ReadonlyMap<string, number>): number {
  let flags = 0;
  const count = step.wordCount;
  for (let i = 0; i < count; i++) flags |= table.get(step.wordNameAt(i)) ?? 0;
  return flags;
}

export function protOf(words: readonly Word[]): { prot: number; word: Word } | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const prot = PROT_BY_WORD.get(word.name);
    if (prot !== undefined) return { prot, word };
  }
  return undefined;
}

export function flagsOf(words: readonly Word[], table: ReadonlyMap<string, number>): number {
  let flags = 0;
  for (let i = 0; i < words.length; i++) flags |= table.get(words[i]!.name) ?? 0;
  return flags;
}
