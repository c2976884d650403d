import { PROT_EXEC, PROT_READ, PROT_WRITE, VM_MAYSHARE, type Vma } from './types';

/** `PROT_READ|PROT_WRITE`, as strace prints a protection (`PROT_NONE` for none). */
export function protText(prot: number): string {
  if (prot === 0) return 'PROT_NONE';
  const parts: string[] = [];
  if (prot & PROT_READ) parts.push('PROT_READ');
  if (prot & PROT_WRITE) parts.push('PROT_WRITE');
  if (prot & PROT_EXEC) parts.push('PROT_EXEC');
  const rest = prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC);
  if (rest) parts.push('0x' + rest.toString(16));
  return parts.join('|');
}

/**
 * A mapping's permissions as /proc/PID/maps writes them, `rw-p` (show_map_vma, facts linux-mm
 * §6.2): `s` when `shared`. The kernel's test for `s` is VM_MAYSHARE alone.
 */
export function mapsPermsText(prot: number, shared: boolean): string {
  return (
    (prot & PROT_READ ? 'r' : '-') +
    (prot & PROT_WRITE ? 'w' : '-') +
    (prot & PROT_EXEC ? 'x' : '-') +
    (shared ? 's' : 'p')
  );
}

/**
 * A VMA's permissions as /proc/PID/maps writes them: `s` for VM_MAYSHARE alone, as the kernel
 * tests it. A private mapping a driver made VM_SHARED (a mixed-map device) still reads `p` there.
 */
export function vmaPermsText(vma: Pick<Vma, 'prot' | 'vmFlags'>): string {
  return mapsPermsText(vma.prot, (vma.vmFlags & VM_MAYSHARE) !== 0);
}
