// Pure helpers on single VMAs: slicing, the kernel's merge test, and the simulation's stricter one.
import { VM_GROWSDOWN, VM_SHARED, VM_MAYSHARE } from './types';
import type { Vma } from './types';

/** Extra VM_ bits the model needs beyond types.ts (VM_MAYREAD/MAYWRITE/MAYEXEC decide mprotect EACCES, facts 6.1). */
export const VM_MAYREAD = 1 << 13;
export const VM_MAYWRITE = 1 << 14;
export const VM_MAYEXEC = 1 << 15;

export function isShared(vma: Vma): boolean {
  return (vma.vmFlags & (VM_SHARED | VM_MAYSHARE)) !== 0;
}

/** Private anonymous memory: the object is the VMA's own anon object. */
export function isPrivateAnon(vma: Vma): boolean {
  return vma.object.kind === 'anon';
}

/** vm_start_gap(): the 1 MiB stack guard gap applies only below VM_GROWSDOWN VMAs (facts 1.2). */
export function startGap(vma: Vma, guardPages: number): number {
  return (vma.vmFlags & VM_GROWSDOWN) !== 0 ? Math.max(0, vma.startPage - guardPages) : vma.startPage;
}

/** The part of `vma` inside [startPage, endPage), with pgoff adjusted. */
export function sliceVma(vma: Vma, startPage: number, endPage: number): Vma {
  const start = Math.max(vma.startPage, startPage);
  const end = Math.min(vma.endPage, endPage);
  if (start === vma.startPage && end === vma.endPage) return vma;
  return { ...vma, startPage: start, endPage: end, pgoff: vma.pgoff + (start - vma.startPage) };
}

/** is_mergeable_vma + anon_vma + pgoff contiguity, as vma_merge() decides (facts 1.2 "VMA merging"). */
export function kernelMergeable(left: Vma, right: Vma): boolean {
  return (
    left.endPage === right.startPage &&
    left.prot === right.prot &&
    left.vmFlags === right.vmFlags &&
    left.object === right.object &&
    left.anon === right.anon &&
    left.pgoff + (left.endPage - left.startPage) === right.pgoff
  );
}

/** The simulation also keeps mappings of different owners/labels apart, so the editor can attribute them. */
export function simMergeable(left: Vma, right: Vma): boolean {
  return kernelMergeable(left, right) && left.owner === right.owner && left.label === right.label;
}

export function joinVmas(left: Vma, right: Vma): Vma {
  return { ...left, endPage: right.endPage, createdStep: Math.min(left.createdStep, right.createdStep) };
}
