import { PROT_EXEC, PROT_READ, PROT_WRITE } from './types';

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
