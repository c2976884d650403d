// Renders syscalls the way strace prints them, so a trace reads like the real thing.
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
  MAP_TYPE,
  MAP_UNINITIALIZED,
  MREMAP_DONTUNMAP,
  MREMAP_FIXED,
  MREMAP_MAYMOVE,
  type Arch,
  type MmapArgs,
  type MremapArgs,
  type SyscallResult,
} from '../kernel/types';
import { formatHex } from '../numbers';
import { protText } from '../kernel/prot-text';
import { MADVISE_NAMES, UNMODELLED_ADVICE } from '../kernel/madvise';

const MAP_FLAG_NAMES: [number, string][] = [
  [MAP_FIXED, 'MAP_FIXED'],
  [MAP_ANONYMOUS, 'MAP_ANONYMOUS'],
  [MAP_32BIT, 'MAP_32BIT'],
  [MAP_ABOVE4G, 'MAP_ABOVE4G'],
  [MAP_GROWSDOWN, 'MAP_GROWSDOWN'],
  [MAP_LOCKED, 'MAP_LOCKED'],
  [MAP_NORESERVE, 'MAP_NORESERVE'],
  [MAP_POPULATE, 'MAP_POPULATE'],
  [MAP_STACK, 'MAP_STACK'],
  [MAP_HUGETLB, 'MAP_HUGETLB'],
  [MAP_FIXED_NOREPLACE, 'MAP_FIXED_NOREPLACE'],
  [MAP_UNINITIALIZED, 'MAP_UNINITIALIZED'],
];

/**
 * arm64 has neither MAP_32BIT nor MAP_ABOVE4G (linux-mm §1.3): strace there has no name for
 * their bits and prints them as a number (`MAP_PRIVATE|MAP_ANONYMOUS|0x40`).
 */
const X86_ONLY_MAP_FLAGS = MAP_32BIT | MAP_ABOVE4G;
const ARM64_MAP_FLAG_NAMES = MAP_FLAG_NAMES.filter(([bit]) => (bit & X86_ONLY_MAP_FLAGS) === 0);

export function mmapFlagsText(flags: number, arch: Arch = 'x86_64'): string {
  const type = flags & MAP_TYPE;
  const parts: string[] = [];
  if (type === MAP_SHARED) parts.push('MAP_SHARED');
  else if (type === MAP_PRIVATE) parts.push('MAP_PRIVATE');
  else if (type === MAP_SHARED_VALIDATE) parts.push('MAP_SHARED_VALIDATE');
  else if (type === MAP_DROPPABLE) parts.push('MAP_DROPPABLE');
  else if (type !== 0) parts.push('0x' + type.toString(16));
  let rest = flags & ~MAP_TYPE;
  for (const [bit, name] of arch === 'arm64' ? ARM64_MAP_FLAG_NAMES : MAP_FLAG_NAMES) {
    if (rest & bit) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest) parts.push('0x' + rest.toString(16));
  return parts.length ? parts.join('|') : '0';
}

export function mremapFlagsText(flags: number): string {
  const parts: string[] = [];
  if (flags & MREMAP_MAYMOVE) parts.push('MREMAP_MAYMOVE');
  if (flags & MREMAP_FIXED) parts.push('MREMAP_FIXED');
  if (flags & MREMAP_DONTUNMAP) parts.push('MREMAP_DONTUNMAP');
  const rest = flags & ~7;
  if (rest) parts.push('0x' + rest.toString(16));
  return parts.length ? parts.join('|') : '0';
}

const addr = (v: bigint) => (v === 0n ? 'NULL' : formatHex(v));
const len = (v: bigint) => (v >= 4096n && v % 4096n === 0n ? formatHex(v) : v.toString());

export function mmapText(a: MmapArgs, arch: Arch = 'x86_64'): string {
  return `mmap(${addr(a.addr)}, ${len(a.length)}, ${protText(a.prot)}, ${mmapFlagsText(a.flags, arch)}${arch === 'arm64' ? x86OnlyFlagsNote(a.flags) : ''}, ${a.fd}, ${formatHex(a.offset)})`;
}

/**
 * On arm64, what the x86-only bits are, as a strace-style comment: the kernel ignores them with
 * MAP_PRIVATE or MAP_SHARED (an unknown arch flag is 0 in include/linux/mman.h), and
 * MAP_SHARED_VALIDATE checks them as unknown flags (language.md, `arch`).
 */
function x86OnlyFlagsNote(flags: number): string {
  const named = [
    ...(flags & MAP_32BIT ? [`MAP_32BIT (0x${MAP_32BIT.toString(16)})`] : []),
    ...(flags & MAP_ABOVE4G ? [`MAP_ABOVE4G (0x${MAP_ABOVE4G.toString(16)})`] : []),
  ];
  if (named.length === 0) return '';
  const validated = (flags & MAP_TYPE) === MAP_SHARED_VALIDATE;
  return ` /* ${named.join(', ')}: x86 only, ${validated ? 'an unknown flag' : 'ignored'} on arm64 */`;
}

export function mremapText(a: MremapArgs): string {
  const tail = a.flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) ? `, ${addr(a.newAddress)}` : '';
  return `mremap(${addr(a.oldAddress)}, ${len(a.oldSize)}, ${len(a.newSize)}, ${mremapFlagsText(a.flags)}${tail})`;
}

export function munmapText(address: bigint, length: bigint): string {
  return `munmap(${addr(address)}, ${len(length)})`;
}

/** `mseal(0x7f…000, 0x4000, 0)`: the flags must be 0 (do_mseal), so drvmap always passes 0. */
export function msealText(address: bigint, length: bigint): string {
  return `mseal(${addr(address)}, ${len(length)}, 0)`;
}

export function mprotectText(address: bigint, length: bigint, prot: number): string {
  return `mprotect(${addr(address)}, ${len(length)}, ${protText(prot)})`;
}

/** strace's form: `madvise(0x7f…000, 65536, MADV_DONTFORK)`; an advice the kernel refuses by its name too. */
export function madviseText(address: bigint, length: bigint, advice: number): string {
  const name = MADVISE_NAMES.get(advice) ?? UNMODELLED_ADVICE.get(advice);
  return `madvise(${addr(address)}, ${len(length)}, ${name ?? String(advice)})`;
}

export function resultText(result: SyscallResult, returnsAddress: boolean): string {
  if (!result.ok) return `= -1 ${result.errno}`;
  return returnsAddress ? `= ${formatHex(result.value)}` : `= ${result.value}`;
}
