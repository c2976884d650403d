// The parts of an mprotect protection strace printed that the step's PROT cannot say: it is one of
// none, r, rw, rx, wx, rwx (docs/language.md), read, write and exec only. K:mm/mprotect.c
// do_mprotect_pkey takes PROT_GROWSDOWN and PROT_GROWSUP off prot before arch_validate_prot(), and
// they change the call: PROT_GROWSDOWN moves the start down to vm_start of the VMA it meets and is
// EINVAL unless that VMA is VM_GROWSDOWN; PROT_GROWSUP is EINVAL where no VMA grows up (x86-64,
// arm64: no CONFIG_STACK_GROWSUP). arch_validate_prot() accepts PROT_SEM and ignores it, and
// refuses any other bit (EINVAL). Dropping a part that decides the outcome would replay another
// call: the importer leaves such a step as a comment.

export interface UnsaidMprotectProt {
  /** Parts the kernel ignores: left out, with a comment. */
  readonly ignored: readonly string[];
  /** Parts that change what the call does or whether it fails, each with why. */
  readonly deciding: readonly string[];
}

const SAID: ReadonlySet<string> = new Set(['PROT_NONE', 'PROT_READ', 'PROT_WRITE', 'PROT_EXEC', '0']);

const WHY: Readonly<Record<string, string>> = {
  PROT_GROWSDOWN:
    'PROT_GROWSDOWN (the kernel extends the range down to the start of its MAP_GROWSDOWN mapping, and refuses it with EINVAL on any other)',
  PROT_GROWSUP: 'PROT_GROWSUP (EINVAL: x86-64 and arm64 have no mapping that grows up)',
};

/** The parts of `prot` (strace's names, `PROT_READ|PROT_GROWSDOWN`) that have no word. */
export function unsaidMprotectProt(prot: string): UnsaidMprotectProt {
  const ignored: string[] = [];
  const deciding: string[] = [];
  for (const part of prot.split('|').map((p) => p.trim())) {
    if (part === '' || SAID.has(part)) continue;
    if (part === 'PROT_SEM') ignored.push(part);
    else deciding.push(WHY[part] ?? `${part} (an unknown bit: EINVAL, arch_validate_prot)`);
  }
  return { ignored, deciding };
}
