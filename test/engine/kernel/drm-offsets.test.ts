// A DRM node (DeviceTraits.fakeOffsets): one fd, each buffer object at its own fake mmap offset
// (facts linux-mm §4.1, §6.2; kernel/drm-offsets.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { errno, fill, mmap, mremap, O, ok, PG, readByte, space } from './helpers';

function renderNode(as: T.AddressSpace): T.OpenFile {
  return as.openFile({
    kind: 'device',
    name: '/dev/dri/renderD128',
    sizeBytes: 0n,
    readable: true,
    writable: true,
    device: {
      vmFlags: T.VM_IO | T.VM_PFNMAP | T.VM_DONTEXPAND | T.VM_DONTDUMP,
      rejectsCow: true,
      customGetUnmappedArea: false,
      refusesSplit: false,
      fakeOffsets: true,
    },
  });
}

test('each BO of one fd gets its own page-aligned fake offset from 4 GiB up, shown as vm_pgoff', () => {
  const as = space();
  const fd = renderNode(as);
  const first = as.createBufferObject(fd, 16n * PG);
  const second = as.createBufferObject(fd, PG + 1n);
  assert.equal(first, 0x1_0000_0000n);
  assert.equal(second, 0x1_0001_0000n);
  const a = ok(mmap(as, 16n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: first }));
  const b = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: second }));
  const va = as.vmaAt(Number(a / PG))!;
  const vb = as.vmaAt(Number(b / PG))!;
  assert.equal(BigInt(va.pgoff) * PG, first);
  assert.equal(BigInt(vb.pgoff) * PG, second);
  assert.equal(va.object.name, '/dev/dri/renderD128');
  assert.notEqual(va.object.id, vb.object.id);
  assert.ok((vb.vmFlags & T.VM_PFNMAP) !== 0 && (vb.vmFlags & T.VM_DONTEXPAND) !== 0);
  // A file that is not a DRM node has no BOs to make.
  const memfd = as.openFile({ kind: 'memfd', name: 'm', sizeBytes: PG, readable: true, writable: true });
  assert.equal(as.createBufferObject(memfd, PG), undefined);
});

test('an offset that is not exactly a BO start is EINVAL; a BO start with more than the BO is EINVAL', () => {
  const as = space();
  const fd = renderNode(as);
  const bo = as.createBufferObject(fd, 4n * PG)!;
  as.createBufferObject(fd, 4n * PG);
  assert.equal(errno(mmap(as, PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: 0n })), 'EINVAL');
  const inside = mmap(as, PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: bo + PG });
  assert.equal(errno(inside), 'EINVAL');
  assert.match(inside.ok ? '' : inside.reason, /drm_vma_offset_exact_lookup_locked/);
  // Running into the next BO is still too large for this one: drm_gem_mmap's lookup, with the
  // mapping's page count, finds no BO (drm_vma_offset_lookup_locked), before drm_gem_mmap_obj.
  const tooLarge = mmap(as, 5n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: bo });
  assert.equal(errno(tooLarge), 'EINVAL');
  assert.match(
    tooLarge.ok ? '' : tooLarge.reason,
    /\(drm_gem_mmap: drm_vma_offset_exact_lookup_locked finds no BO holding all its pages\)$/,
  );
  assert.equal(errno(mmap(as, 4n * PG, { flags: T.MAP_PRIVATE, fd: fd.fd, offset: bo })), 'EINVAL');
  ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: bo }));
});

test("a write through one BO never shows in another; a second mmap of a BO's offset is an alias", () => {
  const as = space();
  const fd = renderNode(as);
  const x = as.createBufferObject(fd, 2n * PG)!;
  const y = as.createBufferObject(fd, 2n * PG)!;
  const a = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: x }));
  const b = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: y }));
  const alias = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: x }));
  fill(as, a, 2n * PG, 0xaa);
  fill(as, b, 2n * PG, 0xbb);
  assert.equal(readByte(as, a + PG), 0xaa);
  assert.equal(readByte(as, alias + PG), 0xaa);
  assert.equal(readByte(as, b), 0xbb);
  // writeFile/readFile take the fd's offsets: the GPU writing BO y shows in y's mapping only.
  as.writeFile(fd, y + PG, 16n, 0xcc);
  assert.equal(readByte(as, b + PG), 0xcc);
  assert.equal(readByte(as, a + PG), 0xaa);
  assert.equal(as.readFile(fd, x, 1n)[0]?.datum, 0xaa);
});

test('device mapping rules stay: moves keep the BO and its offset, grow is EFAULT, DONTUNMAP EINVAL', () => {
  const as = space();
  const fd = renderNode(as);
  const bo = as.createBufferObject(fd, 4n * PG)!;
  const a = ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: bo }));
  fill(as, a + 3n * PG, PG, 0x5a);
  const MAYMOVE = T.MREMAP_MAYMOVE;
  assert.equal(errno(mremap(as, a, 4n * PG, 8n * PG, MAYMOVE)), 'EFAULT');
  assert.equal(errno(mremap(as, a, 4n * PG, 4n * PG, MAYMOVE | T.MREMAP_DONTUNMAP)), 'EINVAL');
  const low = ok(mremap(as, a + 2n * PG, 2n * PG, 2n * PG, MAYMOVE | T.MREMAP_FIXED, 0x6000_0000n));
  const moved = as.vmaAt(Number(low / PG))!;
  assert.equal(BigInt(moved.pgoff) * PG, bo + 2n * PG);
  assert.equal(readByte(as, low + PG), 0x5a);
});

// Freed offsets are reused as drm_mm's DRM_MM_INSERT_BEST does (drm_vma_offset_add →
// drm_mm_insert_node): the smallest hole that fits, the most recently added of equal ones, the
// BO at the hole's start; a freed range merges with the holes beside it.
test('a freed BO’s offset goes to a later BO that fits: the smallest hole, the newest of equal ones', () => {
  const as = space();
  const fd = renderNode(as);
  const G = 0x1_0000_0000n;
  const [a, b, c, d] = [4n, 2n, 4n, 8n].map((pages) => as.createBufferObject(fd, pages * PG)!);
  assert.deepEqual([a, b, c, d], [G, G + 4n * PG, G + 6n * PG, G + 10n * PG]);
  as.releaseBufferObject(fd, a!);
  as.releaseBufferObject(fd, c!);
  // Two holes of 4 pages: C's was added last.
  assert.equal(as.createBufferObject(fd, 2n * PG), c);
  // 3 pages: A's hole (4) is the smallest that fits; C's rest (2) is too small.
  assert.equal(as.createBufferObject(fd, 3n * PG), a);
  // 5 pages fit no hole: after the highest BO.
  assert.equal(as.createBufferObject(fd, 5n * PG), G + 18n * PG);
  // The new BO at a reused offset is a BO of its own: mmap takes its offset and its size.
  const reused = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: c! }));
  assert.equal(BigInt(as.vmaAt(Number(reused / PG))!.pgoff) * PG, c);
  assert.equal(errno(mmap(as, 3n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: c! })), 'EINVAL');
});

test('freed neighbours make one hole; a closed BO keeps its offset while a mapping holds it', () => {
  const as = space();
  const fd = renderNode(as);
  const G = 0x1_0000_0000n;
  const [, b, c] = [2n, 2n, 2n, 2n].map((pages) => as.createBufferObject(fd, pages * PG)!);
  const mapped = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: fd.fd, offset: b! }));
  as.releaseBufferObject(fd, b!);
  as.releaseBufferObject(fd, c!);
  // Splitting B's mapping replaces its VMA by two: B stays referenced throughout.
  ok(as.mprotect(mapped, PG, T.PROT_READ, O));
  // B is still mapped (its VMAs hold a reference), so only C's 2 pages are free.
  assert.equal(as.createBufferObject(fd, 4n * PG), G + 8n * PG);
  ok(as.munmap(mapped, 2n * PG, O));
  // B's and C's pages are one hole now.
  assert.equal(as.createBufferObject(fd, 4n * PG), b);
});

test("the offset space ends where the kernel's does (DRM_FILE_PAGE_OFFSET_SIZE): a BO past it gets no offset (ENOSPC)", () => {
  const as = space();
  const fd = renderNode(as);
  // (0xFFFFFFFF >> PAGE_SHIFT) * 256 pages from 4 GiB: 0xf_ffff * 256 pages of 4 KiB.
  const pages = 0xf_ffffn * 256n;
  assert.equal(as.createBufferObject(fd, pages * PG + PG), undefined, 'one page too many');
  assert.equal(as.createBufferObject(fd, 0xffff_ffff_ffff_f000n), undefined, 'no offset past 2^64');
  // A refused BO takes nothing: the space is whole for the next.
  assert.equal(as.createBufferObject(fd, pages * PG - PG), 0x1_0000_0000n);
  assert.equal(as.createBufferObject(fd, PG), 0x1_0000_0000n + (pages - 1n) * PG, 'the last page fits');
  assert.equal(as.createBufferObject(fd, PG), undefined, 'then the space is full');
});

test('freeing every BO of a large capture, newest first, gives the whole space back', () => {
  const as = space();
  const fd = renderNode(as);
  const count = 40_000;
  const offsets = Array.from({ length: count }, () => as.createBufferObject(fd, PG)!);
  // Newest first: each release joins the hole below it, so the holes must be merged in order.
  // (How long 40k releases take is not asserted: a wall-clock bound is a benchmark's job.)
  for (let i = count - 1; i >= 0; i--) as.releaseBufferObject(fd, offsets[i]!);
  assert.equal(as.createBufferObject(fd, BigInt(count) * PG), 0x1_0000_0000n, 'the space is whole again');
});
