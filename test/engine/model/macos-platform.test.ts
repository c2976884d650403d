// `platform macos`: XNU's page size and map end (sim/macos-geometry.ts), and the note on what it
// still runs Linux's way (sim/linux-only.ts, `kernel-unmodelled`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';

function kernelOf(settings: string) {
  const run = analyse(`scenario "geometry" {
${settings}
  a = mmap 4KiB rw private anon
}
`);
  return { kernel: run.scenarios[0]!.run.simulation.platform.kernel, diagnostics: run.diagnostics };
}

test('macOS on arm64 has 16 KiB pages and ends its map at arm64 MACH_VM_MAX_ADDRESS', () => {
  const { kernel, diagnostics } = kernelOf('  platform macos\n  arch arm64');
  assert.deepEqual(diagnostics, []);
  assert.equal(kernel.pageSize, 16384n);
  assert.equal(kernel.taskSize, 0x7fff_fe00_0000n);
  assert.ok(kernel.mmapBase < 0x7fff_fe00_0000n);
  // 16 KiB pages alone imply arm64, as on Linux.
  assert.equal(kernelOf('  platform macos\n  page-size 16KiB').kernel.taskSize, 0x7fff_fe00_0000n);
});

test('macOS with 4 KiB pages: x86-64 (or a 4 KiB arm64 map, as Rosetta 2 processes have)', () => {
  const x86 = kernelOf('  platform macos').kernel;
  assert.equal(x86.pageSize, 4096n);
  assert.equal(x86.taskSize, 0x7fff_ffe0_0000n);
  const rosetta = kernelOf('  platform macos\n  arch arm64\n  page-size 4KiB');
  assert.deepEqual(rosetta.diagnostics, []);
  assert.equal(rosetta.kernel.pageSize, 4096n);
  assert.equal(rosetta.kernel.taskSize, 0x7fff_fe00_0000n);
  // Linux keeps its own geometry.
  const linux = kernelOf('  arch arm64').kernel;
  assert.equal(linux.pageSize, 4096n);
  assert.equal(linux.taskSize, 1n << 48n);
});

test('macOS has no 64 KiB pages: number-out-of-range, and the page size stays', () => {
  const alone = kernelOf('  platform macos\n  page-size 64KiB');
  assert.deepEqual(
    alone.diagnostics.map((d) => d.code),
    ['number-out-of-range'],
  );
  assert.match(alone.diagnostics[0]!.message, /macOS pages are 4 KiB or 16 KiB.*stays 4 KiB/);
  assert.equal(alone.kernel.pageSize, 4096n);
  const arm = kernelOf('  platform macos\n  arch arm64\n  page-size 64KiB');
  assert.match(arm.diagnostics[0]!.message, /stays 16 KiB/);
  assert.equal(arm.kernel.pageSize, 16384n);
  // Linux arm64 kernels do have them.
  assert.deepEqual(kernelOf('  page-size 64KiB').diagnostics, []);
});

test('macOS arm64 alias: the 16 KiB page exposes the neighbour a 4 KiB page would not', () => {
  const text = `scenario "macOS arm64 alias neighbours" {
  platform macos
  arch arm64
  driver gpu {
    backing device
    maps pool
    pool-size 2MiB
    caches-pointer
  }
  strategy alias
  a = vkAllocateMemory 8KiB host-visible
  b = vkAllocateMemory 1KiB host-visible
  pa = vkMapMemory a
}
`;
  assert.deepEqual(codes(text), ['alias-exposes-neighbours']);
  // The driver's pointer is in macOS's user map, below MACH_VM_MAX_ADDRESS.
  const vmas = analyse(text).scenarios[0]!.run.simulation.space.vmas();
  assert.ok(vmas.length > 0);
  for (const vma of vmas) assert.ok(BigInt(vma.endPage) * 16384n <= 0x7fff_fe00_0000n);
});

test('Linux-only calls on macOS get a kernel-unmodelled note; the calls macOS has do not', () => {
  const on = (platform: string, step: string) => `scenario "call" {
  ${platform}
  a = mmap 64KiB rw private anon
  ${step}
}
`;
  const linuxOnly = [
    'b = mremap a, 64KiB, 64KiB maymove dontunmap',
    'madvise a, 4KiB, dontfork',
    'b = mmap 4KiB rw private anon fixed-noreplace at 0x1000_0000',
    'mseal a, 4KiB',
    'f = open memfd "buf" 4KiB',
    'uffd a, 4KiB zero',
  ];
  for (const step of linuxOnly) {
    assert.deepEqual(codes(on('platform macos', step)), ['kernel-unmodelled'], step);
    assert.ok(!codes(on('platform linux', step)).includes('kernel-unmodelled'), step);
  }
  const macos = [
    'madvise a, 4KiB, dontneed',
    'b = mmap 4KiB rw private anon fixed at 0x1000_0000',
    'res = reserve 64KiB at 0x1000_0000 by wine',
    'b = mach_vm_remap a, 4KiB',
    'mprotect a, 4KiB, r',
  ];
  for (const step of macos) assert.deepEqual(codes(on('platform macos', step)), [], step);
});

test('Linux-only strategies on macOS get the note at the strategy; alias and GL keep mach_vm_remap', () => {
  const run = (platform: string, strategy: string) => `scenario "strategy" {
  ${platform}
  driver gpu {
    backing anon
    caches-pointer
  }
  strategy ${strategy}
  a = vkAllocateMemory 4KiB host-visible
  pa = vkMapMemory a
}
`;
  for (const strategy of ['remap-dontunmap', 'remap-move', 'reserve-high', 'mmap32']) {
    const diagnostics = analyse(run('platform macos', strategy)).diagnostics;
    const note = diagnostics.find((d) => d.code === 'kernel-unmodelled');
    assert.ok(note, strategy);
    assert.match(note.message, /not a macOS result/);
    assert.ok(!codes(run('platform linux', strategy)).includes('kernel-unmodelled'), strategy);
  }
  for (const strategy of ['alias', 'none', 'shadow-copy', 'external-memory-host', 'placed', 'hook-mmap'])
    assert.ok(!codes(run('platform macos', strategy)).includes('kernel-unmodelled'), strategy);
});
