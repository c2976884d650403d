// The mappings of a run at a step, and how to describe one: the plain facts hover and the panel
// share. The kernel keeps a timeline (`AddressSpace.vmasAt(step)`); step -1 is the state after
// the layer's and drivers' set-up, before the first step.
import type { ScenarioRun } from '../sim/run';
import { isShared, mapsNameOf } from '../kernel/vma';
import { VM_DONTEXPAND, VM_IO, VM_MIXEDMAP, VM_PFNMAP, type Vma } from '../kernel/types';
import type { MappingKind } from '../../../../protocol/panel';
import { forkFlagNames } from './fork-flags-since';

export function vmasAfter(run: ScenarioRun, step: number): readonly Vma[] {
  return run.simulation.space.vmasAt(step);
}

/** The VMA containing `address` after `step` (binary search). */
export function vmaContaining(run: ScenarioRun, step: number, address: bigint): Vma | undefined {
  const page = run.simulation.pageOf(address);
  const vmas = vmasAfter(run, step);
  let lo = 0;
  let hi = vmas.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vmas[mid]!.endPage > page) hi = mid;
    else lo = mid + 1;
  }
  const v = vmas[lo];
  return v !== undefined && v.startPage <= page ? v : undefined;
}

export function vmaStart(run: ScenarioRun, vma: Vma): bigint {
  return run.simulation.addressOfPage(vma.startPage);
}

export function vmaEnd(run: ScenarioRun, vma: Vma): bigint {
  return run.simulation.addressOfPage(vma.endPage);
}

/**
 * What backs a mapping, with its device flags and the fork flags madvise sets (they split a
 * mapping from its neighbours, so a listing that shows the pieces must say which carry them, as
 * /proc/PID/smaps does: `VmFlags: dc`, `wf`).
 */
export function backingText(vma: Vma): string {
  const flags = [...(vma.object.kind === 'device' ? deviceFlagNames(vma) : []), ...forkFlagNames(vma)];
  const base = objectText(vma);
  return flags.length > 0 ? `${base} (${flags.join('|')})` : base;
}

/** The flags a device mapping carries (DRM BOs: VM_PFNMAP|VM_DONTEXPAND; NVIDIA's VM_IO too). */
function deviceFlagNames(vma: Vma): string[] {
  const out: string[] = [];
  if (vma.vmFlags & VM_IO) out.push('VM_IO');
  if (vma.vmFlags & VM_PFNMAP) out.push('VM_PFNMAP');
  if (vma.vmFlags & VM_MIXEDMAP) out.push('VM_MIXEDMAP');
  if (vma.vmFlags & VM_DONTEXPAND) out.push('VM_DONTEXPAND');
  return out;
}

function objectText(vma: Vma): string {
  const o = vma.object;
  switch (o.kind) {
    case 'anon':
      return isShared(vma) ? 'shared anonymous' : 'private anonymous';
    case 'device':
      return `device BO ${mapsNameOf(vma)}`;
    case 'memfd':
      return `memfd ${o.name}`;
    case 'shmem':
      return `shmem ${o.name}`;
    case 'regular':
      return `file ${o.name}${isShared(vma) ? '' : ' (private copy-on-write)'}`;
    case 'hugetlb':
      return `hugetlb ${o.name}${isShared(vma) ? '' : ' (private)'}`;
  }
}

const ALIAS_PATTERN = /alias/i;
const SHADOW_PATTERN = /shadow/i;

export function mappingKind(vma: Vma, vmas: readonly Vma[]): MappingKind {
  const label = vma.label ?? '';
  if (SHADOW_PATTERN.test(label)) return 'shadow';
  if (vma.prot === 0 && vma.object.kind === 'anon') return 'reservation';
  if (ALIAS_PATTERN.test(label)) return 'alias';
  if (vma.object.kind !== 'anon') {
    // A second mapping of the same object, made later, is an alias of the first: any earlier
    // mapping showing one of its pages, wherever it lies (an alias usually goes below the
    // original, into the window). File pages are half-open ranges [pgoff, pgoff + pages): two
    // mappings of neighbouring pages share none.
    const pages = vma.endPage - vma.startPage;
    const earlier = mappingsOfObject(vmas, vma.object.id).some(
      (v) =>
        v !== vma &&
        v.createdStep < vma.createdStep &&
        v.pgoff < vma.pgoff + pages &&
        vma.pgoff < v.pgoff + (v.endPage - v.startPage),
    );
    if (earlier) return 'alias';
    if (vma.object.kind === 'device') return 'device';
    return isShared(vma) ? 'shared' : 'private';
  }
  return isShared(vma) ? 'shared' : 'private';
}

/**
 * The listing's mappings of one object, in its order: the panel asks for every mapping of a
 * state, and a search of the whole listing for each made a state of many file mappings quadratic.
 */
const byObject = new WeakMap<readonly Vma[], Map<number, Vma[]>>();

function mappingsOfObject(vmas: readonly Vma[], objectId: number): readonly Vma[] {
  let index = byObject.get(vmas);
  if (index === undefined) {
    index = new Map();
    for (const v of vmas) {
      if (v.object.kind === 'anon') continue;
      const list = index.get(v.object.id);
      if (list) list.push(v);
      else index.set(v.object.id, [v]);
    }
    byObject.set(vmas, index);
  }
  return index.get(objectId) ?? [];
}

/**
 * The mapping's name for the user. A mapping of an exported fd says whose buffer object it shows
 * (`p (m's buffer object through dma-buf fd buf)`): its file is the dma-buf's, which names no memory.
 */
export function vmaLabel(vma: Vma): string {
  const label =
    vma.label ?? (mapsNameOf(vma) || (vma.object.kind === 'anon' ? 'anonymous' : vma.object.kind));
  return vma.viaExport !== undefined ? `${label} (${vma.viaExport.describes})` : label;
}
