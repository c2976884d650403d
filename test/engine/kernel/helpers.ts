// Shared helpers for the kernel-model tests.
import assert from 'node:assert/strict';
import { AddressSpace, defaultKernelConfig } from '../../../server/src/engine/kernel/index';
import * as T from '../../../server/src/engine/kernel/index';
import type { KernelConfig, SyscallResult } from '../../../server/src/engine/kernel/index';

export const PG = 4096n;
export const MiB = 1024n * 1024n;
export const O = { step: 0, actor: 'app' };

export function space(version = '6.18', overrides: Partial<KernelConfig> = {}): AddressSpace {
  const [major, minor] = version.split('.').map(Number);
  return new AddressSpace({
    ...defaultKernelConfig({ major: major ?? 6, minor: minor ?? 18 }),
    ...overrides,
  });
}

export const RW = T.PROT_READ | T.PROT_WRITE;
export const PRIV_ANON = T.MAP_PRIVATE | T.MAP_ANONYMOUS;
export const SHARED_ANON = T.MAP_SHARED | T.MAP_ANONYMOUS;

export function mmap(
  as: AddressSpace,
  length: bigint,
  opts: {
    addr?: bigint;
    prot?: number;
    flags?: number;
    fd?: number;
    offset?: bigint;
    label?: string;
    actor?: string;
  } = {},
): SyscallResult {
  return as.mmap(
    {
      addr: opts.addr ?? 0n,
      length,
      prot: opts.prot ?? RW,
      flags: opts.flags ?? PRIV_ANON,
      fd: opts.fd ?? -1,
      offset: opts.offset ?? 0n,
    },
    { step: 0, actor: opts.actor ?? 'app' },
    opts.label,
  );
}

export function ok(r: SyscallResult): bigint {
  if (!r.ok) assert.fail(`expected success, got ${r.errno}: ${r.reason}`);
  return r.value;
}

export function errno(r: SyscallResult | { ok: boolean; errno?: string }): string {
  if (r.ok) assert.fail('expected failure, got success');
  return (r as { errno: string }).errno;
}

export function mremap(
  as: AddressSpace,
  oldAddress: bigint,
  oldSize: bigint,
  newSize: bigint,
  flags: number,
  newAddress = 0n,
): SyscallResult {
  return as.mremap({ oldAddress, oldSize, newSize, flags, newAddress }, O);
}

/** The single datum of a read, or assert it is uniform. */
export function readByte(as: AddressSpace, addr: bigint, length = 1n): number {
  const r = as.read(addr, length, O);
  if (!r.ok) assert.fail(`read at 0x${addr.toString(16)} faulted: ${r.signal} ${r.reason}`);
  assert.equal(
    r.segments.length,
    1,
    `non-uniform read: ${JSON.stringify(r.segments, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
  );
  return (r.segments[0] as T.Segment).datum;
}

export function fill(as: AddressSpace, addr: bigint, length: bigint, datum: number): void {
  const r = as.write(addr, length, datum, O);
  if (!r.ok) assert.fail(`write at 0x${addr.toString(16)} faulted: ${r.signal} ${r.reason}`);
}

/** Is [addr, addr+len) free (probe like is_remap_region_valid: MAP_FIXED_NOREPLACE)? */
export function mappedAt(as: AddressSpace, addr: bigint): boolean {
  return as.vmaAt(Number(addr / PG)) !== undefined;
}

export function lines(as: AddressSpace): string[] {
  return as
    .kernelView()
    .map(
      (v) => `${(BigInt(v.startPage) * PG).toString(16)}-${(BigInt(v.endPage) * PG).toString(16)} ${v.prot}`,
    );
}

export const DRM_BO: T.DeviceTraits = {
  vmFlags: T.VM_IO | T.VM_PFNMAP | T.VM_DONTEXPAND | T.VM_DONTDUMP,
  rejectsCow: true,
  customGetUnmappedArea: false,
  refusesSplit: false,
};
