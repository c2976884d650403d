// Pure helpers on single VMAs: slicing, the kernel's merge test, and the simulation's stricter one.
import { VM_DONTEXPAND, VM_GROWSDOWN, VM_IO, VM_MAYSHARE, VM_MIXEDMAP, VM_PFNMAP, VM_SHARED } from './types';
import type { Vma } from './types';

/** Extra VM_ bits the model needs beyond types.ts (VM_MAYREAD/MAYWRITE/MAYEXEC decide mprotect EACCES, facts 6.1). */
export const VM_MAYREAD = 1 << 13;
export const VM_MAYWRITE = 1 << 14;
export const VM_MAYEXEC = 1 << 15;

/** Whether `vmFlags` make a copy-on-write mapping (is_cow_mapping: VM_MAYWRITE without VM_SHARED). */
export function isCowMapping(vmFlags: number): boolean {
  return (vmFlags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}

export function isShared(vma: Vma): boolean {
  return (vma.vmFlags & (VM_SHARED | VM_MAYSHARE)) !== 0;
}

/** Private anonymous memory: the object is the VMA's own anon object. */
export function isPrivateAnon(vma: Vma): boolean {
  return vma.object.kind === 'anon';
}

/** Below this a page number is a small integer (Smi) to V8 on every platform: nothing to share. */
const SMI_PAGES = 2 ** 30;
// 16384 slots (128 KiB): raw10k keeps 2.2k young page boxes per analysis where 4096 slots kept 6.3k.
const BOX_SLOTS = 16384;
/** The last page number seen in each slot, as the boxed number a record field holds. */
const boxes: unknown[] = new Array<unknown>(BOX_SLOTS).fill(undefined);

/**
 * `page`, as a boxed number another record may already hold. A record's page fields are tagged
 * (see the end of this file): every page number above 2^30 a new record computes is a fresh
 * young HeapNumber, which the record keeps (the timeline keeps the record), so the scavenger
 * copied it twice, and an old record pointing to it cost a remembered-set entry. Processes map
 * the same places again and again, so the box from a small direct-mapped cache (which soon lives
 * in the old generation) usually does.
 */
export function sharedPage(page: number): number {
  if (page < SMI_PAGES) return page;
  // `| 0` keeps the low 32 bits (one truncating instruction); the slot is their low 12.
  const slot = (page | 0) & (BOX_SLOTS - 1);
  const boxed = boxes[slot];
  if (boxed === page) return boxed;
  boxes[slot] = page;
  return page;
}

/** vm_start_gap(): the 1 MiB stack guard gap applies only below VM_GROWSDOWN VMAs (facts 1.2). */
export function startGap(vma: Vma, guardPages: number): number {
  return (vma.vmFlags & VM_GROWSDOWN) !== 0 ? Math.max(0, vma.startPage - guardPages) : vma.startPage;
}

/** The VMA's anon_vma identity (0 = none yet). */
export function anonVmaOf(vma: Vma): number {
  return vma.anonVma ?? 0;
}

/**
 * A copy of `vma` with some fields replaced. Every Vma is built here or in `makeVma`, with the
 * fields in one order, so all Vma objects share one hidden class (object spread would not, and
 * the binary searches would go megamorphic).
 */
export function vmaWith(vma: Vma, patch: Partial<Vma>): Vma {
  // Field by field rather than `{ ...vma, ...patch }`: one allocation, one hidden class.
  return {
    startPage: 'startPage' in patch ? sharedPage(patch.startPage as number) : vma.startPage,
    endPage: 'endPage' in patch ? sharedPage(patch.endPage as number) : vma.endPage,
    prot: 'prot' in patch ? (patch.prot as number) : vma.prot,
    vmFlags: 'vmFlags' in patch ? (patch.vmFlags as number) : vma.vmFlags,
    object: 'object' in patch ? (patch.object as Vma['object']) : vma.object,
    pgoff: 'pgoff' in patch ? sharedPage(patch.pgoff as number) : vma.pgoff,
    anon: 'anon' in patch ? patch.anon : vma.anon,
    anonVma: ('anonVma' in patch ? patch.anonVma : vma.anonVma) ?? 0,
    joinsPrev: ('joinsPrev' in patch ? patch.joinsPrev : vma.joinsPrev) ?? false,
    owner: 'owner' in patch ? (patch.owner as string) : vma.owner,
    createdStep: 'createdStep' in patch ? (patch.createdStep as number) : vma.createdStep,
    label: 'label' in patch ? patch.label : vma.label,
    viaExport: 'viaExport' in patch ? patch.viaExport : vma.viaExport,
  };
}

export function makeVma(f: Vma): Vma {
  return {
    startPage: sharedPage(f.startPage),
    endPage: sharedPage(f.endPage),
    prot: f.prot,
    vmFlags: f.vmFlags,
    object: f.object,
    pgoff: sharedPage(f.pgoff),
    anon: f.anon,
    anonVma: f.anonVma ?? 0,
    joinsPrev: f.joinsPrev ?? false,
    owner: f.owner,
    createdStep: f.createdStep,
    label: f.label,
    viaExport: f.viaExport,
  };
}

/** The part of `vma` inside [startPage, endPage), with pgoff adjusted. A piece cut off on the left is no longer joined to what was before it. */
export function sliceVma(vma: Vma, startPage: number, endPage: number): Vma {
  const start = Math.max(vma.startPage, startPage);
  const end = Math.min(vma.endPage, endPage);
  if (start === vma.startPage && end === vma.endPage) return vma;
  // An unchanged bound keeps the record's own box (see sharedPage).
  const sameStart = start === vma.startPage;
  return {
    startPage: sameStart ? vma.startPage : sharedPage(start),
    endPage: end === vma.endPage ? vma.endPage : sharedPage(end),
    prot: vma.prot,
    vmFlags: vma.vmFlags,
    object: vma.object,
    pgoff: sameStart ? vma.pgoff : sharedPage(vma.pgoff + (start - vma.startPage)),
    anon: vma.anon,
    anonVma: vma.anonVma ?? 0,
    joinsPrev: start === vma.startPage ? (vma.joinsPrev ?? false) : false,
    owner: vma.owner,
    createdStep: vma.createdStep,
    label: vma.label,
    viaExport: vma.viaExport,
  };
}

/** The same VMA with `joinsPrev` set as given (no copy when it already is). */
export function withLink(vma: Vma, joinsPrev: boolean): Vma {
  if ((vma.joinsPrev ?? false) === joinsPrev) return vma;
  return {
    startPage: vma.startPage,
    endPage: vma.endPage,
    prot: vma.prot,
    vmFlags: vma.vmFlags,
    object: vma.object,
    pgoff: vma.pgoff,
    anon: vma.anon,
    anonVma: vma.anonVma ?? 0,
    joinsPrev,
    owner: vma.owner,
    createdStep: vma.createdStep,
    label: vma.label,
    viaExport: vma.viaExport,
  };
}

/** The same VMA ending at `endPage` (vmaWith without a patch object: growth is frequent). */
export function withEnd(vma: Vma, endPage: number): Vma {
  return {
    startPage: vma.startPage,
    endPage: sharedPage(endPage),
    prot: vma.prot,
    vmFlags: vma.vmFlags,
    object: vma.object,
    pgoff: vma.pgoff,
    anon: vma.anon,
    anonVma: vma.anonVma ?? 0,
    joinsPrev: vma.joinsPrev ?? false,
    owner: vma.owner,
    createdStep: vma.createdStep,
    label: vma.label,
    viaExport: vma.viaExport,
  };
}

/** The same VMA with another anon_vma (vmaWith without a patch object: every first write does this). */
export function withAnonVma(vma: Vma, anonVma: number): Vma {
  return {
    startPage: vma.startPage,
    endPage: vma.endPage,
    prot: vma.prot,
    vmFlags: vma.vmFlags,
    object: vma.object,
    pgoff: vma.pgoff,
    anon: vma.anon,
    anonVma,
    joinsPrev: vma.joinsPrev ?? false,
    owner: vma.owner,
    createdStep: vma.createdStep,
    label: vma.label,
    viaExport: vma.viaExport,
  };
}

/** A moved copy of `vma` (move_vma's copy_vma) with its new place, link and attribution. */
export function relocatedVma(
  vma: Vma,
  startPage: number,
  endPage: number,
  pgoff: number,
  joinsPrev: boolean,
  owner: Vma['owner'],
  createdStep: number,
  label: string | undefined,
): Vma {
  return {
    startPage: sharedPage(startPage),
    endPage: sharedPage(endPage),
    prot: vma.prot,
    vmFlags: vma.vmFlags,
    object: vma.object,
    pgoff: sharedPage(pgoff),
    anon: vma.anon,
    anonVma: vma.anonVma ?? 0,
    joinsPrev,
    owner,
    createdStep,
    label,
    // copy_vma keeps vm_file: a mapping through a dma-buf fd stays `/dmabuf:` after a move.
    viaExport: vma.viaExport,
  };
}

/** The part of `vma` inside [startPage, endPage) with a new prot and flags (mprotect_fixup's result). */
export function reprotectedSlice(
  vma: Vma,
  startPage: number,
  endPage: number,
  prot: number,
  vmFlags: number,
): Vma {
  const start = Math.max(vma.startPage, startPage);
  const end = Math.min(vma.endPage, endPage);
  const sameStart = start === vma.startPage;
  return {
    startPage: sameStart ? vma.startPage : sharedPage(start),
    endPage: end === vma.endPage ? vma.endPage : sharedPage(end),
    prot,
    vmFlags,
    object: vma.object,
    pgoff: sameStart ? vma.pgoff : sharedPage(vma.pgoff + (start - vma.startPage)),
    anon: vma.anon,
    anonVma: vma.anonVma ?? 0,
    joinsPrev: start === vma.startPage ? (vma.joinsPrev ?? false) : false,
    owner: vma.owner,
    createdStep: vma.createdStep,
    label: vma.label,
    viaExport: vma.viaExport,
  };
}

/**
 * The name /proc/PID/maps shows for `vma`'s file: a mapping through a dma-buf fd shows the
 * dma-buf's (`/dmabuf:`), not the name of the BO's exporter (ExportedBuffer).
 */
export function mapsNameOf(vma: Vma): string {
  return vma.viaExport?.mapsName ?? vma.object.name;
}

/**
 * The page offset /proc/PID/maps shows for `vma`: its pgoff, less the BO's fake offset for a
 * dma-buf whose exporter maps without it (ExportedBuffer.mapsCallerOffset).
 */
export function mapsPgoffOf(vma: Vma): number {
  const exported = vma.viaExport;
  return exported?.mapsCallerOffset ? vma.pgoff - exported.firstPage : vma.pgoff;
}

/** vm_file equality: private anonymous memory has no file (all alike); everything else by object. */
function sameFile(left: Vma, right: Vma): boolean {
  // A mapping through a dma-buf fd has the dma-buf's file, not the exporter's (ExportedBuffer).
  if (left.viaExport !== right.viaExport) return false;
  return left.object === right.object || (left.object.kind === 'anon' && right.object.kind === 'anon');
}

/**
 * anon_vma_compatible() (mm/rmap.c): may `right` reuse `left`'s anon_vma (or the other way round)
 * on its first fault? Adjacent, same file, same flags apart from the access bits, contiguous pgoff.
 */
export function anonVmaCompatible(left: Vma, right: Vma): boolean {
  return (
    left.endPage === right.startPage &&
    left.vmFlags === right.vmFlags &&
    sameFile(left, right) &&
    left.pgoff + (left.endPage - left.startPage) === right.pgoff
  );
}

/** is_mergeable_anon_vma() without fork: either side has none yet, or both have the same. */
export function anonVmasMergeable(a: number, b: number): boolean {
  return a === 0 || b === 0 || a === b;
}

/**
 * VM_SPECIAL (include/linux/mm.h): VMAs with any of these never merge (vma_merge_new_range and
 * vma_merge_existing_range return early; vma_merge before 6.12): a device's VM_IO|VM_PFNMAP or
 * VM_MIXEDMAP mapping, anything VM_DONTEXPAND (a DRM BO, hugetlb). Split pieces stay split.
 */
export const VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;

/**
 * The kernel's merge test (vma_merge: is_mergeable_vma + is_mergeable_anon_vma + pgoff contiguity;
 * facts 1.2 "VMA merging"). Owner, label and the model's page objects play no part: private
 * anonymous VMAs have no file, and anon_vma identity is `anonVma`.
 */
export function kernelMergeable(left: Vma, right: Vma): boolean {
  return (
    left.endPage === right.startPage &&
    (left.vmFlags & VM_SPECIAL) === 0 &&
    left.prot === right.prot &&
    left.vmFlags === right.vmFlags &&
    sameFile(left, right) &&
    anonVmasMergeable(left.anonVma ?? 0, right.anonVma ?? 0) &&
    left.pgoff + (left.endPage - left.startPage) === right.pgoff
  );
}

/** Same attribution and page objects: two joined kernel VMA pieces can be one simulation record. */
export function sameAttribution(left: Vma, right: Vma): boolean {
  return (
    left.owner === right.owner &&
    left.label === right.label &&
    left.object === right.object &&
    left.anon === right.anon &&
    (left.anonVma ?? 0) === (right.anonVma ?? 0)
  );
}

/** The kernel would merge them and the simulation can keep them as one record. */
export function simMergeable(left: Vma, right: Vma): boolean {
  return kernelMergeable(left, right) && sameAttribution(left, right);
}

/**
 * The records `head` … `last` of a run as one record: what joinVmas folded over the run returns,
 * in one allocation instead of one per record. `anon`, `anonVma` and `createdStep` are the
 * fold's: the first defined anon object, the first non-zero anon_vma, the earliest step.
 * (An answer of kernelVmaAt: a temporary; mergedRun is the same for records the set keeps.)
 */
export function joinedRun(
  head: Vma,
  last: Vma,
  anon: Vma['anon'],
  anonVma: number,
  createdStep: number,
): Vma {
  return {
    startPage: head.startPage,
    endPage: last.endPage,
    prot: head.prot,
    vmFlags: head.vmFlags,
    object: head.object,
    pgoff: head.pgoff,
    anon,
    anonVma,
    joinsPrev: head.joinsPrev ?? false,
    owner: head.owner,
    createdStep,
    label: head.label,
    viaExport: head.viaExport,
  };
}

/**
 * joinedRun for a record the set keeps, from a literal site of its own: V8 pretenures a literal
 * whose objects survive, and kernelVmaAt's joined answers die young.
 */
export function mergedRun(
  head: Vma,
  last: Vma,
  anon: Vma['anon'],
  anonVma: number,
  createdStep: number,
): Vma {
  return {
    startPage: head.startPage,
    endPage: last.endPage,
    prot: head.prot,
    vmFlags: head.vmFlags,
    object: head.object,
    pgoff: head.pgoff,
    anon,
    anonVma,
    joinsPrev: head.joinsPrev ?? false,
    owner: head.owner,
    createdStep,
    label: head.label,
    viaExport: head.viaExport,
  };
}

export function joinVmas(left: Vma, right: Vma): Vma {
  return {
    startPage: left.startPage,
    endPage: right.endPage,
    prot: left.prot,
    vmFlags: left.vmFlags,
    object: left.object,
    pgoff: left.pgoff,
    anon: left.anon ?? right.anon,
    anonVma: (left.anonVma ?? 0) || (right.anonVma ?? 0),
    joinsPrev: left.joinsPrev ?? false,
    owner: left.owner,
    createdStep: Math.min(left.createdStep, right.createdStep),
    label: left.label,
    viaExport: left.viaExport,
  };
}

/**
 * Page numbers above 2^30 are not small integers to V8, and a field that has only ever held
 * numbers gets the "double" representation: every object then owns a fresh box per such field,
 * so each record copy (withLink, sliceVma, vmaWith, joinVmas) allocated three boxes, and every
 * page number read from a record and passed on was boxed again. One record made at start-up with
 * non-numbers in those fields generalises them (the map is shared by every Vma: see vmaWith) to
 * "tagged": a copy then shares its source's number. Nothing keeps this record.
 */
// In makeVma's field order, so that it has (and generalises) the map every Vma has; a literal of
// its own, so the record builders' feedback sees only real records. (A call: bundlers keep it.)
Object.freeze({
  startPage: undefined,
  endPage: undefined,
  prot: 0,
  vmFlags: 0,
  object: undefined,
  pgoff: undefined,
  anon: undefined,
  anonVma: 0,
  joinsPrev: false,
  owner: '',
  createdStep: 0,
  label: undefined,
  viaExport: undefined,
});
