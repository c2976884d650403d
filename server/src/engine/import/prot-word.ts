// The language's protection word for a capture's protection, for both importers: strace's
// `PROT_WRITE|PROT_EXEC`, a maps line's `-wx`. Every combination of read, write and exec has a word
// but two: write alone and exec alone, since `w` and `x` are names a scenario may use
// (docs/language.md). Those are written with read added, the nearest the language says, and the
// difference is said in a comment above the step: the kernel's VMA lacks VM_READ, so it merges with
// no neighbour that has it, where the replay's may (facts linux-mm §1.2 "VMA merging").

export interface ImportedProt {
  /** The word the step takes: `rw`, `wx`. */
  readonly word: string;
  /** What the word adds to the capture's protection, when it cannot say it exactly. */
  readonly unsaid?: string;
}

const WORDS: Readonly<Record<string, string>> = {
  '---': 'none',
  'r--': 'r',
  'rw-': 'rw',
  'r-x': 'rx',
  rwx: 'rwx',
  '-wx': 'wx',
};

const WRITE_ONLY =
  'write-only (-w-): no drvmap word, made rw; a writable page reads as well on x86-64, but the kernel kept this VMA without VM_READ, apart from rw neighbours the replay may merge it with';
const EXEC_ONLY =
  'execute-only (--x): no drvmap word, made rx; the kernel kept this VMA without VM_READ, apart from rx neighbours the replay may merge it with, and the replay reads it, where protection keys make execute-only memory unreadable';

/** The word for a protection given as its read, write and exec bits. */
export function importedProt(r: boolean, w: boolean, x: boolean): ImportedProt {
  const exact = WORDS[`${r ? 'r' : '-'}${w ? 'w' : '-'}${x ? 'x' : '-'}`];
  if (exact !== undefined) return { word: exact };
  return w ? { word: 'rw', unsaid: WRITE_ONLY } : { word: 'rx', unsaid: EXEC_ONLY };
}
