// The mutable state one simulated process carries, shared by the syscall modules.
import { formatHex } from '../numbers';
import { VM_SEALED } from './types';
import type { PageGeometry } from './config';
import type { ContentStore } from './contents';
import type { DrmOffsetSpace } from './drm-offsets';
import type { ObjectTable } from './objects';
import type { Placer } from './placement';
import type { DeviceTraits, KernelConfig, OpenFile, Vma } from './types';
import type { VmaSet } from './vma-set';

export interface KernelState {
  readonly config: KernelConfig;
  readonly geo: PageGeometry;
  readonly vmas: VmaSet;
  readonly objects: ObjectTable;
  readonly contents: ContentStore;
  readonly placer: Placer;
  readonly files: Map<number, OpenFile>;
  /** Fd → who closed it, for closes that say (closeFile): what an EBADF names as its cause. */
  readonly closedBy: Map<number, string>;
  /** Object id → the open file it belongs to (files, memfds, devices). */
  readonly fileOfObject: Map<number, OpenFile>;
  /** A DRM node's file object id → the fake offsets of its buffer objects (DeviceTraits.fakeOffsets). */
  readonly drmOffsets: Map<number, DrmOffsetSpace>;
}

/** The open file a VMA maps, if any. Anonymous memory (private or shmem) has none: no map lookup. */
export function fileOf(state: KernelState, vma: Vma): OpenFile | undefined {
  const kind = vma.object.kind;
  return kind === 'anon' || kind === 'shmem' ? undefined : state.fileOfObject.get(vma.object.id);
}

export function deviceOf(state: KernelState, vma: Vma): DeviceTraits | undefined {
  return fileOf(state, vma)?.device;
}

export function isSealed(vma: Vma): boolean {
  return (vma.vmFlags & VM_SEALED) !== 0;
}

export function hexPage(state: KernelState, page: number): string {
  return formatHex(BigInt(page) * state.geo.pageSize);
}

export function describeRange(state: KernelState, startPage: number, endPage: number): string {
  return `[${hexPage(state, startPage)}, ${hexPage(state, endPage)})`;
}

/** A record for a reason text: `the mapping \`b\` [0x…, 0x…)` (the label when it has one). */
export function describeMapping(state: KernelState, vma: Vma): string {
  const name = vma.label !== undefined ? `\`${vma.label}\` ` : '';
  return `the mapping ${name}${describeRange(state, vma.startPage, vma.endPage)}`;
}

/** RLIMIT_AS (may_expand_vm): would the address space grow past the limit by `pages`? */
export function exceedsAddressSpaceLimit(state: KernelState, pages: number): boolean {
  const limit = state.geo.rlimitAsPages;
  return limit !== undefined && state.vmas.totalPages + pages > limit;
}
