// MAP_HUGETLB with no huge pages reserved (vm.nr_hugepages = 0, as on the observed 6.18 machine):
// each rule with a call that triggers it and one that does not; results checked on Linux 6.18.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { errno, lines, MiB, mmap, mremap, O, ok, PG, PRIV_ANON, RW, SHARED_ANON, space } from './helpers';

const HUGE = PRIV_ANON | T.MAP_HUGETLB;
const NORESERVE = HUGE | T.MAP_NORESERVE;
const MAP_HUGE_1GB = 30 << 26;
const GiB = 1024n * MiB;

test('without MAP_NORESERVE the reservation fails (ENOMEM); with it the map succeeds, private or shared', () => {
  const as = space();
  assert.equal(errno(mmap(as, 2n * MiB, { flags: HUGE })), 'ENOMEM');
  assert.equal(errno(mmap(as, 2n * MiB, { flags: HUGE, prot: T.PROT_NONE })), 'ENOMEM');
  assert.equal(errno(mmap(as, 2n * MiB, { flags: SHARED_ANON | T.MAP_HUGETLB })), 'ENOMEM');
  ok(mmap(as, 2n * MiB, { flags: NORESERVE }));
  ok(mmap(as, PG, { flags: SHARED_ANON | T.MAP_HUGETLB | T.MAP_NORESERVE }));
  assert.equal(as.mapCount, 2);
});

test('the length rounds up to the huge page and the place is huge-page aligned, named /anon_hugepage (deleted)', () => {
  const as = space('6.18', { mmapBase: 0x7fffc0000000n });
  const h = ok(mmap(as, PG, { flags: NORESERVE }));
  assert.equal(h, 0x7fffbfe00000n, 'the survey: 7fffbfe00000-7fffc0000000');
  const vma = as.vmaAt(Number(h / PG)) as T.Vma;
  assert.equal(BigInt(vma.endPage - vma.startPage) * PG, 2n * MiB);
  assert.equal(vma.object.name, '/anon_hugepage (deleted)');
  assert.equal(vma.vmFlags & T.VM_ACCOUNT, 0, 'accountable_mapping() leaves hugetlb out');
  // A plain map below it is not aligned (the alignment is the hugetlbfs file's, not THP's).
  assert.equal(ok(mmap(as, PG)), 0x7fffbfdff000n);
  // The next hugetlb map skips down to the next 2 MiB boundary that fits.
  assert.equal(ok(mmap(as, PG, { flags: NORESERVE })), 0x7fffbfa00000n);
  // Two hugetlb maps side by side are two files: no merge.
  ok(mmap(as, 2n * MiB, { addr: 0x7e2000000000n, flags: NORESERVE | T.MAP_FIXED }));
  ok(mmap(as, 2n * MiB, { addr: 0x7e2000200000n, flags: NORESERVE | T.MAP_FIXED }));
  assert.equal(lines(as).filter((l) => l.startsWith('7e2')).length, 2);
});

test('MAP_HUGE_SHIFT: 30 maps 1 GiB pages (1 GiB length and alignment); an unknown size is EINVAL', () => {
  const as = space();
  const g = ok(mmap(as, 1n, { flags: NORESERVE | MAP_HUGE_1GB }));
  assert.equal(g % GiB, 0n);
  const vma = as.vmaAt(Number(g / PG)) as T.Vma;
  assert.equal(BigInt(vma.endPage - vma.startPage) * PG, GiB);
  assert.equal(errno(mmap(as, GiB, { flags: NORESERVE | (25 << 26) })), 'EINVAL');
  assert.equal(errno(mmap(as, 2n * MiB, { flags: HUGE | (21 << 26) })), 'ENOMEM', '21 is the 2 MiB default');
});

test('a MAP_FIXED / MAP_FIXED_NOREPLACE address off the huge page is EINVAL, before the reservation', () => {
  const as = space();
  const off = 0x7ff000001000n;
  assert.equal(errno(mmap(as, 2n * MiB, { addr: off, flags: HUGE | T.MAP_FIXED })), 'EINVAL');
  assert.equal(errno(mmap(as, 2n * MiB, { addr: off, flags: HUGE | T.MAP_FIXED_NOREPLACE })), 'EINVAL');
  // Past TASK_SIZE: unaligned is still EINVAL (hugetlb_get_unmapped_area first), aligned is ENOMEM.
  assert.equal(
    errno(mmap(as, 2n * MiB, { addr: 0x7ffffff00000n, flags: NORESERVE | T.MAP_FIXED })),
    'EINVAL',
  );
  assert.equal(
    errno(mmap(as, 4n * MiB, { addr: 0x7fffffe00000n, flags: NORESERVE | T.MAP_FIXED })),
    'ENOMEM',
  );
  assert.equal(
    ok(mmap(as, 2n * MiB, { addr: 0x7ff000200000n, flags: NORESERVE | T.MAP_FIXED })),
    0x7ff000200000n,
  );
  // A hint is aligned up, and used if free.
  assert.equal(ok(mmap(as, 2n * MiB, { addr: 0x7fe000001000n, flags: NORESERVE })), 0x7fe000200000n);
});

test('an aligned MAP_FIXED whose reservation fails has already unmapped the destination (checked on 6.18)', () => {
  const as = space();
  const x = ok(mmap(as, 4n * MiB, { addr: 0x7e0000000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  const r = mmap(as, 2n * MiB, { addr: x, flags: HUGE | T.MAP_FIXED });
  assert.equal(errno(r), 'ENOMEM');
  assert.ok(r.effects.some((e) => e.kind === 'replaced'));
  assert.deepEqual(lines(as), ['7e0000200000-7e0000400000 3']);
});

test('touching a hugetlb mapping is SIGBUS (no huge page to fault in); without the permission it is SIGSEGV first', () => {
  const as = space();
  const h = ok(mmap(as, 2n * MiB, { flags: NORESERVE }));
  const r = as.read(h, 1n, O);
  assert.equal(r.ok ? 'ok' : r.signal, 'SIGBUS');
  const w = as.write(h + MiB, PG, 1, O);
  assert.equal(w.ok ? 'ok' : w.signal, 'SIGBUS');
  const none = ok(mmap(as, 2n * MiB, { flags: NORESERVE, prot: T.PROT_NONE }));
  const n = as.read(none, 1n, O);
  assert.equal(n.ok ? 'ok' : n.signal, 'SIGSEGV');
});

test('MAP_GROWSDOWN with MAP_HUGETLB is EINVAL (a file mapping)', () => {
  const as = space();
  assert.equal(errno(mmap(as, 2n * MiB, { flags: NORESERVE | T.MAP_GROWSDOWN })), 'EINVAL');
});

test('munmap and mprotect split a hugetlb VMA only at huge page boundaries (hugetlb_vm_op_split)', () => {
  const as = space();
  const f = ok(mmap(as, 4n * MiB, { addr: 0x7e0000000000n, flags: NORESERVE | T.MAP_FIXED }));
  assert.equal(errno(as.munmap(f + PG, PG, O)), 'EINVAL');
  assert.equal(errno(as.munmap(f, PG, O)), 'EINVAL');
  assert.equal(errno(as.mprotect(f, PG, T.PROT_READ, O)), 'EINVAL');
  assert.equal(errno(as.mprotect(f + 2n * MiB, PG, T.PROT_READ, O)), 'EINVAL');
  assert.equal(errno(as.mprotect(f, 3n * MiB, T.PROT_READ, O)), 'EINVAL');
  // mprotect(f + 2MiB, 4KiB) split at f + 2MiB before its end split was refused, and the kernel
  // keeps that split (vma_modify). So mprotect(f, 3MiB) then changed all of the first VMA before
  // the second refused its split at 3 MiB (hp.c on 6.18, "seq": EINVAL, EINVAL, maps
  // 30000000-30200000 r--p, 30200000-30400000 rw-p).
  assert.deepEqual(
    lines(as),
    ['7e0000000000-7e0000200000 1', '7e0000200000-7e0000400000 3'],
    'the start split of mprotect(f + 2MiB, 4KiB) stays; mprotect(f, 3MiB) changed the VMA before it',
  );
  ok(as.mprotect(f, 2n * MiB, T.PROT_READ, O));
  assert.deepEqual(lines(as), ['7e0000000000-7e0000200000 1', '7e0000200000-7e0000400000 3']);
  ok(as.munmap(f + 2n * MiB, 2n * MiB, O));
  assert.equal(errno(as.munmap(f + 2n * MiB - PG, 2n * PG, O)), 'EINVAL');
  assert.deepEqual(lines(as), ['7e0000000000-7e0000200000 1']);
  // A plain mapping next to it still splits anywhere.
  const plain = ok(mmap(as, 4n * PG, { addr: 0x7e1000000000n, flags: PRIV_ANON | T.MAP_FIXED, prot: RW }));
  ok(as.munmap(plain + PG, PG, O));
});

// hp.c on Linux 6.18: a fresh 4 MiB hugetlb mapping h at 0x3000_0000 per call, the call's result,
// then /proc/self/maps. A call that changes vm_flags splits at its start, then at its end
// (vma_modify); the end split off the huge page is refused (hugetlb_vm_op_split: EINVAL) and the
// start split stays. A call that changes nothing, or is refused before vma_modify, splits nothing.
const HP_CASES: readonly {
  readonly name: string;
  readonly call: (as: T.AddressSpace, h: bigint) => T.SyscallResult;
  readonly result: string;
  readonly maps: readonly string[];
}[] = [
  {
    name: 'mprotect(h + 2MiB, 4KiB, PROT_READ)',
    call: (as, h) => as.mprotect(h + 2n * MiB, PG, T.PROT_READ, O),
    result: 'EINVAL',
    maps: ['30000000-30200000 3', '30200000-30400000 3'],
  },
  {
    name: 'mprotect(h + 2MiB, 4KiB, PROT_READ|PROT_WRITE): no change, no split',
    call: (as, h) => as.mprotect(h + 2n * MiB, PG, RW, O),
    result: '0',
    maps: ['30000000-30400000 3'],
  },
  {
    name: 'mprotect(h + 4KiB, 4KiB, PROT_READ): the start split is the refused one',
    call: (as, h) => as.mprotect(h + PG, PG, T.PROT_READ, O),
    result: 'EINVAL',
    maps: ['30000000-30400000 3'],
  },
  {
    name: 'mprotect(h + 2MiB, 2MiB + 4KiB, PROT_READ): no end split; the hole after it is ENOMEM',
    call: (as, h) => as.mprotect(h + 2n * MiB, 2n * MiB + PG, T.PROT_READ, O),
    result: 'ENOMEM',
    maps: ['30000000-30200000 3', '30200000-30400000 1'],
  },
  {
    name: 'madvise(h + 2MiB, 4KiB, MADV_DONTFORK)',
    call: (as, h) => as.madvise(h + 2n * MiB, PG, T.MADV_DONTFORK, O),
    result: 'EINVAL',
    maps: ['30000000-30200000 3', '30200000-30400000 3'],
  },
  {
    name: 'madvise(h + 2MiB, 4KiB, MADV_DOFORK): VM_DONTCOPY already clear, no split',
    call: (as, h) => as.madvise(h + 2n * MiB, PG, T.MADV_DOFORK, O),
    result: '0',
    maps: ['30000000-30400000 3'],
  },
  {
    name: 'madvise(h + 2MiB, 4KiB, MADV_DOFORK) after MADV_DONTFORK of all of h',
    call: (as, h) => {
      ok(as.madvise(h, 4n * MiB, T.MADV_DONTFORK, O));
      return as.madvise(h + 2n * MiB, PG, T.MADV_DOFORK, O);
    },
    result: 'EINVAL',
    maps: ['30000000-30200000 3', '30200000-30400000 3'],
  },
  {
    name: 'madvise(h + 2MiB, 4KiB, MADV_WIPEONFORK): refused (a hugetlbfs file) before any split',
    call: (as, h) => as.madvise(h + 2n * MiB, PG, T.MADV_WIPEONFORK, O),
    result: 'EINVAL',
    maps: ['30000000-30400000 3'],
  },
  {
    name: 'madvise(h + 2MiB, 4KiB, MADV_KEEPONFORK): no change, no split',
    call: (as, h) => as.madvise(h + 2n * MiB, PG, T.MADV_KEEPONFORK, O),
    result: '0',
    maps: ['30000000-30400000 3'],
  },
  {
    name: 'madvise(h + 2MiB, 4KiB, MADV_DONTNEED): zaps pages, never splits',
    call: (as, h) => as.madvise(h + 2n * MiB, PG, T.MADV_DONTNEED, O),
    result: '0',
    maps: ['30000000-30400000 3'],
  },
  {
    name: 'madvise(h + 2MiB, 4KiB, MADV_FREE): refused for hugetlb, no split',
    call: (as, h) => as.madvise(h + 2n * MiB, PG, T.MADV_FREE, O),
    result: 'EINVAL',
    maps: ['30000000-30400000 3'],
  },
];

for (const c of HP_CASES) {
  test(`a refused end split keeps the start split (vma_modify, checked on 6.18): ${c.name}`, () => {
    const as = space();
    const h = ok(mmap(as, 4n * MiB, { addr: 0x3000_0000n, flags: NORESERVE | T.MAP_FIXED }));
    const r = c.call(as, h);
    assert.equal(r.ok ? String(r.value) : r.errno, c.result);
    assert.deepEqual(lines(as), c.maps);
  });
}

test('mremap of a MAP_HUGETLB mapping: whole huge pages, aligned addresses, no growth (align_hugetlb, 5.16+)', () => {
  for (const version of ['6.6', '6.18']) {
    const as = space(version);
    const h = ok(mmap(as, 2n * MiB, { flags: NORESERVE }));
    assert.equal(errno(mremap(as, h, 2n * MiB, 4n * MiB, T.MREMAP_MAYMOVE)), 'EINVAL', `${version}: grow`);
    const fixed = T.MREMAP_MAYMOVE | T.MREMAP_FIXED;
    assert.equal(errno(mremap(as, h, 2n * MiB, 2n * MiB, fixed, 0x4000_1000n)), 'EINVAL', `${version}: new`);
    assert.equal(errno(mremap(as, h + PG, PG, PG, fixed, 0x4000_0000n)), 'EINVAL', `${version}: old`);
    // Lengths round up to the whole huge page first: an unaligned shrink, or a "grow" within
    // the huge page, changes nothing.
    assert.equal(ok(mremap(as, h, 2n * MiB, 2n * MiB - PG, 0)), h, `${version}: shrink`);
    assert.equal(ok(mremap(as, h, PG, 2n * PG, 0)), h, `${version}: within the huge page`);
    assert.equal(ok(mremap(as, h, MiB, 2n * MiB, T.MREMAP_MAYMOVE)), h, `${version}: to the huge page`);
    assert.equal(
      ok(mremap(as, h, 2n * MiB, 2n * MiB, fixed, 0x4000_0000n)),
      0x4000_0000n,
      `${version}: move`,
    );
  }
});

test('before 5.16 a MAP_HUGETLB mapping cannot be moved at all (vma_to_resize)', () => {
  const as = space('5.15');
  const h = ok(mmap(as, 2n * MiB, { flags: NORESERVE }));
  const fixed = T.MREMAP_MAYMOVE | T.MREMAP_FIXED;
  assert.equal(errno(mremap(as, h, 2n * MiB, 2n * MiB, fixed, 0x4000_0000n)), 'EINVAL');
});
