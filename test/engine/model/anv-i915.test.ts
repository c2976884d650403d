// ANV on i915, as an Intel developer's review checked it against Mesa (anv_device.c,
// anv_physical_device.c) and the kernel (i915_gem_mman.c, i915_gem_dmabuf.c): how much of a BO a
// ranged vkMapMemory maps, placed maps and BO mappings before Linux 5.6, i915 paths opened by name,
// and the offset a dma-buf mapping shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';
import { simulatedMapLines } from '../../../server/src/engine/export/kernel-maps';
import { explore } from '../../../server/src/engine/explore/explore';

const anvMmaps = (text: string, step: number) =>
  callsOf(text, step).filter((c) => /^anv: mmap\(.*MAP_SHARED/.test(c));

test('ANV maps a BO from its start through the end of the mapped range, not the whole BO; RADV maps the whole BO', () => {
  const hook = `scenario "h1" {
  driver anv { preset anv }
  strategy hook-mmap
  m = vkAllocateMemory 3GiB host-visible coherent
  p = vkMapMemory m size 4KiB
}`;
  // anv_MapMemory2KHR: map_offset 0, map_size align64(offset + size, 4096): 4 KiB fits the window.
  assert.deepEqual(codes(hook), []);
  assert.match(anvMmaps(hook, 1)[0] ?? '', /^anv: mmap\(0x1_0000, 0x1000, /);
  const ranged = `scenario "a-small" {
  driver anv { preset anv }
  m = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory2 m offset 64KiB size 4KiB
}`;
  assert.match(anvMmaps(ranged, 1)[0] ?? '', /^anv: mmap\(NULL, 0x1_1000, /);
  // VK_WHOLE_SIZE (what Wine's placed map passes) maps the whole BO.
  assert.match(anvMmaps(ranged.replace(' size 4KiB', ''), 1)[0] ?? '', /^anv: mmap\(NULL, 0x10_0000, /);
  // radv_amdgpu_winsys_bo_map maps the whole BO whatever the range.
  const radv = ranged.replace('driver anv { preset anv }', 'driver anv { preset radv }');
  assert.match(anvMmaps(radv, 1)[0] ?? '', /^anv: mmap\(NULL, 0x10_0000, /);
  // The pointer is the mapping's start plus the offset, inside what was mapped.
  const run = analyse(ranged).scenarios[0]!.run;
  const mapping = run.simulation.space.vmas().find((v) => v.object.kind === 'device')!;
  assert.equal(BigInt(mapping.endPage - mapping.startPage) * 4096n, 0x1_1000n);
});

test('ANV has no placed maps before Linux 5.6: Wine falls back to importing host memory, and says why', () => {
  const text = (kernel: string) => `scenario "b1" {
  kernel ${kernel}
  driver anv { preset anv }
  strategy placed
  m = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory m
}`;
  const old = analyse(text('5.4')).diagnostics;
  assert.deepEqual(
    old.map((d) => d.code),
    ['placed-unsupported'],
  );
  assert.match(
    old[0]!.message,
    /anv does not expose VK_EXT_map_memory_placed: its kernel is older than Linux 5\.6.*has_mmap_offset/,
  );
  assert.ok(!callsOf(text('5.4'), 1).some((c) => /vkMapMemory2KHR.*placed/i.test(c)));
  // From 5.6 (DRM_I915_GEM_MMAP_OFFSET) the placed path is taken.
  assert.deepEqual(codes(text('5.6')), []);
  // A `placed-map` line says what the driver exposes: kept.
  assert.deepEqual(codes(text('5.4').replace('preset anv }', 'preset anv\n    placed-map 4KiB }')), []);
});

test('before Linux 5.6 ANV maps a BO as its shmem file (I915_GEM_MMAP): no VM_PFNMAP, so mremap, DONTUNMAP aliases and DOFORK work', () => {
  const c1 = `scenario "c1" {
  kernel 5.4
  driver anv { preset anv }
  m = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory m
  a = mremap p, 0, 64KiB, maymove
  d = madvise p, 64KiB, dofork
}`;
  // Only the map outside the 32-bit window: no kernel refusal.
  assert.deepEqual(codes(c1), ['pointer-outside-window']);
  const lines = simulatedMapLines(analyse(c1).scenarios[0]!.run.simulation.space.vmas(), 4096n).filter(
    (l) => l.name !== '',
  );
  assert.ok(lines.length > 0);
  assert.ok(lines.every((l) => l.name === '/i915 (deleted)' && l.offset === 0n && l.perms === 'rw-s'));
  const c2 = `scenario "c2" {
  kernel 5.4
  driver anv { preset anv }
  strategy alias
  m = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory m
}`;
  assert.deepEqual(codes(c2), []);
  // From 5.6 i915_gem_mmap's VM_PFNMAP|VM_IO|VM_DONTEXPAND refuse all three.
  assert.deepEqual(codes(c1.replace('kernel 5.4', 'kernel 5.6')), [
    'kernel-refused',
    'kernel-refused',
    'pointer-outside-window',
  ]);
  assert.deepEqual(codes(c2.replace('kernel 5.4', 'kernel 5.6')), ['kernel-refused']);
});

test('a device opened as anon_inode:i915.gem maps as i915 does: MAP_PRIVATE is not refused (no is_cow_mapping check)', () => {
  const f2 = `scenario "f2" {
  bo = open device "anon_inode:i915.gem" 64KiB offset 0x1_0000_0000
  p = mmap 64KiB rw private fd bo offset 0x1_0000_0000
}`;
  assert.deepEqual(codes(f2), []);
  // Its flags are still i915_gem_mmap's: MADV_DOFORK is refused on VM_IO.
  assert.deepEqual(codes(f2.replace('\n}', '\n  d = madvise p, 64KiB, dofork\n}')), ['kernel-refused']);
  // A render node opened by name is still TTM-like: the same private map is EINVAL.
  assert.deepEqual(codes(f2.replaceAll('"anon_inode:i915.gem"', '"renderD128"')), ['kernel-refused']);
});

test('an i915 dma-buf mapping shows the offset the fd was mapped at, not the BO’s fake offset', () => {
  const d1 = `scenario "d1" {
  kernel 6.8
  driver anv { preset anv }
  m = vkAllocateMemory 128KiB host-visible exportable
  buf = vkGetMemoryFdKHR m dma-buf
  high = mmap 64KiB rw shared fd buf
  part = mmap 4KiB rw shared fd buf offset 8KiB
}`;
  assert.deepEqual(codes(d1), []);
  const lines = simulatedMapLines(analyse(d1).scenarios[0]!.run.simulation.space.vmas(), 4096n).filter(
    (l) => l.name === '/dmabuf:',
  );
  assert.deepEqual(
    lines.map((l) => l.offset).sort((a, b) => (a < b ? -1 : 1)),
    [0n, 0x2000n],
  );
  // radv's dma-buf mmap (drm_gem_prime_mmap) adds the fake offset: its lines show it.
  const radv = simulatedMapLines(
    analyse(d1.replace('preset anv', 'preset radv')).scenarios[0]!.run.simulation.space.vmas(),
    4096n,
  ).filter((l) => l.name === '/dmabuf:');
  assert.ok(radv.length === 2 && radv.every((l) => l.offset >= 0x1_0000_0000n));
});

test("before Linux 5.6 ANV's BO mappings are made inside DRM_IOCTL_I915_GEM_MMAP: no mmap hook sees them", () => {
  const hooked = (kernel: string, trait = '') => `scenario "hook" {
  kernel ${kernel}
  driver anv {
    preset anv${trait}
  }
  strategy hook-mmap
  m = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory m
}`;
  // i915_gem_mmap_ioctl calls vm_mmap in the kernel: libc's mmap, and a hook on it, never run.
  assert.deepEqual(codes(hooked('5.4')), ['hook-bypassed', 'pointer-outside-window']);
  const message = analyse(hooked('5.4')).diagnostics.find((d) => d.code === 'hook-bypassed')?.message ?? '';
  assert.match(message, /DRM_IOCTL_I915_GEM_MMAP/);
  // From 5.6 ANV maps the mmap offset through libc's mmap, which the hook sees.
  assert.deepEqual(codes(hooked('5.6')), []);
  // A `mmap-via` line says how the driver maps, and is kept.
  assert.deepEqual(codes(hooked('5.4', '\n    mmap-via libc')), []);
});

// An `any` line asks what the driver may do; before Linux 5.6 the kernel leaves ANV one way to map
// and no placed maps, so `check` analyses it as without the line (review recheck 3, finding 2).
const anvOn = (kernel: string, strategy: string, lines: readonly string[]) => `scenario "anv any" {
  ${kernel ? `kernel ${kernel}\n  ` : ''}strategy ${strategy}
  driver anv {
    preset anv
${lines.map((l) => `    ${l}\n`).join('')}  }
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
}
`;

test('before Linux 5.6 `mmap-via any` and `placed-map any` leave ANV as the kernel makes it', () => {
  assert.deepEqual(codes(anvOn('5.4', 'hook-mmap', ['mmap-via any'])), [
    'hook-bypassed',
    'pointer-outside-window',
  ]);
  const placed = anvOn('5.4', 'placed', ['placed-map any']);
  assert.deepEqual(codes(placed), ['placed-unsupported']);
  assert.ok(!callsOf(placed, 1).some((c) => /vkMapMemory2KHR.*placed/i.test(c)));
  // A line with a value still says what the driver does.
  assert.deepEqual(codes(anvOn('5.4', 'hook-mmap', ['mmap-via libc'])), []);
});

test("explore: before Linux 5.6 ANV's `mmap-via` and `placed-map` are not explored, and say why", () => {
  const alone = explore(anvOn('5.4', 'hook-mmap', ['mmap-via any']));
  assert.deepEqual(alone.scenarios, []);
  assert.match(
    alone.problems.join('\n'),
    /nothing to explore: .*`mmap-via any` is not explored .*DRM_I915_GEM_MMAP/,
  );
  assert.match(
    explore(anvOn('5.4', 'placed', ['placed-map any'])).problems.join('\n'),
    /`placed-map any` is not explored .*no placed maps/,
  );
  const beside = explore(anvOn('5.4', 'hook-mmap', ['mmap-via any', 'caches-pointer any'])).scenarios[0]!;
  assert.ok(beside.behaviours.every((b) => !('mmap-via' in b.values) && b.hazard === 'hook-bypassed'));
  assert.ok(beside.notes.some((n) => /`mmap-via any` is not explored/.test(n)));
  // From 5.6 the driver may map either way: explored.
  const current = explore(anvOn('6.1', 'hook-mmap', ['mmap-via any'])).scenarios[0]!;
  assert.deepEqual(current.behaviours.map((b) => `${b.values['mmap-via']} ${b.verdict}`).sort(), [
    'libc safe',
    'syscall unsafe',
  ]);
  // Kernels explored: each run on 5.4 maps through the ioctl, whatever mmap-via it explores.
  const kernels = explore(anvOn('', 'hook-mmap', ['mmap-via any']), { kernels: ['5.4', '6.1'] })
    .scenarios[0]!;
  assert.ok(
    kernels.behaviours.filter((b) => b.values.kernel === '5.4').every((b) => b.hazard === 'hook-bypassed'),
    kernels.summary,
  );
});
