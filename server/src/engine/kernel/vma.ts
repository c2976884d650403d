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

/**
 * A copy of `vma` with some fields replaced. Every Vma is built here or in `makeVma`, with the
 * fields in one order, so all Vma objects share one hidden class (object spread would not, and
 * the binary searches would go megamorphic).
 */
export function vmaWith(vma: Vma, patch: Partial<Vma>): Vma {
  return makeVma({ ...vma, ...patch });
}

export function makeVma(f: Vma): Vma {
  return {
    startPage: f.startPage,
    endPage: f.endPage,
    prot: f.prot,
    vmFlags: f.vmFlags,
    object: f.object,
    pgoff: f.pgoff,
    anon: f.anon,
    owner: f.owner,
    createdStep: f.createdStep,
    label: f.label,
  };
}

/** The part of `vma` inside [startPage, endPage), with pgoff adjusted. */
export function sliceVma(vma: Vma, startPage: number, endPage: number): Vma {
  const start = Math.max(vma.startPage, startPage);
  const end = Math.min(vma.endPage, endPage);
  if (start === vma.startPage && end === vma.endPage) return vma;
  return {
    startPage: start,
    endPage: end,
    prot: vma.prot,
    vmFlags: vma.vmFlags,
    object: vma.object,
    pgoff: vma.pgoff + (start - vma.startPage),
    anon: vma.anon,
    owner: vma.owner,
    createdStep: vma.createdStep,
    label: vma.label,
  };
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
  return {
    startPage: left.startPage,
    endPage: right.endPage,
    prot: left.prot,
    vmFlags: left.vmFlags,
    object: left.object,
    pgoff: left.pgoff,
    anon: left.anon,
    owner: left.owner,
    createdStep: Math.min(left.createdStep, right.createdStep),
    label: left.label,
  };
}
